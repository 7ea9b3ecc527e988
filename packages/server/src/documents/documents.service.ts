import type { Readable } from 'node:stream';
import { DomainError, type EntryKind } from '@safekeep/core';
import { entryWithinScope, isScopedBasis, requireChildAccess } from '../access/child-access.js';
import type { Kysely } from 'kysely';
import type { DB, Row } from '../db/schema.js';
import type { Work } from '../db/work.js';
import { insertNewEntry, type EntryView } from '../entries/entries.service.js';
import type { BlobStore, StagedBlob } from './blob-store.js';
import * as repo from './documents.repository.js';
import { sniffContentType } from './sniff.js';

export interface UploadedFile extends StagedBlob {
  contentType: string;
  filename: string | null;
}

/**
 * Streams an upload to a staged file (outside any transaction: a 50 MB upload must not
 * hold the database) and sniffs its type from its content; a refused type is discarded.
 */
export async function stageUpload(blobs: BlobStore, source: Readable, filename: string | undefined, maxBytes: number): Promise<UploadedFile> {
  const staged = await blobs.stage(source, maxBytes);
  const sniffed = await sniffContentType(staged.head);
  if (!sniffed.accepted) {
    await blobs.discard(staged);
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Files of type ${sniffed.contentType} cannot be added to a record. Send PDF, an image, an office document, audio, video or plain text.`);
  }
  return { ...staged, contentType: sniffed.contentType, filename: cleanFilename(filename) };
}

/** Keeps a filename for display and download: no path, no control characters, at most 200 characters. */
function cleanFilename(name: string | undefined): string | null {
  if (name === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return base.length > 0 ? base : null;
}

export interface DocumentMeta {
  kind: EntryKind;
  title: string;
  occurredAt: string;
  body?: string;
}

export interface DocumentEntryView extends EntryView {
  documentId: string;
  sha256: string;
  size: number;
  contentType: string;
}

/** A document entry: an entry of the given kind with the file attached; the file moves into place before the transaction commits. */
export async function createDocumentEntry(w: Work, blobs: BlobStore, childId: string, meta: DocumentMeta, file: UploadedFile): Promise<DocumentEntryView> {
  const basis = await requireChildAccess(w, childId, 'document.create', 'write');
  const entry = await insertNewEntry(w, childId, { kind: meta.kind, occurredAt: meta.occurredAt, title: meta.title, body: meta.body ?? '' });
  const entryId = entry.id;
  await repo.lockBlob(w.db, file.sha256);
  await repo.ensureBlob(w.db, { sha256: file.sha256, size: file.size, contentType: file.contentType, at: w.now });
  const doc = await repo.insertDocument(w.db, {
    entryId,
    childId,
    sha256: file.sha256,
    size: file.size,
    contentType: file.contentType,
    filename: file.filename,
    at: w.now,
    by: w.actor.userId,
  });
  w.audit({ action: 'document.create', childIds: [childId], basis, entityType: 'document', entityId: doc.id, detail: { entryId, kind: meta.kind, size: file.size } });
  await blobs.commit(file);
  const ref = { id: doc.id, sha256: doc.sha256, size: doc.size, contentType: doc.content_type, filename: doc.filename };
  return { ...entry, documents: [ref], documentId: doc.id, sha256: doc.sha256, size: doc.size, contentType: doc.content_type };
}

/** Checks access to a document's record and audits the read; the caller streams the file. */
export async function openDocument(w: Work, id: string): Promise<Row<'document'>> {
  const doc = await repo.findDocument(w.db, id);
  if (doc === undefined) throw new DomainError('NOT_FOUND', 'There is no document with that id.');
  const basis = await requireChildAccess(w, doc.child_id, 'document.read', 'read', { grantScope: true });
  if (isScopedBasis(basis) && !(await entryWithinScope(w, doc.entry_id))) throw new DomainError('NOT_FOUND', 'There is no document with that id.');
  w.audit({ action: 'document.read', childIds: [doc.child_id], basis, entityType: 'document', entityId: id });
  return doc;
}

/**
 * After a disposal has committed: removes the stored files whose blob rows it removed,
 * each under the blob's lock and only if no upload has recorded the same content since.
 * A file left behind (a crash) is swept by housekeeping once nothing refers to it.
 */
export async function removeReleasedBlobs(db: Kysely<DB>, blobs: BlobStore, sha256s: readonly string[]): Promise<void> {
  for (const sha of sha256s) {
    await db.transaction().execute(async (tx) => {
      await repo.lockBlob(tx, sha);
      if (!(await repo.blobRecorded(tx, sha))) await blobs.remove(sha);
    });
  }
}
