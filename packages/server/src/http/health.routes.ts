import { sql } from 'kysely';
import { Type } from 'typebox';
import { pendingMigrations } from '../db/migrate.js';
import type { App, RouteDeps } from './app-types.js';
import { Obj } from './schemas.js';

export function registerHealthRoutes(app: App, deps: RouteDeps): void {
  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['health'], summary: 'The process is up', security: [], response: { 200: Obj({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'The database is reachable and its migrations are current',
        security: [],
        response: { 200: Obj({ status: Type.String(), engine: Type.String() }), 503: Obj({ status: Type.String(), engine: Type.String(), pending: Type.Array(Type.String()) }) },
      },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(deps.database.db);
        const pending = await pendingMigrations(deps.database.db);
        if (pending.length > 0) return reply.code(503).send({ status: 'migrations pending', engine: deps.database.engine, pending });
        return { status: 'ready', engine: deps.database.engine };
      } catch {
        return reply.code(503).send({ status: 'database unreachable', engine: deps.database.engine, pending: [] });
      }
    },
  );
}
