import { Type } from 'typebox';
import type { App, RouteDeps } from '../http/app-types.js';
import { read, respond } from '../http/respond.js';
import { IdParams, Instant, NonBlank, Nullable, Obj, Person, StringEnum, Uuid } from '../http/schemas.js';
import { certificatePdf, type CertificateDocument } from './certificate-pdf.js';
import * as disposals from './disposal.service.js';

const Disposal = Obj({
  id: Uuid,
  // Exactly one is set: the child's record, or the carer's or home's record, it destroys.
  childId: Nullable(Uuid),
  carerId: Nullable(Uuid),
  restricted: Type.Boolean({ description: 'A restricted child’s record you are not named on: the reason reads "Restricted record".' }),
  reason: Type.String(),
  status: StringEnum(['awaiting-approval', 'executed'] as const),
  requestedAt: Instant,
  requestedBy: Person,
  approvals: Type.Array(Obj({ approver: Person, role: Type.String(), approvedAt: Instant })),
  executedAt: Nullable(Instant),
  certificateSha256: Nullable(Type.String()),
  auditSeq: Nullable(Type.Integer()),
});

export function registerDisposalRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;
  app.post(
    '/api/v1/disposals',
    {
      schema: {
        tags: ['disposal'],
        summary: 'Ask to destroy a record (records officer or head of service): 409 with every blocker, or a request awaiting two approvals',
        description: 'Name exactly one record: a child’s (`childId`) or a foster carer’s, children’s home’s or other provider’s (`carerId`).',
        body: Obj({ childId: Type.Optional(Uuid), carerId: Type.Optional(Uuid), reason: NonBlank(2000) }),
        response: { 201: Disposal },
      },
    },
    async (request, reply) => respond(run, request, reply, 201, (w) => disposals.requestDisposal(w, request.body)),
  );
  app.get(
    '/api/v1/disposals',
    {
      schema: {
        tags: ['disposal'],
        summary: 'Disposals, newest first',
        querystring: Obj({ childId: Type.Optional(Uuid), carerId: Type.Optional(Uuid), status: Type.Optional(StringEnum(['awaiting-approval', 'executed', 'all'] as const)) }),
        response: { 200: Obj({ items: Type.Array(Disposal) }) },
      },
    },
    async (request) =>
      read(run, request, (w) =>
        disposals.listDisposals(w, {
          ...(request.query.childId === undefined ? {} : { childId: request.query.childId }),
          ...(request.query.carerId === undefined ? {} : { carerId: request.query.carerId }),
          status: request.query.status ?? 'all',
        }),
      ),
  );
  app.get('/api/v1/disposals/:id', { schema: { tags: ['disposal'], summary: 'One disposal and its approvals', params: IdParams, response: { 200: Disposal } } }, async (request) =>
    read(run, request, (w) => disposals.getDisposal(w, request.params.id)),
  );
  app.post(
    '/api/v1/disposals/:id/approvals',
    {
      schema: {
        tags: ['disposal'],
        summary: 'Approve a disposal (a records officer and a head of service, neither the requester); the second approval destroys the record and issues the certificate',
        params: IdParams,
        response: { 200: Disposal },
      },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => disposals.approveDisposal(w, request.params.id, deps.blobs)),
  );
  app.get(
    '/api/v1/disposals/:id/certificate',
    {
      schema: {
        tags: ['disposal'],
        summary: 'The destruction certificate: PDF by default, or JSON with ?format=json. For a restricted record and a caller not named on it, the case reference, initials and reason read "Restricted record" (listed in `withheld`; the SHA-256 is of the certificate as issued)',
        params: IdParams,
        querystring: Obj({ format: Type.Optional(StringEnum(['pdf', 'json'] as const)) }),
        produces: ['application/pdf', 'application/json'],
      },
    },
    async (request, reply) => {
      const found = await read(run, request, (w) => disposals.certificate(w, request.params.id));
      if (request.query.format === 'json') return reply.send({ certificate: found.certificate, sha256: found.sha256, auditSeq: found.auditSeq, withheld: found.withheld });
      const pdf = await certificatePdf(found.certificate as unknown as CertificateDocument, found.sha256, found.auditSeq);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="destruction-certificate-${request.params.id}.pdf"`)
        .send(pdf);
    },
  );
}
