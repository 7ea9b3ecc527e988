import { Type } from 'typebox';
import { londonDate } from '@safekeep/core';
import type { App, RouteDeps } from '../http/app-types.js';
import { read, respond } from '../http/respond.js';
import { CalendarDate, IdParams, Instant, NonBlank, Nullable, Obj, StringEnum, Uuid } from '../http/schemas.js';
import { boxLabelPdf } from './box-label-pdf.js';
import * as paper from './paper.service.js';

const Barcode = Type.String({ pattern: '^[ -~]{1,48}$', description: 'Printable ASCII, up to 48 characters (Code 128).' });
const Location = NonBlank(200);
const Subject = Type.Union([Obj({ childId: Uuid }), Obj({ carerId: Uuid })]);
const PaperFile = Obj({
  id: Uuid,
  subject: Subject,
  description: Type.String({ description: 'What the file is; "Restricted record" when it is a restricted child’s and you are not named.' }),
  restricted: Type.Boolean({ description: 'A restricted child’s file you are not named on: its description and notes are withheld.' }),
  status: StringEnum(['in-place', 'checked-out', 'destroyed'] as const),
  box: Nullable(Obj({ id: Uuid, barcode: Type.String() })),
  location: Nullable(Type.String()),
  checkedOut: Nullable(Obj({ to: Obj({ id: Uuid, displayName: Type.String() }), at: Instant })),
  destructionDate: Nullable(CalendarDate),
  retentionStatus: Type.String(),
  holds: Type.Array(Type.String()),
  doNotDestroy: Type.Boolean(),
  createdAt: Instant,
  destroyedAt: Nullable(Instant),
});
const Box = Obj({
  id: Uuid,
  barcode: Type.String(),
  location: Type.String(),
  files: Type.Integer(),
  destroyFrom: Nullable(CalendarDate),
  undeterminedFiles: Type.Integer(),
  holds: Type.Array(Type.String()),
  doNotDestroy: Type.Boolean(),
  createdAt: Instant,
  contents: Type.Optional(Type.Array(PaperFile)),
  history: Type.Optional(Type.Array(Obj({ location: Type.String(), movedAt: Instant, movedBy: Nullable(Type.String()) }))),
});
const Place = { boxId: Type.Optional(Uuid), location: Type.Optional(Location) };

function subjectOf(body: { childId: string } | { carerId: string }) {
  return 'childId' in body ? { childId: body.childId } : { carerId: body.carerId };
}
// Ids arrive lower-cased (http/normalise.ts); optional members are passed on only when present.
function place(body: { boxId?: string; location?: string }) {
  return { ...(body.boxId === undefined ? {} : { boxId: body.boxId }), ...(body.location === undefined ? {} : { location: body.location }) };
}

export function registerPaperRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;
  app.post(
    '/api/v1/boxes',
    { schema: { tags: ['paper'], summary: 'Register an off-site box by its barcode and location', body: Obj({ barcode: Barcode, location: Location }), response: { 201: Box } } },
    async (request, reply) => respond(run, request, reply, 201, (w) => paper.createBox(w, request.body)),
  );
  app.get('/api/v1/boxes', { schema: { tags: ['paper'], summary: 'Every box, with the latest destruction date of its contents', response: { 200: Obj({ items: Type.Array(Box) }) } } }, async (request) =>
    read(run, request, (w) => paper.listBoxes(w)),
  );
  app.get('/api/v1/boxes/:id', { schema: { tags: ['paper'], summary: 'A box, its contents and where it has been', params: IdParams, response: { 200: Box } } }, async (request) =>
    read(run, request, (w) => paper.getBox(w, request.params.id)),
  );
  app.post(
    '/api/v1/boxes/:id/moves',
    { schema: { tags: ['paper'], summary: 'Record that a box moved', params: IdParams, body: Obj({ location: Location }), response: { 200: Box } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => paper.moveBox(w, request.params.id, request.body)),
  );
  app.get(
    '/api/v1/boxes/:id/label',
    { schema: { tags: ['paper'], summary: 'The box label (PDF, 4×6 in): scannable barcode, destruction date of its latest-dated content, DO NOT DESTROY while held', params: IdParams, produces: ['application/pdf'] } },
    async (request, reply) => {
      const box = await read(run, request, (w) => paper.boxForLabel(w, request.params.id));
      const now = deps.clock.now();
      // The printed date is today in London (API.md, Conventions), not the UTC date.
      const pdf = await boxLabelPdf(box, londonDate(now), now);
      return reply.type('application/pdf').header('content-disposition', `inline; filename="box-${box.id}.pdf"`).send(pdf);
    },
  );
  app.post(
    '/api/v1/paper-files',
    {
      schema: {
        tags: ['paper'],
        summary: 'Register a paper file for a child or a carer, in a box or at a location',
        body: Type.Union([Obj({ childId: Uuid, description: NonBlank(500), ...Place }), Obj({ carerId: Uuid, description: NonBlank(500), ...Place })]),
        response: { 201: PaperFile },
      },
    },
    async (request, reply) =>
      respond(run, request, reply, 201, (w) =>
        paper.createPaperFile(w, { subject: subjectOf(request.body), description: request.body.description, ...place(request.body) }),
      ),
  );
  app.get(
    '/api/v1/paper-files',
    {
      schema: {
        tags: ['paper'],
        summary: 'A child’s or carer’s paper files and where they are',
        querystring: Type.Union([Obj({ childId: Uuid }), Obj({ carerId: Uuid })]),
        response: { 200: Obj({ items: Type.Array(PaperFile) }) },
      },
    },
    async (request) => read(run, request, (w) => paper.listPaperFiles(w, subjectOf(request.query))),
  );
  app.get(
    '/api/v1/paper-files/:id',
    {
      schema: {
        tags: ['paper'],
        summary: 'A paper file and every movement, check-out and return',
        params: IdParams,
        response: {
          200: Type.Intersect([
            PaperFile,
            Obj({ events: Type.Array(Obj({ event: Type.String(), boxBarcode: Nullable(Type.String()), location: Nullable(Type.String()), holder: Nullable(Type.String()), note: Nullable(Type.String()), at: Instant, by: Nullable(Type.String()) })) }),
          ]),
        },
      },
    },
    async (request) => read(run, request, (w) => paper.getPaperFile(w, request.params.id)),
  );
  app.post(
    '/api/v1/paper-files/:id/moves',
    { schema: { tags: ['paper'], summary: 'Move a file to a box or a location', params: IdParams, body: Obj(Place), response: { 200: PaperFile } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => paper.moveFile(w, request.params.id, place(request.body))),
  );
  app.post(
    '/api/v1/paper-files/:id/check-out',
    { schema: { tags: ['paper'], summary: 'Check a file out to someone', params: IdParams, body: Obj({ toUserId: Uuid, note: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 200: PaperFile } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => paper.checkOut(w, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/paper-files/:id/return',
    { schema: { tags: ['paper'], summary: 'Record a file’s return (to where it was, or to a new box or location)', params: IdParams, body: Obj({ ...Place, note: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 200: PaperFile } } },
    async (request, reply) =>
      respond(run, request, reply, 200, (w) =>
        paper.returnFile(w, request.params.id, { ...place(request.body), ...(request.body.note === undefined ? {} : { note: request.body.note }) }),
      ),
  );
}
