import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness } from '../../test/harness.js';
import { CalendarCache } from './calendar.repository.js';
import { importHolidays } from './calendar.service.js';

let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T12:00:00Z' });
  team = await teamWithStaff(h);
});
afterAll(async () => h.close());

const visit = async (childId: string, occurredAt: string, extra: Record<string, unknown> = {}) =>
  (await h.request<{ id: string; recordingDueBy: string; recordedLate: boolean }>('POST', `/api/v1/children/${childId}/entries`, { user: team.worker, body: { kind: 'visit', visitType: 'statutory', occurredAt, title: 'Visit', body: '', ...extra } })).body;
const entry = async (id: string) => (await h.request<{ recordingDueBy: string; recordedLate: boolean; recordingState: string }>('GET', `/api/v1/entries/${id}`, { user: team.worker })).body;

describe('bank holidays and the authority’s nation', () => {
  it('ships GOV.UK’s holidays and lists them', async () => {
    const list = await h.request<{ region: string; items: Array<{ date: string; source: string }> }>('GET', '/api/v1/bank-holidays', { user: team.worker });
    expect(list.body.region).toBe('england-and-wales');
    expect(list.body.items).toContainEqual(expect.objectContaining({ date: '2026-12-28', source: 'gov.uk' }));
    expect(list.body.items).toContainEqual(expect.objectContaining({ date: '2030-12-26', source: 'projected' }));
    const scotland = await h.request<{ items: Array<{ date: string }> }>('GET', '/api/v1/bank-holidays?region=scotland', { user: team.worker });
    expect(scotland.body.items.map((i) => i.date)).toContain('2026-11-30');
  });

  it('works open drafts’ deadlines out again when the authority chooses Scotland’s holidays (admin only); finalised ones keep theirs', async () => {
    const c = await createChild(h, team.worker);
    const v = await visit(c.id, '2026-11-27T10:00:00Z', { status: 'draft' }); // Friday; Monday 30 November is St Andrew's Day in Scotland
    expect(v.recordingDueBy).toBe('2026-11-30T23:59:59.999Z');
    // Recorded on 1 December: late against Monday's deadline, and it stays late.
    const final = await visit(c.id, '2026-11-27T10:00:00Z');
    expect(final).toMatchObject({ recordingDueBy: '2026-11-30T23:59:59.999Z', recordedLate: true });
    expect((await h.request('PATCH', '/api/v1/authority', { user: team.manager, body: { holidayRegion: 'scotland' } })).status).toBe(403);
    const admin = await h.user(['admin']);
    const res = await h.request<{ holidayRegion: string; deadlinesRecomputed: number }>('PATCH', '/api/v1/authority', { user: admin, body: { holidayRegion: 'scotland' } });
    expect(res.status).toBe(200);
    expect(res.body.holidayRegion).toBe('scotland');
    expect(res.body.deadlinesRecomputed).toBeGreaterThan(0);
    expect(await entry(v.id)).toMatchObject({ recordingDueBy: '2026-12-01T23:59:59.999Z' });
    expect(await entry(final.id)).toMatchObject({ recordingDueBy: '2026-11-30T23:59:59.999Z', recordedLate: true, recordingState: 'late' });
    await h.request('PATCH', '/api/v1/authority', { user: admin, body: { holidayRegion: 'england-and-wales' } });
    expect(await entry(v.id)).toMatchObject({ recordingDueBy: '2026-11-30T23:59:59.999Z' });
    expect(await entry(final.id)).toMatchObject({ recordingDueBy: '2026-11-30T23:59:59.999Z', recordedLate: true });
  });

  it('takes a new GOV.UK list without a release: a one-off holiday moves open drafts’ deadlines, not finalised ones', async () => {
    const c = await createChild(h, team.worker);
    const v = await visit(c.id, '2026-11-30T10:00:00Z', { status: 'draft' }); // Monday; due Tuesday
    expect(v.recordingDueBy).toBe('2026-12-01T23:59:59.999Z');
    const final = await visit(c.id, '2026-11-30T10:00:00Z');
    const admin = await h.user(['admin']);
    const current = await h.request<{ items: Array<{ date: string; title: string }> }>('GET', '/api/v1/bank-holidays', { user: admin });
    const events = current.body.items.filter((i) => i.date >= '2026-01-01' && i.date <= '2028-12-31').map((i) => ({ title: i.title, date: i.date }));
    events.push({ title: 'A one-off bank holiday', date: '2026-12-01' });
    const res = await h.request<{ deadlinesRecomputed: number }>('POST', '/api/v1/bank-holidays', { user: admin, body: { 'england-and-wales': { division: 'england-and-wales', events } } });
    expect(res.status).toBe(200);
    expect(res.body.deadlinesRecomputed).toBeGreaterThan(0);
    expect(await entry(v.id)).toMatchObject({ recordingDueBy: '2026-12-02T23:59:59.999Z' });
    expect(await entry(final.id)).toMatchObject({ recordingDueBy: '2026-12-01T23:59:59.999Z', recordedLate: false });
    expect((await h.request('POST', '/api/v1/bank-holidays', { user: admin, body: { wales: {} } })).status).toBe(400);
    expect((await h.request('POST', '/api/v1/bank-holidays', { user: team.manager, body: { 'england-and-wales': { division: 'x', events } } })).status).toBe(403);
  });

  it('answers 400 naming the body, and changes nothing, when PATCH /authority has nothing to change', async () => {
    const admin = await h.user(['admin']);
    const before = await h.request<{ name: string; holidayRegion: string }>('GET', '/api/v1/authority', { user: admin });
    const res = await h.request<{ code: string; errors: Array<{ field: string }> }>('PATCH', '/api/v1/authority', { user: admin, body: {} });
    expect(res.status).toBe(400);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e) => e.field)).toContain('body');
    expect((await h.request('GET', '/api/v1/authority', { user: admin })).body).toEqual(before.body);
    const renamed = await h.request<{ name: string; deadlinesRecomputed: number }>('PATCH', '/api/v1/authority', { user: admin, body: { name: 'Northmoor Council' } });
    expect(renamed.body).toMatchObject({ name: 'Northmoor Council', holidayRegion: before.body.holidayRegion, deadlinesRecomputed: 0 });
  });

  it('imports a list with a date twice once, replaces only the years the list covers, and moves drafts due on or after the first changed day', async () => {
    const admin = await h.user(['admin']);
    const c = await createChild(h, team.worker);
    // Wednesday 31 December 2025, another visit: five working days after it, skipping New Year's Day, is Thursday 8 January.
    const draft = await visit(c.id, '2025-12-31T10:00:00Z', { visitType: 'other', status: 'draft' });
    const final = await visit(c.id, '2025-12-31T10:00:00Z', { visitType: 'other' });
    expect(draft.recordingDueBy).toBe('2026-01-08T23:59:59.999Z');
    const current = await h.request<{ items: Array<{ date: string; title: string }> }>('GET', '/api/v1/bank-holidays', { user: admin });
    const events = current.body.items.filter((i) => i.date.startsWith('2026-')).map((i) => ({ title: i.title, date: i.date }));
    events.push({ title: 'A one-off bank holiday', date: '2026-01-05' }, { title: 'Christmas Day', date: '2026-12-25' });
    const res = await h.request<{ imported: Array<{ region: string; count: number }>; deadlinesRecomputed: number }>('POST', '/api/v1/bank-holidays', {
      user: admin,
      body: { 'england-and-wales': { division: 'england-and-wales', events } },
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body.imported).toEqual([expect.objectContaining({ region: 'england-and-wales', count: events.length - 1 })]);
    const after = (await h.request<{ items: Array<{ date: string }> }>('GET', '/api/v1/bank-holidays', { user: admin })).body.items.map((i) => i.date);
    expect(after.filter((d) => d === '2026-12-25')).toHaveLength(1);
    expect(after).toContain('2026-01-05');
    // Years the list does not cover are left as they were, GOV.UK's and projected alike.
    expect(after).toEqual(expect.arrayContaining(['2025-12-25', '2027-12-27', '2028-12-26', '2030-12-26']));
    // The draft was made in 2025, but its deadline runs past the new holiday: it moves; the finalised visit keeps its deadline.
    expect(res.body.deadlinesRecomputed).toBe(1);
    expect(await entry(draft.id)).toMatchObject({ recordingDueBy: '2026-01-09T23:59:59.999Z' });
    expect(await entry(final.id)).toMatchObject({ recordingDueBy: '2026-01-08T23:59:59.999Z', recordedLate: true });
  });
});

describe('the calendar cache', () => {
  it('never has a transaction wait for a load queued behind it (PGlite has one connection)', { timeout: 15_000 }, async () => {
    const cache = new CalendarCache(h.db);
    const { inside, outside } = await h.db.transaction().execute(async (tx) => {
      await tx.selectFrom('authority').select('id').execute();
      const queued = cache.get(); // through the root connection, behind this transaction
      return { inside: await cache.get(tx), outside: queued };
    });
    expect(inside.isHoliday('2026-12-25')).toBe(true);
    expect((await outside).isHoliday('2026-12-25')).toBe(true);
  });

  it('keeps nothing a rolled-back transaction read: a holiday import that did not commit leaves no trace', async () => {
    const cache = new CalendarCache(h.db);
    await expect(
      h.db.transaction().execute(async (tx) => {
        await tx.insertInto('bank_holiday').values({ region: 'england-and-wales', date: '2026-06-03', title: 'Never committed', source: 'gov.uk' }).execute();
        expect((await cache.get(tx)).isHoliday('2026-06-03')).toBe(true);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await cache.get()).isHoliday('2026-06-03')).toBe(false);

    const admin = await h.user(['admin']);
    const events = [{ title: 'Never committed', date: '2026-06-03' }];
    await expect(
      h.as(admin, async (w) => {
        await importHolidays(w, { 'england-and-wales': { division: 'england-and-wales', events } }, () => h.runner.calendars.clear());
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await h.runner.calendars.get()).isHoliday('2026-06-03')).toBe(false);
  });
});
