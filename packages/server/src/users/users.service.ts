import { DomainError, invalid, ROLES, type Role } from '@safekeep/core';
import { isUniqueViolation } from '../db/errors.js';
import { actorRef, type Work } from '../db/work.js';
import { requireRole } from '../access/roles.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import * as repo from './users.repository.js';
import type { Team, User } from './users.repository.js';

export interface NewUserInput {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  teamId?: string | null;
}

/** A new user with the password already hashed, so no transaction waits on argon2. */
export interface PreparedUser extends Omit<NewUserInput, 'password'> {
  passwordHash: string;
}

export async function prepareUser(input: NewUserInput): Promise<PreparedUser> {
  const problems = [];
  if (input.password.length < MIN_PASSWORD_LENGTH)
    problems.push({ field: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` });
  const unknown = input.roles.filter((r) => !ROLES.includes(r));
  if (unknown.length > 0) problems.push({ field: 'roles', message: `unknown role: ${unknown.join(', ')}` });
  if (new Set(input.roles).size !== input.roles.length) problems.push({ field: 'roles', message: 'must not repeat a role' });
  if (problems.length > 0) throw invalid(problems);
  const { password, ...rest } = input;
  return { ...rest, username: input.username.toLowerCase(), passwordHash: await hashPassword(password) };
}

/** Refuses (and audits) anyone but an admin before any work is done on their request. */
export function assertUserAdmin(w: Work): Promise<void> {
  requireRole(w, 'user.create', ['admin']);
  return Promise.resolve();
}

export async function createUser(w: Work, input: PreparedUser): Promise<User> {
  requireRole(w, 'user.create', ['admin']);
  return insertPreparedUser(w, input);
}

/** For the command line and first start: the system itself creates the user. */
export async function insertPreparedUser(w: Work, input: PreparedUser): Promise<User> {
  if (input.teamId != null && (await repo.findTeamById(w.db, input.teamId)) === undefined) {
    throw invalid({ field: 'teamId', message: 'no such team' });
  }
  try {
    const row = await repo.insertUser(w.db, {
      username: input.username,
      display_name: input.displayName.trim(),
      password_hash: input.passwordHash,
      roles: input.roles,
      team_id: input.teamId ?? null,
      created_at: w.now,
      created_by: actorRef(w),
    });
    w.audit({ action: 'user.create', entityType: 'user', entityId: row.id, detail: { roles: input.roles } });
    return repo.toUser(row);
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError('USERNAME_TAKEN', `The username ${input.username} is taken.`, { fields: [{ field: 'username', message: 'is taken' }] });
    throw e;
  }
}

export async function listUsers(w: Work, after: string | null, limit: number): Promise<{ items: User[]; last: string | null }> {
  // Managers and heads of service need the list to allocate workers.
  requireRole(w, 'user.update', ['admin', 'team-manager', 'head-of-service']);
  const rows = await repo.listUsers(w.db, after, limit + 1);
  const items = rows.slice(0, limit).map(repo.toUser);
  return { items, last: rows.length > limit ? (items.at(-1)?.username ?? null) : null };
}

export interface UserChanges {
  active?: boolean;
  locked?: false;
  roles?: Role[];
  teamId?: string | null;
  displayName?: string;
}

/**
 * Admin changes a user. Deactivating ends every session at once; unlocking clears the
 * failed-login count. Users are never deleted: their names stay on what they wrote.
 */
export async function updateUser(w: Work, id: string, changes: UserChanges): Promise<User> {
  requireRole(w, 'user.update', ['admin']);
  const existing = await repo.findUserById(w.db, id);
  if (existing === undefined) throw new DomainError('NOT_FOUND', 'No such user.');
  if (id === w.actor.userId && changes.active === false) {
    throw invalid({ field: 'active', message: 'you cannot deactivate yourself' });
  }
  // Another administrator must change an administrator's own roles, so no one grants
  // themselves access to children's records.
  if (id === w.actor.userId && changes.roles !== undefined) {
    throw invalid({ field: 'roles', message: 'you cannot change your own roles' });
  }
  if (changes.teamId != null && (await repo.findTeamById(w.db, changes.teamId)) === undefined) {
    throw invalid({ field: 'teamId', message: 'no such team' });
  }
  const row = await repo.updateUser(w.db, id, {
    ...(changes.active !== undefined ? { active: changes.active } : {}),
    ...(changes.locked === false ? { locked_at: null, failed_logins: 0, last_failed_login_at: null } : {}),
    ...(changes.roles !== undefined ? { roles: changes.roles } : {}),
    ...(changes.teamId !== undefined ? { team_id: changes.teamId } : {}),
    ...(changes.displayName !== undefined ? { display_name: changes.displayName.trim() } : {}),
  });
  if (changes.active === false) {
    await w.db
      .updateTable('session')
      .set({ ended_at: w.now, end_reason: 'user-deactivated' })
      .where('user_id', '=', id)
      .where('ended_at', 'is', null)
      .execute();
  }
  w.audit({
    action: 'user.update',
    entityType: 'user',
    entityId: id,
    detail: {
      changed: Object.keys(changes).sort(),
      ...(changes.roles !== undefined ? { rolesBefore: existing.roles, rolesAfter: changes.roles } : {}),
      ...(changes.teamId !== undefined ? { teamBefore: existing.team_id, teamAfter: changes.teamId } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
      ...(changes.locked === false ? { unlocked: true } : {}),
    },
  });
  return repo.toUser(row);
}

export async function createTeam(w: Work, name: string): Promise<Team> {
  requireRole(w, 'team.create', ['admin']);
  if ((await repo.findTeamByName(w.db, name.trim())) !== undefined) {
    throw new DomainError('TEAM_NAME_TAKEN', `There is already a team called ${name.trim()}.`, { fields: [{ field: 'name', message: 'is taken' }] });
  }
  const row = await repo.insertTeam(w.db, { name: name.trim(), created_at: w.now, created_by: actorRef(w) });
  w.audit({ action: 'team.create', entityType: 'team', entityId: row.id });
  return repo.toTeam(row);
}

export async function listTeams(w: Work): Promise<Team[]> {
  return (await repo.listTeams(w.db)).map(repo.toTeam);
}

export interface Me extends User {
  team: Team | null;
}

export async function me(w: Work): Promise<Me> {
  const row = await repo.findUserById(w.db, w.actor.userId);
  if (row === undefined) throw new DomainError('UNAUTHENTICATED', 'Sign in first.');
  const team = row.team_id === null ? undefined : await repo.findTeamById(w.db, row.team_id);
  return { ...repo.toUser(row), team: team === undefined ? null : repo.toTeam(team) };
}
