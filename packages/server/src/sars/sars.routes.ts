import { Type, type Static } from 'typebox';
import { DomainError, ENTRY_KINDS, SAR_EXEMPTION_CODES, SAR_IDENTITY_METHODS, SAR_KINDS, SAR_PAUSE_REASONS, SAR_REFUSAL_GROUNDS, SAR_RELATIONSHIPS, SAR_STATUSES } from '@safekeep/core';
import type { App, RouteDeps } from '../http/app-types.js';
import { workContext } from '../http/context.js';
import { read, respond } from '../http/respond.js';
import { CalendarDate, IdParams, Instant, NonBlank, Nullable, Obj, PageQuery, Person, StringEnum, Uuid } from '../http/schemas.js';
import { renderBundle, scheduleCsv, schedulePdf } from './bundle-pdf.js';
import * as disclosure from './disclosure.service.js';
import * as redactions from './redactions.service.js';
import * as sars from './sars.service.js';

const Exemption = StringEnum(SAR_EXEMPTION_CODES, { description: 'The DPA 2018 exemption a redaction rests on (REGULATIONS 5.2).' });
const Identity = Obj({
  method: StringEnum(SAR_IDENTITY_METHODS),
  authorityEvidence: Type.Optional(NonBlank(2000, 'For a parent or representative: the authority seen (the child’s signed consent, a court order, PR evidence).')),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
const DocumentAs = StringEnum(['text', 'image', 'separately', 'withheld'] as const, {
  description: 'text: its text in the bundle, redacted; image: drawn in the bundle; separately: sent whole beside the bundle, named there by its SHA-256; withheld: listed with its exemption only.',
});
const DisclosedDocument = Obj({ documentId: Uuid, sha256: Type.String(), as: DocumentAs, exemption: Nullable(Type.String()) });
const Sar = Obj({
  id: Uuid,
  childId: Uuid,
  restricted: Type.Boolean({ description: 'The child’s record is restricted and you are not named on it: the child’s name, the requester and the note read "Restricted record", and the items, redactions, approval and bundle are refused.' }),
  childName: Nullable(Type.String()),
  kind: StringEnum(SAR_KINDS),
  requester: Type.String(),
  relationship: Nullable(StringEnum(SAR_RELATIONSHIPS)),
  court: Nullable(Type.String()),
  orderReference: Nullable(Type.String()),
  receivedOn: CalendarDate,
  scope: Obj({ kinds: Nullable(Type.Array(Type.String())), from: Nullable(CalendarDate), to: Nullable(CalendarDate) }),
  note: Type.String(),
  status: StringEnum(SAR_STATUSES),
  dueDate: Nullable(CalendarDate),
  firstMonthEnds: Nullable(CalendarDate),
  extensionMonths: Type.Integer(),
  identity: Nullable(Obj({ method: Type.String(), authorityEvidence: Nullable(Type.String()), note: Type.String(), verifiedOn: CalendarDate, verifiedBy: Person })),
  pauses: Type.Array(
    Obj({ id: Uuid, reason: Type.String(), note: Type.String(), pausedOn: CalendarDate, pausedBy: Person, resumedOn: Nullable(CalendarDate), resumedBy: Nullable(Type.String()) }),
  ),
  extensions: Type.Array(Obj({ months: Type.Integer(), reason: Type.String(), toldOn: CalendarDate, extendedAt: Instant, extendedBy: Person })),
  approval: Nullable(
    Obj({
      approvedAt: Instant,
      approvedBy: Person,
      entries: Type.Integer(),
      proposals: Type.Integer(),
      accepted: Type.Integer(),
      documents: Nullable(Obj({ disclosed: Type.Integer(), withheld: Type.Integer() })),
    }),
  ),
  refusal: Nullable(Obj({ grounds: Type.String(), reason: Type.String(), refusedAt: Instant, refusedBy: Person })),
  disclosures: Type.Array(
    Obj({
      id: Uuid,
      disclosedAt: Instant,
      disclosedBy: Person,
      sha256: Type.String(),
      pages: Type.Integer(),
      bytes: Type.Integer(),
      documents: Nullable(Type.Array(DisclosedDocument)),
    }),
  ),
  createdAt: Instant,
  createdBy: Person,
});
const Decision = Obj({ accept: Type.Boolean(), exemption: Nullable(Type.String()), note: Type.String(), decidedAt: Instant, decidedBy: Person });
const Redaction = Obj({
  id: Uuid,
  source: StringEnum(['proposed', 'manual'] as const),
  field: Type.String({ description: 'title, body, or fields.<path> (one of the item’s fields).' }),
  start: Type.Integer({ description: 'UTF-16 offset into the field’s text.' }),
  end: Type.Integer(),
  text: Type.String(),
  reason: StringEnum(['other-child', 'third-party', 'third-party-contribution', 'manual'] as const),
  personId: Nullable(Type.String()),
  decision: Nullable(Decision),
});
const Summary = Obj({
  entries: Type.Integer(),
  documents: Type.Integer(),
  proposals: Type.Integer(),
  undecided: Type.Integer({ description: 'Redactions still to decide (none are needed in a withheld document).' }),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  stale: Type.Integer(),
  documentsUndecided: Type.Integer(),
  documentsDisclosed: Type.Integer(),
  documentsWithheld: Type.Integer(),
});
const ItemDocument = Obj({
  id: Uuid,
  filename: Nullable(Type.String()),
  contentType: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  bundleAs: StringEnum(['text', 'image', 'separately'] as const, { description: 'How it goes out if disclosed (see DocumentAs).' }),
  text: Nullable(Type.String({ description: 'A text document’s text, which its redactions’ offsets count in.' })),
  proposedRedactions: Type.Array(Redaction, { description: 'In a text document’s text (field `document:<id>`); decided through /redactions.' }),
  decision: Nullable(Obj({ disclose: Type.Boolean(), exemption: Nullable(Type.String()), note: Type.String(), decidedAt: Instant, decidedBy: Person })),
});
const Item = Obj({
  entryId: Uuid,
  version: Type.Integer(),
  kind: Type.String(),
  occurredAt: Instant,
  recordedBy: Type.String(),
  title: Type.String(),
  body: Type.String(),
  fields: Type.Array(Obj({ field: Type.String(), label: Type.String(), text: Type.String() })),
  documents: Type.Array(ItemDocument),
  proposedRedactions: Type.Array(Redaction),
});
const ScheduleRow = Obj({
  marker: Type.Integer(),
  entryId: Uuid,
  entryVersion: Type.Integer(),
  documentId: Nullable(Uuid),
  occurredAt: Instant,
  kind: Type.String(),
  field: Type.String(),
  fieldLabel: Type.String(),
  source: Type.String(),
  reason: Type.String(),
  exemption: Type.String(),
  exemptionLabel: Type.String(),
  exemptionSource: Type.String(),
  decidedBy: Person,
  decidedAt: Instant,
});
const DocumentScheduleRow = Obj({
  documentId: Uuid,
  sha256: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  entryId: Uuid,
  entryVersion: Type.Integer(),
  occurredAt: Instant,
  kind: Type.String(),
  disclosed: Type.Boolean(),
  as: DocumentAs,
  exemption: Nullable(Type.String()),
  exemptionLabel: Nullable(Type.String()),
  exemptionSource: Nullable(Type.String()),
  decidedBy: Person,
  decidedAt: Instant,
});
/** The JSON schedule (not a response schema: the same route also answers CSV and PDF). */
export const Schedule = Obj({ sarId: Uuid, markers: Type.Integer(), items: Type.Array(ScheduleRow), documents: Type.Array(DocumentScheduleRow) });
const Note = Type.Optional(Type.String({ maxLength: 2000 }));
const tags = ['subject access'];

export function registerSarRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;
  app.post(
    '/api/v1/sars',
    {
      schema: {
        tags,
        summary: 'Log a subject access request, care leaver’s request or court order for a child’s record (DPO or business support) → its due date',
        body: Obj({
          childId: Uuid,
          kind: Type.Optional(StringEnum(SAR_KINDS, { description: 'Default: care-leaver when the relationship is care-leaver, else subject-access.' })),
          requester: NonBlank(200, 'Who asked, as they gave their name (or the court’s name for an order).'),
          relationship: Type.Optional(StringEnum(SAR_RELATIONSHIPS, { description: 'Required unless a court order.' })),
          receivedAt: Type.Union([CalendarDate, Instant], { description: 'When the request was received: the clock starts that day (Europe/London).' }),
          court: Type.Optional(NonBlank(200)),
          orderReference: Type.Optional(NonBlank(200)),
          dueDate: Type.Optional(CalendarDate),
          scope: Type.Optional(
            Obj({ kinds: Type.Optional(Type.Array(StringEnum(ENTRY_KINDS), { minItems: 1, maxItems: ENTRY_KINDS.length, uniqueItems: true })), from: Type.Optional(CalendarDate), to: Type.Optional(CalendarDate) }),
          ),
          note: Type.Optional(Type.String({ maxLength: 4000 })),
          identity: Type.Optional(Identity),
        }),
        response: { 201: Sar },
      },
    },
    async (request, reply) => respond(run, request, reply, 201, (w) => sars.createSar(w, request.body)),
  );
  app.get(
    '/api/v1/sars',
    {
      schema: {
        tags,
        summary: 'The register of requests, soonest due first (default: those still being answered)',
        querystring: Obj({ status: Type.Optional(StringEnum(sars.STATUS_FILTERS)), childId: Type.Optional(Uuid), dueBefore: Type.Optional(CalendarDate), ...PageQuery }),
        response: { 200: Obj({ items: Type.Array(Sar), nextCursor: Nullable(Type.String()) }) },
      },
    },
    async (request) => {
      const q = request.query;
      return read(run, request, (w) =>
        sars.listSars(w, {
          limit: q.limit ?? 50,
          ...(q.status === undefined ? {} : { status: q.status }),
          ...(q.childId === undefined ? {} : { childId: q.childId }),
          ...(q.dueBefore === undefined ? {} : { dueBefore: q.dueBefore }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        }),
      );
    },
  );
  app.get('/api/v1/sars/:id', { schema: { tags, summary: 'One request, with its clock and history', params: IdParams, response: { 200: Sar } } }, async (request) =>
    read(run, request, (w) => sars.getSar(w, request.params.id)),
  );
  app.post(
    '/api/v1/sars/:id/identity',
    { schema: { tags, summary: 'Record how the requester’s identity (and authority) was checked; restarts a clock stopped awaiting ID', params: IdParams, body: Identity, response: { 200: Sar } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => sars.recordIdentity(w, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/sars/:id/pause',
    {
      schema: { tags, summary: 'Stop the clock while awaiting ID or clarification (Art 12A)', params: IdParams, body: Obj({ reason: StringEnum(SAR_PAUSE_REASONS), note: Note }), response: { 200: Sar } },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => sars.pauseSar(w, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/sars/:id/resume',
    {
      schema: { tags, summary: 'Restart the clock; the due date moves on by the days it stood still (the body is optional)', params: IdParams, body: Obj({ note: Note }), response: { 200: Sar } },
      // No body at all is an empty one: restarting the clock needs nothing said.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => sars.resumeSar(w, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/sars/:id/extension',
    {
      schema: {
        tags,
        summary: 'Extend by one or two months (three in all from receipt), decided and told within the first month, with the reason (Art 12(3))',
        params: IdParams,
        body: Obj({ months: Type.Integer({ minimum: 1, maximum: 2 }), reason: NonBlank(2000), toldOn: Type.Optional(CalendarDate) }),
        response: { 200: Sar },
      },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => sars.extendSar(w, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/sars/:id/refusal',
    {
      schema: {
        tags,
        summary: 'Refuse a manifestly unfounded or excessive request (DPO; Art 12(5))',
        params: IdParams,
        body: Obj({ grounds: StringEnum(SAR_REFUSAL_GROUNDS), reason: NonBlank(4000) }),
        response: { 200: Sar },
      },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => sars.refuseSar(w, request.params.id, request.body)),
  );
  app.get(
    '/api/v1/sars/:id/items',
    {
      schema: {
        tags,
        summary: 'Everything in scope, oldest first, with the redactions proposed in each entry and any decision on them',
        params: IdParams,
        querystring: Obj({ undecided: Type.Optional(Type.Boolean({ description: 'Only entries with an undecided proposal.' })), ...PageQuery }),
        response: {
          200: Obj({
            items: Type.Array(Item),
            nextCursor: Nullable(Type.String()),
            summary: Summary,
            staleRedactions: Type.Array(Obj({ id: Uuid, entryId: Uuid, version: Type.Integer(), field: Type.String(), start: Type.Integer(), end: Type.Integer() })),
          }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      return read(run, request, (w) =>
        redactions.sarItems(w, deps.blobs, request.params.id, { limit: q.limit ?? 50, ...(q.cursor === undefined ? {} : { cursor: q.cursor }), ...(q.undecided === undefined ? {} : { undecided: q.undecided }) }),
      );
    },
  );
  app.post(
    '/api/v1/sars/:id/redactions',
    {
      schema: {
        tags,
        summary: 'Decide proposed (or withdraw manual) redactions; accepting needs the exemption it rests on. A later decision supersedes an earlier one.',
        params: IdParams,
        body: Obj({ decisions: Type.Array(Obj({ id: Uuid, accept: Type.Boolean(), exemption: Type.Optional(Exemption), note: Note }), { minItems: 1, maxItems: 5_000 }) }),
        response: { 200: Obj({ decided: Type.Integer(), summary: Summary }) },
      },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => redactions.decideRedactions(w, deps.blobs, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/sars/:id/document-decisions',
    {
      schema: {
        tags,
        summary: 'Disclose or withhold documents in scope; withholding needs the exemption it rests on. A later decision supersedes an earlier one.',
        params: IdParams,
        body: Obj({
          decisions: Type.Array(
            Obj({
              documentId: Uuid,
              disclose: Type.Boolean({ description: 'true: disclosed as its form allows (a text document redacted); false: withheld.' }),
              exemption: Type.Optional(Exemption),
              note: Note,
            }),
            { minItems: 1, maxItems: 5_000 },
          ),
        }),
        response: { 200: Obj({ decided: Type.Integer(), summary: Summary }) },
      },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => redactions.decideDocuments(w, deps.blobs, request.params.id, request.body)),
  );
  app.get(
    '/api/v1/sars/:id/documents/:documentId/content',
    {
      schema: {
        tags,
        summary: 'A document in the request’s scope, byte for byte, for its review (audited against the child)',
        params: Obj({ id: Uuid, documentId: Uuid }),
        produces: ['application/octet-stream'],
      },
    },
    async (request, reply) => {
      const doc = await read(run, request, (w) => redactions.openDocumentForReview(w, request.params.id, request.params.documentId));
      if (!(await deps.blobs.has(doc.sha256))) throw new DomainError('INTERNAL_ERROR', 'The document’s content is missing from the store. This has been logged.');
      return reply
        .header('content-type', doc.contentType)
        .header('content-disposition', `attachment; filename="document-${doc.id}"`)
        .header('repr-digest', `sha-256=:${Buffer.from(doc.sha256, 'hex').toString('base64')}:`)
        .header('x-content-type-options', 'nosniff')
        .send(deps.blobs.open(doc.sha256));
    },
  );
  app.post(
    '/api/v1/sars/:id/manual-redactions',
    {
      schema: {
        tags,
        summary: 'Redact a span the proposals missed, in an entry’s text (entryId and field) or a text document’s (documentId)',
        params: IdParams,
        body: Obj({
          entryId: Type.Optional(Uuid),
          documentId: Type.Optional(Uuid),
          field: Type.Optional(Type.String({ maxLength: 200, description: 'With entryId: title, body, or one of the item’s fields (fields.<path>).' })),
          start: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
          end: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          exemption: Exemption,
          note: Note,
        }),
        response: { 201: Type.Intersect([Redaction, Obj({ entryId: Uuid, version: Type.Integer(), documentId: Nullable(Uuid) })]) },
      },
    },
    async (request, reply) => respond(run, request, reply, 201, (w) => redactions.addManualRedaction(w, deps.blobs, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/sars/:id/approval',
    {
      schema: {
        tags,
        summary: 'The data protection officer’s sign-off: 409 REDACTIONS_UNREVIEWED or DOCUMENTS_UNREVIEWED, with the counts, while any proposal or document is undecided',
        params: IdParams,
        response: { 200: Sar },
      },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => redactions.approveSar(w, deps.blobs, request.params.id)),
  );
  app.get(
    '/api/v1/sars/:id/bundle',
    { schema: { tags, summary: 'The redacted disclosure bundle (PDF), once approved; each download is recorded as a disclosure', params: IdParams, produces: ['application/pdf'] } },
    async (request, reply) => {
      const content = await read(run, request, (w) => disclosure.bundleContent(w, deps.blobs, request.params.id, 'sar.disclose'));
      const pdf = await renderBundle(content, deps.blobs);
      // Recorded once the file exists, in its own short transaction (rendering a large bundle takes seconds).
      await run.run(workContext(request), (w) =>
        disclosure.recordDisclosure(w, request.params.id, { sha256: pdf.sha256, pages: pdf.pages, bytes: pdf.bytes.length, documents: pdf.documents }),
      );
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="disclosure-${request.params.id}.pdf"`)
        .header('x-content-sha256', pdf.sha256)
        .send(pdf.bytes);
    },
  );
  app.get(
    '/api/v1/sars/:id/redaction-schedule',
    {
      schema: {
        tags,
        summary: 'Each redaction in the bundle (its marker, where it is, the exemption, who decided) and each document disclosed or withheld (JSON, or ?format=csv|pdf)',
        params: IdParams,
        querystring: Obj({ format: Type.Optional(StringEnum(['json', 'csv', 'pdf'] as const)) }),
        produces: ['application/json', 'text/csv', 'application/pdf'],
      },
    },
    async (request, reply) => {
      const content = await read(run, request, (w) => disclosure.redactionSchedule(w, deps.blobs, request.params.id));
      const name = `redaction-schedule-${request.params.id}`;
      if (request.query.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(scheduleCsv(content));
      if (request.query.format === 'pdf') return reply.type('application/pdf').header('content-disposition', `attachment; filename="${name}.pdf"`).send(await schedulePdf(content));
      const body: Static<typeof Schedule> = { sarId: content.sar.id, markers: content.markers, items: content.schedule, documents: content.documents };
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );
}
