import { Type } from 'typebox';
import type { App, RouteDeps } from '../http/app-types.js';
import { read, respond } from '../http/respond.js';
import { IdParams, Instant, NonBlank, Nullable, Obj, Uuid } from '../http/schemas.js';
import { Retention, RuleInput, Rules } from './retention.schemas.js';
import * as retention from './retention.service.js';

export function registerRetentionRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;
  app.get(
    '/api/v1/retention/rules',
    { schema: { tags: ['retention'], summary: 'The current retention schedule’s rules; unverified rules carry a flag', response: { 200: Rules } } },
    async (request) => read(run, request, (w) => retention.currentRules(w)),
  );
  app.get(
    '/api/v1/retention/schedules',
    {
      schema: {
        tags: ['retention'],
        summary: 'Every version of the schedule, newest first, with who published it and when',
        response: { 200: Obj({ items: Type.Array(Obj({ version: Type.Integer(), note: Type.String(), publishedAt: Instant, publishedBy: Nullable(Obj({ id: Uuid, displayName: Type.String() })), rules: Type.Integer() })) }) },
      },
    },
    async (request) => read(run, request, (w) => retention.schedules(w)),
  );
  app.get(
    '/api/v1/retention/schedules/:version',
    { schema: { tags: ['retention'], summary: 'One version of the schedule', params: Obj({ version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }), response: { 200: Rules } } },
    async (request) => read(run, request, (w) => retention.schedule(w, request.params.version)),
  );
  app.post(
    '/api/v1/retention/schedules',
    {
      schema: {
        tags: ['retention'],
        summary: 'Publish a new version of the whole schedule (records officer or head of service); every record is relabelled',
        body: Obj({ note: NonBlank(2000, 'Why the schedule changed.'), rules: Type.Array(RuleInput, { minItems: 1, maxItems: 500 }) }),
        response: { 201: Obj({ version: Type.Integer(), rules: Type.Integer(), relabelled: Obj({ children: Type.Integer(), carers: Type.Integer() }) }) },
      },
    },
    async (request, reply) => respond(run, request, reply, 201, (w) => retention.publishSchedule(w, request.body)),
  );
  app.get(
    '/api/v1/children/:id/retention',
    {
      schema: {
        tags: ['retention'],
        summary: 'The record’s destruction date, the rules that produced it, holds (DO NOT DESTROY), and what blocks disposal',
        params: IdParams,
        response: { 200: Retention },
      },
    },
    async (request) => read(run, request, (w) => retention.childRetention(w, request.params.id)),
  );
  app.get(
    '/api/v1/carers/:id/retention',
    { schema: { tags: ['retention'], summary: 'A carer or home record’s destruction date, rules and holds', params: IdParams, response: { 200: Retention } } },
    async (request) => read(run, request, (w) => retention.carerRetention(w, request.params.id)),
  );
}
