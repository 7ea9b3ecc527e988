import { sql } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childInput, createChild, teamWithStaff } from '../../test/builders.js';
import pg from 'pg';
import { testEngine, urlFor } from '../../test/engine.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';

let h: Harness;
let worker: TestUser;
let manager: TestUser;
beforeAll(async () => {
  h = await startHarness({ limits: { jsonBodyBytes: 64 * 1024, uploadBytes: 1024 * 1024 } });
  ({ worker, manager } = await teamWithStaff(h));
});
afterAll(async () => h.close());

const rows = async (table: 'child' | 'entry' | 'entry_version' | 'audit_event') => Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(h.db)).rows[0]?.n);

function expectProblem(res: { status: number; headers: Record<string, unknown>; body: unknown }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: expect.stringMatching(/^urn:safekeep:problem:/) as unknown, title: expect.any(String) as unknown, detail: expect.any(String) as unknown });
  expect((res.body as { requestId: string }).requestId).toBe(res.headers['x-request-id']);
}

describe('bad input never causes a 500 and changes nothing', () => {
  it('malformed JSON → 400 naming the body', async () => {
    const res = await h.request('POST', '/api/v1/children', { user: worker, payload: '{"givenName": "A",', headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body).toMatchObject({ errors: [{ field: 'body' }] });
  });

  it('a body over the limit → 413', async () => {
    const res = await h.request('POST', '/api/v1/children', { user: worker, body: { ...childInput(), givenName: 'x'.repeat(70 * 1024) } });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('an unsupported content type → 415', async () => {
    const res = await h.request('POST', '/api/v1/children', { user: worker, payload: 'givenName=A', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('an unknown path → 404 problem', async () => {
    expectProblem(await h.request('GET', '/api/v1/nowhere', { user: worker }), 404, 'NOT_FOUND');
  });

  it('random bodies to POST /children: never 5xx, and only a 201 writes (property)', async () => {
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.constantFrom('2023-02-30', '2016-02-29', '9999-12-31', '0000-01-01', '0001-01-01', '', 'A\u0000B', '401 023 2137', 'urn:uuid:7d1b7a30-0000-4000-8000-000000000001'),
    );
    const body = fc.oneof(
      fc.record({ givenName: value, familyName: value, dateOfBirth: value, sex: value, dateOfDeath: value, identifiers: fc.oneof(value, fc.record({ nhsNumber: value, upn: value, localId: value }, { requiredKeys: [] })) }, { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 12 }), value, { maxKeys: 6 }),
      fc.anything({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const before = await rows('child');
        const res = await h.request('POST', '/api/v1/children', { user: worker, payload: JSON.stringify(b) ?? 'null', headers: { 'content-type': 'application/json' } });
        expect([201, 400, 409]).toContain(res.status);
        expect(await rows('child')).toBe(before + (res.status === 201 ? 1 : 0));
        if (res.status === 400) expect((res.body as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  it('random searches and forged cursors: never 5xx (property)', async () => {
    const forged = fc.record({ s: fc.oneof(fc.string(), fc.constant('a')), i: fc.oneof(fc.uuid(), fc.string()) }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('0000-01-01', '00/00/0000', '31/02/2015')), fc.option(forged), async (q, cursor) => {
        const params = new URLSearchParams({ q, ...(cursor !== null ? { cursor } : {}) });
        const res = await h.request('GET', `/api/v1/children?${params.toString()}`, { user: worker });
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 120 },
    );
  });

  it('random query strings to the chronology: never 5xx (property)', async () => {
    const c = await createChild(h, worker);
    const forged = fc
      .record({ o: fc.oneof(fc.string(), fc.constant('2026-01-01T00:00:00.000Z'), fc.constant('0000-01-01T00:00:00Z')), i: fc.oneof(fc.uuid(), fc.string()) })
      .map((v) => Buffer.from(JSON.stringify(v)).toString('base64url'));
    const param = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 10 }),
      forged,
      fc.constantFrom('2026-01-01', '2026-02-30', '0000-01-01', '2026-06-15T10:00:00Z', '-1', '0', '501', 'visit', 'case-note', 'A\u0000'),
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('kind', 'from', 'to', 'limit', 'cursor', 'other'), param, { maxKeys: 4 }), async (q) => {
        const res = await h.request('GET', `/api/v1/children/${c.id}/entries?${new URLSearchParams(q).toString()}`, { user: worker });
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 100 },
    );
  });
});

describe('Idempotency-Key', () => {
  it('replays the first result for a repeat and writes nothing new', async () => {
    const body = childInput();
    const headers = { 'idempotency-key': 'create-child-0001' };
    const first = await h.request<{ id: string }>('POST', '/api/v1/children', { user: worker, body, headers });
    const children = await rows('child');
    const trail = await rows('audit_event');
    const again = await h.request<{ id: string }>('POST', '/api/v1/children', { user: worker, body, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await rows('child')).toBe(children);
    // The replay shows the child again: one audit event says so, and nothing else is written.
    expect(await rows('audit_event')).toBe(trail + 1);
    const [last] = await h.db.selectFrom('audit_event').select(['action', 'child_ids']).orderBy('seq', 'desc').limit(1).execute();
    expect(last).toEqual({ action: 'request.replay', child_ids: [first.body.id] });
  });

  it('does not replay a record to someone who has since lost access to it', async () => {
    const team = await teamWithStaff(h);
    const headers = { 'idempotency-key': 'lost-access' };
    const body = childInput();
    const created = await h.request<{ id: string; allocations: Array<{ id: string }> }>('POST', '/api/v1/children', { user: team.worker, body, headers });
    expect(created.status).toBe(201);
    expect((await h.request('POST', `/api/v1/allocations/${created.body.allocations[0]?.id ?? ''}/end`, { user: team.manager })).status).toBe(200);
    const replay = await h.request('POST', '/api/v1/children', { user: team.worker, body, headers });
    expect(replay.status).toBe(403);
    expect(replay.raw).not.toContain(created.body.id);
  });

  it('refuses the same key for a different request, and keeps keys per user', async () => {
    const headers = { 'idempotency-key': 'reused-key' };
    expect((await h.request('POST', '/api/v1/children', { user: worker, body: childInput(), headers })).status).toBe(201);
    const clash = await h.request('POST', '/api/v1/children', { user: worker, body: childInput(), headers });
    expectProblem(clash, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await h.request('POST', '/api/v1/children', { user: manager, body: childInput(), headers })).status).toBe(201);
  });

  it('replays a refusal too? No: a failed request stores nothing, so it can be retried', async () => {
    const headers = { 'idempotency-key': 'retry-after-fix' };
    const bad = await h.request('POST', '/api/v1/children', { user: worker, body: { ...childInput(), dateOfBirth: '2099-01-01' }, headers });
    expect(bad.status).toBe(400);
    expect((await h.request('POST', '/api/v1/children', { user: worker, body: { ...childInput(), dateOfBirth: '2015-01-01' }, headers })).status).toBe(201);
  });

  it('gives one result to simultaneous repeats', async () => {
    const body = childInput();
    const headers = { 'idempotency-key': 'simultaneous' };
    const before = await rows('child');
    const results = await Promise.all([1, 2, 3].map(() => h.request<{ id: string }>('POST', '/api/v1/children', { user: worker, body, headers })));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await rows('child')).toBe(before + 1);
  });
});

describe('a failure mid-request leaves the database as it was', () => {
  it('rolls back the entry and its version when the audit write (the last step) fails', async () => {
    const c = await createChild(h, worker);
    const before = { entry: await rows('entry'), version: await rows('entry_version'), audit: await rows('audit_event') };
    await sql`create function sk_test_fail() returns trigger language plpgsql as $$ begin raise exception 'simulated crash'; end $$`.execute(h.db);
    await sql`create trigger sk_test_fail before insert on audit_event for each row execute function sk_test_fail()`.execute(h.db);
    try {
      const res = await h.request('POST', `/api/v1/children/${c.id}/entries`, { user: worker, body: { kind: 'case-note', occurredAt: h.clock.now().toISOString(), title: 't', body: 'b' } });
      expectProblem(res, 500, 'INTERNAL_ERROR');
      expect(res.raw).not.toContain('simulated crash');
    } finally {
      await sql`drop trigger sk_test_fail on audit_event`.execute(h.db);
      await sql`drop function sk_test_fail()`.execute(h.db);
    }
    expect({ entry: await rows('entry'), version: await rows('entry_version'), audit: await rows('audit_event') }).toEqual(before);
  });
});

describe('the database going away', () => {
  it.skipIf(testEngine() !== 'postgres')('survives PostgreSQL closing idle connections, and the next request is served', async () => {
    await h.request('GET', '/api/v1/me', { user: worker });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database()`.execute(h.db);
    expect(rows[0]?.n).toBeGreaterThan(0);
    const other = new pg.Client({ connectionString: urlFor(String((await sql<{ d: string }>`select current_database() as d`.execute(h.db)).rows[0]?.d)) });
    await other.connect();
    await other.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    await other.end();
    await new Promise((r) => setTimeout(r, 200));
    const res = await h.request('POST', '/api/v1/children', { user: worker, body: childInput() });
    expect(res.status).toBe(201);
    expect((await h.request('POST', '/api/v1/children', { user: worker, body: childInput() })).status).toBe(201);
  });
});

describe('headers', () => {
  it('sends a request id, nosniff and no-store on API responses', async () => {
    const res = await h.request('GET', '/api/v1/me', { user: worker });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('serves a placeholder page at / that points to the API docs', async () => {
    const res = await h.request('GET', '/');
    expect(res.status).toBe(200);
    expect(res.raw).toContain('href="/api/docs"');
    expect(res.raw).toContain('/api/openapi.json');
    expect((await h.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
  });
});
