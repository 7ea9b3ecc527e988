import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IICSA_HOLD_NAME } from '@safekeep/core';
import { createChild, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import type { EscalationView } from './escalations.service.js';

/**
 * Escalation (R12): whoever is unsure what to do with a record asks a manager, a head of
 * service or business services instead of acting. The question is tracked to a decision,
 * both are audited, and until it is decided the record cannot be destroyed.
 */

let h: Harness;
let worker: TestUser;
let manager: TestUser;
let otherManager: TestUser;
let support: TestUser;
let ro1: TestUser;
let ro2: TestUser;
let hos1: TestUser;
let hos2: TestUser;

beforeAll(async () => {
  h = await startHarness();
  ({ worker, manager } = await teamWithStaff(h));
  ({ manager: otherManager } = await teamWithStaff(h));
  support = await h.user(['business-support']);
  ro1 = await h.user(['records-officer']);
  ro2 = await h.user(['records-officer']);
  hos1 = await h.user(['head-of-service']);
  hos2 = await h.user(['head-of-service']);
  // Disposal is possible only once the standing IICSA hold is released (two heads of service).
  const { id } = await h.db.selectFrom('hold').select('id').where('name', '=', IICSA_HOLD_NAME).executeTakeFirstOrThrow();
  for (const user of [hos1, hos2]) expect((await h.request('POST', `/api/v1/holds/${id}/release`, { user, body: { reason: 'Inquiry concluded.' } })).status).toBe(200);
});
afterAll(async () => h.close());

const raise = (user: TestUser, body: Record<string, unknown>) => h.request<EscalationView & { code?: string }>('POST', '/api/v1/escalations', { user, body });
const decide = (user: TestUser, id: string, decision = 'Keep the record until the review in March.') =>
  h.request<EscalationView & { code?: string }>('POST', `/api/v1/escalations/${id}/decision`, { user, body: { decision } });
const rows = async () => ({
  escalations: Number((await h.db.selectFrom('escalation').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  decisions: Number((await h.db.selectFrom('escalation_decision').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
});
const events = async (escalationId: string) =>
  h.db.selectFrom('audit_event').select(['action', 'outcome', 'actor_id', 'child_ids', 'detail']).where('entity_id', '=', escalationId).orderBy('seq').execute();

let born = 0;
/** A child born in the 1980s whose child-in-need involvement closed in 1996: past its date (30 years from birth). */
async function pastItsDate() {
  born += 1;
  const child = await createChild(h, worker, { dateOfBirth: `198${born % 10}-0${1 + (born % 9)}-1${born % 9}` });
  expect((await h.request('POST', `/api/v1/children/${child.id}/involvements`, { user: worker, body: { kind: 'child-in-need', startDate: '1995-01-09', endDate: '1996-03-01' } })).status).toBe(201);
  return child.id;
}

describe('raising an escalation', () => {
  it('about a child: tracked, audited and blocking the record’s disposal until decided', async () => {
    const childId = await pastItsDate();
    const res = await raise(worker, { subject: { childId }, question: '  The family asked us to keep this file. Can it be destroyed?  ', to: 'manager' });
    expect(res.status).toBe(201);
    const escalation = res.body;
    expect(escalation).toMatchObject({ subject: { childId }, question: 'The family asked us to keep this file. Can it be destroyed?', to: 'manager', status: 'open', raisedBy: { id: worker.id }, decision: null });
    expect(await events(escalation.id)).toMatchObject([{ action: 'escalation.raise', outcome: 'allowed', actor_id: worker.id, child_ids: [childId] }]);

    const blocked = await h.request('POST', '/api/v1/disposals', { user: ro1, body: { childId, reason: 'Past its date.' } });
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ code: 'OPEN_ESCALATION', blockers: [{ code: 'OPEN_ESCALATION', escalationIds: [escalation.id] }] });
    const retention = await h.request('GET', `/api/v1/children/${childId}/retention`, { user: ro1 });
    expect(retention.body).toMatchObject({ disposable: false, blockers: [{ code: 'OPEN_ESCALATION' }] });

    const decided = await decide(manager, escalation.id, 'No reason to keep it: proceed with the schedule.');
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'decided', decision: { text: 'No reason to keep it: proceed with the schedule.', decidedBy: { id: manager.id }, decidedAt: h.clock.now().toISOString() } });
    expect(await h.db.selectFrom('escalation_decision').select(['decision', 'decided_by']).where('escalation_id', '=', escalation.id).execute()).toEqual([
      { decision: 'No reason to keep it: proceed with the schedule.', decided_by: manager.id },
    ]);
    expect((await events(escalation.id)).map((e) => [e.action, e.outcome, e.actor_id])).toEqual([
      ['escalation.raise', 'allowed', worker.id],
      ['escalation.decide', 'allowed', manager.id],
    ]);

    const now = await h.request('POST', '/api/v1/disposals', { user: ro1, body: { childId, reason: 'Past its date; the escalation is decided.' } });
    expect(now.status).toBe(201);
  });

  it('about a carer: it blocks the carer record’s destruction until business services decide', async () => {
    const carer = await h.request<{ id: string }>('POST', '/api/v1/carers', { user: worker, body: { kind: 'foster-carer', name: 'Escalation test carers' } });
    expect(carer.status).toBe(201);
    const res = await raise(worker, { subject: { carerId: carer.body.id }, question: 'Approval ended in 2010: is this file still needed?', to: 'business-services' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ subject: { carerId: carer.body.id }, to: 'business-services', status: 'open' });
    const before = await h.request<{ blockers: Array<{ code: string; escalationIds?: string[] }> }>('GET', `/api/v1/carers/${carer.body.id}/retention`, { user: ro1 });
    expect(before.body.blockers).toContainEqual({ code: 'OPEN_ESCALATION', escalationIds: [res.body.id] });

    expect((await decide(manager, res.body.id)).status).toBe(403);
    const decided = await decide(support, res.body.id, 'Keep until the complaint is closed.');
    expect(decided.status).toBe(200);
    const after = await h.request<{ blockers: Array<{ code: string }> }>('GET', `/api/v1/carers/${carer.body.id}/retention`, { user: ro1 });
    expect(after.body.blockers.map((b) => b.code)).not.toContain('OPEN_ESCALATION');
  });

  it('refuses bad input with 400 and an unknown record with 404, writing nothing', async () => {
    const childId = (await createChild(h, worker)).id;
    const before = await rows();
    const bad: Array<[Record<string, unknown>, number]> = [
      [{ subject: { childId }, to: 'manager' }, 400],
      [{ subject: { childId }, question: '   ', to: 'manager' }, 400],
      [{ subject: { childId }, question: 'x'.repeat(4001), to: 'manager' }, 400],
      [{ subject: { childId }, question: 'What now?', to: 'director' }, 400],
      [{ subject: { childId }, question: 'What now?' }, 400],
      [{ subject: {}, question: 'What now?', to: 'manager' }, 400],
      [{ subject: { childId, carerId: childId }, question: 'What now?', to: 'manager' }, 400],
      [{ subject: { childId: 'not-a-uuid' }, question: 'What now?', to: 'manager' }, 400],
      [{ subject: { childId: '00000000-0000-4000-8000-00000000beef' }, question: 'What now?', to: 'manager' }, 404],
      [{ subject: { carerId: '00000000-0000-4000-8000-00000000beef' }, question: 'What now?', to: 'manager' }, 404],
    ];
    for (const [body, status] of bad) {
      const res = await raise(worker, body);
      expect([JSON.stringify(body).slice(0, 80), res.status]).toEqual([JSON.stringify(body).slice(0, 80), status]);
    }
    // A worker with no access to the child cannot ask about it either.
    const outsider = await h.user(['social-worker'], { teamId: await h.team() });
    expect((await raise(outsider, { subject: { childId }, question: 'What now?', to: 'manager' })).status).toBe(403);
    expect(await rows()).toEqual(before);
  });
});

describe('deciding an escalation', () => {
  it('is for the role it was raised to, with access to the record, and never the person who asked', async () => {
    const childId = (await createChild(h, worker)).id;
    const toManager = (await raise(worker, { subject: { childId }, question: 'Should the file be archived?', to: 'manager' })).body;
    for (const [user, code] of [
      [worker, 'ROLE_REQUIRED'],
      [hos1, 'ROLE_REQUIRED'],
      [ro1, 'ROLE_REQUIRED'],
      [otherManager, 'ACCESS_DENIED'],
    ] as const) {
      const res = await decide(user, toManager.id);
      expect([res.status, res.body.code]).toEqual([403, code]);
    }
    expect(await h.db.selectFrom('escalation_decision').select('escalation_id').where('escalation_id', '=', toManager.id).execute()).toEqual([]);
    // Every refusal is audited: by role against the escalation, by access against the child.
    expect((await events(toManager.id)).filter((e) => e.outcome === 'denied').map((e) => e.actor_id)).toEqual([worker.id, hos1.id, ro1.id]);
    expect((await h.auditFor(childId)).filter((e) => e.action === 'escalation.decide' && e.outcome === 'denied').map((e) => e.actor_id)).toContain(otherManager.id);

    const own = (await raise(manager, { subject: { childId }, question: 'I am unsure about this one myself.', to: 'manager' })).body;
    const mine = await decide(manager, own.id);
    expect([mine.status, mine.body.code]).toEqual([403, 'OWN_REQUEST']);

    const toHead = (await raise(manager, { subject: { childId }, question: 'A new inquiry may want this record.', to: 'head-of-service' })).body;
    expect((await decide(manager, toHead.id)).status).toBe(403);
    expect((await decide(hos2, toHead.id)).status).toBe(200);
  });

  it('is taken once: a second decision is refused and the first kept', async () => {
    const childId = (await createChild(h, worker)).id;
    const esc = (await raise(worker, { subject: { childId }, question: 'Keep or destroy?', to: 'business-services' })).body;
    expect((await decide(ro1, esc.id, 'Keep.')).status).toBe(200);
    const again = await decide(support, esc.id, 'Destroy.');
    expect([again.status, again.body.code]).toEqual([409, 'ALREADY_DECIDED']);
    expect(await h.db.selectFrom('escalation_decision').select(['decision', 'decided_by']).where('escalation_id', '=', esc.id).execute()).toEqual([{ decision: 'Keep.', decided_by: ro1.id }]);
    // The database keeps both for good.
    await expect(sql`update escalation_decision set decision = 'Destroy.' where escalation_id = ${esc.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`delete from escalation_decision where escalation_id = ${esc.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`delete from escalation where id = ${esc.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
  });

  it('refuses an empty decision, and answers 404 for an escalation that does not exist', async () => {
    const childId = (await createChild(h, worker)).id;
    const esc = (await raise(worker, { subject: { childId }, question: 'Keep or destroy?', to: 'manager' })).body;
    expect((await decide(manager, esc.id, '  ')).status).toBe(400);
    expect((await decide(manager, '00000000-0000-4000-8000-00000000beef')).status).toBe(404);
    expect(await h.db.selectFrom('escalation_decision').select('escalation_id').where('escalation_id', '=', esc.id).execute()).toEqual([]);
  });
});

describe('listing escalations', () => {
  it('shows each person what they may decide and what they raised, open or decided', async () => {
    const childId = (await createChild(h, worker)).id;
    const esc = (await raise(worker, { subject: { childId }, question: 'Listing test: keep?', to: 'manager' })).body;
    const ids = async (user: TestUser, status: string) => (await h.request<{ items: EscalationView[] }>('GET', `/api/v1/escalations?status=${status}`, { user })).body.items.map((e) => e.id);

    expect(await ids(manager, 'open')).toContain(esc.id);
    expect(await ids(worker, 'open')).toContain(esc.id);
    expect(await ids(otherManager, 'open')).not.toContain(esc.id);
    expect(await ids(hos1, 'open')).not.toContain(esc.id);

    expect((await decide(manager, esc.id)).status).toBe(200);
    expect(await ids(manager, 'open')).not.toContain(esc.id);
    expect(await ids(manager, 'decided')).toContain(esc.id);
    expect(await ids(worker, 'all')).toContain(esc.id);
  });
});

describe('deciding an escalation opens the way only for that record', () => {
  it('lets the disposal go ahead once decided, approved by two other people', async () => {
    const childId = await pastItsDate();
    const esc = (await raise(ro1, { subject: { childId }, question: 'Past its date, but is anyone still using it?', to: 'head-of-service' })).body;
    expect((await h.request('POST', '/api/v1/disposals', { user: ro1, body: { childId, reason: 'Past its date.' } })).status).toBe(409);
    expect((await decide(hos1, esc.id, 'Nobody is: destroy it.')).status).toBe(200);
    const disposal = await h.request<{ id: string }>('POST', '/api/v1/disposals', { user: ro1, body: { childId, reason: 'Past its date.' } });
    expect(disposal.status).toBe(201);
    expect((await h.request('POST', `/api/v1/disposals/${disposal.body.id}/approvals`, { user: ro2 })).status).toBe(200);
    const done = await h.request<{ status: string }>('POST', `/api/v1/disposals/${disposal.body.id}/approvals`, { user: hos2 });
    expect(done.body.status).toBe('executed');
    // The escalation and its decision outlive the record: the case_record tombstone keeps them linked.
    expect(await h.db.selectFrom('escalation').select('id').where('child_id', '=', childId).execute()).toEqual([{ id: esc.id }]);
  });
});
