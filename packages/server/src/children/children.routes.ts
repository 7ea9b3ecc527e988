import { Type } from 'typebox';
import type { App, RouteDeps } from '../http/app-types.js';
import { refuseMethods } from '../http/method-not-allowed.js';
import { read, respond } from '../http/respond.js';
import { IdParams, Obj, PageOf, PageQuery, Problem } from '../http/schemas.js';
import * as allocations from './allocations.service.js';
import * as children from './children.service.js';
import * as s from './children.schemas.js';
import { listInvolvementKinds } from './involvements.repository.js';
import * as involvements from './involvements.service.js';
import * as relationships from './relationships.service.js';

export function registerChildRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;

  app.post(
    '/api/v1/children',
    {
      schema: {
        tags: ['children'],
        summary: 'Create a child and their one case record',
        description: 'A likely duplicate (same NHS number, UPN or local id, or a close name with the same date of birth) is refused with 409 DUPLICATE_CHILD_SUSPECTED listing the candidates.',
        body: s.NewChild,
        response: { 201: s.Child, 409: Type.Intersect([Problem, Type.Object({ candidates: Type.Optional(Type.Array(s.DuplicateCandidate)), hiddenCandidates: Type.Optional(Type.Boolean()) })]) },
      },
    },
    async (request, reply) => respond(run, request, reply, 201, (w) => children.createChild(w, request.body)),
  );

  app.get(
    '/api/v1/children',
    {
      schema: {
        tags: ['children'],
        summary: 'Search children you may see, by name, NHS number, UPN, local id or date of birth',
        querystring: Obj({ q: Type.Optional(Type.String({ maxLength: 200 })), ...PageQuery }),
        response: { 200: PageOf(s.ChildSummary) },
      },
    },
    async (request) => read(run, request, (w) => children.searchChildren(w, request.query.q, request.query.limit ?? 50, request.query.cursor)),
  );

  app.get(
    '/api/v1/children/:id',
    { schema: { tags: ['children'], summary: 'The child, their involvements, allocations and relationships', params: IdParams, response: { 200: s.Child } } },
    async (request) => read(run, request, (w) => children.getChild(w, request.params.id)),
  );
  refuseMethods(app, '/api/v1/children/:id', ['GET'], 'A child’s record is never deleted or edited in place: correct details with POST /api/v1/children/{id}/versions.');

  app.get(
    '/api/v1/children/:id/versions',
    {
      schema: {
        tags: ['children'],
        summary: "Every version of the child's details",
        params: IdParams,
        response: {
          200: Obj({
            items: Type.Array(
              Obj({ version: Type.Integer(), details: s.ChildDetailsOut, reason: Type.Union([Type.String(), Type.Null()]), recordedAt: Type.String(), recordedBy: Type.Union([Type.String(), Type.Null()]) }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await read(run, request, (w) => children.childVersions(w, request.params.id)) }),
  );

  app.post(
    '/api/v1/children/:id/versions',
    { schema: { tags: ['children'], summary: "Correct the child's details: a new version with a reason", params: IdParams, body: s.ChildCorrection, response: { 201: s.Child } } },
    async (request, reply) => respond(run, request, reply, 201, (w) => children.correctChild(w, request.params.id, request.body)),
  );

  app.post(
    '/api/v1/children/:id/allocations',
    { schema: { tags: ['allocations'], summary: 'Allocate a worker, team manager or IRO to the child', params: IdParams, body: s.NewAllocation, response: { 201: s.Allocation } } },
    async (request, reply) => respond(run, request, reply, 201, (w) => allocations.allocate(w, request.params.id, request.body)),
  );

  app.post(
    '/api/v1/allocations/:id/end',
    { schema: { tags: ['allocations'], summary: 'End an allocation', params: IdParams, response: { 200: s.Allocation } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => allocations.endAllocation(w, request.params.id)),
  );

  app.post(
    '/api/v1/children/:id/involvements',
    { schema: { tags: ['involvements'], summary: 'Open an involvement (an episode of service)', params: IdParams, body: s.NewInvolvement, response: { 201: s.Involvement } } },
    async (request, reply) => respond(run, request, reply, 201, (w) => involvements.addInvolvement(w, request.params.id, request.body)),
  );

  app.post(
    '/api/v1/involvements/:id/close',
    { schema: { tags: ['involvements'], summary: 'Close an involvement', params: IdParams, body: s.CloseInvolvement, response: { 200: s.Involvement } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => involvements.closeInvolvement(w, request.params.id, request.body.endDate)),
  );

  app.get(
    '/api/v1/involvement-kinds',
    { schema: { tags: ['involvements'], summary: 'Kinds of involvement this authority records', response: { 200: Obj({ items: Type.Array(Obj({ code: Type.String(), label: Type.String(), builtin: Type.Boolean() })) }) } } },
    async () => ({ items: await listInvolvementKinds(deps.database.db) }),
  );

  app.post(
    '/api/v1/children/:id/relationships',
    { schema: { tags: ['children'], summary: 'Record a relationship between two children (kept both ways; records are never merged)', params: IdParams, body: s.NewRelationship, response: { 201: s.Relationship } } },
    async (request, reply) => respond(run, request, reply, 201, (w) => relationships.relate(w, request.params.id, request.body)),
  );
}
