import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../test/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('teams and users (admin)', () => {
  it('lets an admin create a team and a user who can then sign in', async () => {
    const admin = await h.user(['admin']);
    const team = await h.request<{ id: string }>('POST', '/api/v1/teams', { user: admin, body: { name: 'Fostering' } });
    expect(team.status).toBe(201);
    const created = await h.request('POST', '/api/v1/users', {
      user: admin,
      body: { username: 'New.Worker', displayName: 'New Worker', password: 'a long enough password', roles: ['social-worker', 'iro'], teamId: team.body.id },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'new.worker', roles: ['social-worker', 'iro'], teamId: team.body.id, active: true });
    expect(JSON.stringify(created.body)).not.toMatch(/password/i);
    const login = await h.request('POST', '/api/v1/session', { body: { username: 'new.worker', password: 'a long enough password' } });
    expect(login.status).toBe(200);
    const list = await h.request<{ items: Array<{ username: string }> }>('GET', '/api/v1/users', { user: admin });
    expect(list.body.items.map((u) => u.username)).toContain('new.worker');
    const audit = await h.db.selectFrom('audit_event').select('action').where('actor_id', '=', admin.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['team.create', 'user.create']));
  });

  it('refuses the same username or team name twice', async () => {
    const admin = await h.user(['admin']);
    const body = { username: 'twice', displayName: 'Twice', password: 'a long enough password', roles: ['dpo'] };
    expect((await h.request('POST', '/api/v1/users', { user: admin, body })).status).toBe(201);
    const again = await h.request('POST', '/api/v1/users', { user: admin, body: { ...body, username: 'TWICE' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'USERNAME_TAKEN', errors: [{ field: 'username' }] });
    await h.request('POST', '/api/v1/teams', { user: admin, body: { name: 'Same Team' } });
    expect((await h.request('POST', '/api/v1/teams', { user: admin, body: { name: 'same team' } })).body).toMatchObject({ code: 'TEAM_NAME_TAKEN' });
  });

  it('names the field at fault and writes nothing', async () => {
    const admin = await h.user(['admin']);
    const before = await h.db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ username: 'ok.name', displayName: 'X', password: 'short', roles: ['dpo'] }, 'password'],
      [{ username: 'ok.name', displayName: 'X', password: 'a long enough password', roles: ['wizard'] }, 'roles.0'],
      [{ username: 'bad name!', displayName: 'X', password: 'a long enough password', roles: ['dpo'] }, 'username'],
      [{ username: 'ok.name', displayName: 'X', password: 'a long enough password', roles: [] }, 'roles'],
      [{ username: 'ok.name', displayName: 'X', password: 'a long enough password', roles: ['dpo'], shoeSize: 9 }, 'shoeSize'],
      [{ username: 'ok.name', displayName: 'X', password: 'a long enough password', roles: ['dpo'], teamId: '00000000-0000-4000-8000-000000000000' }, 'teamId'],
      [{ displayName: 'X', password: 'a long enough password', roles: ['dpo'] }, 'username'],
    ];
    for (const [body, field] of cases) {
      const res = await h.request('POST', '/api/v1/users', { user: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((res.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain(field);
    }
    const after = await h.db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('keeps user management to admins, auditing refusals', async () => {
    const worker = await h.user(['social-worker']);
    const hos = await h.user(['head-of-service']);
    for (const u of [worker, hos]) {
      const res = await h.request('POST', '/api/v1/users', { user: u, body: { username: 'sneaky', displayName: 'S', password: 'a long enough password', roles: ['admin'] } });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'ACCESS_DENIED' });
    }
    expect((await h.request('PATCH', `/api/v1/users/${worker.id}`, { user: hos, body: { roles: ['head-of-service'] } })).status).toBe(403);
    expect((await h.request('GET', '/api/v1/users', { user: worker })).status).toBe(403);
    const denied = await h.db.selectFrom('audit_event').select(['action', 'outcome']).where('actor_id', '=', worker.id).execute();
    expect(denied).toEqual(expect.arrayContaining([{ action: 'user.create', outcome: 'denied' }]));
  });

  it('refuses a non-admin before looking at what they sent', async () => {
    const worker = await h.user(['social-worker']);
    const res = await h.request('POST', '/api/v1/users', { user: worker, body: { username: 'x1', displayName: 'X', password: 'short', roles: ['admin'] } });
    expect(res.status).toBe(403);
  });

  it('never lets an admin change their own roles, and records old and new roles on every change', async () => {
    const admin = await h.user(['admin']);
    const self = await h.request('PATCH', `/api/v1/users/${admin.id}`, { user: admin, body: { roles: ['admin', 'head-of-service'] } });
    expect(self.status).toBe(400);
    expect(self.body).toMatchObject({ errors: [{ field: 'roles' }] });
    const other = await h.user(['iro']);
    expect((await h.request('PATCH', `/api/v1/users/${other.id}`, { user: admin, body: { roles: ['business-support'] } })).status).toBe(200);
    const event = await h.db.selectFrom('audit_event').select('detail').where('action', '=', 'user.update').where('entity_id', '=', other.id).executeTakeFirstOrThrow();
    expect(event.detail).toMatchObject({ rolesBefore: ['iro'], rolesAfter: ['business-support'] });
  });

  it('never lets an admin deactivate themself', async () => {
    const admin = await h.user(['admin']);
    const res = await h.request('PATCH', `/api/v1/users/${admin.id}`, { user: admin, body: { active: false } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: [{ field: 'active' }] });
  });
});
