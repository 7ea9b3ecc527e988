import { mkdir } from 'node:fs/promises';
import { lockDataDir } from './data-dir-lock.js';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PreparingPool } from './prepared.js';
import type { DB } from './schema.js';

/**
 * One SQL dialect, two engines: PostgreSQL over the network, or PGlite (PostgreSQL in
 * WebAssembly) embedded in this process. Both are reached through node-postgres, so the
 * same Kysely code and the same type parsers serve both.
 */
export type Engine = 'pglite' | 'postgres';

export interface Database {
  readonly db: Kysely<DB>;
  readonly engine: Engine;
  /** The PGlite instance when embedded (tests clone and dump it). */
  readonly pglite: PGlite | null;
  close(): Promise<void>;
}

const INT8 = 20;
const DATE = 1082;

/** DATE stays `YYYY-MM-DD` (never a Date at UTC midnight); bigint becomes a number. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === DATE) return (v: string) => v;
    if (oid === INT8) return (v: string) => Number(v);
    // pg's own parsers for everything else.
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  },
};

export const PGLITE_EXTENSIONS = { pg_trgm };

export interface PgliteOptions {
  /** A directory to keep the database in; omitted for an in-memory database. */
  dataDir?: string;
  /** A tarball from `dumpDataDir()` to start from (tests clone a migrated template). */
  loadDataDir?: Blob;
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  let release: (() => Promise<void>) | null = null;
  if (options.dataDir !== undefined) {
    await mkdir(options.dataDir, { recursive: true });
    // PGlite is one process's database: refuse to open it twice (a second `safekeep`
    // command while the server runs would corrupt it).
    release = await lockDataDir(options.dataDir);
  }
  const lite = await PGlite.create({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir !== undefined ? { loadDataDir: options.loadDataDir } : {}),
    extensions: PGLITE_EXTENSIONS,
  });
  const pool = new pg.Pool({ ...createPgConfig(lite), types });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new PreparingPool(pool) }) });
  return {
    db,
    engine: 'pglite',
    pglite: lite,
    async close() {
      await db.destroy();
      await lite.close();
      if (release) await release();
    },
  };
}

export async function openPostgres(connectionString: string, options: { max?: number; onIdleError?: (error: Error) => void } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString, types, max: options.max ?? 10 });
  // An idle connection the server closes (a restart, a terminated backend) is an event
  // to note, not a reason for the process to die: the pool opens a new one when needed.
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new PreparingPool(pool) }) });
  return {
    db,
    engine: 'postgres',
    pglite: null,
    async close() {
      await db.destroy();
    },
  };
}

export type DatabaseLocation = { databaseUrl: string } | { dataDir: string };

export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  return 'databaseUrl' in location ? openPostgres(location.databaseUrl) : openPglite({ dataDir: location.dataDir });
}
