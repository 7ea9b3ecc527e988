import { sql, type Kysely } from 'kysely';
import type { Clock } from '@safekeep/core';
import type { DB } from '../db/schema.js';
import type { BlobStore } from '../documents/blob-store.js';

/** Idempotent replies are kept this long; a client retries within minutes, not weeks. */
export const IDEMPOTENCY_KEEP_DAYS = 7;

/**
 * Routine tidying, at start-up and every few hours:
 * - files in the document store that no document refers to (an upload whose transaction
 *   failed after its file moved into place), once an hour old;
 * - stored replies to Idempotency-Key requests older than a week. These are copies of
 *   responses kept so a retry is not applied twice, never part of a child's record,
 *   which stays untouched.
 */
export async function housekeeping(db: Kysely<DB>, blobs: BlobStore, clock: Clock): Promise<{ files: number; replies: number }> {
  const files = await blobs.sweep(async (sha) => (await db.selectFrom('blob').select('sha256').where('sha256', '=', sha).executeTakeFirst()) !== undefined, clock.now());
  const cutoff = new Date(clock.now().getTime() - IDEMPOTENCY_KEEP_DAYS * 86_400_000);
  const result = await sql`delete from idempotency_record where created_at < ${cutoff}`.execute(db);
  return { files, replies: Number(result.numAffectedRows ?? 0) };
}

export function scheduleHousekeeping(db: Kysely<DB>, blobs: BlobStore, clock: Clock, onError: (e: unknown) => void, everyMs = 6 * 3_600_000): () => void {
  const run = () => void housekeeping(db, blobs, clock).catch(onError);
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
