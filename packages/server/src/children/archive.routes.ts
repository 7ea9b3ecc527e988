import { Type } from 'typebox';
import type { App, RouteDeps } from '../http/app-types.js';
import { respond } from '../http/respond.js';
import { CalendarDate, IdParams, Instant, Nullable, Obj, Reason, Uuid } from '../http/schemas.js';
import { archiveRecord, reopenRecord } from './archive.service.js';

const RecordStatus = Obj({
  childId: Uuid,
  recordStatus: Type.String(),
  retention: Obj({ destructionDate: Nullable(CalendarDate), status: Type.String(), doNotDestroy: Type.Boolean() }),
  history: Type.Array(Obj({ status: Type.String(), reason: Type.String(), changedAt: Instant, changedBy: Nullable(Type.String()) })),
});

export function registerArchiveRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;
  app.post(
    '/api/v1/children/:id/archive',
    { schema: { tags: ['children'], summary: 'Archive a record whose involvements have all closed: read-only, still searchable, destruction date shown', params: IdParams, body: Reason, response: { 200: RecordStatus } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => archiveRecord(w, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/children/:id/reopen',
    { schema: { tags: ['children'], summary: 'Reopen an archived record (for example on a new referral)', params: IdParams, body: Reason, response: { 200: RecordStatus } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => reopenRecord(w, request.params.id, request.body)),
  );
}
