import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** Boxes and paper files (migration 0420). Where a file is now lives on its head; every move is an event. */

export async function insertBox(db: Kysely<DB>, b: { barcode: string; location: string; at: Date; by: string | null }): Promise<string> {
  const row = await db.insertInto('box').values({ barcode: b.barcode, created_at: b.at, created_by: b.by }).returning('id').executeTakeFirstOrThrow();
  await moveBox(db, { boxId: row.id, location: b.location, at: b.at, by: b.by });
  return row.id;
}

export async function moveBox(db: Kysely<DB>, m: { boxId: string; location: string; at: Date; by: string | null }): Promise<void> {
  await db.insertInto('box_location').values({ box_id: m.boxId, location: m.location, moved_at: m.at, moved_by: m.by }).execute();
}

export interface BoxRow {
  id: string;
  barcode: string;
  created_at: Date;
  location: string;
  moved_at: Date;
  files: number;
}

export async function findBoxes(db: Kysely<DB>, ids: string[] | null): Promise<BoxRow[]> {
  const { rows } = await sql<BoxRow>`
    select b.id, b.barcode, b.created_at, l.location, l.moved_at,
           (select count(*) from paper_file f where f.box_id = b.id and f.destroyed_at is null)::int as files
      from box b
      cross join lateral (select location, moved_at from box_location where box_id = b.id order by moved_at desc, id desc limit 1) l
     where ${ids === null ? sql`true` : ids.length === 0 ? sql`false` : sql`b.id in (${sql.join(ids)})`}
     order by b.barcode`.execute(db);
  return rows;
}

export async function boxHistory(db: Kysely<DB>, boxId: string) {
  return db
    .selectFrom('box_location as l')
    .leftJoin('app_user as u', 'u.id', 'l.moved_by')
    .select(['l.location', 'l.moved_at', 'u.display_name'])
    .where('l.box_id', '=', boxId)
    .orderBy('l.moved_at')
    .execute();
}

export interface PaperFileRow {
  id: string;
  child_id: string | null;
  carer_id: string | null;
  description: string;
  box_id: string | null;
  box_barcode: string | null;
  location: string | null;
  checked_out_to: string | null;
  checked_out_to_name: string | null;
  checked_out_at: Date | null;
  destroyed_at: Date | null;
  created_at: Date;
  destruction_date: string | null;
  label_status: string | null;
  holds: string[];
}

/** Files with their record's destruction date and the names of active holds covering that record. */
export async function findPaperFiles(db: Kysely<DB>, where: { id?: string; childId?: string; carerId?: string; boxId?: string }): Promise<PaperFileRow[]> {
  const conditions = [
    where.id === undefined ? null : sql`f.id = ${where.id}`,
    where.childId === undefined ? null : sql`f.child_id = ${where.childId}`,
    where.carerId === undefined ? null : sql`f.carer_id = ${where.carerId}`,
    where.boxId === undefined ? null : sql`f.box_id = ${where.boxId} and f.destroyed_at is null`,
  ].filter((c) => c !== null);
  const { rows } = await sql<PaperFileRow>`
    select f.id, f.child_id, f.carer_id, f.description, f.box_id, b.barcode as box_barcode, f.location, f.checked_out_to, u.display_name as checked_out_to_name,
           f.checked_out_at, f.destroyed_at, f.created_at,
           coalesce(cl.destruction_date, kl.destruction_date)::text as destruction_date,
           coalesce(cl.status, kl.status) as label_status,
           case when f.child_id is not null then array(select name from sk_child_active_holds(f.child_id) order by name)
                else array(select name from sk_carer_active_holds(f.carer_id) order by name) end as holds
      from paper_file f
      left join box b on b.id = f.box_id
      left join app_user u on u.id = f.checked_out_to
      left join retention_label cl on cl.child_id = f.child_id
      left join carer_retention_label kl on kl.carer_id = f.carer_id
     where ${conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `)}
     order by f.created_at, f.id`.execute(db);
  return rows;
}

export async function insertPaperFile(
  db: Kysely<DB>,
  f: { childId: string | null; carerId: string | null; description: string; boxId: string | null; location: string | null; at: Date; by: string | null },
): Promise<string> {
  const row = await db
    .insertInto('paper_file')
    .values({ child_id: f.childId, carer_id: f.carerId, description: f.description, box_id: f.boxId, location: f.location, created_at: f.at, created_by: f.by })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Holds the file's row until the transaction ends, so changes to one file are made one at a time. */
export async function lockPaperFile(db: Kysely<DB>, id: string): Promise<void> {
  await db.selectFrom('paper_file').select('id').where('id', '=', id).forUpdate().execute();
}

export async function updatePaperFile(
  db: Kysely<DB>,
  id: string,
  set: { box_id?: string | null; location?: string | null; checked_out_to?: string | null; checked_out_at?: Date | null },
): Promise<void> {
  await db.updateTable('paper_file').set(set).where('id', '=', id).execute();
}

export async function insertFileEvent(
  db: Kysely<DB>,
  e: { fileId: string; event: string; boxId: string | null; location: string | null; holderId: string | null; note: string | null; at: Date; by: string | null },
): Promise<void> {
  await db
    .insertInto('paper_file_event')
    .values({ paper_file_id: e.fileId, event: e.event, box_id: e.boxId, location: e.location, holder_id: e.holderId, note: e.note, at: e.at, by_user: e.by })
    .execute();
}

export async function fileEvents(db: Kysely<DB>, fileId: string) {
  return db
    .selectFrom('paper_file_event as e')
    .leftJoin('app_user as by', 'by.id', 'e.by_user')
    .leftJoin('app_user as h', 'h.id', 'e.holder_id')
    .leftJoin('box as b', 'b.id', 'e.box_id')
    .select(['e.event', 'e.location', 'b.barcode', 'h.display_name as holder', 'e.note', 'e.at', 'by.display_name as by_name'])
    .where('e.paper_file_id', '=', fileId)
    .orderBy('e.at')
    .orderBy('e.id')
    .execute();
}
