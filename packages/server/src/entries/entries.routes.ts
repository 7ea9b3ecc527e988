import { Type } from 'typebox';
import type { App, RouteDeps } from '../http/app-types.js';
import { refuseMethods } from '../http/method-not-allowed.js';
import { read, respond } from '../http/respond.js';
import { IdParams, Instant, Nullable, Obj, PageOf, StringEnum, Uuid } from '../http/schemas.js';
import * as s from './entries.schemas.js';
import * as views from './record-views.service.js';
import * as group from './group.service.js';
import { NewEntryBody } from './kinds.schemas.js';
import { PLAN_DOCUMENT_KINDS } from '@safekeep/core';
import { splitFields } from './kinds.schemas.js';
import { invalid } from '@safekeep/core';
import { fieldProblemsFromValidation } from '../http/problem.js';
import { compileBody } from '../http/validation.js';
import * as entries from './entries.service.js';

/** The HTTP shape of an entry: the kind's own fields sit beside the common ones. */
export function entryDto<T extends entries.EntryView>(view: T): Omit<T, 'fields'> & Record<string, unknown> {
  const { fields, ...rest } = view;
  return { ...fields, ...rest };
}

const APPEND_ONLY = 'Entries are never edited in place or deleted: correct one with POST /api/v1/entries/{id}/versions, giving a reason.';

export function registerEntryRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;
  const Items = Obj({ items: Type.Array(s.Entry) });
  const { Copies } = s;

  const GroupBody = Obj({ childIds: Type.Array(Uuid, { minItems: 1, maxItems: 20 }), entry: NewEntryBody });
  const groupInput = (body: { childIds: string[]; entry: Record<string, unknown> }) => {
    const { base, fields } = splitFields(body.entry);
    return { childIds: body.childIds, entry: { ...(base as Omit<entries.NewEntryInput, 'fields'>), fields } };
  };
  app.post(
    '/api/v1/entries/group/preview',
    { schema: { tags: ['entries'], summary: 'Each child’s copy of a group entry, other children as initials, before saving', body: GroupBody, response: { 200: Copies } } },
    async (request) => {
      const { childIds, entry } = groupInput(request.body);
      return read(run, request, (w) => group.previewGroupEntry(w, childIds, entry));
    },
  );
  app.post(
    '/api/v1/entries/group',
    {
      schema: {
        tags: ['entries'],
        summary: 'An event concerning several children: one separate entry in each child’s record, cross-referencing the others (R9)',
        body: GroupBody,
        response: { 201: Obj({ groupId: Uuid, entries: Type.Array(Obj({ childId: Uuid, entry: s.Entry })) }) },
      },
    },
    async (request, reply) => {
      const { childIds, entry } = groupInput(request.body);
      return respond(run, request, reply, 201, async (w) => {
        const r = await group.createGroupEntry(w, childIds, entry);
        return { groupId: r.groupId, entries: r.entries.map((e) => ({ childId: e.childId, entry: entryDto(e.entry) })) };
      });
    },
  );

  app.get(
    '/api/v1/children/:id/plans',
    { schema: { tags: ['recording'], summary: 'The current care plan, health plan, placement plan and PEP, with how many versions each has had', params: IdParams, response: { 200: Obj({ items: Type.Array(Obj({ kind: Type.String(), current: Nullable(s.Entry), versions: Type.Integer() })) }) } } },
    async (request) => {
      const r = await read(run, request, (w) => views.planSummary(w, request.params.id));
      return { items: r.items.map((i) => ({ ...i, current: i.current === null ? null : entryDto(i.current) })) };
    },
  );

  app.get(
    '/api/v1/children/:id/plans/:kind',
    {
      schema: {
        tags: ['recording'],
        summary: 'A plan document as a timeline of every version, with the current one',
        params: Obj({ id: Uuid, kind: StringEnum(PLAN_DOCUMENT_KINDS) }),
        response: {
          200: Obj({
            kind: Type.String(),
            current: Nullable(s.Entry),
            timeline: Type.Array(Obj({ entryId: Uuid, version: Type.Integer(), title: Type.String(), status: Type.String(), occurredAt: Instant, recordedAt: Instant, recordedBy: Obj({ id: Uuid, displayName: Type.String() }), reason: Nullable(Type.String()), current: Type.Boolean() })),
          }),
        },
      },
    },
    async (request) => {
      const r = await read(run, request, (w) => views.planTimeline(w, request.params.id, request.params.kind));
      return { ...r, current: r.current === null ? null : entryDto(r.current) };
    },
  );

  app.get(
    '/api/v1/children/:id/decisions',
    { schema: { tags: ['recording'], summary: 'The decision trail: what, who, why, the views of the child and parents, and the entries that informed each decision', params: IdParams, response: { 200: Items } } },
    async (request) => ({ items: (await read(run, request, (w) => views.decisionTrail(w, request.params.id))).items.map(entryDto) }),
  );

  app.get(
    '/api/v1/children/:id/contributions',
    { schema: { tags: ['recording'], summary: 'The child’s own contributions, marked as their property', params: IdParams, response: { 200: Items } } },
    async (request) => ({ items: (await read(run, request, (w) => views.contributions(w, request.params.id))).items.map(entryDto) }),
  );

  app.post(
    '/api/v1/children/:id/entries',
    { schema: { tags: ['entries'], summary: "Add an entry to the child's chronology", params: IdParams, body: s.NewEntry, response: { 201: s.Entry } } },
    // One self-audited statement: no transaction needed unless an Idempotency-Key must commit with it.
    async (request, reply) => {
      const { base, fields } = splitFields(request.body);
      const input = { ...(base as Omit<entries.NewEntryInput, 'fields'>), fields };
      return respond(run, request, reply, 201, async (w) => entryDto(await entries.createEntry(w, request.params.id, input)), { transaction: false });
    },
  );

  app.get(
    '/api/v1/children/:id/entries',
    { schema: { tags: ['entries'], summary: 'The chronology, newest first', params: IdParams, querystring: s.ChronologyQuery, response: { 200: PageOf(s.Entry) } } },
    async (request) => {
      const q = request.query;
      const page = await read(run, request, (w) =>
        entries.listEntries(w, request.params.id, {
          ...(q.kind !== undefined ? { kind: q.kind } : {}),
          ...(q.from !== undefined ? { from: q.from } : {}),
          ...(q.to !== undefined ? { to: q.to } : {}),
          limit: q.limit ?? 50,
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        }),
      );
      return { items: page.items.map(entryDto), nextCursor: page.nextCursor };
    },
  );
  refuseMethods(app, '/api/v1/children/:id/entries', ['GET', 'POST'], APPEND_ONLY);

  app.get(
    '/api/v1/entries/:id',
    { schema: { tags: ['entries'], summary: 'The current version of an entry, with the list of its versions', params: IdParams, response: { 200: s.Entry } } },
    async (request) => entryDto(await read(run, request, (w) => entries.getEntry(w, request.params.id))),
  );
  refuseMethods(app, '/api/v1/entries/:id', ['GET'], APPEND_ONLY);

  app.get(
    '/api/v1/entries/:id/versions',
    { schema: { tags: ['entries'], summary: 'The versions of an entry', params: IdParams, response: { 200: Obj({ items: Type.Array(s.VersionSummary) }) } } },
    async (request) => {
      const entry = await read(run, request, (w) => entries.getEntry(w, request.params.id));
      return { items: entry.versions ?? [] };
    },
  );

  app.post(
    '/api/v1/entries/:id/versions',
    { schema: { tags: ['entries'], summary: 'Correct an entry: a new version with a reason; the old one is kept', params: IdParams, body: s.EntryCorrection, response: { 201: s.Entry } } },
    async (request, reply) => {
      if ('kind' in request.body) throw invalid({ field: 'kind', message: 'the kind of an entry never changes' });
      const { base, fields } = splitFields(request.body, ['reason']);
      const correction = { ...(base as Omit<entries.Correction, 'fields'>), ...(Object.keys(fields).length > 0 ? { fields } : {}) };
      return respond(run, request, reply, 201, async (w) => entryDto(await entries.correctEntry(w, request.params.id, correction)));
    },
  );
  refuseMethods(app, '/api/v1/entries/:id/versions', ['GET', 'POST'], APPEND_ONLY);

  app.post(
    '/api/v1/entries/:id/finalise',
    {
      schema: {
        tags: ['entries'],
        summary: 'Finalise a draft (its author or their manager): a new, final version',
        description: 'The body is optional: {"note": "…"} is kept as the reason of the final version (default "Finalised").',
        params: IdParams,
        response: { 201: s.Entry },
      },
    },
    async (request, reply) => {
      // The body is optional, so it is checked here rather than by a route schema.
      const body = request.body ?? {};
      const valid = compileBody<{ note?: string }>(s.Finalise);
      if (!valid(body)) throw invalid(fieldProblemsFromValidation(valid.errors ?? [], 'body'));
      return respond(run, request, reply, 201, async (w) => entryDto(await entries.finaliseEntry(w, request.params.id, body.note)));
    },
  );

  app.get(
    '/api/v1/entries/:id/versions/:n',
    { schema: { tags: ['entries'], summary: 'One version of an entry, in full', params: s.VersionParams, response: { 200: s.Entry } } },
    async (request) => entryDto(await read(run, request, (w) => entries.getEntryVersion(w, request.params.id, request.params.n))),
  );
  refuseMethods(app, '/api/v1/entries/:id/versions/:n', ['GET'], APPEND_ONLY);
}
