import type { FastifyBaseLogger } from 'fastify';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * What Safekeep's logs may hold: request ids, methods, route patterns (`/api/v1/children/:id`),
 * paths without their query string, status codes, timings, user ids and the kind of an
 * error. Never query strings (a search holds a child's name or date of birth), bodies,
 * headers that carry credentials (Authorization, Cookie, Set-Cookie, X-CSRF-Token),
 * tokens or passwords.
 *
 * Fastify's own request lines are switched off (app.ts writes one line per request
 * itself); these serializers and redactions are the second line: they cover anything
 * else that logs a request, a reply or an error, including Fastify's internals at
 * debug and trace level.
 */

/** Paths pino blanks wherever they turn up in a log line's object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'req.body',
  'req.query',
  'body',
  'query',
  'password',
  'token',
  'csrfToken',
  '*.password',
  '*.token',
  '*.csrfToken',
  'err.rawPacket',
];

/** A URL's path without its query string or fragment. */
export function pathOnly(url: string | undefined): string | undefined {
  return url?.split(/[?#]/, 1)[0];
}

// A quoted value after a colon or comma (`invalid input syntax for type date: "…"`,
// `Unexpected token 'J', "Jane" is not valid JSON`), or a query string after a path:
// database and parser messages quote what they were given.
const QUOTED_VALUE = /([:,] )"(?:[^"\\]|\\.)*"/g;
const QUERY_STRING = /(\/[^\s"'?]*)\?[^\s"'`]*/g;

/** Takes the values out of an error message, keeping its shape. */
export function scrub(text: string): string {
  return text.replace(QUOTED_VALUE, '$1"…"').replace(QUERY_STRING, '$1?…');
}

interface RequestLike {
  id?: unknown;
  method?: string;
  url?: string;
  routeOptions?: { url?: string };
}

interface ErrorLike {
  name?: string;
  type?: string;
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  stack?: unknown;
}

export const serializers = {
  req(req: RequestLike) {
    return { id: req.id, method: req.method, route: req.routeOptions?.url, path: pathOnly(req.url) };
  },
  res(reply: { statusCode?: number }) {
    return { statusCode: reply.statusCode };
  },
  err(err: ErrorLike) {
    if (typeof err !== 'object' || err === null) return { message: scrub(String(err)) };
    return {
      type: err.type ?? err.name ?? err.constructor?.name,
      code: err.code,
      statusCode: err.statusCode,
      message: typeof err.message === 'string' ? scrub(err.message) : undefined,
      stack: typeof err.stack === 'string' ? scrub(err.stack) : undefined,
    };
  },
};

/** Applies Safekeep's serializers and redactions to a logger someone else made. */
export function hardenLogger(logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger.child({}, { serializers, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

/** The server's logger: JSON lines, nothing personal, query strings cut from messages too. */
export function createLogger(options: { level: string; base?: Record<string, unknown> }, destination?: DestinationStream): Logger {
  const settings: LoggerOptions = {
    level: options.level,
    ...(options.base !== undefined ? { base: options.base } : {}),
    serializers,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      // Fastify's few warnings that quote a URL (e.g. "Reply was already sent … /path?q=…").
      logMethod(args, method) {
        const clean = args.map((a: unknown) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>;
        method.apply(this, clean);
      },
    },
  };
  return destination === undefined ? pino(settings) : pino(settings, destination);
}
