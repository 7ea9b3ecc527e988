import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { DESTROYED_CARER_NAME } from '../db/migrations/20261122_0710_carer_disposal.js';
import { contentHash } from './disposal.repository.js';

/**
 * The carer's or home's side of a disposal (migration 0710): what its record holds, and
 * the one transaction that removes it. The `carer` row stays as the tombstone.
 */

export async function carerStatus(db: Kysely<DB>, carerId: string, lock = false): Promise<string | undefined> {
  const q = db.selectFrom('carer').select('status').where('id', '=', carerId);
  return (await (lock ? q.forUpdate() : q).executeTakeFirst())?.status;
}

/** What the record holds, counted, for the certificate: what was destroyed, without keeping it. */
export async function carerInventory(db: Kysely<DB>, carerId: string) {
  const carer = await db.selectFrom('carer').select(['kind', 'ended_on', 'end_reason']).where('id', '=', carerId).executeTakeFirstOrThrow();
  const kinds = await db.selectFrom('carer_entry').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).where('carer_id', '=', carerId).groupBy('kind').orderBy('kind').execute();
  const versions = await sql<{ n: string }>`select count(*) as n from carer_entry_version v join carer_entry e on e.id = v.entry_id where e.carer_id = ${carerId}`.execute(db);
  const allocations = await db.selectFrom('carer_allocation').select((eb) => eb.fn.countAll<number>().as('n')).where('carer_id', '=', carerId).executeTakeFirstOrThrow();
  // R8, issue 3: copies already in children's records stay there, under the child's retention.
  const copies = await sql<{ n: string }>`
    select count(*) as n from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version
     where e.kind = 'duplicate-entry' and v.fields ->> 'carerId' = ${carerId}`.execute(db);
  const paperFiles = await db
    .selectFrom('paper_file as f')
    .leftJoin('box as b', 'b.id', 'f.box_id')
    .select(['f.id', 'b.barcode', 'f.location'])
    .where('f.carer_id', '=', carerId)
    .where('f.destroyed_at', 'is', null)
    .orderBy('f.created_at')
    .execute();
  return {
    kind: carer.kind,
    endedOn: carer.ended_on,
    endReason: carer.end_reason,
    entriesByKind: Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)])),
    entries: kinds.reduce((s, k) => s + Number(k.n), 0),
    versions: Number(versions.rows[0]?.n ?? 0),
    allocations: Number(allocations.n),
    childCopiesKept: Number(copies.rows[0]?.n ?? 0),
    paperFiles: paperFiles.map((f) => ({ id: f.id, boxBarcode: f.barcode, location: f.location })),
  };
}

/** SHA-256 over the canonical JSON of everything about to be removed or blanked, in a fixed order (as contentDigest for a child's). */
export async function carerContentDigest(db: Kysely<DB>, carerId: string): Promise<string> {
  const { add, hex } = contentHash();
  add('carer', await db.selectFrom('carer').selectAll().where('id', '=', carerId).execute());
  add('carer_allocation', await db.selectFrom('carer_allocation').selectAll().where('carer_id', '=', carerId).orderBy('id').execute());
  add('carer_entry', await db.selectFrom('carer_entry').selectAll().where('carer_id', '=', carerId).orderBy('id').execute());
  add(
    'carer_entry_version',
    await db
      .selectFrom('carer_entry_version as v')
      .innerJoin('carer_entry as e', 'e.id', 'v.entry_id')
      .selectAll('v')
      .where('e.carer_id', '=', carerId)
      .orderBy('v.entry_id')
      .orderBy('v.version')
      .execute(),
  );
  return hex();
}

/**
 * Removes the carer's entries, their versions and its allocations, marks its paper files
 * destroyed, and leaves the carer row as a nameless tombstone. Runs only in the
 * transaction that inserted the disposal's execution: the database refuses it elsewhere.
 */
export async function removeCarerRecord(db: Kysely<DB>, carerId: string, at: Date, by: string): Promise<void> {
  // Writers hold the carer's key share while they add to it; this waits for them, and they for us.
  await sql`select 1 from carer where id = ${carerId} for update`.execute(db);
  await sql`select 1 from carer_entry where carer_id = ${carerId} for update`.execute(db);
  await sql`delete from carer_entry_version v using carer_entry e where e.id = v.entry_id and e.carer_id = ${carerId}`.execute(db);
  await db.deleteFrom('carer_entry').where('carer_id', '=', carerId).execute();
  await db.deleteFrom('carer_allocation').where('carer_id', '=', carerId).execute();
  // Replies kept for idempotent retries may quote the record (its creation, entries, allocations).
  await sql`delete from idempotency_record
     where lower(path) like ${`/api/v1/carers/${carerId.toLowerCase()}%`}
        or (path = '/api/v1/carers' and position(${carerId.toLowerCase()} in lower(body)) > 0)`.execute(db);
  await sql`insert into paper_file_event (paper_file_id, event, note, at, by_user)
    select id, 'destroyed', 'Destroyed with the electronic record: shred it and keep the certificate.', ${at}, ${by}
      from paper_file where carer_id = ${carerId} and destroyed_at is null`.execute(db);
  await db.updateTable('paper_file').set({ destroyed_at: at }).where('carer_id', '=', carerId).where('destroyed_at', 'is', null).execute();
  await db.updateTable('carer').set({ status: 'destroyed', name: DESTROYED_CARER_NAME }).where('id', '=', carerId).execute();
}
