import { Type } from 'typebox';
import type { App, RouteDeps } from '../http/app-types.js';
import { read, respond } from '../http/respond.js';
import { IdParams, Instant, NonBlank, Nullable, Obj, Person, StringEnum, Uuid } from '../http/schemas.js';
import * as escalations from './escalations.service.js';

const Subject = Type.Union([Obj({ childId: Uuid }), Obj({ carerId: Uuid })]);
const Escalation = Obj({
  id: Uuid,
  subject: Subject,
  restricted: Type.Boolean({ description: 'About a restricted child you are not named on: the question and decision read "Restricted record".' }),
  question: Type.String(),
  to: Type.String(),
  status: StringEnum(['open', 'decided'] as const),
  raisedAt: Instant,
  raisedBy: Person,
  decision: Nullable(Obj({ text: Type.String(), decidedAt: Instant, decidedBy: Person })),
});

export function registerEscalationRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;
  app.post(
    '/api/v1/escalations',
    {
      schema: {
        tags: ['escalations'],
        summary: 'Unsure what to do with a record? Ask a manager, head of service or business services (R12); it blocks disposal until decided',
        body: Obj({ subject: Subject, question: NonBlank(4000), to: StringEnum(escalations.ESCALATION_TARGETS) }),
        response: { 201: Escalation },
      },
    },
    async (request, reply) =>
      respond(run, request, reply, 201, (w) => escalations.raiseEscalation(w, request.body)),
  );
  app.get(
    '/api/v1/escalations',
    {
      schema: {
        tags: ['escalations'],
        summary: 'Escalations for you to decide, and those you raised',
        querystring: Obj({ status: Type.Optional(StringEnum(['open', 'decided', 'all'] as const)) }),
        response: { 200: Obj({ items: Type.Array(Escalation) }) },
      },
    },
    async (request) => read(run, request, (w) => escalations.listEscalations(w, request.query.status ?? 'open')),
  );
  app.post(
    '/api/v1/escalations/:id/decision',
    { schema: { tags: ['escalations'], summary: 'Record the decision (by the role it was raised to; not the person who asked)', params: IdParams, body: Obj({ decision: NonBlank(4000) }), response: { 200: Escalation } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => escalations.decideEscalation(w, request.params.id, request.body)),
  );
}
