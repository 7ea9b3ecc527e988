import { sql } from 'kysely';
import { DomainError, ENTRY_KINDS, hasRole, invalid, type Actor, type FieldProblem, type Role } from '@safekeep/core';
import type { Work } from '../db/work.js';
import { accessBases, accessRowsSql, BREAK_GLASS_ROLES, isFullBasis, nameableChildren, recordStatus, RESTRICTED_LABEL, type Viewer } from './access.repository.js';
import { requireRecord, WRITING_ROLES } from './child-access.js';
import { requireRole } from './roles.js';

/**
 * Confidentiality on a recorded basis (R16): legal-basis grants with a scope and an
 * expiry, records restricted to named people, break-glass, and the explanation of who can
 * see a record and why. The decision itself is access.repository.ts's SQL; this module
 * records the facts it reads and explains its answers.
 */

export const GRANT_BASES = ['court-order', 'subject-access', 'care-leaver', 'inspection'] as const;
export type GrantBasis = (typeof GRANT_BASES)[number];

/** Who records grants and restrictions: information governance and senior management. */
export const ACCESS_GOVERNORS: readonly Role[] = ['dpo', 'head-of-service'];

export interface Person {
  id: string;
  displayName: string;
}

export interface GrantView {
  id: string;
  childId: string;
  user: Person;
  basis: GrantBasis;
  reference: string;
  scope: { kinds: string[] | null; from: string | null; to: string | null };
  expiresAt: string;
  note: string;
  grantedAt: string;
  grantedBy: Person;
  status: 'active' | 'expired' | 'revoked';
  revocation: { reason: string; revokedAt: string; revokedBy: Person } | null;
}

export interface GrantInput {
  childId: string;
  userId: string;
  basis: GrantBasis;
  reference: string;
  scope?: { kinds?: string[]; from?: string; to?: string };
  expiresAt: string;
  note?: string;
}

const names = async (w: Work, ids: readonly (string | null)[]): Promise<Map<string, string>> => {
  const wanted = [...new Set(ids.filter((i): i is string => i !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await w.db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
};
const person = (id: string, nameOf: Map<string, string>): Person => ({ id, displayName: nameOf.get(id) ?? '' });

async function grantViews(w: Work, where: { id?: string; childId?: string; userId?: string }): Promise<GrantView[]> {
  let q = w.db
    .selectFrom('access_grant as g')
    .leftJoin('access_grant_revocation as x', 'x.grant_id', 'g.id')
    .select(['g.id', 'g.child_id', 'g.user_id', 'g.basis', 'g.reference', 'g.kinds', 'g.from_date', 'g.to_date', 'g.expires_at', 'g.note', 'g.granted_at', 'g.granted_by', 'x.reason', 'x.revoked_at', 'x.revoked_by'])
    .orderBy('g.granted_at', 'desc')
    .orderBy('g.id');
  if (where.id !== undefined) q = q.where('g.id', '=', where.id);
  if (where.childId !== undefined) q = q.where('g.child_id', '=', where.childId);
  if (where.userId !== undefined) q = q.where('g.user_id', '=', where.userId);
  const rows = await q.limit(500).execute();
  const nameOf = await names(w, rows.flatMap((r) => [r.user_id, r.granted_by, r.revoked_by]));
  return rows.map((r) => ({
    id: r.id,
    childId: r.child_id,
    user: person(r.user_id, nameOf),
    basis: r.basis as GrantBasis,
    reference: r.reference,
    scope: { kinds: r.kinds, from: r.from_date, to: r.to_date },
    expiresAt: r.expires_at.toISOString(),
    note: r.note,
    grantedAt: r.granted_at.toISOString(),
    grantedBy: person(r.granted_by, nameOf),
    status: r.revoked_at !== null ? 'revoked' : r.expires_at.getTime() <= w.now.getTime() ? 'expired' : 'active',
    revocation: r.revoked_at === null || r.revoked_by === null ? null : { reason: r.reason ?? '', revokedAt: r.revoked_at.toISOString(), revokedBy: person(r.revoked_by, nameOf) },
  }));
}


/** Grants access to one child's record on a recorded legal basis, for one person, until the minute it expires. */
export async function createGrant(w: Work, input: GrantInput): Promise<GrantView> {
  requireRole(w, 'access-grant.create', ACCESS_GOVERNORS, { childIds: [input.childId] });
  const problems: FieldProblem[] = [];
  const expiresAt = new Date(input.expiresAt);
  if (expiresAt.getTime() <= w.now.getTime()) problems.push({ field: 'expiresAt', message: 'must be in the future: an expired grant gives no access' });
  if (input.reference.trim().length === 0) problems.push({ field: 'reference', message: 'must name the court and order number, the SAR number or the inspection' });
  const scope = input.scope ?? {};
  if (scope.from !== undefined && scope.to !== undefined && scope.from > scope.to) problems.push({ field: 'scope.to', message: 'must not be before scope.from' });
  (scope.kinds ?? []).forEach((k, i) => {
    if (!(ENTRY_KINDS as readonly string[]).includes(k)) problems.push({ field: `scope.kinds.${i}`, message: `is not an entry kind (${ENTRY_KINDS.join(', ')})` });
  });
  if (input.userId.toLowerCase() === w.actor.userId) problems.push({ field: 'userId', message: 'you cannot grant access to yourself' });
  if (problems.length > 0) throw invalid(problems);
  await requireRecord(w, input.childId);
  const user = await w.db.selectFrom('app_user').select(['id', 'active', 'roles']).where('id', '=', input.userId).executeTakeFirst();
  if (user === undefined || !user.active) throw invalid({ field: 'userId', message: 'is not an active user' });
  if (user.roles.every((r) => r === 'admin')) throw invalid({ field: 'userId', message: 'is an administrator, who manages users and reads no child’s record' });
  const row = await w.db
    .insertInto('access_grant')
    .values({
      child_id: input.childId,
      user_id: user.id,
      basis: input.basis,
      reference: input.reference.trim(),
      kinds: scope.kinds === undefined || scope.kinds.length === 0 ? null : [...new Set(scope.kinds)],
      from_date: scope.from ?? null,
      to_date: scope.to ?? null,
      expires_at: expiresAt,
      note: input.note ?? '',
      granted_at: w.now,
      granted_by: w.actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  w.audit({
    action: 'access-grant.create',
    childIds: [input.childId],
    entityType: 'access-grant',
    entityId: row.id,
    detail: { userId: user.id, basis: input.basis, reference: input.reference.trim(), expiresAt: expiresAt.toISOString(), scoped: scope.kinds !== undefined || scope.from !== undefined || scope.to !== undefined },
  });
  const [view] = await grantViews(w, { id: row.id });
  if (view === undefined) throw new Error('grant vanished');
  return view;
}

export async function revokeGrant(w: Work, id: string, input: { reason: string }): Promise<GrantView> {
  requireRole(w, 'access-grant.revoke', ACCESS_GOVERNORS, { entityId: id });
  const [grant] = await grantViews(w, { id });
  if (grant === undefined) throw new DomainError('NOT_FOUND', 'There is no grant with that id.');
  if (grant.status === 'revoked') throw new DomainError('ALREADY_DONE', 'That grant is already revoked.');
  await w.db.insertInto('access_grant_revocation').values({ grant_id: id, reason: input.reason, revoked_at: w.now, revoked_by: w.actor.userId }).execute();
  w.audit({ action: 'access-grant.revoke', childIds: [grant.childId], entityType: 'access-grant', entityId: id, detail: { userId: grant.user.id, wasStatus: grant.status } });
  const [view] = await grantViews(w, { id });
  if (view === undefined) throw new Error('grant vanished');
  return view;
}

/** Governors see every grant; anyone else sees only the grants made to them. */
export async function listGrants(w: Work, filter: { childId?: string; userId?: string; status?: 'active' | 'expired' | 'revoked' }): Promise<{ items: GrantView[] }> {
  const governor = hasRole(w.actor, ...ACCESS_GOVERNORS);
  const userId = governor ? filter.userId : w.actor.userId;
  const items = (await grantViews(w, { ...(filter.childId !== undefined ? { childId: filter.childId } : {}), ...(userId !== undefined ? { userId } : {}) })).filter(
    (g) => filter.status === undefined || g.status === filter.status,
  );
  w.audit({ action: 'access-grant.read', childIds: [...new Set(items.map((g) => g.childId))], detail: { returned: items.length } });
  return { items };
}

export async function getGrant(w: Work, id: string): Promise<GrantView> {
  const [grant] = await grantViews(w, { id });
  if (grant === undefined || (!hasRole(w.actor, ...ACCESS_GOVERNORS) && grant.user.id !== w.actor.userId)) throw new DomainError('NOT_FOUND', 'There is no grant with that id.');
  w.audit({ action: 'access-grant.read', childIds: [grant.childId], entityType: 'access-grant', entityId: id });
  return grant;
}

export interface RestrictionView {
  childId: string;
  restricted: boolean;
  allowedUsers: Person[];
  reason: string | null;
  setAt: string | null;
  setBy: Person | null;
  history: Array<{ restricted: boolean; allowedUsers: Person[]; reason: string; setAt: string; setBy: Person }>;
}

async function restrictionView(w: Work, childId: string): Promise<RestrictionView> {
  const rows = await w.db.selectFrom('restriction').selectAll().where('child_id', '=', childId).orderBy('seq', 'desc').execute();
  const nameOf = await names(w, rows.flatMap((r) => [r.set_by, ...(r.allowed_user_ids ?? [])]));
  const history = rows.map((r) => ({
    restricted: r.allowed_user_ids !== null,
    allowedUsers: (r.allowed_user_ids ?? []).map((id) => person(id, nameOf)),
    reason: r.reason,
    setAt: r.set_at.toISOString(),
    setBy: person(r.set_by, nameOf),
  }));
  const current = history[0];
  return {
    childId,
    restricted: current?.restricted ?? false,
    allowedUsers: current?.allowedUsers ?? [],
    reason: current?.reason ?? null,
    setAt: current?.setAt ?? null,
    setBy: current?.setBy ?? null,
    history,
  };
}

/**
 * Restricts a record to named people: from now on nobody else sees it, its entries or its
 * documents, in reads, search, lists, worklists or counts, whatever their role.
 */
export async function setRestriction(w: Work, childId: string, input: { allowedUserIds: string[]; reason: string }): Promise<RestrictionView> {
  requireRole(w, 'restriction.set', ACCESS_GOVERNORS, { childIds: [childId] });
  await requireRecord(w, childId);
  const wanted = [...new Set(input.allowedUserIds.map((id) => id.toLowerCase()))];
  const found = await w.db.selectFrom('app_user').select('id').where('id', 'in', wanted).where('active', '=', true).execute();
  const known = new Set(found.map((u) => u.id));
  const problems = input.allowedUserIds.flatMap((id, i) => (known.has(id.toLowerCase()) ? [] : [{ field: `allowedUserIds.${i}`, message: 'is not an active user' }]));
  if (problems.length > 0) throw invalid(problems);
  await w.db.insertInto('restriction').values({ child_id: childId, allowed_user_ids: wanted, reason: input.reason, set_at: w.now, set_by: w.actor.userId }).execute();
  w.audit({ action: 'restriction.set', childIds: [childId], detail: { allowedUserIds: wanted } });
  return restrictionView(w, childId);
}

export async function liftRestriction(w: Work, childId: string, input: { reason: string }): Promise<RestrictionView> {
  requireRole(w, 'restriction.lift', ACCESS_GOVERNORS, { childIds: [childId] });
  await requireRecord(w, childId);
  const current = await restrictionView(w, childId);
  if (!current.restricted) throw new DomainError('ALREADY_DONE', 'This record is not restricted.');
  await w.db.insertInto('restriction').values({ child_id: childId, allowed_user_ids: null, reason: input.reason, set_at: w.now, set_by: w.actor.userId }).execute();
  w.audit({ action: 'restriction.lift', childIds: [childId] });
  return restrictionView(w, childId);
}

/** The restriction and its history: for governors and the people it names. */
export async function getRestriction(w: Work, childId: string): Promise<RestrictionView> {
  await requireRecord(w, childId);
  const view = await restrictionView(w, childId);
  if (!hasRole(w.actor, ...ACCESS_GOVERNORS) && !view.allowedUsers.some((u) => u.id === w.actor.userId)) {
    w.auditDenied({ action: 'restriction.read', childIds: [childId], detail: { reason: 'role' } });
    throw new DomainError('ACCESS_DENIED', 'Only the data protection officer, a head of service or the people named may see a record’s restriction.');
  }
  w.audit({ action: 'restriction.read', childIds: [childId] });
  return view;
}

export interface BreakGlassView {
  id: string;
  /** The name is RESTRICTED_LABEL (and the reason withheld) where the caller may not name the child. */
  child: { id: string; name: string; restricted: boolean };
  user: Person;
  reason: string;
  openedAt: string;
  expiresAt: string;
  active: boolean;
}

/**
 * Opens a record in an emergency for someone with no basis: for `minutes`, loudly. Every
 * read under it is audited with basis break-glass:<id>; the DPO and the allocated
 * worker's manager see it on their lists. A restricted record stays closed.
 */
export async function openBreakGlass(w: Work, childId: string, input: { reason: string }, minutes: number): Promise<BreakGlassView> {
  requireRole(w, 'break-glass.open', BREAK_GLASS_ROLES, { childIds: [childId] });
  await requireRecord(w, childId);
  const bases = await accessBases(w.db, w, childId);
  if (bases.some(isFullBasis)) throw new DomainError('CONFLICT', `You already have access to this record (${bases[0] ?? ''}); break-glass is for emergencies without it.`);
  if ((await restrictionView(w, childId)).restricted) {
    w.auditDenied({ action: 'break-glass.open', childIds: [childId], detail: { reason: 'restricted' } });
    throw new DomainError('ACCESS_DENIED', 'This record is restricted to named people; break-glass does not open it. Ask the data protection officer.');
  }
  const expiresAt = new Date(w.now.getTime() + minutes * 60_000);
  const row = await w.db.insertInto('break_glass').values({ child_id: childId, user_id: w.actor.userId, reason: input.reason, opened_at: w.now, expires_at: expiresAt }).returning('id').executeTakeFirstOrThrow();
  w.audit({ action: 'break-glass.open', childIds: [childId], basis: `break-glass:${row.id}`, entityType: 'break-glass', entityId: row.id, detail: { breakGlass: true, expiresAt: expiresAt.toISOString(), minutes } });
  const [view] = await breakGlassViews(w, { id: row.id });
  if (view === undefined) throw new Error('break-glass vanished');
  return view;
}

async function breakGlassViews(w: Work, where: { id?: string; childIds?: string[] | 'all'; userId?: string }): Promise<BreakGlassView[]> {
  let q = w.db
    .selectFrom('break_glass as b')
    .innerJoin('child as c', 'c.id', 'b.child_id')
    .select(['b.id', 'b.child_id', 'b.user_id', 'b.reason', 'b.opened_at', 'b.expires_at', 'c.given_name', 'c.family_name'])
    .orderBy('b.opened_at', 'desc')
    .orderBy('b.id');
  if (where.id !== undefined) q = q.where('b.id', '=', where.id);
  if (where.userId !== undefined) q = q.where('b.user_id', '=', where.userId);
  if (Array.isArray(where.childIds)) {
    if (where.childIds.length === 0) return [];
    q = q.where('b.child_id', 'in', where.childIds);
  }
  const rows = await q.limit(500).execute();
  const nameOf = await names(w, rows.map((r) => r.user_id));
  // An opening made before the record was restricted stays on the list, without the child's name or the reason given.
  const nameable = await nameableChildren(
    w.db,
    w,
    rows.map((r) => r.child_id),
  );
  return rows.map((r) => ({
    id: r.id,
    child: nameable.has(r.child_id) ? { id: r.child_id, name: `${r.given_name} ${r.family_name}`, restricted: false } : { id: r.child_id, name: RESTRICTED_LABEL, restricted: true },
    user: person(r.user_id, nameOf),
    reason: nameable.has(r.child_id) ? r.reason : RESTRICTED_LABEL,
    openedAt: r.opened_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    active: r.expires_at.getTime() > w.now.getTime(),
  }));
}

/**
 * Break-glass openings for review: the DPO and heads of service see every one; a team
 * manager those on children whose allocated worker is in their team or who are allocated
 * to them; anyone else their own.
 */
export async function listBreakGlass(w: Work, status: 'active' | 'all'): Promise<{ items: BreakGlassView[] }> {
  let items: BreakGlassView[];
  if (hasRole(w.actor, 'dpo', 'head-of-service')) items = await breakGlassViews(w, { childIds: 'all' });
  else if (hasRole(w.actor, 'team-manager') && w.actor.teamId !== null) {
    const managed = await w.db
      .selectFrom('allocation as a')
      .innerJoin('app_user as u', 'u.id', 'a.user_id')
      .select('a.child_id')
      .where('a.ended_at', 'is', null)
      .where((eb) => eb.or([eb.and([eb('a.role', '=', 'allocated-worker'), eb('u.team_id', '=', w.actor.teamId)]), eb.and([eb('a.role', '=', 'team-manager'), eb('a.user_id', '=', w.actor.userId)])]))
      .execute();
    const own = await breakGlassViews(w, { userId: w.actor.userId });
    const team = await breakGlassViews(w, { childIds: [...new Set(managed.map((m) => m.child_id))] });
    items = [...new Map([...team, ...own].map((b) => [b.id, b])).values()].sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  } else items = await breakGlassViews(w, { userId: w.actor.userId });
  if (status === 'active') items = items.filter((b) => b.active);
  w.audit({ action: 'break-glass.read', childIds: [...new Set(items.map((b) => b.child.id))], detail: { returned: items.length } });
  return { items };
}

export interface ExplanationView {
  childId: string;
  userId: string;
  allowed: boolean;
  access: 'full' | 'scoped' | 'none';
  canWrite: boolean;
  bases: Array<{ basis: string; kind: 'allocation' | 'team' | 'role' | 'grant' | 'break-glass'; explanation: string; grant?: GrantView; breakGlass?: { id: string; expiresAt: string } }>;
  restriction: { restricted: boolean; named: boolean };
  reason: string;
}

const kindOf = (basis: string): ExplanationView['bases'][number]['kind'] =>
  basis.startsWith('allocation:') ? 'allocation' : basis === 'team' ? 'team' : basis.startsWith('role:') ? 'role' : basis.startsWith('grant:') ? 'grant' : 'break-glass';

/**
 * Whether, and why, a user can see a child's record now: the very SQL every endpoint
 * filters through (accessRowsSql), run for that user, with each basis explained. For the
 * DPO and heads of service about anyone; for anyone about themselves.
 */
export async function explainAccess(w: Work, childId: string, userId: string): Promise<ExplanationView> {
  if (userId.toLowerCase() !== w.actor.userId) requireRole(w, 'access.explain', ACCESS_GOVERNORS, { childIds: [childId] });
  const status = await recordStatus(w.db, childId);
  if (status === undefined) throw new DomainError('NOT_FOUND', 'There is no child record with that id.');
  const user = await w.db.selectFrom('app_user').select(['id', 'username', 'display_name', 'roles', 'team_id', 'active']).where('id', '=', userId).executeTakeFirst();
  if (user === undefined) throw new DomainError('NOT_FOUND', 'There is no user with that id.');
  const target: Actor = { userId: user.id, username: user.username, displayName: user.display_name, roles: user.roles as Role[], teamId: user.team_id, sessionId: null };
  const viewer: Viewer = { actor: target, today: w.today, now: w.now };
  const bases = user.active && status !== 'destroyed' ? await accessBases(w.db, viewer, childId) : [];
  const current = await restrictionView(w, childId);
  const restriction = { restricted: current.restricted, named: current.allowedUsers.some((u) => u.id === user.id) };
  const grants = await grantViews(w, { childId, userId: user.id });
  type Explained = ExplanationView['bases'][number];
  const explained: Explained[] = [];
  for (const basis of bases) {
    const kind = kindOf(basis);
    if (kind === 'allocation') explained.push({ basis, kind, explanation: `Allocated to the child as ${basis.slice('allocation:'.length)}.` });
    else if (kind === 'team') explained.push({ basis, kind, explanation: 'Someone in their team is the child’s allocated worker or team manager.' });
    else if (kind === 'role') explained.push({ basis, kind, explanation: `Their role (${basis.slice('role:'.length)}) sees every record.` });
    else if (kind === 'grant') {
      const grant = grants.find((g) => basis.endsWith(g.id));
      if (grant === undefined) throw new Error(`grant for ${basis} not found`);
      const kinds = grant.scope.kinds === null ? 'entries of every kind' : `entries of kinds ${grant.scope.kinds.join(', ')}`;
      const dates = grant.scope.from === null && grant.scope.to === null ? 'of any date' : `dated ${grant.scope.from ?? 'any time'} to ${grant.scope.to ?? 'now'}`;
      explained.push({ basis, kind, explanation: `A ${grant.basis} grant (${grant.reference}): read-only, the child’s details and ${kinds} ${dates}, until ${grant.expiresAt}.`, grant });
    } else {
      const id = basis.slice('break-glass:'.length);
      const row = await w.db.selectFrom('break_glass').select('expires_at').where('id', '=', id).executeTakeFirstOrThrow();
      explained.push({ basis, kind, explanation: `Opened by break-glass in an emergency, until ${row.expires_at.toISOString()}; reviewed by the DPO and the allocated worker’s manager.`, breakGlass: { id, expiresAt: row.expires_at.toISOString() } });
    }
  }
  const full = bases.some(isFullBasis);
  const access: ExplanationView['access'] = full ? 'full' : bases.length > 0 ? 'scoped' : 'none';
  let reason: string;
  if (!user.active) reason = 'The user is deactivated.';
  else if (status === 'destroyed') reason = 'The record was destroyed under an approved disposal.';
  else if (bases.length > 0) reason = explained[0]?.explanation ?? '';
  else if (restriction.restricted && !restriction.named && (await hasBasisIgnoringRestriction(w, viewer, childId))) reason = 'The record is restricted to named people, and this user is not one of them.';
  else reason = 'No role, allocation, team, grant or break-glass gives this user access.';
  w.audit({ action: 'access.explain', childIds: [childId], detail: { userId: user.id, allowed: bases.length > 0 } });
  return {
    childId,
    userId: user.id,
    allowed: bases.length > 0,
    access,
    canWrite: full && status === 'open' && hasRole(target, ...WRITING_ROLES),
    bases: explained,
    restriction,
    reason,
  };
}

async function hasBasisIgnoringRestriction(w: Work, viewer: Viewer, childId: string): Promise<boolean> {
  const rows = await sql<{ n: number }>`select count(*)::int as n from ${accessRowsSql(viewer, { ignoreRestriction: true })} as access where child_id = ${childId}`.execute(w.db);
  return (rows.rows[0]?.n ?? 0) > 0;
}
