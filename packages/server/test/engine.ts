/**
 * Which database engine the server tests run on, chosen by environment variable, as
 * Kysely's own suite loops over dialects:
 *   SAFEKEEP_TEST_ENGINE=pglite (default)  an in-process PGlite per test file, cloned
 *                                          from a migrated template
 *   SAFEKEEP_TEST_ENGINE=postgres          a database per test file on the server at
 *                                          SAFEKEEP_TEST_DATABASE_URL (default
 *                                          postgres://postgres@127.0.0.1:5432/postgres),
 *                                          created from a migrated template database
 */
export type TestEngine = 'pglite' | 'postgres';

export function testEngine(): TestEngine {
  const engine = process.env['SAFEKEEP_TEST_ENGINE'] ?? 'pglite';
  if (engine !== 'pglite' && engine !== 'postgres') throw new Error(`SAFEKEEP_TEST_ENGINE must be pglite or postgres, not ${engine}`);
  return engine;
}

export function adminUrl(): string {
  return process.env['SAFEKEEP_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function urlFor(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}
