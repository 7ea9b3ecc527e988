import { loadConfig, type Config } from '../config/config.js';

export interface DatabaseFlags {
  dataDir?: string;
  databaseUrl?: string;
}

export function configFrom(flags: DatabaseFlags & { port?: string; host?: string }): Config {
  return loadConfig(process.env, {
    ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
    ...(flags.databaseUrl !== undefined ? { databaseUrl: flags.databaseUrl } : {}),
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    ...(flags.host !== undefined ? { host: flags.host } : {}),
  });
}

export function describeDatabase(config: Config): string {
  if (config.database.kind === 'postgres') {
    const url = new URL(config.database.url);
    return `PostgreSQL at ${url.hostname}:${url.port || '5432'}${url.pathname}`;
  }
  return `embedded PostgreSQL (PGlite) in ${config.dataDir}`;
}
