import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { Type, type Static } from 'typebox';
import { DEFAULT_LOGIN_RATE_LIMIT } from '../http/login-rate-limit.js';
import { DEFAULT_SESSION_POLICY } from '../users/sessions.service.js';

/**
 * Configuration is read once, here, from the environment and the command line, checked
 * against a schema, and every bad value is reported together. Nothing else reads
 * process.env.
 */
const ConfigSchema = Type.Object(
  {
    database: Type.Union([
      Type.Object({ kind: Type.Literal('pglite') }, { additionalProperties: false }),
      Type.Object({ kind: Type.Literal('postgres'), url: Type.String({ pattern: '^postgres(ql)?://' }) }, { additionalProperties: false }),
    ]),
    dataDir: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    host: Type.String({ minLength: 1 }),
    adminPassword: Type.Union([Type.String({ minLength: 12 }), Type.Null()]),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
    session: Type.Object(
      {
        idleMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
        absoluteHours: Type.Integer({ minimum: 1, maximum: 7 * 24 }),
        throttleAfter: Type.Integer({ minimum: 1, maximum: 100 }),
        lockAfter: Type.Integer({ minimum: 2, maximum: 1000 }),
      },
      { additionalProperties: false },
    ),
    loginRateLimit: Type.Object(
      {
        windowSeconds: Type.Integer({ minimum: 1, maximum: 24 * 3600 }),
        perIp: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        perUsername: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
      },
      { additionalProperties: false },
    ),
    /** Mark session cookies Secure (and name them __Host-…). Off only for plain-http development away from localhost. */
    cookieSecure: Type.Boolean(),
    /** How long a break-glass opening lasts. */
    breakGlassMinutes: Type.Integer({ minimum: 1, maximum: 240 }),
    /** Fastify's trustProxy: false, true, a hop count, or a comma-separated list of proxy addresses/CIDRs. */
    trustProxy: Type.Union([Type.Boolean(), Type.Integer({ minimum: 1, maximum: 100 }), Type.String({ minLength: 1 })]),
    /** The built web interface served at /; when it holds no index.html, / is a placeholder page. */
    webDir: Type.String({ minLength: 1 }),
    limits: Type.Object(
      {
        jsonBodyBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 }),
        uploadBytes: Type.Integer({ minimum: 1024, maximum: 4 * 1024 * 1024 * 1024 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

/** The web interface's build in this checkout (`npm run build -w @safekeep/web`). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** What the command line may say; each overrides the environment. */
export interface ConfigFlags {
  dataDir?: string;
  databaseUrl?: string;
  port?: string;
  host?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function integer(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    problems.push(`${name} must be a whole number, not "${raw}"`);
    return fallback;
  }
  return Number(raw);
}

function boolean(name: string, raw: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (/^(true|yes|1|on)$/i.test(raw)) return true;
  if (/^(false|no|0|off)$/i.test(raw)) return false;
  problems.push(`${name} must be true or false, not "${raw}"`);
  return fallback;
}

function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || /^false$/i.test(raw)) return false;
  if (/^true$/i.test(raw)) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags = {}, cwd = process.cwd()): Config {
  const problems: string[] = [];
  if (flags.dataDir !== undefined && flags.databaseUrl !== undefined) {
    problems.push('give --data-dir or --database-url, not both');
  }
  const databaseUrl = flags.databaseUrl ?? (flags.dataDir === undefined ? env['DATABASE_URL'] : undefined);
  const candidate = {
    database: databaseUrl !== undefined && databaseUrl !== '' ? { kind: 'postgres', url: databaseUrl } : { kind: 'pglite' },
    dataDir: resolve(cwd, flags.dataDir ?? env['SAFEKEEP_DATA_DIR'] ?? './data'),
    port: integer('PORT', flags.port ?? env['PORT'], 3000, problems),
    host: flags.host ?? env['HOST'] ?? '127.0.0.1',
    adminPassword: env['SAFEKEEP_ADMIN_PASSWORD'] ?? null,
    logLevel: env['SAFEKEEP_LOG_LEVEL'] ?? 'info',
    session: {
      idleMinutes: integer('SAFEKEEP_SESSION_IDLE_MINUTES', env['SAFEKEEP_SESSION_IDLE_MINUTES'], DEFAULT_SESSION_POLICY.idleMinutes, problems),
      absoluteHours: integer('SAFEKEEP_SESSION_ABSOLUTE_HOURS', env['SAFEKEEP_SESSION_ABSOLUTE_HOURS'], DEFAULT_SESSION_POLICY.absoluteHours, problems),
      throttleAfter: integer('SAFEKEEP_LOGIN_THROTTLE_AFTER', env['SAFEKEEP_LOGIN_THROTTLE_AFTER'], DEFAULT_SESSION_POLICY.throttleAfter, problems),
      lockAfter: integer('SAFEKEEP_LOGIN_LOCK_AFTER', env['SAFEKEEP_LOGIN_LOCK_AFTER'], DEFAULT_SESSION_POLICY.lockAfter, problems),
    },
    loginRateLimit: {
      windowSeconds: integer('SAFEKEEP_LOGIN_RATE_WINDOW_SECONDS', env['SAFEKEEP_LOGIN_RATE_WINDOW_SECONDS'], DEFAULT_LOGIN_RATE_LIMIT.windowSeconds, problems),
      perIp: integer('SAFEKEEP_LOGIN_RATE_PER_IP', env['SAFEKEEP_LOGIN_RATE_PER_IP'], DEFAULT_LOGIN_RATE_LIMIT.perIp, problems),
      perUsername: integer('SAFEKEEP_LOGIN_RATE_PER_USERNAME', env['SAFEKEEP_LOGIN_RATE_PER_USERNAME'], DEFAULT_LOGIN_RATE_LIMIT.perUsername, problems),
    },
    cookieSecure: boolean('SAFEKEEP_COOKIE_SECURE', env['SAFEKEEP_COOKIE_SECURE'], true, problems),
    breakGlassMinutes: integer('SAFEKEEP_BREAK_GLASS_MINUTES', env['SAFEKEEP_BREAK_GLASS_MINUTES'], 30, problems),
    trustProxy: trustProxy(env['SAFEKEEP_TRUST_PROXY']),
    webDir: resolve(cwd, env['SAFEKEEP_WEB_DIR'] || DEFAULT_WEB_DIR),
    limits: {
      jsonBodyBytes: integer('SAFEKEEP_MAX_JSON_BYTES', env['SAFEKEEP_MAX_JSON_BYTES'], 1024 * 1024, problems),
      uploadBytes: integer('SAFEKEEP_MAX_UPLOAD_BYTES', env['SAFEKEEP_MAX_UPLOAD_BYTES'], 50 * 1024 * 1024, problems),
    },
  };
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile<Config>(ConfigSchema);
  if (!validate(candidate)) {
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'anyOf') continue;
      problems.push(`${describe(e.instancePath)} ${e.message ?? 'is not valid'}`);
    }
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return candidate as Config;
}

const NAMES: Record<string, string> = {
  '/database/url': '--database-url / DATABASE_URL',
  '/dataDir': '--data-dir / SAFEKEEP_DATA_DIR',
  '/port': '--port / PORT',
  '/host': '--host / HOST',
  '/adminPassword': 'SAFEKEEP_ADMIN_PASSWORD (at least 12 characters)',
  '/logLevel': 'SAFEKEEP_LOG_LEVEL',
  '/session/idleMinutes': 'SAFEKEEP_SESSION_IDLE_MINUTES',
  '/session/absoluteHours': 'SAFEKEEP_SESSION_ABSOLUTE_HOURS',
  '/session/throttleAfter': 'SAFEKEEP_LOGIN_THROTTLE_AFTER',
  '/session/lockAfter': 'SAFEKEEP_LOGIN_LOCK_AFTER',
  '/loginRateLimit/windowSeconds': 'SAFEKEEP_LOGIN_RATE_WINDOW_SECONDS',
  '/loginRateLimit/perIp': 'SAFEKEEP_LOGIN_RATE_PER_IP',
  '/loginRateLimit/perUsername': 'SAFEKEEP_LOGIN_RATE_PER_USERNAME',
  '/cookieSecure': 'SAFEKEEP_COOKIE_SECURE',
  '/breakGlassMinutes': 'SAFEKEEP_BREAK_GLASS_MINUTES (1 to 240)',
  '/trustProxy': 'SAFEKEEP_TRUST_PROXY',
  '/webDir': 'SAFEKEEP_WEB_DIR',
  '/limits/jsonBodyBytes': 'SAFEKEEP_MAX_JSON_BYTES',
  '/limits/uploadBytes': 'SAFEKEEP_MAX_UPLOAD_BYTES',
};

function describe(path: string): string {
  return NAMES[path] ?? (path || 'configuration');
}

/** Where the embedded database and the document store live under the data directory. */
export function pgliteDir(config: Pick<Config, 'dataDir'>): string {
  return resolve(config.dataDir, 'pglite');
}

export function blobDir(config: Pick<Config, 'dataDir'>): string {
  return resolve(config.dataDir, 'blobs');
}
