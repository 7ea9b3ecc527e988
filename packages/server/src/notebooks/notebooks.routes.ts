import { Type } from 'typebox';
import type { App, RouteDeps } from '../http/app-types.js';
import { read, respond } from '../http/respond.js';
import { CalendarDate, IdParams, Instant, NonBlank, Nullable, Obj, Person, StringEnum, Uuid } from '../http/schemas.js';
import * as notebooks from './notebooks.service.js';

const Notebook = Obj({
  id: Uuid,
  owner: Person,
  from: CalendarDate,
  to: CalendarDate,
  description: Nullable(Type.String()),
  registeredAt: Instant,
  status: StringEnum(['in-use', 'transcribed', 'disposed'] as const),
  transcribed: Nullable(Obj({ at: Instant, by: Nullable(Type.String()), note: Nullable(Type.String()) })),
  disposalApprovals: Type.Array(Obj({ approver: Person, role: Type.String(), reason: Type.String(), approvedAt: Instant })),
  disposedAt: Nullable(Instant),
  holds: Type.Array(Obj({ id: Uuid, name: Type.String() })),
  doNotDestroy: Type.Boolean(),
});

export function registerNotebookRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;
  app.post(
    '/api/v1/notebooks',
    {
      schema: {
        tags: ['notebooks'],
        summary: 'Register a practitioner’s notebook or diary for a period (R18)',
        body: Obj({ ownerUserId: Uuid, from: CalendarDate, to: CalendarDate, description: Type.Optional(Type.String({ maxLength: 500 })) }),
        response: { 201: Notebook },
      },
    },
    async (request, reply) => respond(run, request, reply, 201, (w) => notebooks.registerNotebook(w, request.body)),
  );
  app.get(
    '/api/v1/notebooks',
    { schema: { tags: ['notebooks'], summary: 'The notebook register: your own, your team’s, or (records staff) anyone’s', querystring: Obj({ ownerUserId: Type.Optional(Uuid) }), response: { 200: Obj({ items: Type.Array(Notebook) }) } } },
    async (request) => read(run, request, (w) => notebooks.listNotebooks(w, request.query)),
  );
  app.get('/api/v1/notebooks/:id', { schema: { tags: ['notebooks'], summary: 'One notebook', params: IdParams, response: { 200: Notebook } } }, async (request) =>
    read(run, request, (w) => notebooks.getNotebook(w, request.params.id)),
  );
  app.post(
    '/api/v1/notebooks/:id/transcribed',
    {
      schema: { tags: ['notebooks'], summary: 'Mark it transcribed into the children’s records (owner or their manager)', params: IdParams, body: Type.Optional(Obj({ note: Type.Optional(Type.String({ maxLength: 1000 })) })), response: { 200: Notebook } },
      // The body is optional (API.md: a bare POST marks it transcribed); Fastify would otherwise validate the missing body as not an object.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => notebooks.markTranscribed(w, request.params.id, request.body ?? {})),
  );
  app.post(
    '/api/v1/notebooks/:id/disposal',
    {
      schema: {
        tags: ['notebooks'],
        summary: 'Approve its disposal (records officer and head of service, not the owner); only once transcribed and while no hold covers notebooks. The second approval records it disposed of.',
        params: IdParams,
        body: Obj({ reason: NonBlank(2000) }),
        response: { 200: Notebook },
      },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => notebooks.approveNotebookDisposal(w, request.params.id, request.body)),
  );
}
