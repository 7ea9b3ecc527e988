import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { DomainError, SYSTEM_ACTOR, type Actor, type Role } from '@safekeep/core';
import type { DB } from '../db/schema.js';
import type { WorkRunner } from '../db/work.js';
import type { SessionCache } from './session-cache.js';
import { verifyAgainstDummy, verifyPassword } from './passwords.js';
import * as users from './users.repository.js';
import type { User } from './users.repository.js';

export interface SessionPolicy {
  /** A session unused for this long ends. */
  idleMinutes: number;
  /** A session ends this long after sign-in, however busy. */
  absoluteHours: number;
  /** After this many consecutive failures each further attempt must wait, doubling from 1 s. */
  throttleAfter: number;
  /** After this many consecutive failures the account locks until an admin unlocks it. */
  lockAfter: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMinutes: 30, absoluteHours: 12, throttleAfter: 5, lockAfter: 10 };

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Seconds a caller must wait before the next attempt after `failures` consecutive failures. */
export function throttleSeconds(failures: number, policy: SessionPolicy): number {
  if (failures < policy.throttleAfter) return 0;
  return Math.min(2 ** (failures - policy.throttleAfter), 15 * 60);
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: User;
}

/**
 * Signs a user in. The password is checked outside any transaction (argon2 takes ~70 ms
 * and must not hold the database), then the outcome is recorded: a failure counts
 * towards throttling and locking and is audited; a success resets the count, creates a
 * session whose token is stored only as its SHA-256, and is audited.
 */
export async function login(
  runner: WorkRunner,
  policy: SessionPolicy,
  input: { username: string; password: string },
  requestId: string | null,
): Promise<LoginResult> {
  const system = { actor: SYSTEM_ACTOR, requestId };
  const user = await users.findUserByUsername(runner.db, input.username);
  if (user === undefined) {
    await verifyAgainstDummy(input.password);
    await runner.run(system, (w) => {
      w.audit({ action: 'session.login-refused', outcome: 'denied', detail: { reason: 'unknown-username' } });
      return Promise.resolve();
    });
    throw invalidCredentials();
  }
  // Count the attempt as a failure before checking the password, in one statement that
  // also enforces the wait: parallel guesses each take their own turn, and a success
  // clears the count afterwards.
  const now = runner.clock.now();
  const reserved = await sql<{ failed_logins: number }>`
    update app_user set failed_logins = failed_logins + 1, last_failed_login_at = ${now}
     where id = ${user.id} and locked_at is null
       and (failed_logins < ${policy.throttleAfter}
            or last_failed_login_at is null
            or last_failed_login_at <= ${now}::timestamptz - make_interval(secs => least(power(2, failed_logins - ${policy.throttleAfter}), 900)))
    returning failed_logins`.execute(runner.db);
  if (reserved.rows.length === 0) {
    const fresh = await users.findUserById(runner.db, user.id);
    if (fresh?.locked_at != null) {
      await refuse(runner, user.id, requestId, 'locked');
      throw new DomainError('ACCOUNT_LOCKED', 'This account is locked after repeated failed sign-ins. Ask an administrator to unlock it.');
    }
    const wait = throttleSeconds(fresh?.failed_logins ?? 0, policy);
    const elapsed = fresh?.last_failed_login_at == null ? 0 : (now.getTime() - fresh.last_failed_login_at.getTime()) / 1000;
    const retryAfterSeconds = Math.max(1, Math.ceil(wait - elapsed));
    await refuse(runner, user.id, requestId, 'throttled');
    throw new DomainError('LOGIN_THROTTLED', `Too many failed sign-ins. Try again in ${retryAfterSeconds} s.`, { extra: { retryAfterSeconds } });
  }
  const failures = reserved.rows[0]?.failed_logins ?? 1;
  const ok = await verifyPassword(user.password_hash, input.password);
  if (!ok || !user.active) {
    const lock = failures >= policy.lockAfter;
    await runner.run(system, async (w) => {
      if (lock) await w.db.updateTable('app_user').set({ locked_at: w.now }).where('id', '=', user.id).where('locked_at', 'is', null).execute();
      w.audit({
        action: 'session.login-refused',
        outcome: 'denied',
        entityType: 'user',
        entityId: user.id,
        detail: { reason: ok ? 'inactive' : 'wrong-password', failures, locked: lock },
      });
    });
    if (lock) throw new DomainError('ACCOUNT_LOCKED', 'This account is now locked after repeated failed sign-ins. Ask an administrator to unlock it.');
    throw invalidCredentials();
  }
  const token = randomBytes(32).toString('base64url');
  return runner.run({ actor: actorOf(user, null), requestId }, async (w) => {
    const expiresAt = new Date(w.now.getTime() + policy.absoluteHours * 3_600_000);
    const session = await w.db
      .insertInto('session')
      .values({ token_hash: hashToken(token), user_id: user.id, created_at: w.now, last_seen_at: w.now, expires_at: expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    await users.updateUser(w.db, user.id, { failed_logins: 0, last_failed_login_at: null });
    w.audit({ action: 'session.login', entityType: 'session', entityId: session.id });
    return { token, expiresAt: expiresAt.toISOString(), user: users.toUser({ ...user, failed_logins: 0 }) };
  });
}

async function refuse(runner: WorkRunner, userId: string, requestId: string | null, reason: string): Promise<void> {
  await runner.run({ actor: SYSTEM_ACTOR, requestId }, (w) => {
    w.audit({ action: 'session.login-refused', outcome: 'denied', entityType: 'user', entityId: userId, detail: { reason } });
    return Promise.resolve();
  });
}

function invalidCredentials(): DomainError {
  return new DomainError('INVALID_CREDENTIALS', 'The username or password is not right.');
}

function actorOf(user: { id: string; username: string; display_name: string; roles: string[]; team_id: string | null }, sessionId: string | null): Actor {
  return { userId: user.id, username: user.username, displayName: user.display_name, roles: user.roles as Role[], teamId: user.team_id, sessionId };
}

/**
 * Finds the actor for a bearer token, or throws UNAUTHENTICATED. Ends a session found
 * idle; notes use at most once a minute so reads do not each cost a write. A cache
 * answers repeat requests for a few seconds (see SessionCache).
 */
export async function authenticate(db: Kysely<DB>, policy: SessionPolicy, token: string, now: Date, cache?: SessionCache): Promise<Actor> {
  const key = hashToken(token);
  const keyHex = key.toString('hex');
  const t = now.getTime();
  const hit = cache?.get(keyHex, t);
  if (hit !== undefined && t < hit.expiresAt && t < hit.lastSeenAt + policy.idleMinutes * 60_000 && t - hit.lastSeenAt < 60_000) {
    return hit.actor;
  }
  const generation = cache?.generation ?? 0;
  const row = await db
    .selectFrom('session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.id as sessionId', 's.last_seen_at', 's.expires_at', 'u.id', 'u.username', 'u.display_name', 'u.roles', 'u.team_id', 'u.active'])
    .where('s.token_hash', '=', key)
    .where('s.ended_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined || !row.active) throw new DomainError('UNAUTHENTICATED', 'Sign in first: the token is unknown or has ended.');
  const idleLimit = row.last_seen_at.getTime() + policy.idleMinutes * 60_000;
  const reason = t >= row.expires_at.getTime() ? 'expired' : t >= idleLimit ? 'idle' : null;
  if (reason !== null) {
    await db.updateTable('session').set({ ended_at: now, end_reason: reason }).where('id', '=', row.sessionId).execute();
    throw new DomainError('UNAUTHENTICATED', reason === 'idle' ? 'The session ended after a period of inactivity. Sign in again.' : 'The session has expired. Sign in again.');
  }
  let lastSeenAt = row.last_seen_at.getTime();
  if (t - lastSeenAt >= 60_000) {
    await db.updateTable('session').set({ last_seen_at: now }).where('id', '=', row.sessionId).execute();
    lastSeenAt = t;
  }
  const actor = actorOf(row, row.sessionId);
  cache?.set(keyHex, { actor, lastSeenAt, expiresAt: row.expires_at.getTime(), checkedAt: t }, generation);
  return actor;
}

export async function logout(runner: WorkRunner, actor: Actor, requestId: string | null, cache?: SessionCache): Promise<void> {
  try {
    await runner.run({ actor, requestId }, async (w) => {
      if (actor.sessionId === null) return;
      await w.db.updateTable('session').set({ ended_at: w.now, end_reason: 'signed-out' }).where('id', '=', actor.sessionId).execute();
      w.audit({ action: 'session.logout', entityType: 'session', entityId: actor.sessionId });
    });
  } finally {
    // After the commit: a lookup racing the sign-out cannot cache the session again (see SessionCache.set).
    if (actor.sessionId !== null) cache?.forgetSession(actor.sessionId);
  }
}
