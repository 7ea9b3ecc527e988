import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPglite, openPostgres } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { adminUrl, testEngine, urlFor } from './engine.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}

/**
 * Migrates one template database per run; each test file then starts from a copy of it
 * (PGlite: a data-directory dump; PostgreSQL: CREATE DATABASE … TEMPLATE). On
 * PostgreSQL every database this run made is dropped at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const engine = testEngine();
  if (engine === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'safekeep-test-'));
    const database = await openPglite();
    await migrateToLatest(database.db);
    const dump = await database.pglite?.dumpDataDir('none');
    await database.close();
    if (dump === undefined) throw new Error('PGlite dump failed');
    const path = join(dir, 'template.tar');
    await writeFile(path, Buffer.from(await dump.arrayBuffer()));
    project.provide('pgliteTemplate', path);
    project.provide('postgresTemplate', '');
    return async () => rm(dir, { recursive: true, force: true });
  }

  // Named after the run's own database when CI gives one, so its clean-up finds them all.
  const base = new URL(adminUrl()).pathname.slice(1);
  const stamp = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
  const prefix = base !== '' && base !== 'postgres' ? `${base}_t${randomBytes(2).toString('hex')}` : `sk_test_${stamp}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database ${prefix}`);
  const template = await openPostgres(urlFor(prefix), { max: 1 });
  await migrateToLatest(template.db);
  await template.close();
  project.provide('pgliteTemplate', '');
  project.provide('postgresTemplate', prefix);
  return async () => {
    const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`${prefix}%`]);
    for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
    await admin.end();
  };
}
