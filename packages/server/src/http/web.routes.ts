import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from './app-types.js';
import { registerHomeRoutes } from './home.routes.js';
import { API_CSP, WEB_CSP } from './security-headers.js';

/**
 * The web interface at `/`: the files Vite built (packages/web/dist), and index.html for
 * every other GET that is not the server's own (the app routes in the browser: /children/…).
 * Paths the server owns (/api, /healthz, /readyz) and missing files under /assets keep
 * their problem+json 404. Without a built app, `/` stays the placeholder page, so a server
 * without the web build still starts and says where the API is.
 */

/** Paths that are never the app's: a miss there is a real 404, not a page of the app. */
const SERVER_PATHS = /^\/(api|healthz|readyz|assets)(\/|$)/;

export function isAppRoute(path: string): boolean {
  return !SERVER_PATHS.test(path);
}

export type WebInterface = 'app' | 'placeholder';

export async function registerWebRoutes(app: App, root: string | null): Promise<WebInterface> {
  const indexFile = root === null ? null : join(root, 'index.html');
  if (root === null || indexFile === null || !existsSync(indexFile)) {
    registerHomeRoutes(app);
    return 'placeholder';
  }
  // Read once: the page is small and fixed for the life of the process (a rebuild means a restart).
  const index = readFileSync(indexFile);
  const sendIndex = (reply: FastifyReply) =>
    // Revalidated every time, so a new build is picked up; the hashed files it names are immutable.
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);

  await app.register(async (web) => {
    // Everything here is public (the app signs in through the API) and served under WEB_CSP.
    web.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), public: true, securityHeaders: WEB_CSP };
    });
    await web.register(fastifyStatic, {
      root,
      prefix: '/',
      // One route per built file, found at start: nothing else on disk can be reached.
      wildcard: false,
      index: false,
      globIgnore: ['index.html'],
      dotfiles: 'ignore',
      decorateReply: false,
      cacheControl: false,
      setHeaders: (reply, path) => {
        // Vite names what it emits under assets/ by content hash: cache it for good.
        reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    web.get('/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
    web.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (!isAppRoute(path)) {
        // The API's own 404, under the API's locked-down policy rather than the app's.
        reply.securityHeaders(API_CSP);
        return reply.callNotFound();
      }
      return sendIndex(reply);
    });
  });
  return 'app';
}
