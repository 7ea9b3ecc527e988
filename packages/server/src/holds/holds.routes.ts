import { Type } from 'typebox';
import type { App, RouteDeps } from '../http/app-types.js';
import { read, respond } from '../http/respond.js';
import { IdParams, Instant, NonBlank, Nullable, Obj, Person, Reason, StringEnum, Uuid } from '../http/schemas.js';
import * as holds from './holds.service.js';

const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,79}$' });
const Scope = Type.Union([
  Obj({ all: Type.Literal(true) }, { title: 'everything' }),
  Obj({ recordClass: Slug }, { title: 'a record class' }),
  Obj({ childIds: Type.Array(Uuid, { minItems: 1, maxItems: 10_000 }) }, { title: 'named children' }),
  Obj({ carerIds: Type.Array(Uuid, { minItems: 1, maxItems: 10_000 }) }, { title: 'named carers or homes' }),
]);
export const Hold = Obj({
  id: Uuid,
  name: Type.String(),
  scope: Scope,
  reason: Type.String(),
  authority: Type.String(),
  createdAt: Instant,
  createdBy: Nullable(Person),
  status: StringEnum(['active', 'release-pending', 'released'] as const),
  locked: Type.Boolean(),
  lock: Nullable(Obj({ reason: Type.String(), lockedAt: Instant })),
  releaseApprovals: Type.Array(Obj({ approver: Person, reason: Type.String(), approvedAt: Instant })),
  releasedAt: Nullable(Instant),
});

export function registerHoldRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;
  app.get(
    '/api/v1/holds',
    { schema: { tags: ['holds'], summary: 'Holds, active first', querystring: Obj({ status: Type.Optional(StringEnum(['active', 'released', 'all'] as const)) }), response: { 200: Obj({ items: Type.Array(Hold) }) } } },
    async (request) => read(run, request, (w) => holds.listHolds(w, request.query.status ?? 'all')),
  );
  app.post(
    '/api/v1/holds',
    {
      schema: {
        tags: ['holds'],
        summary: 'Place a hold (records officer, DPO or head of service); optionally locked so the application can never release it',
        body: Obj({ name: NonBlank(120), scope: Scope, reason: NonBlank(2000), authority: NonBlank(500, 'The inquiry, court or law the hold answers to.'), lock: Type.Optional(Reason) }),
        response: { 201: Hold },
      },
    },
    async (request, reply) => respond(run, request, reply, 201, (w) => holds.placeHold(w, request.body)),
  );
  app.get('/api/v1/holds/:id', { schema: { tags: ['holds'], summary: 'One hold', params: IdParams, response: { 200: Hold } } }, async (request) =>
    read(run, request, (w) => holds.getHold(w, request.params.id)),
  );
  app.post(
    '/api/v1/holds/:id/release',
    { schema: { tags: ['holds'], summary: 'Approve the release of a hold; the second head of service’s approval releases it', params: IdParams, body: Reason, response: { 200: Hold } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => holds.approveRelease(w, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/holds/:id/lock',
    { schema: { tags: ['holds'], summary: 'Lock a hold (DPO or head of service): it can then never be released through the application', params: IdParams, body: Reason, response: { 200: Hold } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => holds.lockHold(w, request.params.id, request.body)),
  );
}
