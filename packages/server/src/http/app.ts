import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DomainError, type Clock } from '@safekeep/core';
import { registerAuditRoutes } from '../audit/audit.routes.js';
import { registerCalendarRoutes } from '../calendar/calendar.routes.js';
import { registerCarerRoutes } from '../carers/carers.routes.js';
import { registerChildRoutes } from '../children/children.routes.js';
import { registerComplianceRoutes } from '../compliance/compliance.routes.js';
import type { Database } from '../db/connect.js';
import { WorkRunner } from '../db/work.js';
import type { BlobStore } from '../documents/blob-store.js';
import { registerDocumentRoutes } from '../documents/documents.routes.js';
import { registerEntryRoutes } from '../entries/entries.routes.js';
import { SessionCache } from '../users/session-cache.js';
import type { SessionPolicy } from '../users/sessions.service.js';
import { registerUserRoutes } from '../users/users.routes.js';
import { registerRetentionRoutes } from '../retention/retention.routes.js';
import { registerHoldRoutes } from '../holds/holds.routes.js';
import { registerDisposalRoutes } from '../disposal/disposal.routes.js';
import { registerEscalationRoutes } from '../escalations/escalations.routes.js';
import { registerArchiveRoutes } from '../children/archive.routes.js';
import { registerPaperRoutes } from '../paper/paper.routes.js';
import { registerNotebookRoutes } from '../notebooks/notebooks.routes.js';
import { registerSarRoutes } from '../sars/sars.routes.js';
import { registerAccessRoutes } from '../access/access.routes.js';
import type { App, RouteDeps } from './app-types.js';
import { registerAuth } from './auth.js';
import { cookieNames, type CookieOptions } from './cookie-session.js';
import { DEFAULT_LOGIN_RATE_LIMIT, type LoginRateLimit } from './login-rate-limit.js';
import { hardenLogger, pathOnly } from './logging.js';
import { DOCS_CSP, registerSecurityHeaders } from './security-headers.js';
import { registerHealthRoutes } from './health.routes.js';
import { registerWebRoutes } from './web.routes.js';
import { sendProblem, toDomainError } from './problem.js';
import { validatorCompiler } from './validation.js';
import { normaliseInput } from './normalise.js';

export interface AppOptions {
  database: Database;
  clock: Clock;
  blobs: BlobStore;
  sessionPolicy: SessionPolicy;
  limits: { jsonBodyBytes: number; uploadBytes: number };
  logger: FastifyBaseLogger | false;
  version?: string;
  /** Per-address and per-username sign-in limits; false turns them off. Default DEFAULT_LOGIN_RATE_LIMIT. */
  loginRateLimit?: LoginRateLimit | false;
  /** Session cookies for the web UI. Default: Secure. */
  cookies?: CookieOptions;
  /** Fastify's trustProxy, so the rate limit sees clients' addresses behind a proxy. Default false. */
  trustProxy?: boolean | number | string;
  /** How long a break-glass opening lasts, in minutes. Default 30. */
  breakGlassMinutes?: number;
  /** The built web interface (packages/web/dist) to serve at /; null or missing: the placeholder page. Default null. */
  webRoot?: string | null;
}

/** Trust this many proxies in front of the server (what Fastify does with a number, typed). */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    ...(options.logger === false ? { logger: false } : { loggerInstance: hardenLogger(options.logger) }),
    trustProxy: typeof options.trustProxy === 'number' ? trustHops(options.trustProxy) : (options.trustProxy ?? false),
    bodyLimit: options.limits.jsonBodyBytes,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // Fastify's own request lines carry the full URL (query strings hold names): ours below do not.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const deps: RouteDeps = {
    database: options.database,
    runner: new WorkRunner(options.database.db, options.clock),
    clock: options.clock,
    blobs: options.blobs,
    sessionPolicy: options.sessionPolicy,
    sessionCache: new SessionCache(),
    limits: options.limits,
    cookies: options.cookies ?? { secure: true },
    loginRateLimit: options.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT,
    ...(options.breakGlassMinutes !== undefined ? { breakGlassMinutes: options.breakGlassMinutes } : {}),
  };

  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler((error, request, reply) => {
    const domain = toDomainError(error);
    if (domain.code === 'INTERNAL_ERROR') {
      // Log the kind of failure, never request content: bodies and parameters hold personal data.
      const cause = (domain.cause ?? error) as { name?: string; code?: string; message?: string; stack?: string };
      request.log.error({ err: { type: cause.name, code: cause.code, message: cause.message, stack: cause.stack } }, 'request failed');
    }
    return sendProblem(reply, domain);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new DomainError('NOT_FOUND', `There is nothing at ${request.method} ${pathOnly(request.url) ?? ''}.`)));

  // After validation: ids are lower case from here on (the database and the audit trail
  // store them so), and no string may carry a NUL, which PostgreSQL text cannot hold.
  app.addHook('preHandler', async (request) => {
    request.params = normaliseInput(request.params, 'path');
    request.query = normaliseInput(request.query, 'query');
    if (request.body !== undefined && !request.isMultipart()) request.body = normaliseInput(request.body, 'body');
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Records about children must not be kept by browsers or proxies.
    if (request.url.startsWith('/api/v1/') || request.url === '/api/v1') reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    // One line per request: route pattern (ids only, no query string), status, timing, who.
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime), user: request.actor?.userId },
      'request',
    );
  });

  // Security headers on every response, errors included (see security-headers.ts). First,
  // so its hook runs before anything that can refuse a request.
  registerSecurityHeaders(app);
  await app.register(cookie, { parseOptions: {} });
  await app.register(rateLimit, { global: false });
  await app.register(multipart, { limits: { fileSize: options.limits.uploadBytes, files: 1 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Safekeep API',
        version: options.version ?? '0.1.0',
        description: 'Case records for children’s services in England. Errors are RFC 9457 problem+json with a stable `code`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          // The web UI's alternative (POST /api/v1/session with "cookie": true); changes also need X-CSRF-Token.
          cookie: { type: 'apiKey', in: 'cookie', name: cookieNames(deps.cookies).session },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  // The documentation pages are public; everything under /api/v1 needs a token.
  app.addHook('onRoute', (route) => {
    // Swagger UI needs its own scripts, styles and data: images; nothing inline, nothing from elsewhere.
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config ?? {}), public: true, securityHeaders: DOCS_CSP };
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });

  registerAuth(app, deps);
  await registerWebRoutes(app, options.webRoot ?? null);
  registerHealthRoutes(app, deps);
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  registerUserRoutes(app, deps);
  registerChildRoutes(app, deps);
  registerEntryRoutes(app, deps);
  registerDocumentRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerComplianceRoutes(app, deps);
  registerCalendarRoutes(app, deps);
  registerCarerRoutes(app, deps);
  registerRetentionRoutes(app, deps);
  registerHoldRoutes(app, deps);
  registerDisposalRoutes(app, deps);
  registerEscalationRoutes(app, deps);
  registerArchiveRoutes(app, deps);
  registerPaperRoutes(app, deps);
  registerNotebookRoutes(app, deps);
  registerSarRoutes(app, deps);
  registerAccessRoutes(app, deps);

  await app.ready();
  return app;
}
