import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdCovers, IICSA_HOLD_NAME, NOTEBOOK_RECORD_CLASS, type HoldScope } from '@safekeep/core';
import { createChild, teamWithStaff } from '../../test/builders.js';
import { testEngine } from '../../test/engine.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import type { HoldView } from './holds.service.js';

/**
 * Holds (R10): named, dated objects that stop destruction. The standing IICSA hold is
 * there from the first start; a hold is never edited or removed; two different heads
 * of service release it, each with a reason; a locked hold cannot be released through
 * the application. The database enforces the same, whatever code runs against it.
 */

let h: Harness;
let worker: TestUser;
let manager: TestUser;
let ro: TestUser;
let dpo: TestUser;
let hos1: TestUser;
let hos2: TestUser;
let hos3: TestUser;

beforeAll(async () => {
  h = await startHarness();
  ({ worker, manager } = await teamWithStaff(h));
  ro = await h.user(['records-officer']);
  dpo = await h.user(['dpo']);
  hos1 = await h.user(['head-of-service'], { displayName: 'Helen Head' });
  hos2 = await h.user(['head-of-service'], { displayName: 'David Head' });
  hos3 = await h.user(['head-of-service']);
});
afterAll(async () => h.close());

const iicsa = async () => (await h.db.selectFrom('hold').select(['id', 'name', 'scope']).where('name', '=', IICSA_HOLD_NAME).executeTakeFirstOrThrow());
const childHolds = async (childId: string) => (await sql<{ name: string }>`select name from sk_child_active_holds(${childId}) order by name`.execute(h.db)).rows.map((r) => r.name);
const carerHolds = async (carerId: string) => (await sql<{ name: string }>`select name from sk_carer_active_holds(${carerId}) order by name`.execute(h.db)).rows.map((r) => r.name);
const notebookHolds = async () => (await sql<{ name: string }>`select name from sk_notebook_holds() order by name`.execute(h.db)).rows.map((r) => r.name);
const holdEvents = async (holdId: string) =>
  h.db.selectFrom('audit_event').select(['action', 'outcome', 'actor_id', 'detail']).where('entity_id', '=', holdId).orderBy('seq').execute();
const releaseRows = async (holdId: string) => ({
  approvals: await h.db.selectFrom('hold_release_approval').selectAll().where('hold_id', '=', holdId).execute(),
  releases: await h.db.selectFrom('hold_release').selectAll().where('hold_id', '=', holdId).execute(),
});

let named = 0;
async function place(user: TestUser, scope: HoldScope, extra: Record<string, unknown> = {}) {
  named += 1;
  return h.request<HoldView>('POST', '/api/v1/holds', {
    user,
    body: { name: `Test hold ${named}`, scope, reason: 'Proceedings may need these records.', authority: 'Family Court, case FD26P00123', ...extra },
  });
}
async function placed(user: TestUser, scope: HoldScope, extra: Record<string, unknown> = {}): Promise<HoldView> {
  const res = await place(user, scope, extra);
  expect(res.status).toBe(201);
  return res.body;
}
const release = (user: TestUser, holdId: string, reason = 'The inquiry has reported; the hold is no longer needed.') =>
  h.request<HoldView>('POST', `/api/v1/holds/${holdId}/release`, { user, body: { reason } });

async function closedChild(kind: string) {
  const child = await createChild(h, worker);
  const inv = await h.request('POST', `/api/v1/children/${child.id}/involvements`, { user: worker, body: { kind, startDate: '2020-01-06', endDate: '2021-03-01' } });
  expect(inv.status).toBe(201);
  return child.id;
}
async function carer(kind: 'foster-carer' | 'childrens-home') {
  const res = await h.request<{ id: string }>('POST', '/api/v1/carers', { user: worker, body: { kind, name: `Hold test ${kind} ${named++}` } });
  expect(res.status).toBe(201);
  return res.body.id;
}

describe(`the standing IICSA hold on ${testEngine()}`, () => {
  it('exists on a fresh database, covering everything, active and unlocked', async () => {
    const res = await h.request<{ items: HoldView[] }>('GET', '/api/v1/holds', { user: ro });
    expect(res.status).toBe(200);
    const found = res.body.items.filter((x) => x.name === IICSA_HOLD_NAME);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ scope: { all: true }, status: 'active', locked: false, releaseApprovals: [], releasedAt: null, createdBy: null });
    expect(found[0]?.authority).toContain('Inquiries Act 2005');

    // It covers a record created after it, of any kind, and marks it DO NOT DESTROY (R13).
    const child = await createChild(h, worker);
    expect(await childHolds(child.id)).toEqual([IICSA_HOLD_NAME]);
    const retention = await h.request('GET', `/api/v1/children/${child.id}/retention`, { user: ro });
    expect(retention.body).toMatchObject({ holds: [{ name: IICSA_HOLD_NAME }], doNotDestroy: true, disposable: false });
    expect(await carerHolds(await carer('foster-carer'))).toEqual([IICSA_HOLD_NAME]);
    expect(await notebookHolds()).toEqual([IICSA_HOLD_NAME]);
  });

  it('cannot be removed or changed: the database refuses DELETE, UPDATE and TRUNCATE of hold rows', async () => {
    const { id } = await iicsa();
    await expect(sql`delete from hold where id = ${id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update hold set scope = 'children' where id = ${id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update hold set name = 'iicsa-old' where id = ${id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`truncate hold cascade`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    // Nor can a release be slipped in without two approvals.
    await expect(sql`insert into hold_release (hold_id, released_at) values (${id}, now())`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    // There is no route that deletes a hold.
    const del = await h.request('DELETE', `/api/v1/holds/${id}`, { user: hos1 });
    expect(del.status).toBe(404);
    expect(await iicsa()).toMatchObject({ id, name: IICSA_HOLD_NAME, scope: 'all' });
    expect(await releaseRows(id)).toEqual({ approvals: [], releases: [] });
  });

  it('refuses a release approval from anyone but a head of service, writing nothing but the audited refusal', async () => {
    const { id } = await iicsa();
    for (const user of [ro, dpo, manager, worker]) {
      const res = await release(user, id);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'ROLE_REQUIRED' });
    }
    expect(await releaseRows(id)).toEqual({ approvals: [], releases: [] });
    const refused = (await holdEvents(id)).filter((e) => e.action === 'hold.release-approve');
    expect(refused.map((e) => [e.actor_id, e.outcome, e.detail['reason']])).toEqual([ro, dpo, manager, worker].map((u) => [u.id, 'denied', 'ROLE_REQUIRED']));
  });

  it('refuses a release without a reason', async () => {
    const { id } = await iicsa();
    const res = await release(hos1, id, '   ');
    expect(res.status).toBe(400);
    expect(await releaseRows(id)).toEqual({ approvals: [], releases: [] });
  });

  it('is released by two different heads of service, each giving a reason; the same one twice is refused and changes nothing', async () => {
    const { id } = await iicsa();
    const child = await createChild(h, worker);

    const first = await release(hos1, id, 'IICSA reported in October 2022; its judicial review period ended on 20 January 2023.');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'release-pending', releasedAt: null, releaseApprovals: [{ approver: { id: hos1.id, displayName: 'Helen Head' }, reason: 'IICSA reported in October 2022; its judicial review period ended on 20 January 2023.' }] });
    // One approval does not release it: the record is still held.
    expect(await childHolds(child.id)).toEqual([IICSA_HOLD_NAME]);

    const again = await release(hos1, id, 'Approving again.');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'SAME_APPROVER' });
    expect(String((again.body as unknown as { detail: string }).detail)).toMatch(/second head of service/);
    const after = await releaseRows(id);
    expect(after.approvals.map((a) => a.approver_id)).toEqual([hos1.id]);
    expect(after.releases).toEqual([]);
    expect((await h.request<HoldView>('GET', `/api/v1/holds/${id}`, { user: ro })).body).toMatchObject({ status: 'release-pending', releasedAt: null });
    expect(await childHolds(child.id)).toEqual([IICSA_HOLD_NAME]);

    h.clock.advance(2 * 3_600_000);
    const second = await release(hos2, id, 'Agreed: no other inquiry has asked us to keep these records.');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'released', releasedAt: h.clock.now().toISOString() });
    expect(second.body.releaseApprovals.map((a) => [a.approver.id, a.reason])).toEqual([
      [hos1.id, 'IICSA reported in October 2022; its judicial review period ended on 20 January 2023.'],
      [hos2.id, 'Agreed: no other inquiry has asked us to keep these records.'],
    ]);
    expect(await childHolds(child.id)).toEqual([]);
    const retention = await h.request('GET', `/api/v1/children/${child.id}/retention`, { user: ro });
    expect(retention.body).toMatchObject({ holds: [], doNotDestroy: false });

    // A released hold stays on record, listed as released, and cannot be released again or locked.
    const third = await release(hos3, id);
    expect(third.status).toBe(409);
    expect(third.body).toMatchObject({ code: 'HOLD_RELEASED' });
    const lock = await h.request('POST', `/api/v1/holds/${id}/lock`, { user: dpo, body: { reason: 'Too late.' } });
    expect(lock.status).toBe(409);
    expect(lock.body).toMatchObject({ code: 'HOLD_RELEASED' });
    const active = await h.request<{ items: HoldView[] }>('GET', '/api/v1/holds?status=active', { user: ro });
    expect(active.body.items.map((x) => x.name)).not.toContain(IICSA_HOLD_NAME);
    const released = await h.request<{ items: HoldView[] }>('GET', '/api/v1/holds?status=released', { user: ro });
    expect(released.body.items.map((x) => x.name)).toContain(IICSA_HOLD_NAME);

    const events = await holdEvents(id);
    expect(events.filter((e) => e.outcome === 'allowed').map((e) => [e.action, e.actor_id])).toEqual([
      ['hold.release-approve', hos1.id],
      ['hold.release-approve', hos2.id],
      ['hold.release', hos2.id],
    ]);
    expect(events.filter((e) => e.outcome === 'denied' && e.actor_id === hos1.id).map((e) => e.detail['reason'])).toEqual(['SAME_APPROVER']);
  });
});

describe('placing a hold', () => {
  it('is for a records officer, DPO or head of service, with a reason and an authority', async () => {
    for (const user of [worker, manager]) {
      const res = await place(user, { all: true });
      expect(res.status).toBe(403);
    }
    const child = await createChild(h, worker);
    for (const user of [ro, dpo, hos1]) {
      const hold = await placed(user, { childIds: [child.id] });
      expect(hold).toMatchObject({ scope: { childIds: [child.id] }, status: 'active', locked: false, createdBy: { id: user.id } });
      expect((await holdEvents(hold.id)).map((e) => [e.action, e.outcome])).toEqual([['hold.create', 'allowed']]);
    }
    expect(await childHolds(child.id)).toHaveLength(3);
  });

  it('refuses a blank reason or authority, an unknown child or carer, and a name already taken', async () => {
    const before = await h.db.selectFrom('hold').select('id').execute();
    expect((await place(ro, { all: true }, { reason: ' ' })).status).toBe(400);
    expect((await place(ro, { all: true }, { authority: '' })).status).toBe(400);
    const child = await createChild(h, worker);
    const unknown = await place(ro, { childIds: [child.id, '00000000-0000-4000-8000-00000000beef'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'scope.childIds[1]' }] });
    expect((await place(ro, { carerIds: ['00000000-0000-4000-8000-00000000beef'] })).status).toBe(400);
    const taken = await place(ro, { all: true }, { name: 'IICSA' });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'HOLD_NAME_TAKEN' });
    expect(await h.db.selectFrom('hold').select('id').execute()).toHaveLength(before.length);
  });

  it('answers 404 for a hold that does not exist, and shows holds only to records roles and managers', async () => {
    expect((await h.request('GET', '/api/v1/holds/00000000-0000-4000-8000-00000000beef', { user: ro })).status).toBe(404);
    expect((await h.request('POST', '/api/v1/holds/00000000-0000-4000-8000-00000000beef/release', { user: hos1, body: { reason: 'x' } })).status).toBe(404);
    expect((await h.request('GET', '/api/v1/holds', { user: manager })).status).toBe(200);
    expect((await h.request('GET', '/api/v1/holds', { user: worker })).status).toBe(403);
  });
});

describe('a locked hold', () => {
  it('cannot be released through the application, nor directly in the database', async () => {
    const child = await createChild(h, worker);
    const hold = await placed(hos1, { childIds: [child.id] }, { lock: { reason: 'Police investigation: Operation Larch.' } });
    expect(hold).toMatchObject({ locked: true, lock: { reason: 'Police investigation: Operation Larch.' } });
    for (const user of [hos2, hos3]) {
      const res = await release(user, hold.id);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'HOLD_LOCKED' });
    }
    expect(await releaseRows(hold.id)).toEqual({ approvals: [], releases: [] });
    await expect(sql`insert into hold_release_approval (hold_id, approver_id, reason, approved_at) values (${hold.id}, ${hos2.id}, 'bypass', now())`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`delete from hold_lock where hold_id = ${hold.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    expect(await childHolds(child.id)).toContain(hold.name);
  });

  it('stops a release half way: locked after the first approval, the second is refused', async () => {
    const child = await createChild(h, worker);
    const hold = await placed(ro, { childIds: [child.id] });
    expect((await release(hos1, hold.id)).status).toBe(200);
    const lock = await h.request<HoldView>('POST', `/api/v1/holds/${hold.id}/lock`, { user: dpo, body: { reason: 'A new inquiry has asked for these records.' } });
    expect(lock.status).toBe(200);
    expect(lock.body).toMatchObject({ locked: true, status: 'release-pending' });
    const second = await release(hos2, hold.id);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'HOLD_LOCKED' });
    expect((await releaseRows(hold.id)).releases).toEqual([]);
    expect(await childHolds(child.id)).toContain(hold.name);
  });

  it('is locked only by a DPO or head of service, and only once', async () => {
    const hold = await placed(ro, { recordClass: 'adoption' });
    const byRo = await h.request('POST', `/api/v1/holds/${hold.id}/lock`, { user: ro, body: { reason: 'x' } });
    expect(byRo.status).toBe(403);
    expect((await place(ro, { recordClass: 'adoption' }, { lock: { reason: 'x' } })).status).toBe(403);
    expect((await h.request('POST', `/api/v1/holds/${hold.id}/lock`, { user: hos1, body: { reason: 'Keep.' } })).status).toBe(200);
    const twice = await h.request('POST', `/api/v1/holds/${hold.id}/lock`, { user: dpo, body: { reason: 'Keep.' } });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'ALREADY_DONE' });
  });
});

describe('what each kind of scope covers', () => {
  it('everything, a record class, named children and named carers each cover exactly their records', async () => {
    // The IICSA hold was released above, so only these holds are in play.
    const cin = await closedChild('child-in-need');
    const cp = await closedChild('child-protection');
    const bare = (await createChild(h, worker)).id;
    const foster = await carer('foster-carer');
    const home = await carer('childrens-home');
    const children = [cin, cp, bare];
    const carers = [foster, home];

    const all = await placed(ro, { all: true });
    const protection = await placed(ro, { recordClass: 'child-protection' });
    const fostering = await placed(ro, { recordClass: 'fostering' });
    const notebooks = await placed(ro, { recordClass: NOTEBOOK_RECORD_CLASS });
    const namedChildren = await placed(ro, { childIds: [cin, bare] });
    const namedCarers = await placed(ro, { carerIds: [home] });
    const ours = [all, protection, fostering, notebooks, namedChildren, namedCarers];
    const mine = (names: string[]) => names.filter((n) => ours.some((o) => o.name === n));

    expect(mine(await childHolds(cin))).toEqual([all.name, namedChildren.name].sort());
    expect(mine(await childHolds(cp))).toEqual([all.name, protection.name].sort());
    expect(mine(await childHolds(bare))).toEqual([all.name, namedChildren.name].sort());
    expect(mine(await carerHolds(foster))).toEqual([all.name, fostering.name].sort());
    expect(mine(await carerHolds(home))).toEqual([all.name, namedCarers.name].sort());
    expect(mine(await notebookHolds())).toEqual([all.name, notebooks.name].sort());

    // The database's answer agrees with core's holdCovers for every hold and record.
    const classes = async (table: 'retention_label' | 'carer_retention_label', key: 'child_id' | 'carer_id', id: string) =>
      ((await sql<{ record_classes: string[] }>`select record_classes from ${sql.table(table)} where ${sql.ref(key)} = ${id}`.execute(h.db)).rows[0]?.record_classes ?? []);
    for (const hold of ours) {
      for (const id of children) {
        expect([hold.name, id, (await childHolds(id)).includes(hold.name)]).toEqual([hold.name, id, holdCovers(hold.scope, { type: 'child', id, recordClasses: await classes('retention_label', 'child_id', id) })]);
      }
      for (const id of carers) {
        expect([hold.name, id, (await carerHolds(id)).includes(hold.name)]).toEqual([hold.name, id, holdCovers(hold.scope, { type: 'carer', id, recordClasses: await classes('carer_retention_label', 'carer_id', id) })]);
      }
    }

    // A record that comes into a class later is covered by that class's hold from then on.
    const inv = await h.request('POST', `/api/v1/children/${bare}/involvements`, { user: worker, body: { kind: 'child-protection', startDate: '2026-01-05' } });
    expect(inv.status).toBe(201);
    expect(mine(await childHolds(bare))).toEqual([all.name, protection.name, namedChildren.name].sort());

    // The API shows the same holds with each record, and DO NOT DESTROY (R13).
    const retention = await h.request<{ holds: Array<{ name: string }>; doNotDestroy: boolean }>('GET', `/api/v1/children/${cp}/retention`, { user: ro });
    expect(mine(retention.body.holds.map((x) => x.name))).toEqual([all.name, protection.name].sort());
    expect(retention.body.doNotDestroy).toBe(true);
    const carerRetention = await h.request<{ holds: Array<{ name: string }> }>('GET', `/api/v1/carers/${home}/retention`, { user: ro });
    expect(mine(carerRetention.body.holds.map((x) => x.name))).toEqual([all.name, namedCarers.name].sort());

    // Releasing one hold uncovers only what it alone covered.
    expect((await release(hos1, all.id)).status).toBe(200);
    expect((await release(hos2, all.id)).status).toBe(200);
    expect(mine(await childHolds(cin))).toEqual([namedChildren.name]);
    expect(mine(await childHolds(cp))).toEqual([protection.name]);
    expect(mine(await carerHolds(foster))).toEqual([fostering.name]);
  });
});
