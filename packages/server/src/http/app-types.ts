import type {} from '@fastify/swagger';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock } from '@safekeep/core';
import type { Database } from '../db/connect.js';
import type { WorkRunner } from '../db/work.js';
import type { BlobStore } from '../documents/blob-store.js';
import type { SessionCache } from '../users/session-cache.js';
import type { SessionPolicy } from '../users/sessions.service.js';
import type { CookieOptions } from './cookie-session.js';
import type { LoginRateLimit } from './login-rate-limit.js';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What every route module is given. */
export interface RouteDeps {
  database: Database;
  runner: WorkRunner;
  clock: Clock;
  blobs: BlobStore;
  sessionPolicy: SessionPolicy;
  sessionCache: SessionCache;
  limits: { jsonBodyBytes: number; uploadBytes: number };
  cookies: CookieOptions;
  /** false: no per-address or per-username limit on sign-in (the per-account throttle still applies). */
  loginRateLimit: LoginRateLimit | false;
  /** How long a break-glass opening lasts, in minutes (default 30). */
  breakGlassMinutes?: number;
}
