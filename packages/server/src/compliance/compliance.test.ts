import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';

let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
beforeAll(async () => {
  h = await startHarness({ now: '2026-06-15T10:00:00Z' });
  team = await teamWithStaff(h);
});
afterAll(async () => h.close());

const post = async (user: TestUser, childId: string, body: Record<string, unknown>) => {
  const res = await h.request<{ id: string }>('POST', `/api/v1/children/${childId}/entries`, { user, body: { title: body['kind'], body: '', ...body } });
  if (res.status !== 201) throw new Error(`${res.status} ${res.raw}`);
  return res.body;
};

async function lookedAfterChild(user: TestUser, since: string, dateOfBirth = '2016-03-01') {
  const c = await createChild(h, user, { dateOfBirth });
  const inv = await h.request('POST', `/api/v1/children/${c.id}/involvements`, { user, body: { kind: 'looked-after', startDate: since } });
  expect(inv.status).toBe(201);
  return c;
}

interface Compliance {
  lookedAfter: boolean;
  contents: Array<{ item: string; status: string; requirement: string; latest: { entryId: string } | null }>;
  timescales: Array<{ item: string; dueBy: string; status: string; last: string | null; rule: string }>;
  lateRecordings: { count: number };
}

describe('compliance for one child', () => {
  it('shows each content item present or missing, and the statutory timescales with their rules', async () => {
    const c = await lookedAfterChild(team.worker, '2026-05-01');
    const plan = await post(team.worker, c.id, { kind: 'care-plan', occurredAt: '2026-05-02T10:00:00Z' });
    await post(team.worker, c.id, { kind: 'placement-plan', occurredAt: '2026-05-02T10:00:00Z', placementStart: '2026-05-01', longTerm: false });
    await post(team.worker, c.id, { kind: 'visit', visitType: 'statutory', occurredAt: '2026-05-06T10:00:00Z' });
    await post(team.worker, c.id, { kind: 'visit', visitType: 'statutory', occurredAt: '2026-06-01T10:00:00Z' });
    await post(team.worker, c.id, { kind: 'review', reviewType: 'looked-after-review', occurredAt: '2026-05-28T10:00:00Z' });
    const res = await h.request<Compliance>('GET', `/api/v1/children/${c.id}/compliance`, { user: team.worker });
    expect(res.status).toBe(200);
    const status = Object.fromEntries(res.body.contents.map((i) => [i.item, i.status]));
    expect(status).toMatchObject({
      'care-plan': 'present',
      'placement-plan': 'present',
      'health-plan': 'missing',
      pep: 'missing',
      'health-assessment': 'missing',
      review: 'present',
      'court-order': 'none-recorded',
      'provider-arrangement': 'none-recorded',
      visit: 'present',
    });
    expect(res.body.contents.find((i) => i.item === 'care-plan')?.latest?.entryId).toBe(plan.id);
    const due = Object.fromEntries(res.body.timescales.map((t) => [t.item, t]));
    expect(due['statutory-visit']).toMatchObject({ dueBy: '2026-07-13', last: '2026-06-01', status: 'upcoming', rule: 'CPPCR 2010 reg 28(2)(b)(i)' });
    expect(due['review']).toMatchObject({ dueBy: '2026-08-28', status: 'upcoming', rule: 'CPPCR 2010 reg 33(2)(a)' });
    // Initial health assessment: 20 working days from 1 May, skipping the May bank holidays.
    expect(due['health-assessment']).toMatchObject({ dueBy: '2026-06-02', status: 'overdue' });
    expect(due['pep-review']).toMatchObject({ dueBy: '2026-07-31', status: 'upcoming' });
  });

  it('marks looked-after items not applicable for a child in need', async () => {
    const c = await createChild(h, team.worker);
    await h.request('POST', `/api/v1/children/${c.id}/involvements`, { user: team.worker, body: { kind: 'child-in-need', startDate: '2026-01-05' } });
    const res = await h.request<Compliance>('GET', `/api/v1/children/${c.id}/compliance`, { user: team.worker });
    const status = Object.fromEntries(res.body.contents.map((i) => [i.item, i.status]));
    expect(status).toMatchObject({ 'care-plan': 'not-applicable', review: 'not-applicable', assessment: 'missing' });
    expect(res.body.timescales).toEqual([]);
  });

  it('counts visits recorded late', async () => {
    const c = await lookedAfterChild(team.worker, '2026-05-01');
    await post(team.worker, c.id, { kind: 'visit', visitType: 'statutory', occurredAt: '2026-06-01T10:00:00Z' });
    const res = await h.request<Compliance>('GET', `/api/v1/children/${c.id}/compliance`, { user: team.worker });
    expect(res.body.lateRecordings.count).toBe(1);
  });

  it('is refused to someone who cannot see the child', async () => {
    const c = await createChild(h, team.worker);
    expect((await h.request('GET', `/api/v1/children/${c.id}/compliance`, { user: await h.user(['social-worker']) })).status).toBe(403);
  });
});

describe('worklists', () => {
  it('lists what is overdue, due soon or missing across a worker’s children, most urgent first, groupable by siblings', async () => {
    const t = await teamWithStaff(h);
    const a = await lookedAfterChild(t.worker, '2026-03-01');
    const b = await lookedAfterChild(t.worker, '2026-06-10');
    await h.request('POST', `/api/v1/children/${a.id}/relationships`, { user: t.worker, body: { relatedChildId: b.id, kind: 'sibling' } });
    const lone = await lookedAfterChild(t.colleague, '2026-06-12');
    await post(t.worker, a.id, { kind: 'visit', visitType: 'statutory', occurredAt: '2026-06-11T10:00:00Z', status: 'draft' });

    const mine = await h.request<{ children: number; items: Array<{ childId: string; item: string; status: string; daysOverdue: number | null; area: string }>; groups?: Array<{ childIds: string[] }> }>(
      'GET',
      '/api/v1/worklist?groupBy=sibling-group',
      { user: t.worker },
    );
    expect(mine.status).toBe(200);
    expect(mine.body.children).toBe(2);
    expect(mine.body.items.map((i) => i.childId)).not.toContain(lone.id);
    const statuses = mine.body.items.map((i) => i.status);
    expect(statuses).toEqual([...statuses].sort((x, y) => ['overdue', 'due-soon', 'missing'].indexOf(x) - ['overdue', 'due-soon', 'missing'].indexOf(y)));
    const overdue = mine.body.items.filter((i) => i.status === 'overdue');
    expect(overdue.map((i) => i.daysOverdue)).toEqual([...overdue.map((i) => i.daysOverdue)].sort((x, y) => (y ?? 0) - (x ?? 0)));
    expect(mine.body.items).toContainEqual(expect.objectContaining({ childId: a.id, area: 'recording', item: 'visit-draft', status: 'overdue' }));
    expect(mine.body.items).toContainEqual(expect.objectContaining({ childId: b.id, item: 'statutory-visit', status: 'due-soon' }));
    expect(mine.body.items).toContainEqual(expect.objectContaining({ childId: a.id, item: 'care-plan', status: 'missing' }));
    expect(mine.body.groups?.map((g) => [...g.childIds].sort())).toEqual([[a.id, b.id].sort()]);

    const teamList = await h.request<{ children: number }>('GET', `/api/v1/worklist?teamId=${t.teamId}`, { user: t.manager });
    expect(teamList.body.children).toBe(3);
    // The colleague's draft is not on the manager's list unless… it is their team's: it is.
    expect((await h.request('GET', `/api/v1/worklist?userId=${t.worker.id}`, { user: t.manager })).status).toBe(200);
    expect((await h.request('GET', `/api/v1/worklist?userId=${t.worker.id}`, { user: t.colleague })).status).toBe(403);
    expect((await h.request('GET', `/api/v1/worklist?teamId=${t.teamId}`, { user: team.worker })).status).toBe(403);
    expect((await h.request('GET', `/api/v1/worklist?teamId=${t.teamId}&userId=${t.worker.id}`, { user: t.manager })).status).toBe(400);
  });

  it('lists visits recently recorded late, as the compliance view does, after everything still to do', async () => {
    const t = await teamWithStaff(h);
    const a = await lookedAfterChild(t.worker, '2026-03-01');
    // Monday 1 June: due by the end of Tuesday 2 June; recorded on 15 June.
    const late = await post(t.worker, a.id, { kind: 'visit', visitType: 'statutory', occurredAt: '2026-06-01T10:00:00Z' });
    const onTime = await post(t.worker, a.id, { kind: 'visit', visitType: 'other', occurredAt: '2026-06-12T10:00:00Z' });
    const compliance = await h.request<{ lateRecordings: { recent: Array<{ entryId: string }> } }>('GET', `/api/v1/children/${a.id}/compliance`, { user: t.worker });
    expect(compliance.body.lateRecordings.recent.map((r) => r.entryId)).toEqual([late.id]);
    const list = await h.request<{ items: Array<{ childId: string; area: string; item: string; status: string; dueBy: string | null; daysOverdue: number | null; entryId: string | null }> }>('GET', '/api/v1/worklist', { user: t.worker });
    expect(list.status).toBe(200);
    const recording = list.body.items.filter((i) => i.area === 'recording');
    expect(recording).toEqual([expect.objectContaining({ childId: a.id, item: 'visit-late', status: 'late', dueBy: '2026-06-02T22:59:59.999Z', daysOverdue: 13, entryId: late.id })]);
    expect(recording.map((i) => i.entryId)).not.toContain(onTime.id);
    const order = ['overdue', 'due-soon', 'missing', 'late'];
    const statuses = list.body.items.map((i) => i.status);
    expect(statuses).toEqual([...statuses].sort((x, y) => order.indexOf(x) - order.indexOf(y)));
  });

  it('decides overdue by the London day: half past midnight in summer is already the next day', async () => {
    const t = await teamWithStaff(h);
    // Looked after from Friday 15 May: the initial health assessment is due within 20 working days, on Monday 15 June.
    const c = await lookedAfterChild(t.worker, '2026-05-15');
    // Friday 12 June: recorded by the end of Monday 15 June, London time (22:59:59.999Z in summer).
    const draft = await post(t.worker, c.id, { kind: 'visit', visitType: 'statutory', occurredAt: '2026-06-12T10:00:00Z', status: 'draft' });
    type Item = { item: string; status: string; dueBy: string | null; daysOverdue: number | null; entryId: string | null };
    const items = async () => (await h.request<{ items: Item[] }>('GET', '/api/v1/worklist', { user: t.worker })).body.items;
    try {
      h.clock.set('2026-06-15T22:30:00Z'); // 23:30 on Monday 15 June in London
      const monday = await items();
      expect(monday.find((i) => i.entryId === draft.id)).toMatchObject({ status: 'due-soon', daysOverdue: null });
      expect(monday.find((i) => i.item === 'health-assessment')).toMatchObject({ dueBy: '2026-06-15', status: 'due-soon' });
      h.clock.set('2026-06-15T23:30:00Z'); // still 15 June in UTC; 00:30 on Tuesday 16 June in London
      const tuesday = await items();
      expect(tuesday.find((i) => i.entryId === draft.id)).toMatchObject({ status: 'overdue', daysOverdue: 1 });
      expect(tuesday.find((i) => i.item === 'health-assessment')).toMatchObject({ status: 'overdue', daysOverdue: 1 });
    } finally {
      h.clock.set('2026-06-15T10:00:00Z');
    }
  });
});
