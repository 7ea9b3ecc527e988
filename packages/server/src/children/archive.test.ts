import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addYears } from '@safekeep/core';
import { createChild, createEntry, multipart, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';

/**
 * Closing and archiving: a record whose involvements have all closed can be archived by
 * its team manager or a records role. It is then read-only (the service and the database
 * both refuse additions), still found and read by those with access, and shows its
 * destruction date (R13). Reopening it, for example on a new referral, is recorded too.
 */

let h: Harness;
let worker: TestUser;
let manager: TestUser;
let outsiderManager: TestUser;
let ro: TestUser;

beforeAll(async () => {
  h = await startHarness();
  ({ worker, manager } = await teamWithStaff(h));
  ({ manager: outsiderManager } = await teamWithStaff(h));
  ro = await h.user(['records-officer']);
});
afterAll(async () => h.close());

const archive = (user: TestUser, childId: string, reason = 'All involvement ended; case closed.') =>
  h.request<{ recordStatus: string; retention: { destructionDate: string | null; status: string; doNotDestroy: boolean }; history: Array<{ status: string; reason: string; changedBy: string | null }>; code?: string; involvementIds?: string[] }>(
    'POST',
    `/api/v1/children/${childId}/archive`,
    { user, body: { reason } },
  );
const reopen = (user: TestUser, childId: string, reason = 'New referral from the school.') =>
  h.request<{ recordStatus: string; history: Array<{ status: string; reason: string }>; code?: string }>('POST', `/api/v1/children/${childId}/reopen`, { user, body: { reason } });
const status = async (childId: string) => (await h.db.selectFrom('case_record').select('status').where('child_id', '=', childId).executeTakeFirstOrThrow()).status;

/** A child with a child-in-need involvement (30 years from birth), open or closed. */
async function childWithInvolvement(open: boolean) {
  const child = await createChild(h, worker, { dateOfBirth: '2012-05-17' });
  const inv = await h.request<{ id: string }>('POST', `/api/v1/children/${child.id}/involvements`, {
    user: worker,
    body: { kind: 'child-in-need', startDate: '2024-02-05', ...(open ? {} : { endDate: '2025-11-28' }) },
  });
  expect(inv.status).toBe(201);
  return { id: child.id, involvementId: inv.body.id };
}

describe('archiving a record', () => {
  it('is refused while an involvement is open, naming it, and allowed once it is closed', async () => {
    const child = await childWithInvolvement(true);
    const refused = await archive(manager, child.id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'OPEN_INVOLVEMENT', involvementIds: [child.involvementId] });
    expect(await status(child.id)).toBe('open');
    expect(await h.db.selectFrom('record_status_change').select('id').where('child_id', '=', child.id).execute()).toEqual([]);

    expect((await h.request('POST', `/api/v1/involvements/${child.involvementId}/close`, { user: worker, body: { endDate: '2026-06-01' } })).status).toBe(200);
    const archived = await archive(manager, child.id, 'Case closed after step-down.');
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({
      recordStatus: 'archived',
      retention: { destructionDate: addYears('2012-05-17', 30), status: 'determined' },
      history: [{ status: 'archived', reason: 'Case closed after step-down.' }],
    });
    expect(await status(child.id)).toBe('archived');
    expect((await h.auditFor(child.id)).at(-1)).toMatchObject({ action: 'record.archive', outcome: 'allowed', actor_id: manager.id });
  });

  it('is refused while a draft entry is unfinished', async () => {
    const child = await childWithInvolvement(false);
    const draft = await createEntry(h, worker, child.id, { status: 'draft' });
    const refused = await archive(manager, child.id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'CONFLICT', draftIds: [draft.id] });
    expect(await status(child.id)).toBe('open');
  });

  it('is for the child’s team manager or a records role; not a social worker, nor another team’s manager', async () => {
    const child = await childWithInvolvement(false);
    expect((await archive(worker, child.id)).status).toBe(403);
    expect((await archive(outsiderManager, child.id)).status).toBe(403);
    expect(await status(child.id)).toBe('open');
    expect((await archive(ro, '00000000-0000-4000-8000-00000000beef')).status).toBe(404);
    expect((await archive(ro, child.id)).status).toBe(200);
    const twice = await archive(manager, child.id);
    expect([twice.status, twice.body.code]).toEqual([409, 'ALREADY_DONE']);
    expect((await h.request('POST', `/api/v1/children/${child.id}/archive`, { user: ro, body: { reason: ' ' } })).status).toBe(400);
  });
});

describe('an archived record', () => {
  let child: { id: string; involvementId: string };
  let entryId: string;
  let other: { id: string };

  beforeAll(async () => {
    child = await childWithInvolvement(false);
    entryId = (await createEntry(h, worker, child.id, { title: 'Closing summary', body: 'Closed after the plan was met.' })).id;
    other = await createChild(h, worker);
    expect((await archive(manager, child.id)).status).toBe(200);
  });

  it('refuses every addition with 409 RECORD_ARCHIVED, and changes nothing', async () => {
    const count = async () =>
      (
        await sql<{ entries: number; versions: number; involvements: number; relationships: number; documents: number; child_versions: number }>`select
        (select count(*)::int from entry where child_id = ${child.id}) as entries,
        (select count(*)::int from entry_version v join entry e on e.id = v.entry_id where e.child_id = ${child.id}) as versions,
        (select count(*)::int from involvement where child_id = ${child.id}) as involvements,
        (select count(*)::int from relationship where child_id = ${child.id}) as relationships,
        (select count(*)::int from document where child_id = ${child.id}) as documents,
        (select count(*)::int from child_version where child_id = ${child.id}) as child_versions`.execute(h.db)
      ).rows[0];
    const before = await count();
    const upload = await multipart({ meta: JSON.stringify({ kind: 'correspondence', title: 'Letter', occurredAt: h.clock.now().toISOString() }), file: { bytes: Buffer.from('A late letter about the closed case.'), filename: 'letter.txt' } });
    const attempts = [
      await h.request('POST', `/api/v1/children/${child.id}/entries`, { user: worker, body: { kind: 'case-note', occurredAt: h.clock.now().toISOString(), title: 'Late note', body: 'After closure.' } }),
      await h.request('POST', `/api/v1/entries/${entryId}/versions`, { user: worker, body: { body: 'Changed after archiving.', reason: 'Late correction.' } }),
      await h.request('POST', `/api/v1/children/${child.id}/involvements`, { user: worker, body: { kind: 'child-protection', startDate: '2026-06-01' } }),
      await h.request('POST', `/api/v1/children/${child.id}/relationships`, { user: worker, body: { relatedChildId: other.id, kind: 'sibling' } }),
      await h.request('POST', `/api/v1/children/${child.id}/versions`, { user: worker, body: { familyName: 'Changed', reason: 'Late correction.' } }),
      await h.request('POST', `/api/v1/children/${child.id}/documents`, { user: worker, ...upload }),
    ];
    expect(attempts.map((a) => [a.status, (a.body as { code?: string }).code])).toEqual(attempts.map(() => [409, 'RECORD_ARCHIVED']));
    expect(await count()).toEqual(before);
  });

  it('is refused additions by the database itself, whatever code writes', async () => {
    await expect(
      sql`insert into involvement (child_id, kind, start_date, created_at, created_by) values (${child.id}, 'child-in-need', '2026-06-01', now(), ${worker.id})`.execute(h.db),
    ).rejects.toMatchObject({ code: 'SK002' });
    await expect(
      sql`insert into relationship (child_id, related_child_id, kind, created_at, created_by) values (${child.id}, ${other.id}, 'sibling', now(), ${worker.id})`.execute(h.db),
    ).rejects.toMatchObject({ code: 'SK002' });
  });

  it('is still read and found by those with access, showing its destruction date', async () => {
    const read = await h.request<{ recordStatus: string; retention: { destructionDate: string | null; doNotDestroy: boolean } }>('GET', `/api/v1/children/${child.id}`, { user: worker });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ recordStatus: 'archived', retention: { destructionDate: addYears('2012-05-17', 30), doNotDestroy: true } });
    const entries = await h.request<{ items: Array<{ id: string }> }>('GET', `/api/v1/children/${child.id}/entries`, { user: worker });
    expect(entries.status).toBe(200);
    expect(entries.body.items.map((e) => e.id)).toContain(entryId);
    const byName = await h.request<{ items: Array<{ id: string }> }>('GET', `/api/v1/children?q=${encodeURIComponent(String((read.body as unknown as { familyName: string }).familyName))}`, { user: manager });
    expect(byName.body.items.map((c) => c.id)).toContain(child.id);
    // Not by someone without access.
    const outside = await h.request('GET', `/api/v1/children/${child.id}`, { user: outsiderManager });
    expect(outside.status).toBe(403);
    const hidden = await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/children?q=2012-05-17', { user: outsiderManager });
    expect(hidden.body.items.map((c) => c.id)).not.toContain(child.id);
  });

  it('is reopened with a reason, takes additions again, and keeps its history', async () => {
    h.clock.advance(3 * 3_600_000);
    const reopened = await reopen(manager, child.id);
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ recordStatus: 'open', history: [{ status: 'archived' }, { status: 'open', reason: 'New referral from the school.' }] });
    expect(await status(child.id)).toBe('open');
    expect((await h.request('POST', `/api/v1/children/${child.id}/involvements`, { user: worker, body: { kind: 'child-protection', startDate: '2026-06-10' } })).status).toBe(201);
    await createEntry(h, worker, child.id, { title: 'New referral' });
    const again = await reopen(manager, child.id);
    expect([again.status, again.body.code]).toEqual([409, 'ALREADY_DONE']);
    expect((await h.auditFor(child.id)).filter((e) => e.action.startsWith('record.')).map((e) => e.action)).toEqual(['record.archive', 'record.reopen']);
    // Status changes are kept for good.
    await expect(sql`delete from record_status_change where child_id = ${child.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
  });
});
