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
});
