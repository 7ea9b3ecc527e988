import { Type } from 'typebox';
import { CARER_END_REASONS } from '@safekeep/core';
import type { App, RouteDeps } from '../http/app-types.js';
import { read, respond } from '../http/respond.js';
import { CalendarDate, IdParams, Instant, NonBlank, Nullable, Obj, PageOf, PageQuery, StringEnum, Uuid } from '../http/schemas.js';
import { entryDto } from '../entries/entries.routes.js';
import { Copies, Entry } from '../entries/entries.schemas.js';
import * as carers from './carers.service.js';

const Carer = Obj({
  id: Uuid,
  kind: Type.String(),
  name: Type.String(),
  status: Type.String(),
  createdAt: Instant,
  allocations: Type.Optional(Type.Array(Obj({ id: Uuid, userId: Uuid, userDisplayName: Type.String(), role: Type.String(), createdAt: Instant, endedAt: Nullable(Instant) }))),
});
const CarerEntry = Obj({ id: Uuid, carerId: Uuid, kind: Type.String(), version: Type.Integer(), occurredAt: Instant, title: Type.String(), body: Type.String(), recordedAt: Instant, recordedBy: Obj({ id: Uuid, displayName: Type.String() }) });
const EntryParams = Obj({ id: Uuid, entryId: Uuid });
const ChildIds = Obj({ childIds: Type.Array(Uuid, { minItems: 1, maxItems: 50 }) });
export function registerCarerRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;
  app.post(
    '/api/v1/carers',
    { schema: { tags: ['carers'], summary: 'Create a foster carer, children’s home or other provider record', body: Obj({ kind: StringEnum(carers.CARER_KINDS), name: NonBlank(200) }), response: { 201: Carer } } },
    async (request, reply) => respond(run, request, reply, 201, (w) => carers.createCarer(w, request.body)),
  );
  app.get('/api/v1/carers', { schema: { tags: ['carers'], summary: 'Carer and home records you may see', response: { 200: Obj({ items: Type.Array(Carer) }) } } }, async (request) =>
    read(run, request, (w) => carers.listCarers(w)),
  );
  app.get('/api/v1/carers/:id', { schema: { tags: ['carers'], summary: 'A carer or home record and who supervises it', params: IdParams, response: { 200: Carer } } }, async (request) =>
    read(run, request, (w) => carers.getCarer(w, request.params.id)),
  );
  app.post(
    '/api/v1/carers/:id/close',
    {
      schema: {
        tags: ['carers'],
        summary: 'End the record, saying how (team manager or head of service): its retention clock starts',
        params: IdParams,
        body: Obj({ endedOn: CalendarDate, reason: StringEnum(CARER_END_REASONS) }),
        response: { 200: Carer },
      },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => carers.closeCarer(w, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/carers/:id/allocations',
    { schema: { tags: ['carers'], summary: 'Allocate the supervising social worker or home manager', params: IdParams, body: Obj({ userId: Uuid, role: StringEnum(carers.CARER_ROLES) }), response: { 201: Carer } } },
    async (request, reply) => respond(run, request, reply, 201, (w) => carers.allocateCarer(w, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/carers/:id/entries',
    {
      schema: {
        tags: ['carers'],
        summary: 'Add an entry to a carer or home record (never to a child’s)',
        params: IdParams,
        body: Obj({ kind: StringEnum(carers.CARER_ENTRY_KINDS), occurredAt: Instant, title: NonBlank(300), body: Type.String({ maxLength: 100_000 }) }),
        response: { 201: CarerEntry },
      },
    },
    async (request, reply) => respond(run, request, reply, 201, (w) => carers.addCarerEntry(w, request.params.id, request.body)),
  );
  app.get(
    '/api/v1/carers/:id/entries',
    { schema: { tags: ['carers'], summary: 'The carer’s or home’s chronology, newest first', params: IdParams, querystring: Obj({ ...PageQuery }), response: { 200: PageOf(CarerEntry) } } },
    async (request) => read(run, request, (w) => carers.listCarerEntries(w, request.params.id, request.query.limit ?? 50, request.query.cursor)),
  );
  app.post(
    '/api/v1/carers/:id/entries/:entryId/versions',
    {
      schema: {
        tags: ['carers'],
        summary: 'Correct a carer record entry: a new version with a reason',
        params: EntryParams,
        body: Obj({ title: Type.Optional(NonBlank(300)), body: Type.Optional(Type.String({ maxLength: 100_000 })), reason: NonBlank(2000) }),
        response: { 201: CarerEntry },
      },
    },
    async (request, reply) => respond(run, request, reply, 201, (w) => carers.correctCarerEntry(w, request.params.id, request.params.entryId, request.body)),
  );
  app.post(
    '/api/v1/carers/:id/entries/:entryId/duplicates/preview',
    { schema: { tags: ['carers'], summary: 'Each child’s copy of the entry, with other children as initials, before saving', params: EntryParams, body: ChildIds, response: { 200: Copies } } },
    async (request) => read(run, request, (w) => carers.previewDuplicates(w, request.params.id, request.params.entryId, request.body.childIds)),
  );
  app.post(
    '/api/v1/carers/:id/entries/:entryId/duplicates',
    {
      schema: {
        tags: ['carers'],
        summary: 'Duplicate the entry into each child’s record as a duplicate-entry linking back to it (R8)',
        params: EntryParams,
        body: ChildIds,
        response: { 201: Obj({ items: Type.Array(Entry) }) },
      },
    },
    async (request, reply) =>
      respond(run, request, reply, 201, async (w) => {
        const r = await carers.duplicateIntoChildren(w, request.params.id, request.params.entryId, request.body.childIds);
        return { items: r.items.map(entryDto) };
      }),
  );
}
