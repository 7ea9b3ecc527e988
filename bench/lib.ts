/** What the benchmarks share: engines, timing and percentiles. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../packages/server/src/db/connect.js';

export type Engine = 'pglite' | 'postgres';
const ADMIN_URL = process.env['SAFEKEEP_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function enginesFromArgs(): Engine[] {
  const arg = process.argv[2];
  if (arg === undefined) return ['pglite', 'postgres'];
  if (arg !== 'pglite' && arg !== 'postgres') throw new Error(`engine must be pglite or postgres, not ${arg}`);
  return [arg];
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
export function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: round(quantile(s, 0.5)), p95: round(quantile(s, 0.95)), max: round(s.at(-1) ?? NaN) };
}
export const round = (x: number) => Math.round(x * 100) / 100;
export async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

/** A fresh database on the engine: a temporary PGlite directory, or a new PostgreSQL database dropped afterwards. */
export async function openEngine(engine: Engine): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  if (engine === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'safekeep-bench-'));
    const database = await openPglite({ dataDir: dir });
    return {
      database,
      cleanup: async () => {
        await database.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `safekeep_bench_${Date.now()}_${randomBytes(2).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), { max: 10 });
  return {
    database,
    cleanup: async () => {
      await database.close();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
