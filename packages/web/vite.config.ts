import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * govuk-frontend's compiled stylesheet refers to its fonts and images as /assets/fonts/…
 * and /assets/images/…: point those at the package, so Vite copies the ones the CSS uses
 * into dist/assets with content hashes, like our own files.
 *
 * `npm run dev -w @safekeep/web` serves the app with hot reload and sends /api, /healthz
 * and /readyz to a Safekeep server (SAFEKEEP_API, default http://localhost:3000).
 */
const api = process.env['SAFEKEEP_API'] ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [{ find: /^\/assets\/(fonts|images)\//, replacement: 'govuk-frontend/dist/govuk/assets/$1/' }],
  },
  build: {
    // Safekeep serves dist/ itself; no source maps of the app are published with it.
    sourcemap: false,
    // Never inline a file as a data: URL: the server's Content-Security-Policy allows only 'self'.
    assetsInlineLimit: 0,
    target: 'es2022',
    // govuk-frontend's stylesheet comes minified and keeps old-IE media hacks that Vite's
    // CSS minifier (lightningcss) rejects; our own few rules need no minifying.
    cssMinify: false,
  },
  server: {
    proxy: { '/api': api, '/healthz': api, '/readyz': api },
  },
});
