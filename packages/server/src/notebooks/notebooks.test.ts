import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTEBOOK_RECORD_CLASS } from '@safekeep/core';
import { teamWithStaff } from '../../test/builders.js';
import { testEngine } from '../../test/engine.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';

/**
 * Practitioners' notebooks and diaries (R18): registered per practitioner and period,
 * disposed of only once transcribed into the record, only when no hold applies, and
 * only with two different approvers. The database refuses the same out-of-order steps.
 */

interface NotebookBody {
  id: string;
  owner: { id: string; displayName: string };
  from: string;
  to: string;
  description: string | null;
  status: 'in-use' | 'transcribed' | 'disposed';
  transcribed: { at: string; by: string | null; note: string | null } | null;
  disposalApprovals: Array<{ approver: { id: string; displayName: string }; role: string; reason: string; approvedAt: string }>;
  disposedAt: string | null;
  holds: Array<{ id: string; name: string }>;
  doNotDestroy: boolean;
}

interface Staff {
  team: Awaited<ReturnType<typeof teamWithStaff>>;
  officer: TestUser;
  officer2: TestUser;
  heads: [TestUser, TestUser];
}

async function staffOn(h: Harness): Promise<Staff> {
  return {
    team: await teamWithStaff(h),
    officer: await h.user(['records-officer'], { displayName: 'Rita Officer' }),
    officer2: await h.user(['records-officer'], { displayName: 'Ravi Officer' }),
    heads: [await h.user(['head-of-service'], { displayName: 'Hana Head' }), await h.user(['head-of-service'], { displayName: 'Hugo Head' })],
  };
}

let periods = 0;
/** A distinct six-month period for each notebook, so a list reads in order. */
function nextPeriod(): { from: string; to: string } {
  periods += 1;
  const year = 2000 + Math.floor(periods / 2);
  return periods % 2 === 0 ? { from: `${year}-01-02`, to: `${year}-06-30` } : { from: `${year}-07-01`, to: `${year}-12-31` };
}

async function register(h: Harness, by: TestUser, owner: TestUser, extra: Record<string, unknown> = {}): Promise<NotebookBody> {
  const res = await h.request<NotebookBody>('POST', '/api/v1/notebooks', { user: by, body: { ownerUserId: owner.id, ...nextPeriod(), ...extra } });
  expect(res.status, res.raw).toBe(201);
  return res.body;
}

async function transcribed(h: Harness, owner: TestUser): Promise<NotebookBody> {
  const book = await register(h, owner, owner);
  const res = await h.request<NotebookBody>('POST', `/api/v1/notebooks/${book.id}/transcribed`, { user: owner, body: { note: 'Every visit note typed into the children’s records.' } });
  expect(res.status, res.raw).toBe(200);
  return res.body;
}

const approve = (h: Harness, id: string, user: TestUser, reason = 'Transcribed and checked; no longer needed.') =>
  h.request<NotebookBody>('POST', `/api/v1/notebooks/${id}/disposal`, { user, body: { reason } });

async function approvalsOf(h: Harness, id: string) {
  return h.db.selectFrom('notebook_disposal_approval').select(['approver_id', 'role']).where('notebook_id', '=', id).execute();
}

async function disposalOf(h: Harness, id: string) {
  return h.db.selectFrom('notebook_disposal').select('disposed_at').where('notebook_id', '=', id).execute();
}

async function releaseHold(h: Harness, holdId: string, heads: [TestUser, TestUser]) {
  for (const head of heads) {
    const res = await h.request('POST', `/api/v1/holds/${holdId}/release`, { user: head, body: { reason: 'The inquiry has reported.' } });
    expect(res.status, res.raw).toBe(200);
  }
}

async function placeHold(h: Harness, by: TestUser, name: string, scope: Record<string, unknown>): Promise<string> {
  const res = await h.request<{ id: string }>('POST', '/api/v1/holds', { user: by, body: { name, scope, reason: 'Keep until the review reports.', authority: 'Terms of reference, 3 March 2026' } });
  expect(res.status, res.raw).toBe(201);
  return res.body.id;
}

/** A fresh database, as every authority starts: the IICSA hold covers everything. */
let held: Harness;
let onHeld: Staff;
/** A fresh database whose IICSA hold two heads of service have released. */
let free: Harness;
let onFree: Staff;
beforeAll(async () => {
  held = await startHarness({ now: '2026-06-15T10:00:00Z' });
  onHeld = await staffOn(held);
  free = await startHarness({ now: '2026-06-15T10:00:00Z' });
  onFree = await staffOn(free);
  const holds = await free.request<{ items: Array<{ id: string; name: string }> }>('GET', '/api/v1/holds?status=active', { user: onFree.officer });
  const iicsa = holds.body.items.find((i) => i.name === 'iicsa');
  if (iicsa === undefined) throw new Error(`a fresh database has no iicsa hold: ${holds.raw}`);
  await releaseHold(free, iicsa.id, onFree.heads);
});
afterAll(async () => {
  await held.close();
  await free.close();
});

describe(`the notebook register on ${testEngine()}`, () => {
  it('registers a practitioner’s notebook for a period, by its owner, their manager or records staff', async () => {
    const { team, officer } = onHeld;
    const own = await held.request<NotebookBody>('POST', '/api/v1/notebooks', { user: team.worker, body: { ownerUserId: team.worker.id, from: '2025-01-06', to: '2025-06-27', description: ' A5 notebook, black ' } });
    expect(own.status, own.raw).toBe(201);
    expect(own.body).toMatchObject({
      owner: { id: team.worker.id, displayName: team.worker.displayName },
      from: '2025-01-06',
      to: '2025-06-27',
      description: 'A5 notebook, black',
      status: 'in-use',
      transcribed: null,
      disposalApprovals: [],
      disposedAt: null,
      holds: [expect.objectContaining({ name: 'iicsa' })],
      doNotDestroy: true,
    });
    const byManager = await register(held, team.manager, team.colleague);
    expect(byManager.owner.id).toBe(team.colleague.id);
    const byOfficer = await register(held, officer, team.worker);
    expect(byOfficer.owner.id).toBe(team.worker.id);

    const mine = await held.request<{ items: NotebookBody[] }>('GET', '/api/v1/notebooks', { user: team.worker });
    expect(mine.body.items.map((n) => n.id).sort()).toEqual([own.body.id, byOfficer.id].sort());
    const teams = await held.request<{ items: NotebookBody[] }>('GET', '/api/v1/notebooks', { user: team.manager });
    expect(teams.body.items.map((n) => n.id).sort()).toEqual([own.body.id, byManager.id, byOfficer.id].sort());
    const one = await held.request<NotebookBody>('GET', `/api/v1/notebooks/${own.body.id}`, { user: team.manager });
    expect(one.body).toEqual(own.body);
    const audited = await held.db.selectFrom('audit_event').select(['action', 'actor_id']).where('entity_id', '=', own.body.id).where('action', '=', 'notebook.register').execute();
    expect(audited).toEqual([{ action: 'notebook.register', actor_id: team.worker.id }]);
  });

  it('refuses someone else’s notebook to a practitioner outside the owner’s team, auditing the refusal', async () => {
    const { team } = onHeld;
    const outsider = await teamWithStaff(held);
    const book = await register(held, team.worker, team.worker);
    const before = await held.db.selectFrom('notebook').select('id').execute();
    const registering = await held.request('POST', '/api/v1/notebooks', { user: outsider.worker, body: { ownerUserId: team.worker.id, ...nextPeriod() } });
    expect(registering.status).toBe(403);
    const managing = await held.request('POST', '/api/v1/notebooks', { user: outsider.manager, body: { ownerUserId: team.worker.id, ...nextPeriod() } });
    expect(managing.status).toBe(403);
    expect(await held.db.selectFrom('notebook').select('id').execute()).toHaveLength(before.length);
    expect((await held.request('GET', `/api/v1/notebooks/${book.id}`, { user: outsider.worker })).status).toBe(403);
    expect((await held.request('GET', `/api/v1/notebooks/${book.id}`, { user: outsider.manager })).status).toBe(403);
    expect((await held.request('GET', '/api/v1/notebooks/6f1c2a34-0000-4000-8000-0000000000e1', { user: team.worker })).status).toBe(404);
    const denied = await held.db.selectFrom('audit_event').select('action').where('actor_id', '=', outsider.worker.id).where('outcome', '=', 'denied').execute();
    expect(denied.map((d) => d.action).sort()).toEqual(['notebook.read', 'notebook.register']);
  });

  it('refuses a bad period with 400 naming the field, and writes nothing', async () => {
    const { team } = onHeld;
    const before = await held.db.selectFrom('notebook').select('id').execute();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ from: '2026-03-01', to: '2026-02-28' }, 'to'],
      [{ from: '2026-02-30', to: '2026-03-31' }, 'from'],
      [{ from: '1 March 2026', to: '2026-03-31' }, 'from'],
      [{ from: '2026-03-01' }, 'to'],
      [{ from: '2026-03-01', to: '2026-13-01' }, 'to'],
    ];
    for (const [period, field] of cases) {
      const res = await held.request('POST', '/api/v1/notebooks', { user: team.worker, body: { ownerUserId: team.worker.id, ...period } });
      expect(res.status, JSON.stringify(period)).toBe(400);
      expect(res.body, JSON.stringify(period)).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field })] });
    }
    const nobody = await held.request('POST', '/api/v1/notebooks', { user: team.manager, body: { ownerUserId: '6f1c2a34-0000-4000-8000-0000000000e2', from: '2026-01-01', to: '2026-01-31' } });
    expect(nobody.status).toBe(400);
    expect(nobody.body).toMatchObject({ errors: [{ field: 'ownerUserId' }] });
    // A single day is a period.
    expect((await held.request('POST', '/api/v1/notebooks', { user: team.worker, body: { ownerUserId: team.worker.id, from: '2026-03-01', to: '2026-03-01' } })).status).toBe(201);
    expect(await held.db.selectFrom('notebook').select('id').execute()).toHaveLength(before.length + 1);
  });

  it('is marked transcribed by its owner or their manager, with who and when, and only once', async () => {
    const { team, officer } = onHeld;
    const book = await register(held, team.worker, team.worker);
    const byOfficer = await held.request('POST', `/api/v1/notebooks/${book.id}/transcribed`, { user: officer, body: {} });
    expect(byOfficer.status).toBe(403);
    const byColleague = await held.request('POST', `/api/v1/notebooks/${book.id}/transcribed`, { user: team.colleague, body: {} });
    expect(byColleague.status).toBe(403);
    const done = await held.request<NotebookBody>('POST', `/api/v1/notebooks/${book.id}/transcribed`, { user: team.manager, body: { note: 'Checked against the case notes.' } });
    expect(done.status, done.raw).toBe(200);
    expect(done.body).toMatchObject({ status: 'transcribed', transcribed: { at: held.clock.now().toISOString(), by: team.manager.displayName, note: 'Checked against the case notes.' } });
    const again = await held.request('POST', `/api/v1/notebooks/${book.id}/transcribed`, { user: team.worker });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_DONE' });
    expect(await held.db.selectFrom('notebook_transcription').select('transcribed_by').where('notebook_id', '=', book.id).execute()).toEqual([{ transcribed_by: team.manager.id }]);
  });
});

describe(`notebook disposal on ${testEngine()}`, () => {
  it('refuses disposal before the notebook is transcribed (409 NOT_TRANSCRIBED), recording no approval', async () => {
    const { team, officer } = onFree;
    const book = await register(free, team.worker, team.worker);
    const res = await approve(free, book.id, officer);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'NOT_TRANSCRIBED', detail: expect.stringContaining('transcribed') as unknown });
    expect(await approvalsOf(free, book.id)).toEqual([]);
    const denied = await free.db.selectFrom('audit_event').select(['action', 'detail']).where('entity_id', '=', book.id).where('outcome', '=', 'denied').execute();
    expect(denied).toEqual([{ action: 'notebook.disposal-approve', detail: { reason: 'not-transcribed' } }]);
  });

  it('refuses disposal while the IICSA hold covers everything (409 HOLD_BLOCKS_DISPOSAL), naming the hold', async () => {
    const { team, officer, heads } = onHeld;
    const book = await transcribed(held, team.worker);
    expect(book).toMatchObject({ status: 'transcribed', doNotDestroy: true, holds: [expect.objectContaining({ name: 'iicsa' })] });
    for (const user of [officer, heads[0]]) {
      const res = await approve(held, book.id, user);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'HOLD_BLOCKS_DISPOSAL', detail: expect.stringContaining('iicsa') as unknown, blockers: [{ code: 'HOLD_BLOCKS_DISPOSAL', holds: [expect.objectContaining({ name: 'iicsa' })] }] });
    }
    expect(await approvalsOf(held, book.id)).toEqual([]);
    expect(await disposalOf(held, book.id)).toEqual([]);
  });

  it('is disposed of on the second approval, by a records officer and a head of service, never the same person twice', async () => {
    const { team, officer, officer2, heads } = onFree;
    const book = await transcribed(free, team.worker);
    expect(book).toMatchObject({ holds: [], doNotDestroy: false });

    const byColleague = await approve(free, book.id, team.colleague);
    expect(byColleague.status).toBe(403);
    expect(byColleague.body).toMatchObject({ code: 'ACCESS_DENIED' });
    const byManager = await approve(free, book.id, team.manager);
    expect(byManager.status).toBe(403);
    expect(byManager.body).toMatchObject({ code: 'ROLE_REQUIRED' });

    const first = await approve(free, book.id, officer, 'Transcribed; retention of the paper copy not required.');
    expect(first.status, first.raw).toBe(200);
    expect(first.body).toMatchObject({ status: 'transcribed', disposedAt: null, disposalApprovals: [{ approver: { id: officer.id, displayName: 'Rita Officer' }, role: 'records-officer', reason: 'Transcribed; retention of the paper copy not required.' }] });

    const twice = await approve(free, book.id, officer);
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'SAME_APPROVER' });
    const sameRole = await approve(free, book.id, officer2);
    expect(sameRole.status).toBe(403);
    expect(sameRole.body).toMatchObject({ code: 'ROLE_REQUIRED' });
    expect(await disposalOf(free, book.id)).toEqual([]);

    free.clock.advance(60_000);
    const second = await approve(free, book.id, heads[0]);
    expect(second.status, second.raw).toBe(200);
    expect(second.body).toMatchObject({ status: 'disposed', disposedAt: free.clock.now().toISOString() });
    expect(second.body.disposalApprovals.map((a) => [a.approver.id, a.role])).toEqual([
      [officer.id, 'records-officer'],
      [heads[0].id, 'head-of-service'],
    ]);
    expect(await disposalOf(free, book.id)).toEqual([{ disposed_at: free.clock.now() }]);
    const after = await approve(free, book.id, heads[1]);
    expect(after.status).toBe(409);
    expect(after.body).toMatchObject({ code: 'ALREADY_DONE' });
    const actions = await free.db.selectFrom('audit_event').select(['action', 'actor_id']).where('entity_id', '=', book.id).where('outcome', '=', 'allowed').where('action', 'like', 'notebook.dispos%').orderBy('seq').execute();
    expect(actions).toEqual([
      { action: 'notebook.disposal-approve', actor_id: officer.id },
      { action: 'notebook.disposal-approve', actor_id: heads[0].id },
      { action: 'notebook.dispose', actor_id: heads[0].id },
    ]);
  });

  it('does not let one person holding both roles give both approvals, nor an owner approve their own notebook', async () => {
    const { team } = onFree;
    const both = await free.user(['records-officer', 'head-of-service']);
    const book = await transcribed(free, team.worker);
    expect((await approve(free, book.id, both)).status).toBe(200);
    const again = await approve(free, book.id, both);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'SAME_APPROVER' });
    expect(await approvalsOf(free, book.id)).toHaveLength(1);
    expect(await disposalOf(free, book.id)).toEqual([]);

    const ownerOfficer = await free.user(['records-officer', 'social-worker']);
    const own = await transcribed(free, ownerOfficer);
    const res = await approve(free, own.id, ownerOfficer);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'OWN_REQUEST' });
    expect(await approvalsOf(free, own.id)).toEqual([]);
  });

  it('refuses disposal while a practitioner-notebook hold stands, though holds on other records do not stop it', async () => {
    const { team, officer, heads } = onFree;
    await placeHold(free, officer, 'Child protection review 2026', { recordClass: 'child-protection' });
    const book = await transcribed(free, team.worker);
    expect(book).toMatchObject({ holds: [], doNotDestroy: false });
    expect((await approve(free, book.id, officer)).status).toBe(200);

    const notebooks = await placeHold(free, officer, 'Practice inquiry 2026', { recordClass: NOTEBOOK_RECORD_CLASS });
    const blocked = await approve(free, book.id, heads[0]);
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ code: 'HOLD_BLOCKS_DISPOSAL', detail: expect.stringContaining('Practice inquiry 2026') as unknown });
    expect(await disposalOf(free, book.id)).toEqual([]);
    const shown = await free.request<NotebookBody>('GET', `/api/v1/notebooks/${book.id}`, { user: officer });
    expect(shown.body).toMatchObject({ status: 'transcribed', doNotDestroy: true, holds: [{ id: notebooks, name: 'Practice inquiry 2026' }] });

    await releaseHold(free, notebooks, heads);
    const done = await approve(free, book.id, heads[0]);
    expect(done.status, done.raw).toBe(200);
    expect(done.body.status).toBe('disposed');
  });

  it('records the disposal when both approvals arrive at the same moment', async () => {
    const { team, officer, heads } = onFree;
    for (let round = 0; round < 5; round++) {
      const book = await transcribed(free, team.worker);
      const results = await Promise.all([approve(free, book.id, officer), approve(free, book.id, heads[1])]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      expect(await approvalsOf(free, book.id)).toHaveLength(2);
      expect(await disposalOf(free, book.id), `round ${round}`).toHaveLength(1);
    }
  });
});

describe(`the database’s own notebook checks on ${testEngine()}`, () => {
  /** Inserts straight into the tables, as code that skipped the service would. */
  const insertApproval = (h: Harness, notebookId: string, approver: TestUser, role: string) =>
    sql`insert into notebook_disposal_approval (notebook_id, approver_id, role, reason, approved_at) values (${notebookId}, ${approver.id}, ${role}, 'direct', now())`.execute(h.db);
  const insertDisposal = (h: Harness, notebookId: string) => sql`insert into notebook_disposal (notebook_id, disposed_at) values (${notebookId}, now())`.execute(h.db);

  it('refuses a disposal row before transcription, without two approvals, or while a hold covers notebooks; accepts it once all hold', async () => {
    const { team, officer, heads } = onFree;
    const book = await register(free, team.worker, team.worker);
    await expect(insertDisposal(free, book.id)).rejects.toMatchObject({ code: 'SK001', message: expect.stringContaining('transcribed') as unknown });

    await sql`insert into notebook_transcription (notebook_id, note, transcribed_at, transcribed_by) values (${book.id}, 'direct', now(), ${team.worker.id})`.execute(free.db);
    await expect(insertDisposal(free, book.id)).rejects.toMatchObject({ code: 'SK001', message: expect.stringContaining('two approvals') as unknown });
    await insertApproval(free, book.id, officer, 'records-officer');
    await expect(insertDisposal(free, book.id)).rejects.toMatchObject({ code: 'SK001', message: expect.stringContaining('two approvals') as unknown });
    await insertApproval(free, book.id, heads[0], 'head-of-service');

    const hold = await placeHold(free, officer, 'Diaries review 2026', { recordClass: NOTEBOOK_RECORD_CLASS });
    await expect(insertDisposal(free, book.id)).rejects.toMatchObject({ code: 'SK001', message: expect.stringContaining('hold') as unknown });
    await releaseHold(free, hold, heads);

    await insertDisposal(free, book.id);
    expect(await disposalOf(free, book.id)).toHaveLength(1);
    await expect(sql`delete from notebook_disposal where notebook_id = ${book.id}`.execute(free.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`delete from notebook_transcription where notebook_id = ${book.id}`.execute(free.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update notebook set to_date = from_date where id = ${book.id}`.execute(free.db)).rejects.toMatchObject({ code: 'SK001' });
  });

  it('refuses a disposal row while the IICSA hold covers everything, and an owner’s approval of their own notebook', async () => {
    const { team, officer, heads } = onHeld;
    const book = await transcribed(held, team.worker);
    await insertApproval(held, book.id, officer, 'records-officer');
    await insertApproval(held, book.id, heads[0], 'head-of-service');
    await expect(insertDisposal(held, book.id)).rejects.toMatchObject({ code: 'SK001', message: expect.stringContaining('hold') as unknown });
    expect(await disposalOf(held, book.id)).toEqual([]);

    const own = await transcribed(held, team.colleague);
    await expect(insertApproval(held, own.id, team.colleague, 'records-officer')).rejects.toMatchObject({ code: 'SK001', message: expect.stringContaining('own notebook') as unknown });
  });

  it('refuses a period that ends before it starts', async () => {
    const { team } = onHeld;
    await expect(
      sql`insert into notebook (owner_user_id, from_date, to_date, registered_at) values (${team.worker.id}, '2026-03-01', '2026-02-28', now())`.execute(held.db),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
