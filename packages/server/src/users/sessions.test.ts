import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TEST_PASSWORD, type Harness } from '../../test/harness.js';
import { hashToken } from './sessions.service.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sessionPolicy: { idleMinutes: 30, absoluteHours: 12, throttleAfter: 3, lockAfter: 6 } });
});
afterAll(async () => h.close());

const login = (username: string, password = TEST_PASSWORD) => h.request('POST', '/api/v1/session', { body: { username, password } });

describe('sign-in', () => {
  it('signs in with a correct password and stores only an argon2id hash and the token’s SHA-256', async () => {
    const u = await h.user(['social-worker']);
    const res = await login(u.username);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { id: u.id, username: u.username, roles: ['social-worker'] } });
    const token = (res.body as { token: string }).token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const user = await h.db.selectFrom('app_user').select('password_hash').where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const sessions = await h.db.selectFrom('session').selectAll().where('user_id', '=', u.id).execute();
    expect(sessions.map((s) => Buffer.from(s.token_hash).toString('hex'))).toContain(hashToken(token).toString('hex'));
    expect(JSON.stringify(sessions)).not.toContain(token);

    const me = await h.request('GET', '/api/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: u.id, roles: ['social-worker'], team: null });
  });

  it('refuses a wrong password or an unknown user with the same 401 and audits both', async () => {
    const u = await h.user(['social-worker']);
    const wrong = await login(u.username, 'not the password at all');
    const unknown = await login('nobody-here', 'whatever it is');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((unknown.body as { detail: string }).detail).toBe((wrong.body as { detail: string }).detail);
    const refused = await h.db.selectFrom('audit_event').select(['action', 'outcome', 'detail']).where('action', '=', 'session.login-refused').execute();
    expect(refused.map((r) => r.detail['reason'])).toEqual(expect.arrayContaining(['wrong-password', 'unknown-username']));
    expect(refused.every((r) => r.outcome === 'denied')).toBe(true);
  });

  it('slows down after repeated failures, then locks the account until an admin unlocks it', async () => {
    const u = await h.user(['social-worker']);
    for (let i = 1; i <= 3; i++) expect((await login(u.username, 'wrong password!')).status).toBe(401);
    // Fourth attempt straight away: must wait 1 s.
    const throttled = await login(u.username, 'wrong password!');
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ code: 'LOGIN_THROTTLED', retryAfterSeconds: 1 });
    expect(throttled.headers['retry-after']).toBe('1');
    // Even the right password waits while throttled.
    expect((await login(u.username)).status).toBe(429);
    for (const wait of [1, 2, 4]) {
      h.clock.advance(wait * 1000);
      expect((await login(u.username, 'wrong password!')).status).toBe(wait === 4 ? 423 : 401);
    }
    h.clock.advance(3_600_000);
    const locked = await login(u.username);
    expect(locked.status).toBe(423);
    expect(locked.body).toMatchObject({ code: 'ACCOUNT_LOCKED' });

    const admin = await h.user(['admin']);
    const unlock = await h.request('PATCH', `/api/v1/users/${u.id}`, { user: admin, body: { locked: false } });
    expect(unlock.status).toBe(200);
    expect(unlock.body).toMatchObject({ locked: false });
    expect((await login(u.username)).status).toBe(200);
  });

  it('counts parallel guesses one by one: they cannot outrun the throttle', async () => {
    const u = await h.user(['social-worker']);
    const results = await Promise.all(Array.from({ length: 20 }, () => login(u.username, 'a wrong password!!')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(17);
    const row = await h.db.selectFrom('app_user').select('failed_logins').where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.failed_logins).toBe(3);
  });

  it('ends a session after the idle time and after the absolute time', async () => {
    const u = await h.user(['social-worker']);
    const { token } = (await login(u.username)).body as { token: string };
    h.clock.advance(29 * 60_000);
    expect((await h.request('GET', '/api/v1/me', { token })).status).toBe(200);
    h.clock.advance(29 * 60_000); // active 29 minutes ago: still alive
    expect((await h.request('GET', '/api/v1/me', { token })).status).toBe(200);
    h.clock.advance(31 * 60_000);
    const idle = await h.request('GET', '/api/v1/me', { token });
    expect(idle.status).toBe(401);
    expect((idle.body as { detail: string }).detail).toMatch(/inactivity/);

    const { token: busy } = (await login(u.username)).body as { token: string };
    for (let i = 0; i < 12 * 3; i++) {
      h.clock.advance(20 * 60_000);
      const res = await h.request('GET', '/api/v1/me', { token: busy });
      if (i < 35) expect(res.status).toBe(200);
      else expect(res.status).toBe(401);
    }
  });

  it('signs out: the token stops working at once', async () => {
    const u = await h.user(['social-worker']);
    const { token } = (await login(u.username)).body as { token: string };
    expect((await h.request('DELETE', '/api/v1/session', { token })).status).toBe(204);
    expect((await h.request('GET', '/api/v1/me', { token })).status).toBe(401);
  });

  it('ends every session of a user who is deactivated, and refuses them sign-in', async () => {
    const admin = await h.user(['admin']);
    const u = await h.user(['social-worker']);
    const res = await h.request('PATCH', `/api/v1/users/${u.id}`, { user: admin, body: { active: false } });
    expect(res.status).toBe(200);
    expect((await h.request('GET', '/api/v1/me', { user: u })).status).toBe(401);
    expect((await login(u.username)).status).toBe(401);
  });

  it('answers 401 problem+json without a token or with a malformed one', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Basic abc' }, { authorization: 'Bearer short' }, { authorization: `Bearer ${'x'.repeat(43)}` }]) {
      const res = await h.request('GET', '/api/v1/me', { headers });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    }
  });
});
