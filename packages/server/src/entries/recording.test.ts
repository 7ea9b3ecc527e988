import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, createEntry, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';

/** Typed entries, drafts, deadlines and the record's other views (issue: recording the child's life). */
let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
beforeAll(async () => {
  // Wednesday 23 December 2026, 10:00 London: Christmas and the Boxing Day substitute lie ahead.
  h = await startHarness({ now: '2026-12-23T10:00:00Z' });
  team = await teamWithStaff(h);
});
afterAll(async () => h.close());

const post = (user: TestUser, childId: string, body: Record<string, unknown>) => h.request<Record<string, unknown>>('POST', `/api/v1/children/${childId}/entries`, { user, body });
const visit = (visitType: string, occurredAt: string, extra: Record<string, unknown> = {}) => ({ kind: 'visit', visitType, occurredAt, title: 'Visit', body: 'Saw the child.', ...extra });

describe('typed entries (R2, R3)', () => {
  it('takes each kind’s own fields and refuses what a kind does not have, naming the field', async () => {
    const c = await createChild(h, team.worker);
    const order = await post(team.worker, c.id, { kind: 'court-order', occurredAt: '2026-12-01T10:00:00Z', title: 'Care order', body: '', orderType: 'care-order', court: 'Northmoor Family Court', madeOn: '2026-12-01' });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ orderType: 'care-order', court: 'Northmoor Family Court', madeOn: '2026-12-01' });
    const arrangement = await post(team.worker, c.id, { kind: 'provider-arrangement', occurredAt: '2026-12-01T10:00:00Z', title: 'IFA', body: '', provider: 'Brightwater Fostering', functions: ['placement', 'carer supervision'] });
    expect(arrangement.status).toBe(201);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ kind: 'court-order', occurredAt: '2026-12-01T10:00:00Z', title: 'x', body: '', orderType: 'care-order', madeOn: '2026-12-01' }, 'court'],
      [{ kind: 'court-order', occurredAt: '2026-12-01T10:00:00Z', title: 'x', body: '', orderType: 'magic-order', court: 'c', madeOn: '2026-12-01' }, 'orderType'],
      [{ kind: 'court-order', occurredAt: '2026-12-01T10:00:00Z', title: 'x', body: '', orderType: 'care-order', court: 'c', madeOn: '2026-12-01', endsOn: '2026-11-01' }, 'endsOn'],
      [{ kind: 'court-order', occurredAt: '2026-12-01T10:00:00Z', title: 'x', body: '', orderType: 'care-order', court: 'c', madeOn: '2027-01-01' }, 'madeOn'],
      [{ kind: 'provider-arrangement', occurredAt: '2026-12-01T10:00:00Z', title: 'x', body: '' }, 'provider'],
      [{ kind: 'visit', occurredAt: '2026-12-01T10:00:00Z', title: 'x', body: '' }, 'visitType'],
      [{ kind: 'visit', visitType: 'statutory', occurredAt: '2026-12-24T10:00:00Z', title: 'x', body: '' }, 'occurredAt'],
      [{ kind: 'case-note', occurredAt: '2026-12-01T10:00:00Z', title: 'x', body: '', visitType: 'statutory' }, 'visitType'],
      [{ kind: 'duplicate-entry', occurredAt: '2026-12-01T10:00:00Z', title: 'x', body: '' }, 'kind'],
      [{ occurredAt: '2026-12-01T10:00:00Z', title: 'x', body: '' }, 'kind'],
    ];
    for (const [body, field] of cases) {
      const res = await post(team.worker, c.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body['errors'] as Array<{ field: string }>).map((e) => e.field), JSON.stringify(body)).toContain(field);
    }
  });

  it('checks a correction of a kind’s fields against the kind once merged', async () => {
    const c = await createChild(h, team.worker);
    const order = await post(team.worker, c.id, { kind: 'court-order', occurredAt: '2026-12-01T10:00:00Z', title: 'Order', body: '', orderType: 'interim-care-order', court: 'Northmoor Family Court', madeOn: '2026-12-01' });
    const ok = await h.request('POST', `/api/v1/entries/${String(order.body['id'])}/versions`, { user: team.worker, body: { orderType: 'care-order', reason: 'The final order was made.' } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ orderType: 'care-order', court: 'Northmoor Family Court', version: 2 });
    const bad = await h.request('POST', `/api/v1/entries/${String(order.body['id'])}/versions`, { user: team.worker, body: { endsOn: '2020-01-01', reason: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ field: 'endsOn' }] });
  });
});

describe('recording deadlines (R4)', () => {
  it('gives a statutory visit until 23:59 on the next working day and an other visit five working days, over Christmas', async () => {
    const c = await createChild(h, team.worker);
    const statutory = await post(team.worker, c.id, visit('statutory', '2026-12-23T09:00:00Z'));
    expect(statutory.body).toMatchObject({ recordingDueBy: '2026-12-24T23:59:59.999Z', recordedLate: false, recordingState: 'on-time' });
    // Thu 24 (1), Fri 25 and Mon 28 are holidays, Tue 29 (2), Wed 30 (3), Thu 31 (4), Fri 1 Jan is a holiday, Mon 4 (5).
    const other = await post(team.worker, c.id, visit('other', '2026-12-23T09:00:00Z'));
    expect(other.body).toMatchObject({ recordingDueBy: '2027-01-04T23:59:59.999Z' });
    const note = await createEntry(h, team.worker, c.id);
    expect(note).toMatchObject({ recordingDueBy: null, recordedLate: null });
  });

  it('marks a visit recorded after its deadline as late, on every read', async () => {
    const c = await createChild(h, team.worker);
    const late = await post(team.worker, c.id, visit('statutory', '2026-12-17T15:00:00Z'));
    expect(late.body).toMatchObject({ recordingDueBy: '2026-12-18T23:59:59.999Z', recordedLate: true, recordingState: 'late' });
    const read = await h.request('GET', `/api/v1/entries/${String(late.body['id'])}`, { user: team.worker });
    expect(read.body).toMatchObject({ recordedLate: true });
  });
});

describe('drafts (seen by the author and their manager only)', () => {
  it('keeps a draft from colleagues, shows it to the manager, and lets the author finalise it', async () => {
    const c = await createChild(h, team.worker);
    const draft = await post(team.worker, c.id, visit('statutory', '2026-12-23T09:00:00Z', { status: 'draft' }));
    const id = String(draft.body['id']);
    expect(draft.body).toMatchObject({ status: 'draft', finalisedAt: null, recordingState: 'pending' });
    const list = (u: TestUser) => h.request<{ items: Array<{ id: string }> }>('GET', `/api/v1/children/${c.id}/entries`, { user: u });
    expect((await list(team.colleague)).body.items.map((i) => i.id)).not.toContain(id);
    expect((await h.request('GET', `/api/v1/entries/${id}`, { user: team.colleague })).status).toBe(404);
    expect((await list(team.manager)).body.items.map((i) => i.id)).toContain(id);
    expect((await h.request('POST', `/api/v1/entries/${id}/finalise`, { user: team.colleague })).status).toBe(404);

    h.clock.set('2026-12-24T09:00:00Z');
    const edited = await h.request('POST', `/api/v1/entries/${id}/versions`, { user: team.worker, body: { body: 'Saw the child and their carer.', reason: 'Added detail' } });
    expect(edited.body).toMatchObject({ status: 'draft', version: 2 });
    const final = await h.request('POST', `/api/v1/entries/${id}/finalise`, { user: team.worker });
    expect(final.status).toBe(201);
    expect(final.body).toMatchObject({ status: 'final', version: 3, reason: 'Finalised', finalisedAt: '2026-12-24T09:00:00.000Z', recordedLate: false });
    expect((await list(team.colleague)).body.items.map((i) => i.id)).toContain(id);
    expect((await h.request('POST', `/api/v1/entries/${id}/finalise`, { user: team.worker })).status).toBe(409);
    expect((await h.request('POST', `/api/v1/entries/${id}/versions`, { user: team.worker, body: { status: 'draft', reason: 'undo' } })).status).toBe(400);
    h.clock.set('2026-12-23T10:00:00Z');
  });

  it('calls a draft past its deadline overdue', async () => {
    const c = await createChild(h, team.worker);
    const draft = await post(team.worker, c.id, visit('statutory', '2026-12-21T15:00:00Z', { status: 'draft' }));
    expect(draft.body).toMatchObject({ recordingDueBy: '2026-12-22T23:59:59.999Z', recordingState: 'overdue', recordedLate: false });
    const compliance = await h.request<{ overdueDrafts: Array<{ entryId: string }> }>('GET', `/api/v1/children/${c.id}/compliance`, { user: team.worker });
    expect(compliance.body.overdueDrafts.map((d) => d.entryId)).toEqual([draft.body['id']]);
    const colleagueView = await h.request<{ overdueDrafts: unknown[] }>('GET', `/api/v1/children/${c.id}/compliance`, { user: team.colleague });
    expect(colleagueView.body.overdueDrafts).toEqual([]);
  });
});

describe('plans, decisions and the child’s own contributions', () => {
  it('reads a care plan’s every change as a timeline, the current one marked', async () => {
    const c = await createChild(h, team.worker);
    const plan = await post(team.worker, c.id, { kind: 'care-plan', occurredAt: '2026-10-01T10:00:00Z', title: 'Care plan', body: 'Plan A.' });
    h.clock.advance(60_000);
    await h.request('POST', `/api/v1/entries/${String(plan.body['id'])}/versions`, { user: team.worker, body: { body: 'Plan A, with weekly family time.', reason: 'Changed after the review' } });
    h.clock.advance(60_000);
    const second = await post(team.worker, c.id, { kind: 'care-plan', occurredAt: '2026-12-01T10:00:00Z', title: 'Care plan (revised)', body: 'Plan B.' });
    const timeline = await h.request<{ current: { id: string; title: string }; timeline: Array<{ entryId: string; version: number; current: boolean; reason: string | null }> }>('GET', `/api/v1/children/${c.id}/plans/care-plan`, { user: team.colleague });
    expect(timeline.status).toBe(200);
    expect(timeline.body.current).toMatchObject({ id: second.body['id'], title: 'Care plan (revised)' });
    expect(timeline.body.timeline.map((t) => [t.entryId === plan.body['id'] ? 'A' : 'B', t.version, t.current, t.reason])).toEqual([
      ['A', 1, false, null],
      ['A', 2, false, 'Changed after the review'],
      ['B', 1, true, null],
    ]);
    const plans = await h.request<{ items: Array<{ kind: string; versions: number }> }>('GET', `/api/v1/children/${c.id}/plans`, { user: team.worker });
    expect(plans.body.items.find((p) => p.kind === 'care-plan')?.versions).toBe(3);
    expect((await h.request('GET', `/api/v1/children/${c.id}/plans/case-note`, { user: team.worker })).status).toBe(400);
  });

  it('records decisions with who, why, the views and what informed them, and traces them (R6)', async () => {
    const c = await createChild(h, team.worker);
    const assessment = await post(team.worker, c.id, { kind: 'assessment', assessmentType: 'child-and-family', occurredAt: '2026-12-01T10:00:00Z', title: 'Assessment', body: 'Findings.' });
    const decision = {
      kind: 'decision',
      occurredAt: '2026-12-02T10:00:00Z',
      title: 'Family time',
      body: '',
      decision: 'Family time stays supervised.',
      rationale: 'The assessment found risks remain.',
      decidedBy: team.manager.id,
      informedBy: [assessment.body['id']],
      childView: { view: 'I want to see mum more.', howObtained: 'Talked at the visit' },
      parentViews: [{ name: 'Mother', relationship: 'mother', view: 'Wants more time.' }, { name: 'Father', relationship: 'father', notObtainedReason: 'Whereabouts unknown' }],
    };
    const first = await post(team.worker, c.id, decision);
    expect(first.status).toBe(201);
    const later = await post(team.manager, c.id, { ...decision, occurredAt: '2026-12-20T10:00:00Z', decidedBy: 'Family court', informedBy: [first.body['id']] });
    expect(later.status).toBe(201);
    const trail = await h.request<{ items: Array<Record<string, unknown>> }>('GET', `/api/v1/children/${c.id}/decisions`, { user: team.colleague });
    expect(trail.body.items).toHaveLength(2);
    expect(trail.body.items[1]).toMatchObject({
      id: first.body['id'],
      decidedBy: { text: team.manager.id, user: { id: team.manager.id, displayName: team.manager.displayName } },
      informedBy: [{ entryId: assessment.body['id'], kind: 'assessment', title: 'Assessment', available: true }],
      informs: [later.body['id']],
      childView: { view: 'I want to see mum more.' },
    });
    expect(trail.body.items[0]).toMatchObject({ decidedBy: { text: 'Family court', user: null } });

    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...decision, decidedBy: undefined }, 'decidedBy'],
      [{ ...decision, decidedBy: '   ' }, 'decidedBy'],
      [{ ...decision, decidedBy: '6f1c2a34-0000-4000-8000-000000000000' }, 'decidedBy'],
      [{ ...decision, childView: {} }, 'childView'],
      [{ ...decision, childView: { view: 'x' } }, 'childView'],
      [{ ...decision, informedBy: ['6f1c2a34-0000-4000-8000-000000000000'] }, 'informedBy.0'],
      [{ ...decision, parentViews: [{ name: 'Mother', relationship: 'mother' }] }, 'parentViews.0'],
    ];
    for (const [body, field] of cases) {
      const res = await post(team.worker, c.id, JSON.parse(JSON.stringify(body)) as Record<string, unknown>);
      expect(res.status, field).toBe(400);
      expect((res.body['errors'] as Array<{ field: string }>).map((e) => e.field), field).toContain(field);
    }
  });

  it('lists the child’s contributions, marked as theirs with where the original is (R5)', async () => {
    const c = await createChild(h, team.worker);
    await post(team.worker, c.id, { kind: 'child-contribution', occurredAt: '2026-12-10T10:00:00Z', title: 'My drawing', body: '', childsProperty: true, originalHeldBy: 'child', copyGivenToChild: false, contributionType: 'drawing' });
    await createEntry(h, team.worker, c.id);
    const list = await h.request<{ items: Array<Record<string, unknown>> }>('GET', `/api/v1/children/${c.id}/contributions`, { user: team.worker });
    expect(list.body.items).toEqual([expect.objectContaining({ title: 'My drawing', childsProperty: true, originalHeldBy: 'child', copyGivenToChild: false })]);
    const bad = await post(team.worker, c.id, { kind: 'child-contribution', occurredAt: '2026-12-10T10:00:00Z', title: 'x', body: '', childsProperty: false, originalHeldBy: 'child', copyGivenToChild: false });
    expect(bad.body).toMatchObject({ errors: [{ field: 'childsProperty' }] });
  });
});
