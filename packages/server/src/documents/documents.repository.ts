import { sql, type Kysely } from 'kysely';
import type { DB, Row } from '../db/schema.js';

/**
 * Serialises everything that adds or removes one stored file: an upload holds it from
 * recording the blob until its file is in place and committed; a disposal holds it while
 * it checks that nothing refers to the file and removes it.
 */
export async function lockBlob(db: Kysely<DB>, sha256: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`blob:${sha256}`}, 0))`.execute(db);
}

export async function blobRecorded(db: Kysely<DB>, sha256: string): Promise<boolean> {
  return (await db.selectFrom('blob').select('sha256').where('sha256', '=', sha256).executeTakeFirst()) !== undefined;
}

/** Records a stored blob once; a second document with the same content reuses it. */
export async function ensureBlob(db: Kysely<DB>, b: { sha256: string; size: number; contentType: string; at: Date }): Promise<void> {
  await db
    .insertInto('blob')
    .values({ sha256: b.sha256, size: b.size, content_type: b.contentType, created_at: b.at })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
}

export async function insertDocument(
  db: Kysely<DB>,
  d: { entryId: string; childId: string; sha256: string; size: number; contentType: string; filename: string | null; at: Date; by: string },
): Promise<Row<'document'>> {
  return db
    .insertInto('document')
    .values({ entry_id: d.entryId, child_id: d.childId, sha256: d.sha256, size: d.size, content_type: d.contentType, filename: d.filename, created_at: d.at, created_by: d.by })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findDocument(db: Kysely<DB>, id: string): Promise<Row<'document'> | undefined> {
  return db.selectFrom('document').selectAll().where('id', '=', id).executeTakeFirst();
}
