import { ROLES, SYSTEM_ACTOR, systemClock, type Role } from '@safekeep/core';
import { prepare } from '../bootstrap.js';
import { WorkRunner } from '../db/work.js';
import { findTeamByName } from '../users/users.repository.js';
import { insertPreparedUser, prepareUser } from '../users/users.service.js';
import { configFrom, type DatabaseFlags } from './shared.js';

interface Flags extends DatabaseFlags {
  username: string;
  role?: string[];
  team?: string;
  displayName?: string;
  passwordStdin: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export async function userAddCommand(flags: Flags): Promise<void> {
  const roles = flags.role ?? [];
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || unknown.length > 0) {
    throw new Error(`Give at least one --role from: ${ROLES.join(', ')}${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  }
  const password = await readStdin();
  const config = configFrom(flags);
  const { database } = await prepare(config, systemClock);
  try {
    let teamId: string | null = null;
    if (flags.team !== undefined) {
      const team = await findTeamByName(database.db, flags.team);
      if (team === undefined) throw new Error(`There is no team called "${flags.team}". Create it first (POST /api/v1/teams).`);
      teamId = team.id;
    }
    const prepared = await prepareUser({ username: flags.username, displayName: flags.displayName ?? flags.username, password, roles: roles as Role[], teamId });
    const user = await new WorkRunner(database.db, systemClock).run({ actor: SYSTEM_ACTOR, requestId: null }, (w) => insertPreparedUser(w, prepared));
    console.log(`Created user ${user.username} (${user.roles.join(', ')})${teamId !== null ? ` in team ${flags.team}` : ''}.`);
  } finally {
    await database.close();
  }
}
