import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '@safekeep/core';
import { prepare } from '../bootstrap.js';
import { seedDemo, DEMO_PASSWORD } from '../demo/seed.js';
import { buildApp } from '../http/app.js';
import { createLogger } from '../http/logging.js';
import { scheduleHousekeeping } from '../jobs/housekeeping.js';
import { configFrom, describeDatabase, type DatabaseFlags } from './shared.js';

interface Flags extends DatabaseFlags {
  port?: string;
  host?: string;
  demo?: boolean;
}

export async function serveCommand(flags: Flags): Promise<void> {
  const config = configFrom(flags);
  const logger = createLogger({ level: config.logLevel, base: { service: 'safekeep' } });
  console.log(`Safekeep is starting on ${describeDatabase(config)}…`);
  const { database, blobs, adminCreated } = await prepare(config, systemClock);

  let demo: Awaited<ReturnType<typeof seedDemo>> | null = null;
  if (flags.demo === true) {
    demo = await seedDemo(database, blobs, systemClock, (message) => console.log(`  ${message}`));
  }

  const app = await buildApp({
    database,
    clock: systemClock,
    blobs,
    sessionPolicy: config.session,
    limits: config.limits,
    loginRateLimit: config.loginRateLimit,
    cookies: { secure: config.cookieSecure },
    trustProxy: config.trustProxy,
    breakGlassMinutes: config.breakGlassMinutes,
    webRoot: config.webDir,
    logger,
  });
  const stopHousekeeping = scheduleHousekeeping(database.db, blobs, systemClock, (e) => logger.error({ err: { message: (e as Error).message } }, 'housekeeping failed'));
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('://127.0.0.1', '://localhost');

  const web = existsSync(join(config.webDir, 'index.html'))
    ? `  Web interface: ${url}/`
    : `  Web interface not built (npm run build -w @safekeep/web); ${url}/ is a placeholder page.`;
  const lines = ['', `Safekeep is running at ${url}`, web, `  API documentation: ${url}/api/docs`, `  Database: ${describeDatabase(config)}`];
  if (database.engine === 'pglite') lines.push('  (PGlite suits one laptop and tests; it does not fsync. Use PostgreSQL for real records: --database-url.)');
  if (adminCreated) lines.push('  Created user "admin" with the password from SAFEKEEP_ADMIN_PASSWORD.');
  if (demo !== null) {
    lines.push('', demo.created ? 'Demo authority created: ' + demo.authority : 'Demo authority already present: ' + demo.authority);
    if (demo.logins.length > 0) {
      lines.push(`Demo logins (every password is "${DEMO_PASSWORD}"):`);
      for (const l of demo.logins) lines.push(`  ${l.username.padEnd(14)} ${l.description}`);
    }
    lines.push('', `Try:  curl -s -X POST ${url}/api/v1/session -H 'content-type: application/json' -d '{"username":"sw.amara","password":"${DEMO_PASSWORD}"}'`);
  }
  lines.push('', 'Stop with Ctrl+C.');
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    stopHousekeeping();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
