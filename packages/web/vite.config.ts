import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * src/govuk.scss compiles govuk-frontend with Safekeep's settings (Arial, no crest). Any
 * image its stylesheet still refers to as /assets/images/… comes from the package, so
 * Vite copies the ones the CSS uses into dist/assets with content hashes, like our own.
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
    // govuk-frontend keeps old-IE media hacks that Vite's CSS minifier (lightningcss)
    // rejects; the stylesheet is 18 kB gzipped as it is.
    cssMinify: false,
  },
  server: {
    proxy: { '/api': api, '/healthz': api, '/readyz': api },
  },
});
