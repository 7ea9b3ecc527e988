import { mkdir } from 'node:fs/promises';
import { SYSTEM_ACTOR } from '@safekeep/core';
import { blobDir, pgliteDir, type Config } from './config/config.js';
import { openPglite, openPostgres, type Database } from './db/connect.js';
import { migrateToLatest, pendingMigrations, type MigrationReport } from './db/migrate.js';
import { WorkRunner } from './db/work.js';
import type { Clock } from '@safekeep/core';
import { BlobStore } from './documents/blob-store.js';
import { findUserByUsername } from './users/users.repository.js';
import { insertPreparedUser, prepareUser } from './users/users.service.js';

/** Opens the configured database (PGlite in the data directory, or PostgreSQL). */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  if (config.database.kind === 'postgres') {
    return openPostgres(config.database.url, { onIdleError: (e) => console.error(`PostgreSQL closed an idle connection (${e.message}); a new one will be opened.`) });
  }
  return openPglite({ dataDir: pgliteDir(config) });
}

/**
 * Opens the database to read it as it is: no migrations, no users created. For checks
 * such as `audit verify`, which must not write to what they inspect.
 */
export async function openForReading(config: Config): Promise<Database> {
  const database = await openConfiguredDatabase(config);
  const pending = await pendingMigrations(database.db).catch(() => ['(none applied)']);
  if (pending.length > 0) {
    await database.close();
    throw new Error(`The database is not up to date (${pending.length} migration(s) pending). Run "safekeep migrate" first.`);
  }
  return database;
}

export async function openBlobStore(config: Config): Promise<BlobStore> {
  await mkdir(config.dataDir, { recursive: true });
  const blobs = new BlobStore(blobDir(config));
  await blobs.init();
  return blobs;
}

export interface Prepared {
  database: Database;
  blobs: BlobStore;
  migrations: MigrationReport[];
  adminCreated: boolean;
}

/**
 * Everything a command needs before it runs: the database, migrated; the document store;
 * and, when SAFEKEEP_ADMIN_PASSWORD is set on first start, the `admin` user.
 */
export async function prepare(config: Config, clock: Clock): Promise<Prepared> {
  const database = await openConfiguredDatabase(config);
  try {
    const migrations = await migrateToLatest(database.db);
    const blobs = await openBlobStore(config);
    let adminCreated = false;
    if (config.adminPassword !== null && (await findUserByUsername(database.db, 'admin')) === undefined) {
      const prepared = await prepareUser({ username: 'admin', displayName: 'Administrator', password: config.adminPassword, roles: ['admin'] });
      await new WorkRunner(database.db, clock).run({ actor: SYSTEM_ACTOR, requestId: null }, (w) => insertPreparedUser(w, prepared));
      adminCreated = true;
    }
    return { database, blobs, migrations, adminCreated };
  } catch (e) {
    await database.close();
    throw e;
  }
}
