import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import multipart from '@fastify/multipart';
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
import type { App, RouteDeps } from './app-types.js';
import { registerAuth } from './auth.js';
import { registerHealthRoutes } from './health.routes.js';
import { registerHomeRoutes } from './home.routes.js';
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
}

export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    ...(options.logger === false ? { logger: false } : { loggerInstance: options.logger }),
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
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new DomainError('NOT_FOUND', `There is nothing at ${request.method} ${request.url.split('?')[0] ?? ''}.`)));

  // After validation: ids are lower case from here on (the database and the audit trail
  // store them so), and no string may carry a NUL, which PostgreSQL text cannot hold.
  app.addHook('preHandler', async (request) => {
    request.params = normaliseInput(request.params, 'path');
    request.query = normaliseInput(request.query, 'query');
    if (request.body !== undefined && !request.isMultipart()) request.body = normaliseInput(request.body, 'body');
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (request.url.startsWith('/api/v1/')) reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    // One line per request: route pattern (ids only, no query string), status, timing, who.
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime), user: request.actor?.userId },
      'request',
    );
  });

  await app.register(multipart, { limits: { fileSize: options.limits.uploadBytes, files: 1 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Safekeep API',
        version: options.version ?? '0.1.0',
        description: 'Case records for children’s services in England. Errors are RFC 9457 problem+json with a stable `code`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  // The documentation pages are public; everything under /api/v1 needs a token.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });

  registerAuth(app, deps);
  registerHomeRoutes(app);
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

  await app.ready();
  return app;
}
