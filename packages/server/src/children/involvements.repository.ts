import type { Kysely } from 'kysely';
import type { DB, NewRow, Row } from '../db/schema.js';

export interface Involvement {
  id: string;
  childId: string;
  kind: string;
  startDate: string;
  endDate: string | null;
  createdAt: string;
}

export function toInvolvement(r: Row<'involvement'>): Involvement {
  return { id: r.id, childId: r.child_id, kind: r.kind, startDate: r.start_date, endDate: r.end_date, createdAt: r.created_at.toISOString() };
}

export async function insertInvolvement(db: Kysely<DB>, row: NewRow<'involvement'>): Promise<Row<'involvement'>> {
  return db.insertInto('involvement').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findInvolvement(db: Kysely<DB>, id: string): Promise<Row<'involvement'> | undefined> {
  return db.selectFrom('involvement').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Closes an open involvement; returns undefined if it was already closed (a race lost). */
export async function closeInvolvement(db: Kysely<DB>, id: string, endDate: string, at: Date, by: string | null): Promise<Row<'involvement'> | undefined> {
  return db
    .updateTable('involvement')
    .set({ end_date: endDate, closed_at: at, closed_by: by })
    .where('id', '=', id)
    .where('end_date', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function listInvolvements(db: Kysely<DB>, childId: string): Promise<Array<Row<'involvement'>>> {
  return db.selectFrom('involvement').selectAll().where('child_id', '=', childId).orderBy('start_date', 'desc').orderBy('id').execute();
}

export async function involvementKindExists(db: Kysely<DB>, code: string): Promise<boolean> {
  return (await db.selectFrom('involvement_kind').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

export async function listInvolvementKinds(db: Kysely<DB>): Promise<Array<Row<'involvement_kind'>>> {
  return db.selectFrom('involvement_kind').selectAll().orderBy('code').execute();
}
