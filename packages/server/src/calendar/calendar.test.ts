import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness } from '../../test/harness.js';

let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T12:00:00Z' });
  team = await teamWithStaff(h);
});
afterAll(async () => h.close());

const visit = async (childId: string, occurredAt: string) =>
  (await h.request<{ id: string; recordingDueBy: string }>('POST', `/api/v1/children/${childId}/entries`, { user: team.worker, body: { kind: 'visit', visitType: 'statutory', occurredAt, title: 'Visit', body: '' } })).body;

describe('bank holidays and the authority’s nation', () => {
  it('ships GOV.UK’s holidays and lists them', async () => {
    const list = await h.request<{ region: string; items: Array<{ date: string; source: string }> }>('GET', '/api/v1/bank-holidays', { user: team.worker });
    expect(list.body.region).toBe('england-and-wales');
    expect(list.body.items).toContainEqual(expect.objectContaining({ date: '2026-12-28', source: 'gov.uk' }));
    expect(list.body.items).toContainEqual(expect.objectContaining({ date: '2030-12-26', source: 'projected' }));
    const scotland = await h.request<{ items: Array<{ date: string }> }>('GET', '/api/v1/bank-holidays?region=scotland', { user: team.worker });
    expect(scotland.body.items.map((i) => i.date)).toContain('2026-11-30');
  });

  it('works deadlines out again when the authority chooses Scotland’s holidays (admin only)', async () => {
    const c = await createChild(h, team.worker);
    const v = await visit(c.id, '2026-11-27T10:00:00Z'); // Friday; Monday 30 November is St Andrew's Day in Scotland
    expect(v.recordingDueBy).toBe('2026-11-30T23:59:59.999Z');
    expect((await h.request('PATCH', '/api/v1/authority', { user: team.manager, body: { holidayRegion: 'scotland' } })).status).toBe(403);
    const admin = await h.user(['admin']);
    const res = await h.request<{ holidayRegion: string; deadlinesRecomputed: number }>('PATCH', '/api/v1/authority', { user: admin, body: { holidayRegion: 'scotland' } });
    expect(res.status).toBe(200);
    expect(res.body.holidayRegion).toBe('scotland');
    expect(res.body.deadlinesRecomputed).toBeGreaterThan(0);
    expect((await h.request('GET', `/api/v1/entries/${v.id}`, { user: team.worker })).body).toMatchObject({ recordingDueBy: '2026-12-01T23:59:59.999Z' });
    await h.request('PATCH', '/api/v1/authority', { user: admin, body: { holidayRegion: 'england-and-wales' } });
    expect((await h.request('GET', `/api/v1/entries/${v.id}`, { user: team.worker })).body).toMatchObject({ recordingDueBy: '2026-11-30T23:59:59.999Z' });
  });

  it('takes a new GOV.UK list without a release: a one-off holiday moves the deadlines after it', async () => {
    const c = await createChild(h, team.worker);
    const v = await visit(c.id, '2026-11-30T10:00:00Z'); // Monday; due Tuesday
    expect(v.recordingDueBy).toBe('2026-12-01T23:59:59.999Z');
    const admin = await h.user(['admin']);
    const current = await h.request<{ items: Array<{ date: string; title: string }> }>('GET', '/api/v1/bank-holidays', { user: admin });
    const events = current.body.items.filter((i) => i.date >= '2026-01-01' && i.date <= '2028-12-31').map((i) => ({ title: i.title, date: i.date }));
    events.push({ title: 'A one-off bank holiday', date: '2026-12-01' });
    const res = await h.request<{ deadlinesRecomputed: number }>('POST', '/api/v1/bank-holidays', { user: admin, body: { 'england-and-wales': { division: 'england-and-wales', events } } });
    expect(res.status).toBe(200);
    expect(res.body.deadlinesRecomputed).toBeGreaterThan(0);
    expect((await h.request('GET', `/api/v1/entries/${v.id}`, { user: team.worker })).body).toMatchObject({ recordingDueBy: '2026-12-02T23:59:59.999Z' });
    expect((await h.request('POST', '/api/v1/bank-holidays', { user: admin, body: { wales: {} } })).status).toBe(400);
    expect((await h.request('POST', '/api/v1/bank-holidays', { user: team.manager, body: { 'england-and-wales': { division: 'x', events } } })).status).toBe(403);
  });
});
