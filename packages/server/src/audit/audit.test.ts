import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, createEntry, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { verifyAuditTrail } from './audit.service.js';

let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
beforeAll(async () => {
  h = await startHarness();
  team = await teamWithStaff(h);
});
afterAll(async () => h.close());

const trailLength = async () => Number((await sql<{ n: number }>`select count(*)::int as n from audit_event`.execute(h.db)).rows[0]?.n);

describe('every read and write of a child’s record is audited', () => {
  it('writes one event per request, in the same transaction, naming who, what, which child, when, basis and request', async () => {
    const c = await createChild(h, team.worker);
    const before = await trailLength();
    const res = await h.request('GET', `/api/v1/children/${c.id}`, { user: team.colleague });
    expect(await trailLength()).toBe(before + 1);
    const [event] = await h.db.selectFrom('audit_event').selectAll().orderBy('seq', 'desc').limit(1).execute();
    expect(event).toMatchObject({
      actor_id: team.colleague.id,
      action: 'child.read',
      outcome: 'allowed',
      basis: 'team',
      child_ids: [c.id],
      request_id: res.headers['x-request-id'],
    });
    expect(event?.at.toISOString()).toBe(h.clock.now().toISOString());
  });

  it('keeps no personal data in the trail: ids, not names', async () => {
    const c = await createChild(h, team.worker, { givenName: 'Wilhelmina', familyName: 'Strudwick' });
    await createEntry(h, team.worker, c.id, { title: 'Wilhelmina at school', body: 'Met Wilhelmina Strudwick.' });
    await h.request('GET', `/api/v1/children?q=strudwick`, { user: team.worker });
    const { rows } = await sql<{ payload: string }>`select payload from audit_event`.execute(h.db);
    expect(rows.map((r) => r.payload).join('\n')).not.toMatch(/Wilhelmina|Strudwick|strudwick/);
  });

  it('records a failed write as nothing at all: no change and no "allowed" event', async () => {
    const c = await createChild(h, team.worker);
    const before = await trailLength();
    const entriesBefore = await h.db.selectFrom('entry').select('id').execute();
    const res = await h.request('POST', `/api/v1/children/${c.id}/entries`, { user: team.worker, body: { kind: 'case-note', occurredAt: '2030-01-01T00:00:00Z', title: 't', body: 'b' } });
    expect(res.status).toBe(400);
    expect(await trailLength()).toBe(before);
    expect(await h.db.selectFrom('entry').select('id').execute()).toHaveLength(entriesBefore.length);
  });
});

describe('the access log', () => {
  it('shows who read or changed the record, newest first, with paging', async () => {
    const c = await createChild(h, team.worker);
    await createEntry(h, team.worker, c.id);
    await h.request('GET', `/api/v1/children/${c.id}`, { user: team.manager });
    const outsider = await h.user(['social-worker']);
    await h.request('GET', `/api/v1/children/${c.id}`, { user: outsider });
    const page1 = await h.request<{ items: Array<{ action: string; outcome: string; actor: { id: string } | null; basis: string | null }>; nextCursor: string }>(
      'GET',
      `/api/v1/children/${c.id}/access-log?limit=2`,
      { user: team.worker },
    );
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((i) => [i.action, i.outcome, i.actor?.id])).toEqual([
      ['child.read', 'denied', outsider.id],
      ['child.read', 'allowed', team.manager.id],
    ]);
    const page2 = await h.request<{ items: Array<{ action: string }> }>('GET', `/api/v1/children/${c.id}/access-log?limit=10&cursor=${page1.body.nextCursor}`, { user: team.worker });
    expect(page2.body.items.map((i) => i.action)).toEqual(['entry.create', 'child.create']);
  });

  it('is open to the data protection officer but not to someone without access', async () => {
    const c = await createChild(h, team.worker);
    const dpo = await h.user(['dpo']);
    expect((await h.request('GET', `/api/v1/children/${c.id}/access-log`, { user: dpo })).status).toBe(200);
    expect((await h.request('GET', `/api/v1/children/${c.id}`, { user: dpo })).status).toBe(403);
    expect((await h.request('GET', `/api/v1/children/${c.id}/access-log`, { user: await h.user(['social-worker']) })).status).toBe(403);
  });
});

describe('the hash chain', () => {
  it('verifies intact, and after tampering names the first bad position', async () => {
    const c = await createChild(h, team.worker);
    for (let i = 0; i < 5; i++) await createEntry(h, team.worker, c.id);
    const intact = await verifyAuditTrail(h.db, undefined, 7);
    expect(intact).toMatchObject({ ok: true, firstBad: null });
    expect(intact.size).toBe(await trailLength());

    const victim = Math.floor(intact.size / 2);
    await tamper(h, sql`update audit_event set basis = 'role:head-of-service' where seq = ${victim}`);
    expect(await verifyAuditTrail(h.db, undefined, 7)).toMatchObject({ ok: false, size: victim, firstBad: { seq: victim, problem: 'payload-mismatch' } });
  });

  it('stays a single unbroken chain under concurrent writers', async () => {
    const c = await createChild(h, team.worker);
    const writers: TestUser[] = [team.worker, team.colleague, team.manager];
    await Promise.all(Array.from({ length: 30 }, (_, i) => createEntry(h, writers[i % 3]!, c.id, { title: `concurrent ${i}` })));
    const { rows } = await sql<{ seq: number }>`select seq from audit_event order by seq`.execute(h.db);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i));
  });
});

/** Bypasses the append-only trigger as a superuser would, to prove verify notices. */
async function tamper(harness: Harness, statement: ReturnType<typeof sql>) {
  await harness.db.transaction().execute(async (tx) => {
    await sql`set local session_replication_role = replica`.execute(tx);
    await statement.execute(tx);
  });
}
