import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';

// Migrations are written against an untyped handle: the schema they create is what the types describe.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function migrator(db: AnyDb): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
    migrationTableName: 'schema_migration',
    migrationLockTableName: 'schema_migration_lock',
  });
}

export interface MigrationReport {
  name: string;
  status: 'Success' | 'Error' | 'NotExecuted';
}

/** Applies every pending migration; throws if one fails (nothing of it is kept). */
export async function migrateToLatest(db: AnyDb): Promise<MigrationReport[]> {
  const result: MigrationResultSet = await migrator(db).migrateToLatest();
  const report = (result.results ?? []).map((r) => ({ name: r.migrationName, status: r.status }));
  if (result.error !== undefined) {
    const why = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`Migration failed: ${report.find((r) => r.status === 'Error')?.name ?? 'unknown'}: ${why}`, { cause: result.error });
  }
  return report;
}

/** Names of migrations not yet applied (for /readyz). */
export async function pendingMigrations(db: AnyDb): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
