import { sql, type Kysely, type SqlBool } from 'kysely';
import { hasRole, type Actor } from '@safekeep/core';
import type { DB, Row } from '../db/schema.js';

/**
 * Who may see a carer's or home's record (R8: kept apart from children's records, with
 * its own access): the allocated supervising social worker or home manager, their team,
 * and heads of service.
 */
export function carerAccessSql(actor: Actor) {
  const parts = [sql`select ca.carer_id, 'allocation:' || ca.role as basis from carer_allocation ca where ca.user_id = ${actor.userId} and ca.ended_at is null`];
  if (actor.teamId !== null && hasRole(actor, 'social-worker', 'team-manager')) {
    parts.push(sql`select ca.carer_id, 'team' as basis from carer_allocation ca join app_user u on u.id = ca.user_id where u.team_id = ${actor.teamId} and u.active and ca.ended_at is null`);
  }
  if (hasRole(actor, 'head-of-service')) parts.push(sql`select c.id as carer_id, 'role:head-of-service' as basis from carer c`);
  return sql<{ carer_id: string; basis: string }>`(${sql.join(parts, sql` union all `)})`;
}

export function canSeeCarer(actor: Actor, column: string) {
  return sql<SqlBool>`${sql.ref(column)} in (select carer_id from ${carerAccessSql(actor)} as access)`;
}

export async function carerBases(db: Kysely<DB>, actor: Actor, carerId: string): Promise<string[]> {
  const { rows } = await sql<{ basis: string }>`select basis from ${carerAccessSql(actor)} as access where carer_id = ${carerId}`.execute(db);
  return rows.map((r) => r.basis);
}

export async function insertCarer(db: Kysely<DB>, c: { kind: string; name: string; at: Date; by: string | null }): Promise<Row<'carer'>> {
  return db.insertInto('carer').values({ kind: c.kind, name: c.name, created_at: c.at, created_by: c.by }).returningAll().executeTakeFirstOrThrow();
}

/** A carer's or home's record ends (approval ended, placement ended, application refused or withdrawn, closed): the retention clock starts. */
export async function closeCarer(db: Kysely<DB>, id: string, c: { endedOn: string; reason: string }): Promise<number> {
  const r = await db.updateTable('carer').set({ status: 'closed', ended_on: c.endedOn, end_reason: c.reason }).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function findCarer(db: Kysely<DB>, id: string): Promise<Row<'carer'> | undefined> {
  return db.selectFrom('carer').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCarers(db: Kysely<DB>, actor: Actor): Promise<Array<Row<'carer'>>> {
  return db.selectFrom('carer').selectAll().where(canSeeCarer(actor, 'carer.id')).where('status', '<>', 'destroyed').orderBy('name').orderBy('id').limit(500).execute();
}

export async function insertCarerAllocation(db: Kysely<DB>, a: { carerId: string; userId: string; role: string; at: Date; by: string | null }): Promise<Row<'carer_allocation'>> {
  return db.insertInto('carer_allocation').values({ carer_id: a.carerId, user_id: a.userId, role: a.role, created_at: a.at, created_by: a.by }).returningAll().executeTakeFirstOrThrow();
}

export async function openCarerAllocation(db: Kysely<DB>, carerId: string, role: string): Promise<Row<'carer_allocation'> | undefined> {
  return db.selectFrom('carer_allocation').selectAll().where('carer_id', '=', carerId).where('role', '=', role).where('ended_at', 'is', null).executeTakeFirst();
}

export async function endCarerAllocation(db: Kysely<DB>, id: string, at: Date, by: string | null): Promise<void> {
  await db.updateTable('carer_allocation').set({ ended_at: at, ended_by: by }).where('id', '=', id).where('ended_at', 'is', null).execute();
}

export async function carerAllocations(db: Kysely<DB>, carerId: string) {
  return db
    .selectFrom('carer_allocation as a')
    .innerJoin('app_user as u', 'u.id', 'a.user_id')
    .select(['a.id', 'a.user_id', 'u.display_name', 'a.role', 'a.created_at', 'a.ended_at'])
    .where('a.carer_id', '=', carerId)
    .orderBy('a.created_at', 'desc')
    .execute();
}

export interface CarerEntryRow {
  id: string;
  carer_id: string;
  kind: string;
  current_version: number;
  version: number;
  occurred_at: Date;
  title: string;
  body: string;
  reason: string | null;
  recorded_at: Date;
  recorded_by: string;
  recorded_by_name: string;
}

export async function insertCarerEntry(db: Kysely<DB>, e: { id: string; carerId: string; kind: string; occurredAt: Date; title: string; body: string; at: Date; by: string }): Promise<void> {
  await db
    .with('head', (q) =>
      q
        .insertInto('carer_entry')
        .values({ id: e.id, carer_id: e.carerId, kind: e.kind, current_version: 1, occurred_at: e.occurredAt, created_at: e.at, created_by: e.by, updated_at: e.at })
        .returning('id'),
    )
    .insertInto('carer_entry_version')
    .values({ entry_id: e.id, version: 1, occurred_at: e.occurredAt, title: e.title, body: e.body, recorded_at: e.at, recorded_by: e.by })
    .execute();
}

function current(db: Kysely<DB>) {
  return db
    .selectFrom('carer_entry as e')
    .innerJoin('carer_entry_version as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.current_version'))
    .innerJoin('app_user as u', 'u.id', 'v.recorded_by')
    .select(['e.id', 'e.carer_id', 'e.kind', 'e.current_version', 'v.version', 'v.occurred_at', 'v.title', 'v.body', 'v.reason', 'v.recorded_at', 'v.recorded_by', 'u.display_name as recorded_by_name']);
}

export async function findCarerEntry(db: Kysely<DB>, id: string): Promise<CarerEntryRow | undefined> {
  return current(db).where('e.id', '=', id).executeTakeFirst();
}

export async function carerChronology(db: Kysely<DB>, carerId: string, limit: number, after: { at: Date; id: string } | null): Promise<CarerEntryRow[]> {
  let q = current(db).where('e.carer_id', '=', carerId);
  if (after !== null) q = q.where((eb) => eb.or([eb('e.occurred_at', '<', after.at), eb.and([eb('e.occurred_at', '=', after.at), eb('e.id', '<', after.id)])]));
  return q.orderBy('e.occurred_at', 'desc').orderBy('e.id', 'desc').limit(limit).execute();
}

/** Children whose latest placement plan names this carer: the children "in placement" there. */
export async function childrenPlacedWith(db: Kysely<DB>, carerId: string): Promise<Array<{ id: string; given_name: string; family_name: string }>> {
  const { rows } = await sql<{ id: string; given_name: string; family_name: string }>`
    select distinct c.id, c.given_name, c.family_name
      from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version
      join child c on c.id = e.child_id
     where e.kind = 'placement-plan' and v.fields ->> 'carerId' = ${carerId}`.execute(db);
  return rows;
}
