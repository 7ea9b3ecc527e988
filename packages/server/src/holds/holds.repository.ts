import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export interface HoldRow {
  id: string;
  name: string;
  scope: string;
  record_class: string | null;
  reason: string;
  authority: string;
  created_at: Date;
  created_by: string | null;
  created_by_name: string | null;
  lock_reason: string | null;
  locked_at: Date | null;
  locked_by: string | null;
  released_at: Date | null;
}

function base(db: Kysely<DB>) {
  return db
    .selectFrom('hold as h')
    .leftJoin('app_user as u', 'u.id', 'h.created_by')
    .leftJoin('hold_lock as l', 'l.hold_id', 'h.id')
    .leftJoin('hold_release as r', 'r.hold_id', 'h.id')
    .select(['h.id', 'h.name', 'h.scope', 'h.record_class', 'h.reason', 'h.authority', 'h.created_at', 'h.created_by', 'u.display_name as created_by_name', 'l.reason as lock_reason', 'l.locked_at', 'l.locked_by', 'r.released_at']);
}

/**
 * Holds and disposals take this lock before looking at holds, so a hold placed while a
 * disposal executes is either seen by it or placed after it: never missed.
 */
export async function lockHolds(db: Kysely<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended('safekeep:holds', 0))`.execute(db);
}

export async function findHold(db: Kysely<DB>, id: string): Promise<HoldRow | undefined> {
  return base(db).where('h.id', '=', id).executeTakeFirst();
}

export async function listHolds(db: Kysely<DB>, status: 'active' | 'released' | 'all'): Promise<HoldRow[]> {
  let q = base(db);
  if (status === 'active') q = q.where('r.hold_id', 'is', null);
  if (status === 'released') q = q.where('r.hold_id', 'is not', null);
  return q.orderBy('h.created_at').orderBy('h.name').execute();
}

export async function subjects(db: Kysely<DB>, holdIds: string[]): Promise<Array<{ hold_id: string; child_id: string | null; carer_id: string | null }>> {
  if (holdIds.length === 0) return [];
  return db.selectFrom('hold_subject').select(['hold_id', 'child_id', 'carer_id']).where('hold_id', 'in', holdIds).execute();
}

export async function approvals(db: Kysely<DB>, holdIds: string[]) {
  if (holdIds.length === 0) return [];
  return db
    .selectFrom('hold_release_approval as a')
    .innerJoin('app_user as u', 'u.id', 'a.approver_id')
    .select(['a.hold_id', 'a.approver_id', 'u.display_name', 'a.reason', 'a.approved_at'])
    .where('a.hold_id', 'in', holdIds)
    .orderBy('a.approved_at')
    .execute();
}

export async function insertHold(
  db: Kysely<DB>,
  h: { name: string; scope: string; recordClass: string | null; reason: string; authority: string; at: Date; by: string | null; childIds: string[]; carerIds: string[] },
): Promise<string> {
  const row = await db
    .insertInto('hold')
    .values({ name: h.name, scope: h.scope, record_class: h.recordClass, reason: h.reason, authority: h.authority, created_at: h.at, created_by: h.by })
    .returning('id')
    .executeTakeFirstOrThrow();
  const rows = [...h.childIds.map((c) => ({ hold_id: row.id, child_id: c, carer_id: null })), ...h.carerIds.map((c) => ({ hold_id: row.id, child_id: null, carer_id: c }))];
  if (rows.length > 0) await db.insertInto('hold_subject').values(rows).execute();
  return row.id;
}

export async function insertLock(db: Kysely<DB>, l: { holdId: string; reason: string; at: Date; by: string | null }): Promise<void> {
  await db.insertInto('hold_lock').values({ hold_id: l.holdId, reason: l.reason, locked_at: l.at, locked_by: l.by }).execute();
}

export async function insertApproval(db: Kysely<DB>, a: { holdId: string; approverId: string; reason: string; at: Date }): Promise<void> {
  await db.insertInto('hold_release_approval').values({ hold_id: a.holdId, approver_id: a.approverId, reason: a.reason, approved_at: a.at }).execute();
}

export async function insertRelease(db: Kysely<DB>, holdId: string, at: Date): Promise<void> {
  await db.insertInto('hold_release').values({ hold_id: holdId, released_at: at }).execute();
}

export async function existing(db: Kysely<DB>, table: 'case_record' | 'carer', ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  if (table === 'case_record') return new Set((await db.selectFrom('case_record').select('child_id').where('child_id', 'in', ids).execute()).map((r) => r.child_id));
  return new Set((await db.selectFrom('carer').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
}
