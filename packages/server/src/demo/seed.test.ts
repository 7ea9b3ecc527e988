import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '@safekeep/core';
import { startHarness, type Harness } from '../../test/harness.js';
import { verifyAuditTrail } from '../audit/audit.service.js';
import { DEMO_PASSWORD, seedDemo, type DemoResult } from './seed.js';

let h: Harness;
let result: DemoResult;
beforeAll(async () => {
  // The app's clock is the seed's: the worklist then sees the history as of today.
  h = await startHarness({ now: new Date().toISOString() });
  result = await seedDemo(h.database, h.blobs, h.clock);
}, 600_000);
afterAll(async () => h.close());

const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(h.db)).rows;

describe('the demo authority', () => {
  it('has three teams and a user for every role', async () => {
    expect(result.created).toBe(true);
    const teams = await h.db.selectFrom('team').select('name').execute();
    expect(teams).toHaveLength(3);
    const users = await h.db.selectFrom('app_user').select('roles').execute();
    for (const role of ROLES) expect(users.some((u) => u.roles.includes(role)), role).toBe(true);
    expect(result.logins.length).toBe(users.length);
  });

  it('has about 40 children, each with involvements, allocations and 20–200 entries', async () => {
    const perChild = await one(sql<{ id: string; entries: number; involvements: number; allocations: number }>`
      select c.id,
        (select count(*)::int from entry e where e.child_id = c.id) as entries,
        (select count(*)::int from involvement i where i.child_id = c.id) as involvements,
        (select count(*)::int from allocation a where a.child_id = c.id and a.ended_at is null) as allocations
      from child c join case_record r on r.child_id = c.id where r.status = 'open'`);
    expect(perChild.length).toBeGreaterThanOrEqual(35);
    expect(perChild.length).toBeLessThanOrEqual(45);
    for (const c of perChild) {
      expect(c.entries, c.id).toBeGreaterThanOrEqual(20);
      expect(c.entries, c.id).toBeLessThanOrEqual(200);
      expect(c.involvements).toBeGreaterThan(0);
      expect(c.allocations).toBeGreaterThanOrEqual(2);
    }
  });

  it('also keeps archived paper-era records: closed, past their dates, held by the IICSA hold, their files in boxes', async () => {
    const old = await one(sql<{ id: string; open: number; files: number; holds: string[]; status: string; destruction_date: string | null }>`
      select c.id, (select count(*)::int from involvement i where i.child_id = c.id and i.end_date is null) as open,
             (select count(*)::int from paper_file f where f.child_id = c.id) as files,
             (select array_agg(name order by name) from sk_child_active_holds(c.id)) as holds, l.status, l.destruction_date::text
      from child c join case_record r on r.child_id = c.id left join retention_label l on l.child_id = c.id
      where r.status = 'archived'`);
    expect(old.length).toBeGreaterThanOrEqual(3);
    for (const c of old) {
      expect(c.open, c.id).toBe(0);
      expect(c.files, c.id).toBeGreaterThan(0);
      expect(c.status).toBe('determined');
      expect(c.holds).toContain('iicsa');
    }
    expect(old.some((c) => c.destruction_date === '2071-03-01')).toBe(true);
    // A foster carer's record past its date (FSR 2011 reg 32(1): 10 years from the end of approval), held only by IICSA.
    const carers = await one(sql<{ destruction_date: string; holds: string[]; files: number }>`
      select l.destruction_date::text, (select array_agg(name order by name) from sk_carer_active_holds(c.id)) as holds,
             (select count(*)::int from paper_file f where f.carer_id = c.id) as files
      from carer c join carer_retention_label l on l.carer_id = c.id
      where c.status = 'closed' and l.status = 'determined' and l.destruction_date < '2026-01-01'`);
    expect(carers).toEqual([{ destruction_date: '2018-09-30', holds: ['iicsa'], files: 1 }]);
  });

  it('shows confidentiality at work: an inspector’s grants, a restricted record, a break-glass opening to review', async () => {
    const [c] = await one(sql<{ grants: number; restricted: number; glass: number }>`
      select (select count(*)::int from access_grant) as grants,
             (select count(*)::int from restriction_current) as restricted,
             (select count(*)::int from break_glass) as glass`);
    expect(c?.grants).toBeGreaterThanOrEqual(1);
    expect(c?.restricted).toBe(1);
    expect(c?.glass).toBe(1);
    const login = async (username: string) => (await h.request<{ token: string }>('POST', '/api/v1/session', { body: { username, password: DEMO_PASSWORD } })).body.token;
    const inspector = await login('insp.olivia');
    const seen = await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/children', { token: inspector });
    expect(seen.body.items.length).toBe(c?.grants);
    expect((await h.request('GET', `/api/v1/children/${seen.body.items[0]?.id ?? ''}/entries`, { token: inspector })).status).toBe(200);
    const dpo = await login('dpo.sarah');
    const review = await h.request<{ items: unknown[] }>('GET', '/api/v1/break-glass', { token: dpo });
    expect(review.body.items).toHaveLength(1);
    const sars = await h.request<{ items: Array<{ dueDate: string | null }> }>('GET', '/api/v1/sars', { token: dpo });
    expect(sars.status).toBe(200);
    expect(sars.body.items).toHaveLength(1);
  });

  it('has corrected entries (second versions), documents on disk, siblings and closed involvements', async () => {
    const [counts] = await one(sql<{ corrected: number; documents: number; siblings: number; closed: number; kinds: number }>`
      select (select count(*)::int from entry where current_version > 1) as corrected,
             (select count(*)::int from document) as documents,
             (select count(*)::int from relationship) as siblings,
             (select count(*)::int from involvement where end_date is not null) as closed,
             (select count(distinct kind)::int from entry) as kinds`);
    expect(counts?.corrected).toBeGreaterThan(20);
    expect(counts?.documents).toBeGreaterThan(20);
    expect(counts?.siblings).toBeGreaterThan(0);
    expect(counts?.closed).toBeGreaterThan(0);
    expect(counts?.kinds).toBeGreaterThanOrEqual(15);
    const doc = await h.db.selectFrom('document').select('sha256').limit(1).executeTakeFirstOrThrow();
    expect(await h.blobs.has(doc.sha256)).toBe(true);
  });

  it('covers recording: drafts (some overdue), late visits, carers with duplicates, group visits, traced decisions', async () => {
    const [c] = await one(sql<{ drafts: number; overdue: number; late: number; carers: number; carerEntries: number; duplicates: number; groups: number; informed: number; contributions: number }>`
      select (select count(*)::int from entry where status = 'draft') as drafts,
             (select count(*)::int from entry where status = 'draft' and recording_due_by < now()) as overdue,
             (select count(*)::int from entry where finalised_at > recording_due_by) as late,
             (select count(*)::int from carer) as carers,
             (select count(*)::int from carer_entry) as "carerEntries",
             (select count(*)::int from entry where kind = 'duplicate-entry') as duplicates,
             (select count(*)::int from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version where v.fields ? 'group') as groups,
             (select count(*)::int from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version where e.kind = 'decision' and jsonb_array_length(v.fields -> 'informedBy') > 0) as informed,
             (select count(*)::int from entry where kind = 'child-contribution') as contributions`);
    expect(c?.drafts).toBeGreaterThan(0);
    expect(c?.overdue).toBeGreaterThan(0);
    expect(c?.late).toBeGreaterThan(20);
    expect(c?.carers).toBeGreaterThanOrEqual(3);
    expect(c?.carerEntries).toBeGreaterThan(10);
    expect(c?.duplicates).toBeGreaterThan(10);
    expect(c?.groups).toBeGreaterThan(4);
    expect(c?.informed).toBeGreaterThan(5);
    expect(c?.contributions).toBeGreaterThan(3);
    const login = await h.request<{ token: string }>('POST', '/api/v1/session', { body: { username: 'sw.amara', password: DEMO_PASSWORD } });
    const worklist = await h.request<{ items: Array<{ status: string }> }>('GET', '/api/v1/worklist', { token: login.body.token });
    expect(worklist.status).toBe(200);
    expect(worklist.body.items.some((i) => i.status === 'overdue')).toBe(true);
  });

  it('looks like years of real use: history in time order, an intact audit trail, recordings after events', async () => {
    const [span] = await one(sql<{ first: Date; last: Date; early: number }>`
      select min(occurred_at) as first, max(occurred_at) as last,
             (select count(*)::int from entry e join entry_version v on v.entry_id = e.id and v.version = 1 where v.recorded_at < e.occurred_at) as early
      from entry`);
    expect((span!.last.getTime() - span!.first.getTime()) / (365 * 86_400_000)).toBeGreaterThan(3);
    if (span?.early !== 0) {
      const { rows } = await sql<{ kind: string; occurred_at: Date; recorded_at: Date }>`select e.kind, e.occurred_at, v.recorded_at from entry e join entry_version v on v.entry_id = e.id and v.version = 1 where v.recorded_at < e.occurred_at limit 3`.execute(h.db);
      expect(rows).toEqual([]);
    }
    const trail = await verifyAuditTrail(h.db);
    expect(trail.ok).toBe(true);
    const backwards = await one(sql<{ seq: string; action: string; at: Date; nextAction: string; nextAt: Date }>`
      select a.seq::text, a.action, a.at, b.action as "nextAction", b.at as "nextAt"
      from audit_event a join audit_event b on b.seq = a.seq + 1 where b.at < a.at limit 5`);
    expect(backwards).toEqual([]);
  });

  it('lets a demo user sign in with the printed password and see their team’s children', async () => {
    const login = await h.request<{ token: string }>('POST', '/api/v1/session', { body: { username: 'sw.amara', password: DEMO_PASSWORD } });
    expect(login.status).toBe(200);
    const list = await h.request<{ items: unknown[] }>('GET', '/api/v1/children?limit=100', { token: login.body.token });
    expect(list.body.items.length).toBeGreaterThan(5);
    const admin = await h.request<{ token: string }>('POST', '/api/v1/session', { body: { username: 'it.priya', password: DEMO_PASSWORD } });
    expect((await h.request('GET', '/api/v1/children', { token: admin.body.token })).status).toBe(403);
  });

  it('is created once: a second start reuses it', async () => {
    const again = await seedDemo(h.database, h.blobs, h.clock);
    expect(again).toMatchObject({ created: false, authority: result.authority });
    expect(again.logins.length).toBe(result.logins.length);
  });
});
