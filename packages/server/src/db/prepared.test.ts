import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUrl, testEngine, urlFor } from '../../test/engine.js';
import { PreparingPool } from './prepared.js';

/**
 * The statement cache keeps what is used, whatever came before: after a burst of
 * one-off statements larger than the cache (a migration run, a seed), the statement a
 * request sends again and again is still prepared once and reused, and the connection
 * never holds more prepared statements than the limit. One connection, so what the
 * server reports is that connection's cache.
 */
const LIMIT = 5;
let db: Kysely<unknown>;
let close: () => Promise<void>;

beforeAll(async () => {
  if (testEngine() === 'pglite') {
    const lite = await PGlite.create();
    db = new Kysely({ dialect: new PostgresDialect({ pool: new PreparingPool(new pg.Pool({ ...createPgConfig(lite), max: 1 }), LIMIT) }) });
    close = async () => {
      await db.destroy();
      await lite.close();
    };
    return;
  }
  const name = `sk_prepared_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  db = new Kysely({ dialect: new PostgresDialect({ pool: new PreparingPool(new pg.Pool({ connectionString: urlFor(name), max: 1 }), LIMIT) }) });
  close = async () => {
    await db.destroy();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}, 60_000);

afterAll(async () => close?.());

interface Prepared {
  name: string;
  statement: string;
  generic_plans: number;
  custom_plans: number;
}

/** The connection's prepared statements (this query is itself one of them). */
async function prepared(): Promise<Prepared[]> {
  const { rows } = await sql<Prepared>`select name, statement, generic_plans::int, custom_plans::int from pg_prepared_statements order by prepare_time`.execute(db);
  return rows;
}

const hot = (n: number) => sql<{ n: number }>`select ${n}::int + 1 as n`.execute(db);

describe('the prepared statement cache', () => {
  it('reuses one preparation of a statement sent again, and answers it correctly', async () => {
    for (let i = 0; i < 20; i++) expect((await hot(i)).rows[0]?.n).toBe(i + 1);
    const mine = (await prepared()).filter((p) => p.statement.includes('::int + 1 as n'));
    expect(mine).toHaveLength(1);
    expect((mine[0]?.generic_plans ?? 0) + (mine[0]?.custom_plans ?? 0)).toBe(20);
  });

  it('still prepares the hot statement after a burst of more one-off statements than it keeps', async () => {
    for (let i = 0; i < 3 * LIMIT; i++) {
      const { rows } = await sql<{ v: number }>`select ${i}::int as ${sql.ref(`v${i}`)}`.execute(db);
      expect(Object.values(rows[0] ?? {})).toEqual([i]);
      // The request's own statement keeps coming back between them.
      expect((await hot(i)).rows[0]?.n).toBe(i + 1);
    }
    const now = await prepared();
    expect(now.length).toBeLessThanOrEqual(LIMIT);
    // A statement first sent after the burst is prepared once and reused too.
    for (let i = 0; i < 10; i++) expect((await sql<{ n: number }>`select ${i}::int * 2 as n`.execute(db)).rows[0]?.n).toBe(2 * i);
    const late = (await prepared()).filter((p) => p.statement.includes('::int * 2 as n'));
    expect(late).toHaveLength(1);
    expect((late[0]?.generic_plans ?? 0) + (late[0]?.custom_plans ?? 0)).toBe(10);
    expect(now.filter((p) => p.statement.includes('::int + 1 as n'))).toHaveLength(1);
    // None of the burst's early statements is still held.
    expect(now.some((p) => p.statement.includes('as "v0"'))).toBe(false);
  });

  it('prepares an evicted statement again under a new name, without a clash', async () => {
    for (let i = 0; i < 2 * LIMIT; i++) await sql`select ${i}::int as ${sql.ref(`w${i}`)}`.execute(db);
    // `hot` was evicted by the burst above; it comes back and works.
    expect((await hot(41)).rows[0]?.n).toBe(42);
    expect((await hot(42)).rows[0]?.n).toBe(43);
    const again = (await prepared()).filter((p) => p.statement.includes('::int + 1 as n'));
    expect(again).toHaveLength(1);
    expect((await prepared()).length).toBeLessThanOrEqual(LIMIT);
  });

  it('survives an eviction inside a transaction that has failed', async () => {
    await expect(
      db.transaction().execute(async (tx) => {
        await sql`select 1 / 0`.execute(tx);
      }),
    ).rejects.toThrow(/division by zero/);
    const failures: unknown[] = [];
    // COMMIT of an aborted transaction rolls it back without an error.
    await db.transaction().execute(async (tx) => {
      await sql`select 1 / 0 as again`.execute(tx).catch((e: unknown) => failures.push(e));
      // The transaction is aborted: these evictions' DEALLOCATEs fail, and the statements too.
      for (let i = 0; i < LIMIT + 1; i++) await sql`select ${i}::int as ${sql.ref(`x${i}`)}`.execute(tx).catch((e: unknown) => failures.push(e));
    });
    expect(failures).toHaveLength(LIMIT + 2);
    for (let i = 0; i < 2 * LIMIT; i++) expect((await hot(i)).rows[0]?.n).toBe(i + 1);
    for (let i = 0; i < LIMIT + 1; i++) {
      const { rows } = await sql<Record<string, number>>`select ${i}::int as ${sql.ref(`x${i}`)}`.execute(db);
      expect(rows[0]?.[`x${i}`]).toBe(i);
    }
  });
});
