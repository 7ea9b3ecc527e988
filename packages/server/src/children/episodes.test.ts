import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness } from '../../test/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('involvements (R11)', () => {
  it('opens and closes episodes of each kind', async () => {
    const { worker } = await teamWithStaff(h);
    const c = await createChild(h, worker);
    const kinds = await h.request<{ items: Array<{ code: string }> }>('GET', '/api/v1/involvement-kinds', { user: worker });
    expect(kinds.body.items.map((k) => k.code)).toEqual(
      expect.arrayContaining(['child-in-need', 'child-protection', 'looked-after', 'care-leaver', 'education-welfare', 'private-fostering', 'adoption', 'fostering']),
    );
    const opened = await h.request<{ id: string }>('POST', `/api/v1/children/${c.id}/involvements`, { user: worker, body: { kind: 'child-in-need', startDate: '2026-01-05' } });
    expect(opened.status).toBe(201);
    const closed = await h.request('POST', `/api/v1/involvements/${opened.body.id}/close`, { user: worker, body: { endDate: '2026-03-01' } });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ kind: 'child-in-need', startDate: '2026-01-05', endDate: '2026-03-01' });
    const again = await h.request('POST', `/api/v1/involvements/${opened.body.id}/close`, { user: worker, body: { endDate: '2026-03-02' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'INVOLVEMENT_CLOSED' });
    const child = await h.request<{ involvements: unknown[] }>('GET', `/api/v1/children/${c.id}`, { user: worker });
    expect(child.body.involvements).toHaveLength(1);
  });

  it('refuses unknown kinds, impossible and future dates, and an end before the start', async () => {
    const { worker } = await teamWithStaff(h);
    const c = await createChild(h, worker);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ kind: 'astrology', startDate: '2026-01-05' }, 'kind'],
      [{ kind: 'child-in-need', startDate: '2026-02-30' }, 'startDate'],
      [{ kind: 'child-in-need', startDate: '2026-07-01' }, 'startDate'],
      [{ kind: 'child-in-need', startDate: '2026-01-05', endDate: '2026-01-04' }, 'endDate'],
    ];
    for (const [body, field] of cases) {
      const res = await h.request('POST', `/api/v1/children/${c.id}/involvements`, { user: worker, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain(field);
    }
  });
});

describe('allocations', () => {
  it('replaces the allocated worker in one step and keeps the history', async () => {
    const { manager, worker, colleague } = await teamWithStaff(h);
    const c = await createChild(h, worker);
    const res = await h.request('POST', `/api/v1/children/${c.id}/allocations`, { user: manager, body: { userId: colleague.id, role: 'allocated-worker' } });
    expect(res.status).toBe(201);
    const child = await h.request<{ allocations: Array<{ userId: string; current: boolean }> }>('GET', `/api/v1/children/${c.id}`, { user: manager });
    expect(child.body.allocations.filter((a) => a.current).map((a) => a.userId)).toEqual([colleague.id]);
    expect(child.body.allocations.filter((a) => !a.current).map((a) => a.userId)).toEqual([worker.id]);
    const same = await h.request('POST', `/api/v1/children/${c.id}/allocations`, { user: manager, body: { userId: colleague.id, role: 'allocated-worker' } });
    expect(same.body).toMatchObject({ code: 'ALREADY_ALLOCATED' });
  });

  it('allocates only people who hold the matching role, and only managers allocate', async () => {
    const { manager, worker } = await teamWithStaff(h);
    const iro = await h.user(['iro']);
    const c = await createChild(h, worker);
    const future = await h.request('POST', `/api/v1/children/${c.id}/allocations`, { user: manager, body: { userId: iro.id, role: 'iro', from: '2026-07-01' } });
    expect(future.status).toBe(400);
    expect(future.body).toMatchObject({ errors: [{ field: 'from' }] });
    const wrongRole = await h.request('POST', `/api/v1/children/${c.id}/allocations`, { user: manager, body: { userId: worker.id, role: 'iro' } });
    expect(wrongRole.status).toBe(400);
    expect(wrongRole.body).toMatchObject({ errors: [{ field: 'userId' }] });
    const bySw = await h.request('POST', `/api/v1/children/${c.id}/allocations`, { user: worker, body: { userId: iro.id, role: 'iro' } });
    expect(bySw.status).toBe(403);
    const ok = await h.request<{ id: string }>('POST', `/api/v1/children/${c.id}/allocations`, { user: manager, body: { userId: iro.id, role: 'iro' } });
    expect(ok.status).toBe(201);
    const ended = await h.request('POST', `/api/v1/allocations/${ok.body.id}/end`, { user: manager });
    expect(ended.status).toBe(200);
    expect((await h.request('POST', `/api/v1/allocations/${ok.body.id}/end`, { user: manager })).body).toMatchObject({ code: 'ALLOCATION_ENDED' });
  });
});

describe('relationships (R9)', () => {
  it('are kept both ways, never merging records', async () => {
    const { worker } = await teamWithStaff(h);
    const a = await createChild(h, worker, { familyName: 'Sibling' });
    const b = await createChild(h, worker, { familyName: 'Sibling' });
    const res = await h.request('POST', `/api/v1/children/${a.id}/relationships`, { user: worker, body: { relatedChildId: b.id, kind: 'sibling' } });
    expect(res.status).toBe(201);
    const fromB = await h.request<{ id: string; relationships: Array<{ relatedChildId: string; kind: string; relatedChildVisible: boolean }> }>('GET', `/api/v1/children/${b.id}`, { user: worker });
    expect(fromB.body.relationships).toEqual([expect.objectContaining({ relatedChildId: a.id, kind: 'sibling', relatedChildVisible: true })]);
    expect((await h.request('POST', `/api/v1/children/${b.id}/relationships`, { user: worker, body: { relatedChildId: a.id, kind: 'sibling' } })).status).toBe(409);
    expect((await h.request('POST', `/api/v1/children/${a.id}/relationships`, { user: worker, body: { relatedChildId: a.id, kind: 'sibling' } })).status).toBe(400);
  });

  it('shows only initials of a related child the reader cannot see', async () => {
    const teamA = await teamWithStaff(h);
    const teamB = await teamWithStaff(h);
    const hos = await h.user(['head-of-service']);
    const a = await createChild(h, teamA.worker, { givenName: 'Rosalind', familyName: 'Underhill' });
    const b = await createChild(h, teamB.worker, { givenName: 'Peregrine', familyName: 'Underhill' });
    expect((await h.request('POST', `/api/v1/children/${a.id}/relationships`, { user: hos, body: { relatedChildId: b.id, kind: 'half-sibling' } })).status).toBe(201);
    const seenByA = await h.request<{ relationships: Array<{ relatedChildName: string; relatedChildVisible: boolean }> }>('GET', `/api/v1/children/${a.id}`, { user: teamA.worker });
    expect(seenByA.body.relationships).toEqual([expect.objectContaining({ relatedChildName: 'P.U.', relatedChildVisible: false })]);
    expect(JSON.stringify(seenByA.body)).not.toContain('Peregrine');
    // Team A's worker cannot relate to a child they cannot see.
    const c = await createChild(h, teamA.worker);
    expect((await h.request('POST', `/api/v1/children/${c.id}/relationships`, { user: teamA.worker, body: { relatedChildId: b.id, kind: 'sibling' } })).status).toBe(403);
  });
});
