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

  it('keeps a finalised visit’s deadline and lateness through a correction, even of when it happened', async () => {
    const c = await createChild(h, team.worker);
    const late = await post(team.worker, c.id, visit('statutory', '2026-12-17T15:00:00Z'));
    const id = String(late.body['id']);
    const corrected = await h.request('POST', `/api/v1/entries/${id}/versions`, { user: team.worker, body: { occurredAt: '2026-12-22T15:00:00Z', reason: 'The visit was on the 22nd' } });
    expect(corrected.status).toBe(201);
    expect(corrected.body).toMatchObject({ version: 2, occurredAt: '2026-12-22T15:00:00.000Z', recordingDueBy: '2026-12-18T23:59:59.999Z', recordedLate: true, recordingState: 'late' });
    const other = await h.request('POST', `/api/v1/entries/${id}/versions`, { user: team.worker, body: { visitType: 'other', reason: 'It was not the statutory visit' } });
    expect(other.body).toMatchObject({ version: 3, recordingDueBy: '2026-12-18T23:59:59.999Z', recordedLate: true });
    // A draft is not yet recorded: its deadline follows its corrections until it is finalised.
    const draft = await post(team.worker, c.id, visit('statutory', '2026-12-17T15:00:00Z', { status: 'draft' }));
    const moved = await h.request('POST', `/api/v1/entries/${String(draft.body['id'])}/versions`, { user: team.worker, body: { occurredAt: '2026-12-22T15:00:00Z', reason: 'Wrong day' } });
    expect(moved.body).toMatchObject({ recordingDueBy: '2026-12-23T23:59:59.999Z', recordingState: 'pending' });
    const final = await h.request('POST', `/api/v1/entries/${String(draft.body['id'])}/finalise`, { user: team.worker });
    expect(final.body).toMatchObject({ recordingDueBy: '2026-12-23T23:59:59.999Z', recordedLate: false });
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
      [{ ...decision, parentViews: [] }, 'parentViews'],
      [{ ...decision, parentViews: [], noParentViewsReason: '  ' }, 'noParentViewsReason'],
      [{ ...decision, decidedBy: '00000000-0000-0000-0000-00000000000g' }, 'decidedBy'],
      [{ ...decision, decidedBy: '6F1C2A34-0000-4000-8000-000000000000' }, 'decidedBy'],
      [{ ...decision, decidedBy: 'abcdef01-2345-6789-abcd-ef01234567' }, 'decidedBy'],
    ];
    for (const [body, field] of cases) {
      const res = await post(team.worker, c.id, JSON.parse(JSON.stringify(body)) as Record<string, unknown>);
      expect(res.status, field).toBe(400);
      expect((res.body['errors'] as Array<{ field: string }>).map((e) => e.field), field).toContain(field);
    }
  });

  it('takes a decider’s id in any case, a name however odd, and never fails on one that is almost an id', async () => {
    const c = await createChild(h, team.worker);
    const base = {
      kind: 'decision',
      occurredAt: '2026-12-02T10:00:00Z',
      title: 'Decision',
      body: '',
      decision: 'Stay put.',
      rationale: 'Settled.',
      childView: { notObtainedReason: 'Too young' },
      parentViews: [],
      noParentViewsReason: 'Both parents have died.',
    };
    const upper = await post(team.worker, c.id, { ...base, decidedBy: `  ${team.manager.id.toUpperCase()}  ` });
    expect(upper.status, JSON.stringify(upper.body)).toBe(201);
    expect(upper.body).toMatchObject({ parentViews: [], noParentViewsReason: 'Both parents have died.' });
    const hyphens = await post(team.worker, c.id, { ...base, decidedBy: '-'.repeat(36) });
    expect(hyphens.status).toBe(201);
    const trail = await h.request<{ items: Array<{ id: string; decidedBy: { text: string; user: { id: string } | null } }> }>('GET', `/api/v1/children/${c.id}/decisions`, { user: team.worker });
    expect(trail.status).toBe(200);
    const by = new Map(trail.body.items.map((i) => [i.id, i.decidedBy.user?.id ?? null]));
    expect(by.get(String(upper.body['id']))).toBe(team.manager.id);
    expect(by.get(String(hyphens.body['id']))).toBeNull();
    const bad = await h.request('POST', `/api/v1/entries/${String(upper.body['id'])}/versions`, { user: team.worker, body: { decidedBy: '00000000-0000-0000-0000-00000000000g', reason: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ field: 'decidedBy' }] });
  });

  it('checks access to the child before the kind’s rules: an outsider learns nothing from them', async () => {
    const c = await createChild(h, team.worker);
    const known = await createEntry(h, team.worker, c.id);
    const draft = await post(team.colleague, c.id, { kind: 'case-note', occurredAt: '2026-12-01T10:00:00Z', title: 'Draft', body: '', status: 'draft' });
    const outsider = await h.user(['social-worker']);
    const decision = {
      kind: 'decision',
      occurredAt: '2026-12-02T10:00:00Z',
      title: 'Decision',
      body: '',
      decision: 'x',
      rationale: 'y',
      decidedBy: 'Panel',
      childView: { notObtainedReason: 'Too young' },
      parentViews: [{ name: 'Mother', relationship: 'mother', view: 'Agrees.' }],
    };
    const withKnown = await post(outsider, c.id, { ...decision, informedBy: [known.id] });
    const withUnknown = await post(outsider, c.id, { ...decision, informedBy: ['6f1c2a34-0000-4000-8000-000000000000'] });
    expect([withKnown.status, withUnknown.status]).toEqual([403, 403]);
    expect(withKnown.body['detail']).toBe(withUnknown.body['detail']);
    expect(withKnown.body['errors']).toBeUndefined();
    // A colleague's draft is not the author's to cite: it is as if it did not exist.
    const cites = await post(team.worker, c.id, { ...decision, informedBy: [String(draft.body['id'])] });
    expect(cites.status).toBe(400);
    expect(cites.body).toMatchObject({ errors: [{ field: 'informedBy.0', message: 'is not an entry in this child’s record' }] });
    // Finalising someone else's entry in a record one cannot see says nothing about its state.
    expect((await h.request('POST', `/api/v1/entries/${known.id}/finalise`, { user: outsider })).status).toBe(403);
    const count = await h.db.selectFrom('entry').select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', c.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
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
