import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { ALLOCATION_NEEDS_ROLE, ALLOCATION_ROLES, hasRole, type Actor, type Role } from '@safekeep/core';
import type { DB } from '../db/schema.js';

/**
 * The one decision of who may see a child's record, written once as SQL and used
 * everywhere: single reads, search, lists, counts and the access explanation all go
 * through it.
 *
 *   head-of-service   every record                                   basis role:head-of-service
 *   allocated         a current allocation of this user to the child basis allocation:<role>
 *   team              a current allocation of anyone in the user's
 *                     team (social workers and team managers only)   basis team
 *   grant             an unrevoked, unexpired grant on a recorded
 *                     legal basis; read-only, limited to its scope   basis grant:<basis>:<grant id>
 *   break-glass       an emergency opening, for a few minutes        basis break-glass:<id>
 *
 * and then the restriction: a record restricted to named people is seen by them alone,
 * whatever other basis anyone has (break-glass included: a restriction exists for the
 * cases where an emergency is not a reason to look). Admins manage users and read no
 * child content; other roles reach a record only through the bases above.
 */
export interface AccessRow {
  child_id: string;
  basis: string;
  /** The grant behind a grant: basis (its scope limits what the row shows); null for every other basis. */
  grant_id: string | null;
}

/** Who is looking and when: a unit of work (Work) is one. Grants and break-glass expire on the minute, by `now`. */
export interface Viewer {
  actor: Actor;
  today: string;
  now: Date;
}

/** Bases that give the whole record (not a grant's scope). */
export const isFullBasis = (basis: string): boolean => !basis.startsWith('grant:');

/** Rows (child_id, basis) for every record the viewer may see, as a subquery. */
const NO_ROWS = sql<AccessRow>`(select null::uuid as child_id, null::text as basis, null::uuid as grant_id where false)`;

export function accessRowsSql(v: Viewer, options: { ignoreRestriction?: boolean; grants?: boolean } = {}) {
  const { actor, today, now } = v;
  // Administrators manage users and read no child content, whatever is recorded for them.
  if (isAdminOnly(actor)) return NO_ROWS;
  // An allocation counts only while the person still holds the role it needs: an IRO
  // who is no longer an IRO does not keep reading the child's record.
  const held = ALLOCATION_ROLES.filter((r) => hasRole(actor, ALLOCATION_NEEDS_ROLE[r]));
  const parts = [];
  if (held.length > 0) {
    parts.push(sql`select a.child_id, 'allocation:' || a.role as basis, null::uuid as grant_id from allocation a
        where a.user_id = ${actor.userId} and a.ended_at is null and a.starts_on <= ${today} and a.role in (${sql.join(held)})`);
  }
  if (actor.teamId !== null && hasRole(actor, 'social-worker', 'team-manager')) {
    // The team's children: allocated as worker or manager to someone active in the team
    // who holds the matching role (an IRO's allocation does not bring in their team).
    parts.push(sql`select a.child_id, 'team' as basis, null::uuid as grant_id from allocation a join app_user u on u.id = a.user_id
        where u.team_id = ${actor.teamId} and u.active and a.ended_at is null and a.starts_on <= ${today}
          and ((a.role = 'allocated-worker' and 'social-worker' = any(u.roles)) or (a.role = 'team-manager' and 'team-manager' = any(u.roles)))`);
  }
  if (hasRole(actor, 'head-of-service')) {
    parts.push(sql`select r.child_id, 'role:head-of-service' as basis, null::uuid as grant_id from case_record r`);
  }
  // Writers ask for full bases only (bestBasisSql): grants are then left out at the source.
  if (options.grants !== false) {
    parts.push(sql`select g.child_id, 'grant:' || g.basis || ':' || g.id as basis, g.id as grant_id from access_grant g
        where g.user_id = ${actor.userId} and g.expires_at > ${now}
          and not exists (select 1 from access_grant_revocation x where x.grant_id = g.id)`);
  }
  if (hasRole(actor, ...BREAK_GLASS_ROLES)) {
    parts.push(sql`select b.child_id, 'break-glass:' || b.id as basis, null::uuid as grant_id from break_glass b
        where b.user_id = ${actor.userId} and b.expires_at > ${now}`);
  }
  if (parts.length === 0) return NO_ROWS;
  const union = sql.join(parts, sql` union all `);
  // Only the access explanation asks what a user would see but for a restriction.
  if (options.ignoreRestriction === true) return sql<AccessRow>`(${union})`;
  return sql<AccessRow>`(select x.child_id, x.basis, x.grant_id from (${union}) x where ${notRestrictedFor(v, sql.ref('x.child_id'))})`;
}

function notRestrictedFor(v: Viewer, ref: Expression<unknown>) {
  return sql<SqlBool>`not exists (select 1 from restriction_current rc where rc.child_id = ${ref} and not (${v.actor.userId}::uuid = any(rc.allowed_user_ids)))`;
}

/** Holds only the admin role: manages users, never reads a child's record. */
export const isAdminOnly = (actor: Actor): boolean => actor.roles.length > 0 && actor.roles.every((r) => r === 'admin');

/** Roles that may open a record by break-glass: people who work with children. */
export const BREAK_GLASS_ROLES: readonly Role[] = ['social-worker', 'team-manager', 'iro'];

/** A WHERE condition: the child id in `column` is one the viewer may see. */
export function canSeeChild(v: Viewer, column: Expression<string> | string): Expression<SqlBool> {
  const ref = typeof column === 'string' ? sql.ref(column) : column;
  // Head of service sees every record: only a restriction can stand in the way (the
  // same rule as accessRowsSql, without building every row).
  if (hasRole(v.actor, 'head-of-service')) return notRestrictedFor(v, ref);
  return sql<SqlBool>`${ref} in (select child_id from ${accessRowsSql(v)} as access)`;
}

/**
 * Roles that manage records as records (retention, holds, disposal, paper files): they
 * see a record's retention facts, holds and paper files, never its content.
 */
export const RECORDS_ROLES: readonly Role[] = ['records-officer', 'business-support', 'dpo', 'head-of-service'];

/** What a reply shows instead of a child's name (and identifiers, and text written about the record) to someone who may not name the child. */
export const RESTRICTED_LABEL = 'Restricted record';

/** A WHERE condition: no restriction keeps the viewer out of the record in `column` (the filter accessRowsSql applies to every basis). */
export function notRestrictedSql(v: Viewer, column: Expression<string> | string): Expression<SqlBool> {
  return notRestrictedFor(v, typeof column === 'string' ? sql.ref(column) : column);
}

/**
 * A WHERE condition: a reply outside the child's own routes may tell this viewer who the
 * child in `column` is (name, initials, identifiers, free text written about the record
 * such as a paper file's description). Whoever may see the record may (canSeeChild); so
 * may a records role (records officer, business support, DPO), who manages records it
 * does not read, unless a restriction keeps them out: a record restricted to named
 * people is named to those people alone. Everyone else gets the child's id and
 * RESTRICTED_LABEL. Both halves are the one decision above, not a second copy of it.
 */
export function canNameChild(v: Viewer, column: Expression<string> | string): Expression<SqlBool> {
  if (hasRole(v.actor, ...RECORDS_ROLES)) return notRestrictedSql(v, column);
  return canSeeChild(v, column);
}

/** Of these children, the ones the viewer may name (canNameChild), in one statement. */
export async function nameableChildren(db: Kysely<DB>, v: Viewer, childIds: ReadonlyArray<string | null>): Promise<Set<string>> {
  const ids = [...new Set(childIds.filter((id): id is string => id !== null).map((id) => id.toLowerCase()))];
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('case_record').select('child_id').where('child_id', 'in', ids).where(canNameChild(v, 'case_record.child_id')).execute();
  return new Set(rows.map((r) => r.child_id));
}

/** Of these children, the ones restricted to named people the viewer is not one of. */
export async function restrictedFrom(db: Kysely<DB>, v: Viewer, childIds: ReadonlyArray<string>): Promise<Set<string>> {
  const ids = [...new Set(childIds.map((id) => id.toLowerCase()))];
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('case_record')
    .select('child_id')
    .where('child_id', 'in', ids)
    .where((eb) => eb.not(notRestrictedSql(v, 'case_record.child_id')))
    .execute();
  return new Set(rows.map((r) => r.child_id));
}

/** The most specific basis first: allocation, team, role, grant, break-glass. */
const BASIS_RANK = (b: string) => (b.startsWith('allocation:') ? 0 : b === 'team' ? 1 : b.startsWith('role:') ? 2 : b.startsWith('grant:') ? 3 : 4);
const BASIS_ORDER = sql`case when basis like 'allocation:%' then 0 when basis = 'team' then 1 when basis like 'role:%' then 2 when basis like 'grant:%' then 3 else 4 end, basis`;

/** A scalar subquery: the viewer's best full basis for `childId` (never a grant), or null. For single statements that check as they write. */
export function bestBasisSql(v: Viewer, childId: string) {
  return sql<string | null>`(select basis from ${accessRowsSql(v, { grants: false })} as access where child_id = ${childId} order by ${BASIS_ORDER} limit 1)`;
}

/** Every basis on which the viewer may see this child (empty: no access), most specific first. */
export async function accessBases(db: Kysely<DB>, v: Viewer, childId: string): Promise<string[]> {
  const result = await sql<AccessRow>`select basis from ${accessRowsSql(v)} as access where child_id = ${childId}`.execute(db);
  return [...new Set(result.rows.map((r) => r.basis))].sort((a, b) => BASIS_RANK(a) - BASIS_RANK(b) || a.localeCompare(b));
}

/**
 * A condition on an entry aliased `alias`: within what the viewer may see of its record.
 * A full basis shows every entry; a grant only the entries within its scope (kinds, and
 * the London date the entry happened between from and to).
 */
export function entryInScopeSql(v: Viewer, alias = 'e') {
  const e = sql.raw(alias);
  // The viewer's own access rows (the one decision); a grant's row shows only its scope.
  return sql<SqlBool>`exists (select 1 from ${accessRowsSql(v)} as access left join access_grant g on g.id = access.grant_id
    where access.child_id = ${e}.child_id
      and (access.grant_id is null
        or ((g.kinds is null or ${e}.kind = any(g.kinds))
          and (g.from_date is null or (${e}.occurred_at at time zone 'Europe/London')::date >= g.from_date)
          and (g.to_date is null or (${e}.occurred_at at time zone 'Europe/London')::date <= g.to_date))))`;
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
