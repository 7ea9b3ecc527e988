import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, createEntry, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';

let h: Harness;
let worker: TestUser;
let colleague: TestUser;
beforeAll(async () => {
  h = await startHarness();
  ({ worker, colleague } = await teamWithStaff(h));
});
afterAll(async () => h.close());

interface EntryBody {
  id: string;
  version: number;
  currentVersion: number;
  title: string;
  body: string;
  reason: string | null;
  occurredAt: string;
  recordedBy: { id: string; displayName: string };
  versions?: Array<{ version: number; reason: string | null; recordedBy: { id: string } }>;
}

describe('entries are append-only', () => {
  it('creates version 1 and corrects by adding version 2 with a reason, keeping both', async () => {
    const c = await createChild(h, worker);
    const created = await h.request<EntryBody>('POST', `/api/v1/children/${c.id}/entries`, {
      user: worker,
      body: { kind: 'visit', visitType: 'statutory', occurredAt: '2026-06-14T15:30:00+01:00', title: 'Home visit', body: 'Saw the child in the garden.' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, currentVersion: 1, occurredAt: '2026-06-14T14:30:00.000Z', recordedBy: { id: worker.id } });
    expect(created.body).toHaveProperty('recordedAt');

    h.clock.advance(3_600_000);
    const corrected = await h.request<EntryBody>('POST', `/api/v1/entries/${created.body.id}/versions`, {
      user: colleague,
      body: { body: 'Saw the child in the garden with their foster carer.', reason: 'Added who was present.' },
    });
    expect(corrected.status).toBe(201);
    expect(corrected.body).toMatchObject({ version: 2, reason: 'Added who was present.', title: 'Home visit', recordedBy: { id: colleague.id } });

    const current = await h.request<EntryBody>('GET', `/api/v1/entries/${created.body.id}`, { user: worker });
    expect(current.body.versions?.map((v) => [v.version, v.reason, v.recordedBy.id])).toEqual([
      [1, null, worker.id],
      [2, 'Added who was present.', colleague.id],
    ]);
    const v1 = await h.request<EntryBody>('GET', `/api/v1/entries/${created.body.id}/versions/1`, { user: worker });
    expect(v1.body).toMatchObject({ version: 1, currentVersion: 2, body: 'Saw the child in the garden.' });
    expect((await h.request('GET', `/api/v1/entries/${created.body.id}/versions/3`, { user: worker })).status).toBe(404);
    expect((await h.request('GET', `/api/v1/entries/${created.body.id}/versions/2147483647`, { user: worker })).status).toBe(404);
    for (const n of ['2147483648', '99999999999999999999', '0', '1.5', 'x']) {
      const res = await h.request<{ code: string; errors: Array<{ field: string }> }>('GET', `/api/v1/entries/${created.body.id}/versions/${n}`, { user: worker });
      expect(res.status, n).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e) => e.field), n).toContain('n');
    }
  });

  it('queues simultaneous corrections of one entry: each gets its own version, none fails', async () => {
    const c = await createChild(h, worker);
    const e = await createEntry(h, worker, c.id);
    const results = await Promise.all([1, 2, 3, 4].map((i) => h.request('POST', `/api/v1/entries/${e.id}/versions`, { user: worker, body: { body: `Version from writer ${i}`, reason: `writer ${i}` } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201]);
    const versions = await h.db.selectFrom('entry_version').select('version').where('entry_id', '=', e.id).orderBy('version').execute();
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
  });

  it.each(['PUT', 'PATCH', 'DELETE'])('%s on an entry answers 405 with Allow, and changes nothing', async (method) => {
    const c = await createChild(h, worker);
    const e = await createEntry(h, worker, c.id);
    for (const url of [`/api/v1/entries/${e.id}`, `/api/v1/entries/${e.id}/versions/1`, `/api/v1/children/${c.id}/entries`]) {
      const res = await h.request(method, url, { user: worker, body: { title: 'changed' } });
      expect(res.status, url).toBe(405);
      expect(res.body).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
      expect(res.headers['allow']).toBeDefined();
    }
    const after = await h.request<EntryBody>('GET', `/api/v1/entries/${e.id}`, { user: worker });
    expect(after.body).toMatchObject({ title: 'A note', version: 1 });
  });

  it('refuses a correction without a reason, or that changes nothing, or that returns a final entry to draft', async () => {
    const c = await createChild(h, worker);
    const e = await createEntry(h, worker, c.id);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ body: 'x' }, 'reason'],
      [{ body: 'x', reason: '   ' }, 'reason'],
      [{ reason: 'nothing' }, 'body'],
      [{ status: 'draft', reason: 'undo' }, 'status'],
      [{ kind: 'visit', reason: 'change kind' }, 'kind'],
    ];
    for (const [body, field] of cases) {
      const res = await h.request('POST', `/api/v1/entries/${e.id}/versions`, { user: worker, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body as { errors: Array<{ field: string }> }).errors.map((x) => x.field), JSON.stringify(body)).toContain(field);
    }
    const versions = await h.db.selectFrom('entry_version').select('version').where('entry_id', '=', e.id).execute();
    expect(versions).toHaveLength(1);
  });

  it('refuses entries dated in the future, impossible instants and unknown kinds', async () => {
    const c = await createChild(h, worker);
    const base = { kind: 'case-note', title: 't', body: 'b', occurredAt: '2026-06-15T09:00:00Z' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ occurredAt: '2026-06-16T09:00:00Z' }, 'occurredAt'],
      [{ occurredAt: '2026-02-30T09:00:00Z' }, 'occurredAt'],
      [{ occurredAt: '2026-06-14T09:00:00' }, 'occurredAt'],
      [{ kind: 'gossip' }, 'kind'],
      [{ title: '' }, 'title'],
      [{ colour: 'red' }, 'colour'],
    ];
    for (const [patch, field] of cases) {
      const res = await h.request('POST', `/api/v1/children/${c.id}/entries`, { user: worker, body: { ...base, ...patch } });
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect((res.body as { errors: Array<{ field: string }> }).errors.map((x) => x.field)).toContain(field);
    }
  });
});

describe('the chronology', () => {
  it('filters by kind and by London date range, newest first', async () => {
    const c = await createChild(h, worker);
    const at = (iso: string, kind: string) => createEntry(h, worker, c.id, { occurredAt: iso, kind, title: `${kind} ${iso}`, ...(kind === 'visit' ? { visitType: 'other' } : {}) });
    await at('2026-03-31T23:30:00Z', 'visit'); // 1 April 00:30 in London (BST)
    await at('2026-03-31T22:30:00Z', 'visit'); // 31 March 23:30 in London
    await at('2026-04-10T10:00:00Z', 'case-note');
    await at('2026-05-01T10:00:00Z', 'visit');
    const get = async (q: string) =>
      (await h.request<{ items: Array<{ occurredAt: string; kind: string }> }>('GET', `/api/v1/children/${c.id}/entries?${q}`, { user: worker })).body.items.map((i) => `${i.kind}@${i.occurredAt}`);
    expect(await get('kind=visit')).toEqual(['visit@2026-05-01T10:00:00.000Z', 'visit@2026-03-31T23:30:00.000Z', 'visit@2026-03-31T22:30:00.000Z']);
    expect(await get('from=2026-04-01&to=2026-04-30')).toEqual(['case-note@2026-04-10T10:00:00.000Z', 'visit@2026-03-31T23:30:00.000Z']);
    expect(await get('kind=visit&kind=case-note&from=2026-04-02')).toEqual(['visit@2026-05-01T10:00:00.000Z', 'case-note@2026-04-10T10:00:00.000Z']);
    const bad = await h.request('GET', `/api/v1/children/${c.id}/entries?from=2026-02-30`, { user: worker });
    expect(bad.status).toBe(400);
    expect((await h.request('GET', `/api/v1/children/${c.id}/entries?from=2026-05-01&to=2026-04-01`, { user: worker })).status).toBe(400);
    expect((await h.request('GET', `/api/v1/children/${c.id}/entries?limit=501`, { user: worker })).status).toBe(400);
  });

  it('pages through any chronology without skipping or repeating (property)', async () => {
    const c = await createChild(h, worker);
    const ids: string[] = [];
    // Entries share instants on purpose: ties are broken by id.
    for (let i = 0; i < 23; i++) ids.push((await createEntry(h, worker, c.id, { occurredAt: new Date(Date.UTC(2026, 0, 1 + (i % 9))).toISOString() })).id);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 25 }), async (limit) => {
        const seen: string[] = [];
        const times: string[] = [];
        let cursor: string | null = null;
        for (let guard = 0; guard < 30; guard++) {
          const url: string = `/api/v1/children/${c.id}/entries?limit=${limit}${cursor !== null ? `&cursor=${cursor}` : ''}`;
          const page = await h.request<{ items: Array<{ id: string; occurredAt: string }>; nextCursor: string | null }>('GET', url, { user: worker });
          seen.push(...page.body.items.map((i) => i.id));
          times.push(...page.body.items.map((i) => i.occurredAt));
          cursor = page.body.nextCursor;
          if (cursor === null) break;
        }
        expect(seen).toHaveLength(ids.length);
        expect(new Set(seen)).toEqual(new Set(ids));
        expect(times).toEqual([...times].sort().reverse());
      }),
      { numRuns: 12 },
    );
  });
});
