import { Type } from 'typebox';
import type { App, RouteDeps } from '../http/app-types.js';
import { read } from '../http/respond.js';
import { CalendarDate, IdParams, Instant, Nullable, Obj, StringEnum, Uuid } from '../http/schemas.js';
import { compliance, worklist } from './compliance.service.js';

const Latest = Nullable(Obj({ entryId: Uuid, occurredAt: Instant, title: Type.String(), version: Type.Integer() }));
const ContentItem = Obj({
  item: Type.String({ description: 'The entry kind.' }),
  label: Type.String(),
  requirement: StringEnum(['minimum', 'recommended'] as const),
  status: StringEnum(['present', 'missing', 'none-recorded', 'not-applicable'] as const),
  latest: Latest,
  rule: Type.String(),
});
const Timescale = Obj({
  item: StringEnum(['statutory-visit', 'review', 'health-assessment', 'pep-review'] as const),
  dueBy: CalendarDate,
  status: StringEnum(['overdue', 'due-soon', 'upcoming'] as const),
  last: Nullable(CalendarDate),
  rule: Type.String(),
  explanation: Type.String(),
});
const RecordingItem = Obj({ entryId: Uuid, kind: Type.String(), title: Type.String(), occurredAt: Instant, recordingDueBy: Instant, recordedAt: Nullable(Instant), authorId: Uuid });
const Compliance = Obj({
  childId: Uuid,
  asOf: Instant,
  lookedAfter: Type.Boolean(),
  lookedAfterSince: Nullable(CalendarDate),
  contents: Type.Array(ContentItem),
  timescales: Type.Array(Timescale),
  lateRecordings: Obj({ count: Type.Integer(), recent: Type.Array(RecordingItem) }),
  overdueDrafts: Type.Array(RecordingItem),
  draftsDueSoon: Type.Array(RecordingItem),
});
const WorkItem = Obj({
  childId: Uuid,
  childName: Type.String(),
  area: StringEnum(['timescale', 'content', 'recording', 'access'] as const),
  item: Type.String(),
  status: StringEnum(['overdue', 'review', 'due-soon', 'missing', 'late'] as const, { description: 'review: a break-glass opening in the last fortnight, for the manager to review; late: a visit recorded after its deadline in the last four weeks (daysOverdue: how many days late).' }),
  dueBy: Nullable(Type.String()),
  daysOverdue: Nullable(Type.Integer()),
  detail: Type.String(),
  rule: Nullable(Type.String()),
  entryId: Nullable(Uuid),
});
const Worklist = Obj({
  asOf: Instant,
  scope: Type.Object({ userId: Type.Optional(Uuid), teamId: Type.Optional(Uuid) }),
  children: Type.Integer(),
  items: Type.Array(WorkItem),
  groups: Type.Optional(Type.Array(Obj({ childIds: Type.Array(Uuid), items: Type.Array(WorkItem) }))),
});

export function registerComplianceRoutes(app: App, deps: RouteDeps): void {
  app.get(
    '/api/v1/children/:id/compliance',
    { schema: { tags: ['recording'], summary: 'Contents present or missing, statutory timescales, late and overdue recordings', params: IdParams, response: { 200: Compliance } } },
    async (request) => read(deps.runner, request, (w) => compliance(w, request.params.id)),
  );

  app.get(
    '/api/v1/worklist',
    {
      schema: {
        tags: ['recording'],
        summary: 'What is overdue, due soon or missing for a worker’s or a team’s children, most urgent first; then visits recently recorded late',
        querystring: Obj({ userId: Type.Optional(Uuid), teamId: Type.Optional(Uuid), groupBy: Type.Optional(StringEnum(['sibling-group'] as const)) }),
        response: { 200: Worklist },
      },
    },
    async (request) => read(deps.runner, request, (w) => worklist(w, request.query)),
  );
}
