import type { FastifyRequest } from 'fastify';
import { DomainError } from '@safekeep/core';
import { authenticate } from '../users/sessions.service.js';
import type { App, RouteDeps } from './app-types.js';
import { assertCsrf, cookieNames, CSRF_HEADER, isSafeMethod } from './cookie-session.js';

const TOKEN = /^[A-Za-z0-9_-]{20,200}$/;
const BEARER = /^Bearer ([A-Za-z0-9_-]{20,200})$/;

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = BEARER.exec(header);
  if (match === null) throw new DomainError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".');
  return match[1] ?? null;
}

/**
 * Every route needs a signed-in user unless its config says `public: true`. A bearer
 * token in the Authorization header comes first; without one, the session cookie (see
 * cookie-session.ts), which must come with a valid X-CSRF-Token on any request that can
 * change something. Both are checked before the body is read, so a refused request writes
 * nothing but its audit event: a CSRF refusal is recorded as `session.csrf-refused`
 * (denied), with the signed-in user, the route and the request id, like other refusals.
 */
export function registerAuth(app: App, deps: RouteDeps): void {
  const sessionCookie = cookieNames(deps.cookies).session;
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public === true || request.is404) return;
    const bearer = bearerOf(request);
    if (bearer !== null) {
      request.actor = await authenticate(deps.database.db, deps.sessionPolicy, bearer, deps.clock.now(), deps.sessionCache);
      return;
    }
    const cookie = request.cookies[sessionCookie];
    if (cookie === undefined || cookie === '') {
      throw new DomainError('UNAUTHENTICATED', 'Sign in first: send Authorization: Bearer <token> from POST /api/v1/session.');
    }
    if (!TOKEN.test(cookie)) throw new DomainError('UNAUTHENTICATED', 'Sign in first: the session cookie is not valid.');
    const actor = await authenticate(deps.database.db, deps.sessionPolicy, cookie, deps.clock.now(), deps.sessionCache);
    if (!isSafeMethod(request.method)) {
      try {
        assertCsrf(request, cookie);
      } catch (error) {
        // The route as registered (never the query string), so the trail says what was tried without what was sent.
        const detail = { method: request.method, route: request.routeOptions.url ?? '', reason: request.headers[CSRF_HEADER] === undefined ? 'missing' : 'mismatch' };
        await deps.runner.run({ actor, requestId: request.id }, async (w) => w.audit({ action: 'session.csrf-refused', outcome: 'denied', entityType: 'session', entityId: actor.sessionId, detail }), { transaction: false });
        throw error;
      }
    }
    request.actor = actor;
  });
}
