import type { Kysely } from 'kysely';
import type { Role } from '@safekeep/core';
import type { DB, NewRow, Row } from '../db/schema.js';

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  teamId: string | null;
  active: boolean;
  locked: boolean;
  createdAt: string;
}

export interface Team {
  id: string;
  name: string;
  createdAt: string;
}

export function toUser(row: Row<'app_user'>): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles as Role[],
    teamId: row.team_id,
    active: row.active,
    locked: row.locked_at !== null,
    createdAt: row.created_at.toISOString(),
  };
}

export function toTeam(row: Row<'team'>): Team {
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString() };
}

export async function insertUser(db: Kysely<DB>, row: NewRow<'app_user'>): Promise<Row<'app_user'>> {
  return db.insertInto('app_user').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findUserById(db: Kysely<DB>, id: string): Promise<Row<'app_user'> | undefined> {
  return db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByUsername(db: Kysely<DB>, username: string): Promise<Row<'app_user'> | undefined> {
  return db.selectFrom('app_user').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst();
}

export async function listUsers(db: Kysely<DB>, after: string | null, limit: number): Promise<Array<Row<'app_user'>>> {
  let q = db.selectFrom('app_user').selectAll();
  if (after !== null) q = q.where('username', '>', after);
  return q.orderBy('username').limit(limit).execute();
}

export async function updateUser(
  db: Kysely<DB>,
  id: string,
  changes: Partial<Pick<Row<'app_user'>, 'active' | 'roles' | 'team_id' | 'display_name' | 'locked_at' | 'failed_logins' | 'last_failed_login_at' | 'password_hash'>>,
): Promise<Row<'app_user'>> {
  return db.updateTable('app_user').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function insertTeam(db: Kysely<DB>, row: NewRow<'team'>): Promise<Row<'team'>> {
  return db.insertInto('team').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findTeamById(db: Kysely<DB>, id: string): Promise<Row<'team'> | undefined> {
  return db.selectFrom('team').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findTeamByName(db: Kysely<DB>, name: string): Promise<Row<'team'> | undefined> {
  return db.selectFrom('team').selectAll().where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase())).executeTakeFirst();
}

export async function listTeams(db: Kysely<DB>): Promise<Array<Row<'team'>>> {
  return db.selectFrom('team').selectAll().orderBy('name').execute();
}

export async function countUsers(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
