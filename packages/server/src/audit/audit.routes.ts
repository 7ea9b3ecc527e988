import { Type } from 'typebox';
import type { App, RouteDeps } from '../http/app-types.js';
import { read } from '../http/respond.js';
import { IdParams, Instant, Nullable, Obj, PageOf, PageQuery, Uuid } from '../http/schemas.js';
import { accessLog } from './audit.service.js';

const AccessLogItem = Obj({
  seq: Type.Integer({ description: 'Position in the audit trail (leaf index).' }),
  at: Instant,
  action: Type.String(),
  outcome: Type.String({ description: 'allowed or denied' }),
  basis: Nullable(Type.String({ description: 'On what basis access was exercised.' })),
  actor: Nullable(Obj({ id: Uuid, username: Type.String(), displayName: Type.String() })),
  entityType: Nullable(Type.String()),
  entityId: Nullable(Uuid),
  requestId: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

export function registerAuditRoutes(app: App, deps: RouteDeps): void {
  app.get(
    '/api/v1/children/:id/access-log',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who read or changed this record, when, and on what basis (newest first)',
        params: IdParams,
        querystring: Obj({ ...PageQuery }),
        response: { 200: PageOf(AccessLogItem) },
      },
    },
    async (request) => read(deps.runner, request, (w) => accessLog(w, request.params.id, request.query.limit ?? 50, request.query.cursor)),
  );
}
