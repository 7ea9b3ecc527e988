import type { FastifyRequest } from 'fastify';
import { DomainError } from '@safekeep/core';
import { authenticate } from '../users/sessions.service.js';
import type { App, RouteDeps } from './app-types.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,200})$/;

function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = BEARER.exec(header);
  if (match === null) throw new DomainError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".');
  return match[1] ?? null;
}

/** Every route needs a signed-in user unless its config says `public: true`. */
export function registerAuth(app: App, deps: RouteDeps): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public === true || request.is404) return;
    const token = tokenOf(request);
    if (token === null) throw new DomainError('UNAUTHENTICATED', 'Sign in first: send Authorization: Bearer <token> from POST /api/v1/session.');
    request.actor = await authenticate(deps.database.db, deps.sessionPolicy, token, deps.clock.now(), deps.sessionCache);
  });
}
