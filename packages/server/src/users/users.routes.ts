import { Type } from 'typebox';
import { ROLES } from '@safekeep/core';
import type { App, RouteDeps } from '../http/app-types.js';
import { actorOf } from '../http/context.js';
import { clearSessionCookies, setSessionCookies } from '../http/cookie-session.js';
import { encodeCursor, decodeCursor } from '../http/cursor.js';
import { loginRateLimitHooks } from '../http/login-rate-limit.js';
import { read, respond } from '../http/respond.js';
import { IdParams, Instant, NonBlank, Nullable, Obj, PageOf, PageQuery, StringEnum, Uuid } from '../http/schemas.js';
import { login, logout } from './sessions.service.js';
import * as users from './users.service.js';

const Role = StringEnum(ROLES, { description: 'A role from API.md.' });
const Username = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$', description: 'Letters, digits, dot, underscore, hyphen; 2–63 characters.' });

const User = Obj({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  teamId: Nullable(Uuid),
  active: Type.Boolean(),
  locked: Type.Boolean(),
  createdAt: Instant,
});
const Team = Obj({ id: Uuid, name: Type.String(), createdAt: Instant });
const Me = Obj({ ...User.properties, team: Nullable(Team) });

export function registerUserRoutes(app: App, deps: RouteDeps): void {
  const rateLimit = deps.loginRateLimit === false ? null : loginRateLimitHooks(app, deps.loginRateLimit);
  app.post(
    '/api/v1/session',
    {
      config: { public: true },
      ...(rateLimit === null ? {} : { onRequest: rateLimit.onRequest, preHandler: rateLimit.preHandler }),
      schema: {
        tags: ['sign-in'],
        summary: 'Sign in; returns a bearer token, or with "cookie": true sets a session cookie',
        description:
          'Without `cookie` (or with `false`) the reply carries a bearer `token` for `Authorization: Bearer <token>`. ' +
          'With `"cookie": true` (for the web UI) the reply sets an HttpOnly, Secure, SameSite=Strict session cookie and a readable CSRF cookie, ' +
          'and returns `csrfToken` instead of the token: every request that changes anything must then send it as `X-CSRF-Token`. ' +
          'Attempts are rate limited per client address and per username (429 RATE_LIMITED with Retry-After).',
        security: [],
        body: Obj({
          username: Type.String({ minLength: 1, maxLength: 63 }),
          password: Type.String({ minLength: 1, maxLength: 1024 }),
          cookie: Type.Optional(Type.Boolean({ description: 'true: sign in for a browser, by cookie (see above).' })),
        }),
        response: {
          200: Obj({
            token: Type.Optional(Type.String({ description: 'The bearer token; absent when signing in by cookie.' })),
            csrfToken: Type.Optional(Type.String({ description: 'Cookie sign-in only: send as X-CSRF-Token on every request that changes anything.' })),
            expiresAt: Instant,
            user: User,
          }),
        },
      },
    },
    async (request, reply) => {
      const { cookie, ...credentials } = request.body;
      const result = await login(deps.runner, deps.sessionPolicy, credentials, request.id);
      if (cookie !== true) return result;
      const csrfToken = setSessionCookies(reply, deps.cookies, result.token);
      return { csrfToken, expiresAt: result.expiresAt, user: result.user };
    },
  );

  app.delete('/api/v1/session', { schema: { tags: ['sign-in'], summary: 'Sign out (ends this session and clears its cookies)' } }, async (request, reply) => {
    await logout(deps.runner, actorOf(request), request.id, deps.sessionCache);
    clearSessionCookies(reply, deps.cookies);
    return reply.code(204).send();
  });

  app.get('/api/v1/me', { schema: { tags: ['sign-in'], summary: 'The signed-in user, their roles and team', response: { 200: Me } } }, async (request) =>
    read(deps.runner, request, (w) => users.me(w)),
  );

  app.post(
    '/api/v1/teams',
    { schema: { tags: ['users'], summary: 'Create a team (admin)', body: Obj({ name: NonBlank(120) }), response: { 201: Team } } },
    async (request, reply) => respond(deps.runner, request, reply, 201, (w) => users.createTeam(w, request.body.name)),
  );

  app.get('/api/v1/teams', { schema: { tags: ['users'], summary: 'List teams', response: { 200: Obj({ items: Type.Array(Team) }) } } }, async (request) => ({
    items: await read(deps.runner, request, (w) => users.listTeams(w)),
  }));

  app.post(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user (admin)',
        body: Obj({
          username: Username,
          displayName: NonBlank(120),
          password: Type.String({ minLength: 1, maxLength: 1024 }),
          roles: Type.Array(Role, { minItems: 1, uniqueItems: true }),
          teamId: Type.Optional(Nullable(Uuid)),
        }),
        response: { 201: User },
      },
    },
    async (request, reply) => {
      await read(deps.runner, request, (w) => users.assertUserAdmin(w));
      const prepared = await users.prepareUser(request.body);
      return respond(deps.runner, request, reply, 201, (w) => users.createUser(w, prepared));
    },
  );

  app.get(
    '/api/v1/users',
    { schema: { tags: ['users'], summary: 'List users (admin, team managers, heads of service)', querystring: Obj({ ...PageQuery }), response: { 200: PageOf(User) } } },
    async (request) => {
      const after = decodeCursor(request.query.cursor, { u: 'text' });
      const limit = request.query.limit ?? 50;
      const page = await read(deps.runner, request, (w) => users.listUsers(w, after?.u ?? null, limit));
      return { items: page.items, nextCursor: page.last === null ? null : encodeCursor({ u: page.last }) };
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Change a user: deactivate, unlock, roles, team (admin)',
        params: IdParams,
        body: Obj({
          active: Type.Optional(Type.Boolean()),
          locked: Type.Optional(Type.Literal(false, { description: 'false unlocks an account locked by failed sign-ins' })),
          roles: Type.Optional(Type.Array(Role, { minItems: 1, uniqueItems: true })),
          teamId: Type.Optional(Nullable(Uuid)),
          displayName: Type.Optional(NonBlank(120)),
        }),
        response: { 200: User },
      },
    },
    async (request, reply) => {
      try {
        return await respond(deps.runner, request, reply, 200, (w) => users.updateUser(w, request.params.id, request.body));
      } finally {
        // Roles, team or activity may have changed: forget what the session cache knew.
        deps.sessionCache.forgetUser(request.params.id);
      }
    },
  );
}
