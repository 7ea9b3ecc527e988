import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import pg from 'pg';
import { inject } from 'vitest';
import { ManualClock, type Actor, type Role } from '@safekeep/core';
import { openPglite, openPostgres, type Database } from '../src/db/connect.js';
import { WorkRunner, type Work } from '../src/db/work.js';
import { BlobStore } from '../src/documents/blob-store.js';
import { buildApp } from '../src/http/app.js';
import type { CookieOptions } from '../src/http/cookie-session.js';
import type { LoginRateLimit } from '../src/http/login-rate-limit.js';
import type { App } from '../src/http/app-types.js';
import { DEFAULT_SESSION_POLICY, hashToken, type SessionPolicy } from '../src/users/sessions.service.js';
import { hashPassword } from '../src/users/passwords.js';
import { adminUrl, testEngine, urlFor } from './engine.js';

/** A fresh database for this test file, already migrated: a copy of the run's template. */
export async function testDatabase(): Promise<Database> {
  if (testEngine() === 'pglite') {
    const tar = await readFile(inject('pgliteTemplate'));
    return openPglite({ loadDataDir: new Blob([tar]) });
  }
  const template = inject('postgresTemplate');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const database = await openPostgres(urlFor(name), { max: 4 });
  return {
    ...database,
    async close() {
      await database.close();
      const a = new pg.Client({ connectionString: adminUrl() });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export const TEST_PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | null = null;

/** A real argon2id hash of TEST_PASSWORD, computed once per test process. */
export function testPasswordHash(): Promise<string> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  return passwordHash;
}

export interface TestUser extends Actor {
  id: string;
  token: string;
  displayName: string;
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  raw: string;
}

export interface Harness {
  app: App;
  database: Database;
  db: Database['db'];
  clock: ManualClock;
  blobs: BlobStore;
  runner: WorkRunner;
  blobDir: string;
  /** A user with these roles (and team), signed in: `token` is a live bearer token. */
  user(roles: Role[], options?: { teamId?: string | null; username?: string; displayName?: string }): Promise<TestUser>;
  team(name?: string): Promise<string>;
  /** Runs service code as this user in one unit of work. */
  as<T>(user: Actor, fn: (w: Work) => Promise<T>): Promise<T>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read bodies loosely
  request<T = any>(method: string, url: string, options?: { user?: TestUser | null; token?: string; body?: unknown; headers?: Record<string, string>; payload?: Buffer | string }): Promise<Reply<T>>;
  /** Audit events naming this child, oldest first. */
  auditFor(childId: string): Promise<Array<{ seq: number; action: string; outcome: string; actor_id: string | null; basis: string | null; detail: Record<string, unknown> }>>;
  close(): Promise<void>;
}


let counter = 0;
const unique = (prefix: string) => `${prefix}${(++counter).toString(36)}${randomBytes(2).toString('hex')}`;

export interface HarnessOptions {
  now?: string;
  sessionPolicy?: SessionPolicy;
  limits?: { jsonBodyBytes: number; uploadBytes: number };
  database?: Database;
  /** Sign-in limits per address and username. Tests sign in often from one address: by default the limits are high enough never to bite. */
  loginRateLimit?: LoginRateLimit | false;
  /** The server's logger (default none, or SAFEKEEP_TEST_LOG's level). */
  logger?: FastifyBaseLogger;
  cookies?: CookieOptions;
  /** A built web interface to serve at / (default none: the placeholder page). */
  webRoot?: string;
}

/** A Safekeep app on a fresh database, a pinned clock and a temporary document store. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = options.database ?? (await testDatabase());
  const clock = new ManualClock(options.now ?? '2026-06-15T10:00:00Z');
  const blobDir = await mkdtemp(join(tmpdir(), 'safekeep-blobs-'));
  const blobs = new BlobStore(blobDir);
  await blobs.init();
  // Tests move the clock by hours and days; their users' sessions should not idle out
  // unless a test is about sessions (and passes its own policy).
  const sessionPolicy = options.sessionPolicy ?? { ...DEFAULT_SESSION_POLICY, idleMinutes: 24 * 60, absoluteHours: 7 * 24 };
  const app = await buildApp({
    database,
    clock,
    blobs,
    sessionPolicy,
    limits: options.limits ?? { jsonBodyBytes: 1024 * 1024, uploadBytes: 50 * 1024 * 1024 },
    // SAFEKEEP_TEST_LOG=error (or debug…) shows the server's log while debugging a test.
    logger: options.logger ?? (process.env['SAFEKEEP_TEST_LOG'] !== undefined ? pino({ level: process.env['SAFEKEEP_TEST_LOG'] }) : false),
    loginRateLimit: options.loginRateLimit ?? { windowSeconds: 60, perIp: 1_000_000, perUsername: 1_000_000 },
    ...(options.cookies !== undefined ? { cookies: options.cookies } : {}),
    ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}),
  });
  const runner = new WorkRunner(database.db, clock);

  const harness: Harness = {
    app,
    database,
    db: database.db,
    clock,
    blobs,
    runner,
    blobDir,
    async team(name) {
      const row = await database.db.insertInto('team').values({ name: name ?? unique('Team '), created_at: clock.now(), created_by: null }).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },
    async user(roles, opts = {}) {
      const username = opts.username ?? unique('u');
      const displayName = opts.displayName ?? `Test ${username}`;
      const row = await database.db
        .insertInto('app_user')
        .values({ username, display_name: displayName, password_hash: await testPasswordHash(), roles, team_id: opts.teamId ?? null, created_at: clock.now(), created_by: null })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      const token = randomBytes(32).toString('base64url');
      const session = await database.db
        .insertInto('session')
        .values({ token_hash: hashToken(token), user_id: row.id, created_at: clock.now(), last_seen_at: clock.now(), expires_at: new Date(clock.now().getTime() + 365 * 86_400_000) })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: row.id, userId: row.id, username, displayName, roles, teamId: opts.teamId ?? null, sessionId: session.id, token };
    },
    as(user, fn) {
      return runner.run({ actor: user, requestId: `test-${randomUUID()}` }, fn);
    },
    async request(method, url, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const token = opts.token ?? opts.user?.token;
      if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(opts.payload !== undefined ? { payload: opts.payload } : opts.body !== undefined ? { payload: opts.body as object } : {}),
      });
      let body: unknown = res.body;
      const type = String(res.headers['content-type'] ?? '');
      if (type.includes('json') && res.body.length > 0) body = JSON.parse(res.body);
      return { status: res.statusCode, body: body as never, headers: res.headers, raw: res.body };
    },
    async auditFor(childId) {
      return database.db.selectFrom('audit_event').select(['seq', 'action', 'outcome', 'actor_id', 'basis', 'detail']).where(sql<boolean>`child_ids @> array[${childId}]::uuid[]`).orderBy('seq').execute();
    },
    async close() {
      await app.close();
      if (options.database === undefined) await database.close();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
  return harness;
}
