import { systemClock } from '@safekeep/core';
import { prepare } from '../bootstrap.js';
import { configFrom, describeDatabase, type DatabaseFlags } from './shared.js';

export async function migrateCommand(flags: DatabaseFlags): Promise<void> {
  const config = configFrom(flags);
  const { database, migrations } = await prepare(config, systemClock);
  console.log(`Database: ${describeDatabase(config)}`);
  if (migrations.length === 0) console.log('No migrations to apply: the database is up to date.');
  for (const m of migrations) console.log(`${m.status === 'Success' ? 'applied' : m.status.toLowerCase()}  ${m.name}`);
  await database.close();
}
