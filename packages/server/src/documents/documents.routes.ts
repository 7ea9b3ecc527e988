import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { Type } from 'typebox';
import { DomainError, invalid } from '@safekeep/core';
import { requireChildAccess } from '../access/child-access.js';
import { entryDto } from '../entries/entries.routes.js';
import { Entry, EntryKind } from '../entries/entries.schemas.js';
import type { App, RouteDeps } from '../http/app-types.js';
import { read, respond } from '../http/respond.js';
import { IdParams, Instant, NonBlank, Obj, Uuid } from '../http/schemas.js';
import { compileBody } from '../http/validation.js';
import { fieldProblemsFromValidation } from '../http/problem.js';
import { normaliseInput } from '../http/normalise.js';
import { createDocumentEntry, openDocument, stageUpload, type DocumentMeta, type UploadedFile } from './documents.service.js';

export const DocumentMetaSchema = Obj({
  kind: EntryKind,
  title: NonBlank(300),
  occurredAt: Instant,
  body: Type.Optional(Type.String({ maxLength: 100_000 })),
});

const DocumentEntry = Type.Intersect([Entry, Obj({ documentId: Uuid, sha256: Type.String(), size: Type.Integer(), contentType: Type.String() })]);

function parseMeta(text: string): DocumentMeta {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid({ field: 'meta', message: 'must be JSON: {"kind", "title", "occurredAt"}' });
  }
  value = normaliseInput(value, 'meta');
  const validate = compileBody<DocumentMeta>(DocumentMetaSchema);
  if (!validate(value)) {
    const fields = fieldProblemsFromValidation(validate.errors ?? [], 'body').map((f) => ({ ...f, field: `meta.${f.field}` }));
    throw invalid(fields);
  }
  return value;
}

export function registerDocumentRoutes(app: App, deps: RouteDeps): void {
  app.post(
    '/api/v1/children/:id/documents',
    {
      schema: {
        tags: ['documents'],
        summary: 'Upload a document: multipart/form-data with a `file` part and a `meta` part (JSON {kind, title, occurredAt, body?})',
        description: 'The file is streamed to disk, its type read from its content, and stored once by SHA-256. Default size limit 50 MB (SAFEKEEP_MAX_UPLOAD_BYTES).',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: DocumentEntry },
      },
    },
    async (request, reply) => {
      const childId = request.params.id;
      if (!request.isMultipart()) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the document as multipart/form-data with parts `meta` and `file`.');
      // Refuse before reading a byte of a file the caller may not add.
      await read(deps.runner, request, (w) => requireChildAccess(w, childId, 'document.create', 'write'));
      let meta: DocumentMeta | undefined;
      let file: UploadedFile | undefined;
      try {
        const parts = request.parts({ limits: { fileSize: deps.limits.uploadBytes, files: 1, fields: 1, parts: 2, fieldSize: 128 * 1024 } });
        for await (const part of parts) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file') throw invalid({ field: part.fieldname, message: 'is not a known part: send `file` and `meta`' });
            file = await stageUpload(deps.blobs, part.file, part.filename, deps.limits.uploadBytes);
          } else {
            if (part.fieldname !== 'meta') throw invalid({ field: part.fieldname, message: 'is not a known part: send `file` and `meta`' });
            meta = parseMeta(String(part.value));
          }
        }
        if (meta === undefined) throw invalid({ field: 'meta', message: 'is required' });
        if (file === undefined) throw invalid({ field: 'file', message: 'is required' });
        const fingerprint = createHash('sha256')
          .update(canonicalize({ route: 'documents', childId, meta, sha256: file.sha256 }) ?? '')
          .digest('hex');
        const uploaded = file;
        const m = meta;
        return await respond(deps.runner, request, reply, 201, async (w) => entryDto(await createDocumentEntry(w, deps.blobs, childId, m, uploaded)), { fingerprint });
      } finally {
        // Refused or failed: the staged file goes (committed files were moved already).
        if (file !== undefined) await deps.blobs.discard(file);
      }
    },
  );

  app.get(
    '/api/v1/documents/:id/content',
    { schema: { tags: ['documents'], summary: 'Download a document, byte for byte as uploaded', params: IdParams } },
    async (request, reply) => {
      const doc = await read(deps.runner, request, (w) => openDocument(w, request.params.id));
      if (!(await deps.blobs.has(doc.sha256))) {
        throw new DomainError('INTERNAL_ERROR', 'The document’s content is missing from the store. This has been logged.');
      }
      const filename = doc.filename ?? `document-${doc.id}`;
      return reply
        .header('content-type', doc.content_type)
        .header('content-length', String(doc.size))
        .header('content-disposition', `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`)
        .header('repr-digest', `sha-256=:${Buffer.from(doc.sha256, 'hex').toString('base64')}:`)
        .header('x-content-type-options', 'nosniff')
        .send(deps.blobs.open(doc.sha256));
    },
  );
}
