import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { ALLOCATION_NEEDS_ROLE, ALLOCATION_ROLES, hasRole, type Actor } from '@safekeep/core';
import type { DB } from '../db/schema.js';

/**
 * The one decision of who may see a child's record, written once as SQL and used
 * everywhere: single reads, search, lists and counts all filter through it.
 *
 *   head-of-service   every record                                   basis role:head-of-service
 *   allocated         a current allocation of this user to the child basis allocation:<role>
 *   team              a current allocation of anyone in the user's
 *                     team (social workers and team managers only)   basis team
 *
 * Admins manage users and read no child content; other roles reach a record only
 * through the bases above (later: grants, break-glass).
 */
export interface AccessRow {
  child_id: string;
  basis: string;
}

/** Rows (child_id, basis) for every record the actor may see, as a subquery. */
export function accessRowsSql(actor: Actor, today: string) {
  // An allocation counts only while the person still holds the role it needs: an IRO
  // who is no longer an IRO does not keep reading the child's record.
  const held = ALLOCATION_ROLES.filter((r) => hasRole(actor, ALLOCATION_NEEDS_ROLE[r]));
  const parts = [];
  if (held.length > 0) {
    parts.push(sql`select a.child_id, 'allocation:' || a.role as basis from allocation a
        where a.user_id = ${actor.userId} and a.ended_at is null and a.starts_on <= ${today} and a.role in (${sql.join(held)})`);
  }
  if (actor.teamId !== null && hasRole(actor, 'social-worker', 'team-manager')) {
    // The team's children: allocated as worker or manager to someone active in the team
    // who holds the matching role (an IRO's allocation does not bring in their team).
    parts.push(sql`select a.child_id, 'team' as basis from allocation a join app_user u on u.id = a.user_id
        where u.team_id = ${actor.teamId} and u.active and a.ended_at is null and a.starts_on <= ${today}
          and ((a.role = 'allocated-worker' and 'social-worker' = any(u.roles)) or (a.role = 'team-manager' and 'team-manager' = any(u.roles)))`);
  }
  if (hasRole(actor, 'head-of-service')) {
    parts.push(sql`select r.child_id, 'role:head-of-service' as basis from case_record r`);
  }
  if (parts.length === 0) parts.push(sql`select null::uuid as child_id, null::text as basis where false`);
  return sql<AccessRow>`(${sql.join(parts, sql` union all `)})`;
}

/** A WHERE condition: the child id in `column` is one the actor may see. */
export function canSeeChild(actor: Actor, today: string, column: Expression<string> | string): Expression<SqlBool> {
  const ref = typeof column === 'string' ? sql.ref(column) : column;
  if (hasRole(actor, 'head-of-service')) return sql<SqlBool>`true`;
  return sql<SqlBool>`${ref} in (select child_id from ${accessRowsSql(actor, today)} as access)`;
}

/** The most specific basis first: allocation, then team, then role. */
const BASIS_ORDER = sql`case when basis like 'allocation:%' then 0 when basis = 'team' then 1 else 2 end, basis`;

/** A scalar subquery: the actor's best basis for seeing `childId`, or null. For single statements that check as they write. */
export function bestBasisSql(actor: Actor, today: string, childId: string) {
  return sql<string | null>`(select basis from ${accessRowsSql(actor, today)} as access where child_id = ${childId} order by ${BASIS_ORDER} limit 1)`;
}

/** Every basis on which the actor may see this child (empty: no access), most specific first. */
export async function accessBases(db: Kysely<DB>, actor: Actor, today: string, childId: string): Promise<string[]> {
  const result = await sql<AccessRow>`select basis from ${accessRowsSql(actor, today)} as access where child_id = ${childId}`.execute(db);
  const order = (b: string) => (b.startsWith('allocation:') ? 0 : b === 'team' ? 1 : 2);
  return [...new Set(result.rows.map((r) => r.basis))].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}

export async function recordStatus(db: Kysely<DB>, childId: string): Promise<string | undefined> {
  return (await db.selectFrom('case_record').select('status').where('child_id', '=', childId).executeTakeFirst())?.status;
}

export async function recordExists(db: Kysely<DB>, childId: string): Promise<boolean> {
  return (await db.selectFrom('case_record').select('child_id').where('child_id', '=', childId).executeTakeFirst()) !== undefined;
}

/**
 * Drafts are seen by their author and the author's team manager only; final entries by
 * anyone who may see the record. A condition on an entry head aliased `alias`.
 */
export function entryVisibleSql(actor: Actor, alias = 'e') {
  const e = sql.raw(alias);
  if (actor.teamId !== null && hasRole(actor, 'team-manager')) {
    return sql<SqlBool>`(${e}.status = 'final' or ${e}.created_by = ${actor.userId}
      or exists (select 1 from app_user author where author.id = ${e}.created_by and author.team_id = ${actor.teamId}))`;
  }
  return sql<SqlBool>`(${e}.status = 'final' or ${e}.created_by = ${actor.userId})`;
}

/** The same rule for one draft, in code (for a single entry already read). */
export async function canSeeDraft(db: Kysely<DB>, actor: Actor, authorId: string): Promise<boolean> {
  if (authorId === actor.userId) return true;
  if (actor.teamId === null || !hasRole(actor, 'team-manager')) return false;
  const author = await db.selectFrom('app_user').select('team_id').where('id', '=', authorId).executeTakeFirst();
  return author?.team_id === actor.teamId;
}
