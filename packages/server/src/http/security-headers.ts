import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's security headers (default API_CSP). */
    securityHeaders?: HelmetOptions;
  }
  interface FastifyReply {
    /** Sets this reply's security headers again, from other options (e.g. the API's on a 404 of the app's routes). */
    securityHeaders(options: HelmetOptions): void;
  }
}

/**
 * Security headers, set by helmet on every response (errors included):
 *   Content-Security-Policy (below), Strict-Transport-Security (a year, subdomains),
 *   X-Content-Type-Options: nosniff, X-Frame-Options: DENY, Referrer-Policy: no-referrer,
 *   Cross-Origin-Opener-Policy and -Resource-Policy: same-origin, Origin-Agent-Cluster,
 *   X-DNS-Prefetch-Control: off, X-Download-Options: noopen,
 *   X-Permitted-Cross-Domain-Policies: none, X-XSS-Protection: 0.
 * app.ts adds Cache-Control: no-store to everything under /api/v1.
 */

const LOCKED_DOWN = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

const COMMON = {
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: { maxAge: 365 * 24 * 3600, includeSubDomains: true },
  crossOriginResourcePolicy: { policy: 'same-origin' },
} as const;

/** The API answers JSON, files and problem documents: a page could load nothing at all. */
export const API_CSP: HelmetOptions = {
  ...COMMON,
  contentSecurityPolicy: { useDefaults: false, directives: LOCKED_DOWN },
};

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The <style> elements Swagger UI's scripts create with fixed content (its logo's SVG
 * carries one), as CSP hashes: read from the installed bundles, so an upgrade that
 * changes them still matches, and no other inline style is allowed.
 */
function swaggerUiStyleHashes(): string[] {
  const dir = join(dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui')), 'static');
  const hashes = new Set<string>();
  for (const file of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const m of source.matchAll(/createElement\("style",null,"((?:[^"\\]|\\.)*)"\)/g)) {
      try {
        hashes.add(sha256(JSON.parse(`"${m[1] ?? ''}"`) as string));
      } catch {
        // A literal JSON cannot read (e.g. a \x escape): that style stays blocked, the page still works.
      }
    }
  }
  return [...hashes];
}

/**
 * Swagger UI at /api/docs: its HTML loads its scripts and styles from /api/docs/static and
 * fetches the OpenAPI document from /api/docs/json, all same-origin; its icons are data:
 * images. No inline script, no eval, nothing from another origin; inline styles only
 * those its own scripts create (by hash).
 */
export const DOCS_CSP: HelmetOptions = {
  ...COMMON,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      ...LOCKED_DOWN,
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      'style-src': ["'self'", ...swaggerUiStyleHashes()],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      // Its "Try it out" forms are submitted by script (fetch), not by the browser.
      'form-action': ["'self'"],
    },
  },
};

/**
 * The web interface (packages/web, built by Vite): one HTML page whose scripts, stylesheet,
 * fonts and images are files from this server, and which talks only to this server's API.
 * No inline script or style, no eval, no data: URLs (Vite is told never to inline assets),
 * nothing from another origin. Its forms are handled by script (fetch); a plain GET search
 * form may still submit to the app itself.
 */
export const WEB_CSP: HelmetOptions = {
  ...COMMON,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      ...LOCKED_DOWN,
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      'style-src': ["'self'"],
      'img-src': ["'self'"],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'manifest-src': ["'self'"],
      'object-src': ["'none'"],
      'form-action': ["'self'"],
      'require-trusted-types-for': ["'script'"],
      'trusted-types': ["'none'"],
    },
  },
};

/** The placeholder page at /: its one inline stylesheet, allowed by hash, and nothing else. */
export function pageCsp(inlineStyle: string): HelmetOptions {
  return {
    ...COMMON,
    contentSecurityPolicy: { useDefaults: false, directives: { ...LOCKED_DOWN, 'style-src': [sha256(inlineStyle)], 'img-src': ["'self'"] } },
  };
}

type SetHeaders = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
const built = new WeakMap<HelmetOptions, SetHeaders>();

/** helmet's middleware for these options, built once (building it parses every directive). */
function setHeadersFor(options: HelmetOptions): SetHeaders {
  let set = built.get(options);
  if (set === undefined) {
    set = helmet(options);
    built.set(options, set);
  }
  return set;
}

const ignore = () => undefined;

/**
 * Every response gets its route's security headers (`config.securityHeaders`, by default
 * API_CSP) before any other hook can answer, so refusals and errors carry them too.
 * Registered on the root instance, first.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  for (const options of [API_CSP, DOCS_CSP, WEB_CSP]) setHeadersFor(options);
  app.decorateReply('securityHeaders', function (this: { request: { raw: IncomingMessage }; raw: ServerResponse }, options: HelmetOptions) {
    setHeadersFor(options)(this.request.raw, this.raw, ignore);
  });
  app.addHook('onRequest', (request, reply, done) => {
    setHeadersFor(request.routeOptions.config.securityHeaders ?? API_CSP)(request.raw, reply.raw, ignore);
    done();
  });
}
