import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, nextNhsNumber, teamWithStaff } from '../../test/builders.js';
import { startHarness, TEST_PASSWORD, type Harness, type Reply } from '../../test/harness.js';
import { loadConfig } from '../config/config.js';
import { csrfTokenFor } from './cookie-session.js';
import { DEFAULT_LOGIN_RATE_LIMIT } from './login-rate-limit.js';
import { createLogger, scrub } from './logging.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const setCookies = (res: Reply): string[] => {
  const raw = res.headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
};
const cookieValue = (res: Reply, name: string): string | undefined => {
  for (const line of setCookies(res)) {
    const [pair] = line.split(';');
    const [k, v] = (pair ?? '').split('=');
    if (k === name) return v;
  }
  return undefined;
};

/** Signs in by cookie, as the web UI does; returns the headers that carry the session. */
async function cookieLogin(target: Harness, username: string) {
  const res = await target.request<{ csrfToken: string; token?: string }>('POST', '/api/v1/session', { body: { username, password: TEST_PASSWORD, cookie: true } });
  expect(res.status).toBe(200);
  const session = cookieValue(res, '__Host-safekeep-session');
  expect(session).toBeDefined();
  return { res, session: session ?? '', csrf: res.body.csrfToken, cookie: `__Host-safekeep-session=${session ?? ''}; __Host-safekeep-csrf=${res.body.csrfToken}` };
}

describe('security headers', () => {
  const expectSecurityHeaders = (res: Reply) => {
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  };

  it('locks the API down and forbids caching on every /api/v1 response, refusals and errors included', async () => {
    const worker = await h.user(['social-worker']);
    const ok = await h.request('GET', '/api/v1/me', { user: worker });
    const unauthenticated = await h.request('GET', '/api/v1/me');
    const missing = await h.request('GET', '/api/v1/no-such-thing?q=x', { user: worker });
    const invalid = await h.request('POST', '/api/v1/teams', { user: worker, body: { nom: 'x' } });
    expect([ok.status, unauthenticated.status, missing.status, invalid.status]).toEqual([200, 401, 404, 400]);
    for (const res of [ok, unauthenticated, missing, invalid]) {
      expectSecurityHeaders(res);
      expect(res.headers['content-security-policy']).toBe("default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'");
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    }
  });

  it('allows the home page only its own inline stylesheet, by hash', async () => {
    const res = await h.request('GET', '/');
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.raw)?.[1] ?? '';
    expect(style.length).toBeGreaterThan(100);
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    expect(res.headers['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.raw).not.toMatch(/<script|style="/);
  });

  it('serves the API documentation under a policy that lets everything it loads through', async () => {
    const page = await h.request('GET', '/api/docs');
    expect(page.status).toBe(200);
    expectSecurityHeaders(page);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    // No inline script or style for the policy to block: everything is loaded by URL…
    const scripts = [...page.raw.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="/);
      expect((body ?? '').trim()).toBe('');
    }
    expect(page.raw).not.toMatch(/<style|style="|on[a-z]+="/i);
    // …from this server, same origin, and each of those loads.
    const urls = [...page.raw.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) {
      expect(url).toMatch(/^\/api\/docs\/static\//);
      const asset = await h.app.inject({ method: 'GET', url });
      expect(asset.statusCode, url).toBe(200);
      expect(asset.headers['content-type'], url).toMatch(/javascript|css|image/);
    }
    const json = await h.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(JSON.parse(json.body)).toMatchObject({ openapi: '3.1.0' });
  });

  it('keeps document downloads as attachments, never sniffed or cached', async () => {
    const { worker } = await teamWithStaff(h);
    const child = await h.request<{ id: string }>('POST', '/api/v1/children', { user: worker, body: { givenName: 'Download', familyName: 'Headers', dateOfBirth: '2014-02-02' } });
    expect(child.status).toBe(201);
    const body = await multipart({
      meta: JSON.stringify({ kind: 'assessment', title: 'Report', occurredAt: '2026-06-10T09:00:00Z' }),
      file: { bytes: Buffer.from('<html><script>alert(1)</script></html>'), filename: 'report.html' },
    });
    const up = await h.request<{ documentId: string }>('POST', `/api/v1/children/${child.body.id}/documents`, { user: worker, payload: body.payload, headers: body.headers });
    expect(up.status).toBe(201);
    const down = await h.request('GET', `/api/v1/documents/${up.body.documentId}/content`, { user: worker });
    expect(down.status).toBe(200);
    expect(down.headers['content-disposition']).toMatch(/^attachment; filename="report.html"/);
    expect(down.headers['x-content-type-options']).toBe('nosniff');
    expect(down.headers['cache-control']).toBe('no-store');
    expect(down.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('sign-in rate limits', () => {
  let limited: Harness;
  beforeAll(async () => {
    // A long window, so no test here depends on how fast it runs.
    limited = await startHarness({ database: h.database, loginRateLimit: { windowSeconds: 3600, perIp: 5, perUsername: 3 } });
  });
  afterAll(async () => limited.close());

  const attempt = (username: string, password: string, remoteAddress: string, payload?: string) =>
    limited.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      remoteAddress,
      headers: { 'content-type': 'application/json' },
      payload: payload ?? JSON.stringify({ username, password }),
    });

  it('refuses a username after N attempts in the window with 429 RATE_LIMITED and Retry-After, even with the right password', async () => {
    const u = await limited.user(['social-worker']);
    const statuses = [];
    // Spread over addresses: only the username's limit can bite.
    for (let i = 1; i <= 3; i++) statuses.push((await attempt(u.username, 'not the password', `198.51.100.${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401]);
    const refused = await attempt(u.username, TEST_PASSWORD, '198.51.100.4');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(refused.body) as { code: string; status: number; retryAfterSeconds: number };
    expect(problem).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(problem.retryAfterSeconds).toBe(retryAfter);
    expect(refused.headers['x-ratelimit-limit']).toBe('3');
    // Refused before the password was looked at: the account's own count did not move.
    const row = await h.db.selectFrom('app_user').select('failed_logins').where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.failed_logins).toBe(3);
    // The username's limit does not depend on its case.
    expect((await attempt(u.username.toUpperCase(), TEST_PASSWORD, '198.51.100.5')).statusCode).toBe(429);
  });

  it('refuses an address after N attempts across any usernames, before reading the body; other addresses carry on', async () => {
    const statuses = [];
    for (let i = 1; i <= 5; i++) statuses.push((await attempt(`nobody-${i}`, 'whatever it is', '203.0.113.9')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const next = await attempt('nobody-6', 'whatever it is', '203.0.113.9');
    expect(next.statusCode).toBe(429);
    expect(JSON.parse(next.body)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(next.headers['retry-after'])).toBeGreaterThan(0);
    // Not even parsed: a broken body from that address is still just rate limited.
    expect((await attempt('', '', '203.0.113.9', '{not json')).statusCode).toBe(429);
    // Another client is not affected, nor is anything but sign-in.
    const u = await limited.user(['social-worker']);
    expect((await attempt(u.username, TEST_PASSWORD, '203.0.113.10')).statusCode).toBe(200);
    const me = await limited.app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress: '203.0.113.9', headers: { authorization: `Bearer ${u.token}` } });
    expect(me.statusCode).toBe(200);
  });

  it('is configured from the environment, with defaults, and names a bad setting', () => {
    expect(loadConfig({}).loginRateLimit).toEqual(DEFAULT_LOGIN_RATE_LIMIT);
    expect(DEFAULT_LOGIN_RATE_LIMIT).toEqual({ windowSeconds: 60, perIp: 30, perUsername: 10 });
    const config = loadConfig({ SAFEKEEP_LOGIN_RATE_WINDOW_SECONDS: '300', SAFEKEEP_LOGIN_RATE_PER_IP: '100', SAFEKEEP_LOGIN_RATE_PER_USERNAME: '5', SAFEKEEP_COOKIE_SECURE: 'false', SAFEKEEP_TRUST_PROXY: '1' });
    expect(config).toMatchObject({ loginRateLimit: { windowSeconds: 300, perIp: 100, perUsername: 5 }, cookieSecure: false, trustProxy: 1 });
    expect(loadConfig({}).cookieSecure).toBe(true);
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(() => loadConfig({ SAFEKEEP_LOGIN_RATE_PER_IP: '0', SAFEKEEP_COOKIE_SECURE: 'perhaps' })).toThrow(
      expect.objectContaining({ problems: [expect.stringContaining('SAFEKEEP_COOKIE_SECURE'), expect.stringContaining('SAFEKEEP_LOGIN_RATE_PER_IP')] }),
    );
  });
});

describe('cookie sessions and CSRF', () => {
  it('sets an HttpOnly, Secure, SameSite=Strict session cookie and a readable CSRF cookie, and returns no token', async () => {
    const u = await h.user(['social-worker']);
    const { res, session, csrf } = await cookieLogin(h, u.username);
    expect(res.body.token).toBeUndefined();
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [sessionLine, csrfLine] = ['__Host-safekeep-session=', '__Host-safekeep-csrf='].map((p) => setCookies(res).find((l) => l.startsWith(p)) ?? '');
    expect(sessionLine).toMatch(/; Path=\/(;|$)/);
    expect(sessionLine).toMatch(/; HttpOnly/);
    expect(sessionLine).toMatch(/; Secure/);
    expect(sessionLine).toMatch(/; SameSite=Strict/);
    expect(sessionLine).not.toMatch(/Domain=/i);
    expect(csrfLine).not.toMatch(/HttpOnly/);
    expect(csrfLine).toMatch(/; Secure/);
    expect(csrfLine).toMatch(/; SameSite=Strict/);
    expect(cookieValue(res, '__Host-safekeep-csrf')).toBe(csrf);
    // The cookie holds a real session, stored only as its hash like any other.
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrf).toBe(csrfTokenFor(session));
    const me = await h.request('GET', '/api/v1/me', { headers: { cookie: `__Host-safekeep-session=${session}` } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: u.id });
  });

  it('refuses a cookie-authenticated change without the right X-CSRF-Token with 403, writes nothing but an audited refusal', async () => {
    const admin = await h.user(['admin']);
    const mine = await cookieLogin(h, admin.username);
    const other = await cookieLogin(h, admin.username);
    const teams = async () => Number((await h.db.selectFrom('team').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const audits = async () => Number((await h.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).where('actor_id', '=', admin.id).where('action', '<>', 'session.csrf-refused').executeTakeFirstOrThrow()).n);
    const refusals = () =>
      h.db
        .selectFrom('audit_event')
        .select(['action', 'outcome', 'actor_id', 'entity_type', 'request_id', 'detail'])
        .where('actor_id', '=', admin.id)
        .where('action', '=', 'session.csrf-refused')
        .orderBy('seq')
        .execute();
    const before = { teams: await teams(), audits: await audits() };
    const cases: Array<Record<string, string>> = [
      {},
      { 'x-csrf-token': '' },
      { 'x-csrf-token': 'x'.repeat(43) },
      { 'x-csrf-token': other.csrf }, // another session's token
      { 'x-csrf-token': mine.session }, // the session token itself
    ];
    const requestIds: string[] = [];
    for (const extra of cases) {
      const res = await h.request<{ requestId: string }>('POST', '/api/v1/teams', { headers: { cookie: mine.cookie, ...extra }, body: { name: `Team by cookie ${JSON.stringify(extra)}` } });
      expect(res.status, JSON.stringify(extra)).toBe(403);
      requestIds.push(res.body.requestId);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'CSRF_TOKEN_INVALID', status: 403 });
    }
    // Refused before the body is read: a malformed body is refused the same way.
    const broken = await h.request<{ requestId: string }>('POST', '/api/v1/teams', { headers: { cookie: mine.cookie, 'content-type': 'application/json' }, payload: '{not json' });
    expect(broken.status).toBe(403);
    requestIds.push(broken.body.requestId);
    for (const [method, url, body] of [
      ['PATCH', `/api/v1/users/${admin.id}`, { displayName: 'Changed' }],
      ['DELETE', '/api/v1/session', undefined],
    ] as const) {
      const res = await h.request<{ requestId: string }>(method, url, { headers: { cookie: mine.cookie }, ...(body !== undefined ? { body } : {}) });
      expect(res.status, `${method} ${url}`).toBe(403);
      requestIds.push(res.body.requestId);
    }
    expect({ teams: await teams(), audits: await audits() }).toEqual(before);
    // Each refusal is in the audit trail, denied, with who (the session is valid), the route, and its own request id.
    const refused = await refusals();
    expect(refused).toHaveLength(cases.length + 3);
    for (const e of refused) expect(e).toMatchObject({ action: 'session.csrf-refused', outcome: 'denied', actor_id: admin.id, entity_type: 'session' });
    expect(refused.map((e) => e.detail)).toEqual([
      { method: 'POST', route: '/api/v1/teams', reason: 'missing' },
      ...cases.slice(1).map(() => ({ method: 'POST', route: '/api/v1/teams', reason: 'mismatch' })),
      { method: 'POST', route: '/api/v1/teams', reason: 'missing' },
      { method: 'PATCH', route: '/api/v1/users/:id', reason: 'missing' },
      { method: 'DELETE', route: '/api/v1/session', reason: 'missing' },
    ]);
    expect(refused.map((e) => e.request_id)).toEqual(requestIds);
    // Reads need no token; the session is still alive; with the token the change goes through.
    expect((await h.request('GET', '/api/v1/me', { headers: { cookie: mine.cookie } })).status).toBe(200);
    const made = await h.request('POST', '/api/v1/teams', { headers: { cookie: mine.cookie, 'x-csrf-token': mine.csrf }, body: { name: 'Team by cookie' } });
    expect(made.status).toBe(201);
    expect(await teams()).toBe(before.teams + 1);
  });

  it('asks nothing more of bearer-token requests, which carry no ambient credential', async () => {
    const admin = await h.user(['admin']);
    const res = await h.request('POST', '/api/v1/teams', { user: admin, body: { name: 'Team by bearer' } });
    expect(res.status).toBe(201);
    // A bearer token wins over a cookie sent alongside it.
    const res2 = await h.request('POST', '/api/v1/teams', { user: admin, headers: { cookie: '__Host-safekeep-session=garbage' }, body: { name: 'Team by bearer 2' } });
    expect(res2.status).toBe(201);
  });

  it('refuses a cookie that is not a live session with 401', async () => {
    for (const cookie of ['__Host-safekeep-session=', '__Host-safekeep-session=short', `__Host-safekeep-session=${'x'.repeat(43)}`, 'safekeep-session=' + 'y'.repeat(43)]) {
      const res = await h.request('GET', '/api/v1/me', { headers: { cookie } });
      expect(res.status, cookie).toBe(401);
      expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('signs out by cookie: the session ends and both cookies are cleared', async () => {
    const u = await h.user(['social-worker']);
    const { cookie, csrf } = await cookieLogin(h, u.username);
    const out = await h.request('DELETE', '/api/v1/session', { headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.status).toBe(204);
    for (const name of ['__Host-safekeep-session', '__Host-safekeep-csrf']) {
      const line = setCookies(out).find((l) => l.startsWith(`${name}=`)) ?? '';
      expect(line, name).toMatch(new RegExp(`^${name}=;`));
      expect(line).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/);
    }
    expect((await h.request('GET', '/api/v1/me', { headers: { cookie } })).status).toBe(401);
  });

  it('uses plain cookie names without Secure when configured for plain-http development', async () => {
    const dev = await startHarness({ database: h.database, cookies: { secure: false } });
    try {
      const u = await dev.user(['social-worker']);
      const res = await dev.request<{ csrfToken: string }>('POST', '/api/v1/session', { body: { username: u.username, password: TEST_PASSWORD, cookie: true } });
      expect(res.status).toBe(200);
      const line = setCookies(res).find((l) => l.startsWith('safekeep-session=')) ?? '';
      expect(line).toMatch(/HttpOnly/);
      expect(line).toMatch(/SameSite=Strict/);
      expect(line).not.toMatch(/Secure/);
      const session = cookieValue(res, 'safekeep-session') ?? '';
      expect((await dev.request('GET', '/api/v1/me', { headers: { cookie: `safekeep-session=${session}` } })).status).toBe(200);
      expect((await dev.request('DELETE', '/api/v1/session', { headers: { cookie: `safekeep-session=${session}`, 'x-csrf-token': res.body.csrfToken } })).status).toBe(204);
    } finally {
      await dev.close();
    }
  });
});

describe('deactivating a user', () => {
  it('ends every session at once, bearer and cookie, cached or not, and refuses sign-in while inactive', async () => {
    const admin = await h.user(['admin']);
    const u = await h.user(['social-worker']);
    const bearer = (await h.request<{ token: string }>('POST', '/api/v1/session', { body: { username: u.username, password: TEST_PASSWORD } })).body.token;
    const browser = await cookieLogin(h, u.username);
    const sessions: Array<Record<string, string>> = [{ authorization: `Bearer ${u.token}` }, { authorization: `Bearer ${bearer}` }, { cookie: browser.cookie }];
    // Each is used twice: the second answer comes from the session cache.
    for (const headers of sessions) for (let i = 0; i < 2; i++) expect((await h.request('GET', '/api/v1/me', { headers })).status).toBe(200);

    const res = await h.request('PATCH', `/api/v1/users/${u.id}`, { user: admin, body: { active: false } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false });
    for (const headers of sessions) {
      const me = await h.request('GET', '/api/v1/me', { headers });
      expect(me.status).toBe(401);
      expect(me.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const rows = await h.db.selectFrom('session').select(['ended_at', 'end_reason']).where('user_id', '=', u.id).execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.ended_at !== null && r.end_reason === 'user-deactivated')).toBe(true);

    for (const cookie of [false, true]) {
      const login = await h.request('POST', '/api/v1/session', { body: { username: u.username, password: TEST_PASSWORD, cookie } });
      expect(login.status).toBe(401);
      expect(login.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
      expect(setCookies(login)).toEqual([]);
    }

    // Reactivated, they sign in afresh; the ended sessions stay ended.
    expect((await h.request('PATCH', `/api/v1/users/${u.id}`, { user: admin, body: { active: true, locked: false } })).status).toBe(200);
    for (const headers of sessions) expect((await h.request('GET', '/api/v1/me', { headers })).status).toBe(401);
    expect((await h.request('POST', '/api/v1/session', { body: { username: u.username, password: TEST_PASSWORD } })).status).toBe(200);
  });
});

describe('logs', () => {
  it('hold request ids, routes and statuses, and none of a child’s details, passwords, tokens or cookies', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
        done();
      },
    });
    // A plain pino logger at its most talkative: buildApp must make it safe by itself.
    const logged = await startHarness({ database: h.database, logger: pino({ level: 'trace' }, sink) });
    try {
      const { worker } = await teamWithStaff(logged);
      const nhs = nextNhsNumber();
      const child = { givenName: 'Zebedee', familyName: 'Quillfeather', dateOfBirth: '2015-03-14', identifiers: { nhsNumber: nhs } };
      const created = await logged.request<{ id: string }>('POST', '/api/v1/children', { user: worker, body: child });
      expect(created.status).toBe(201);
      const replies: Reply[] = [created];
      replies.push(await logged.request('GET', '/api/v1/children?q=Quillfeather', { user: worker }));
      replies.push(await logged.request('GET', `/api/v1/children?q=${nhs}`, { user: worker }));
      replies.push(await logged.request('GET', '/api/v1/children?q=2015-03-14', { user: worker }));
      replies.push(await logged.request('GET', `/api/v1/children/${created.body.id}`, { user: worker }));
      const bearer = await logged.request<{ token: string }>('POST', '/api/v1/session', { body: { username: worker.username, password: TEST_PASSWORD } });
      const browser = await cookieLogin(logged, worker.username);
      replies.push(bearer, browser.res);
      replies.push(await logged.request('GET', '/api/v1/me', { headers: { cookie: browser.cookie } }));
      replies.push(await logged.request('POST', '/api/v1/teams', { headers: { cookie: browser.cookie }, body: { name: 'Zebedee Quillfeather' } }));
      replies.push(await logged.request('POST', '/api/v1/session', { body: { username: worker.username, password: `${TEST_PASSWORD}!` } }));
      // Validation errors that carry the child's details in the body, the query and invalid JSON.
      replies.push(await logged.request('POST', '/api/v1/children', { user: worker, body: { ...child, dateOfBirth: '14/03/2015 Quillfeather' } }));
      replies.push(await logged.request('POST', '/api/v1/children', { user: worker, body: { ...child, identifiers: { nhsNumber: `${nhs.slice(0, 9)}X` } } }));
      replies.push(await logged.request('GET', '/api/v1/children?q=Zebedee&limit=Quillfeather', { user: worker }));
      replies.push(await logged.request('POST', '/api/v1/children', { user: worker, headers: { 'content-type': 'application/json' }, payload: '{"givenName": Zebedee Quillfeather}' }));
      replies.push(await logged.request('GET', '/api/v1/nowhere?q=Quillfeather&dateOfBirth=2015-03-14', { user: worker }));
      expect(replies.map((r) => r.status)).toEqual([201, 200, 200, 200, 200, 200, 200, 200, 403, 401, 400, 400, 400, 400, 404]);

      const log = lines.join('\n');
      // The log is not empty: one line per request, with its id, route pattern and status.
      expect(lines.length).toBeGreaterThanOrEqual(replies.length);
      for (const r of replies) expect(log).toContain(String(r.headers['x-request-id']));
      expect(log).toContain('"route":"/api/v1/children/:id"');
      expect(log).toContain('"status":201');
      expect(log).toContain('"status":400');
      const secrets = [
        'Zebedee',
        'Quillfeather',
        nhs,
        `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`,
        '2015-03-14',
        '14/03/2015',
        TEST_PASSWORD,
        worker.token,
        bearer.body.token,
        browser.session,
        browser.csrf,
        'Bearer',
        'safekeep-session',
        'q=',
      ];
      for (const secret of secrets) expect(log, secret).not.toContain(secret);
    } finally {
      await logged.close();
    }
  });

  it('are written by the server’s logger without query strings, credentials or quoted values', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ level: 'trace' }, sink);
    logger.info({ req: { id: 'r1', method: 'GET', url: '/api/v1/children?q=Zebedee', headers: { authorization: 'Bearer s3cret-token', cookie: 'a=b' } } }, 'incoming');
    logger.warn('Reply was already sent, did you forget to "return reply" in the "/api/v1/children?q=Zebedee" (GET) route?');
    logger.error({ err: Object.assign(new Error('invalid input syntax for type date: "Zebedee"'), { rawPacket: Buffer.from('GET /?q=Zebedee HTTP/1.1') }) }, 'failed');
    logger.info({ body: { givenName: 'Zebedee' }, password: 'hunter2', user: { token: 's3cret-token' } }, 'other');
    const log = lines.join('');
    expect(lines).toHaveLength(4);
    expect(log).toContain('"path":"/api/v1/children"');
    expect(log).toContain('invalid input syntax for type date: \\"…\\"');
    for (const secret of ['Zebedee', 's3cret-token', 'hunter2', 'a=b', 'rawPacket']) expect(log, secret).not.toContain(secret);
    expect(scrub('relation "child" does not exist')).toBe('relation "child" does not exist');
  });
});
