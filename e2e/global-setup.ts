import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/**
 * The browser tests drive the web interface the server serves from packages/web/dist:
 * build it first, so they always test the source as it is (a stale or missing build
 * would test something else, or the placeholder page).
 */
export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../packages/web/', import.meta.url));
  const started = Date.now();
  // Vite bundles React's development build when NODE_ENV says so, and vitest sets it to
  // "test": build what `npm run build:web` builds, the production bundle.
  const nodeEnv = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    await build({ root, configFile: `${root}vite.config.ts`, logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = nodeEnv;
  }
  console.log(`e2e: built the web interface in ${Date.now() - started} ms`);
}
