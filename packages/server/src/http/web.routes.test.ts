import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../test/harness.js';
import { isAppRoute } from './web.routes.js';

/**
 * The server's side of the web interface: a built app (here a small stand-in for
 * packages/web/dist, so this runs without a Vite build) is served at /, client routes
 * fall back to its index.html, and the server's own paths keep their 404s.
 */
const INDEX = '<!doctype html><html lang="en-GB"><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

let h: Harness;
let bare: Harness;

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), 'safekeep-web-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), INDEX);
  await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log("app")');
  await writeFile(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(root, '.env'), 'SECRET=1');
  h = await startHarness({ webRoot: root });
  // A server pointed at a folder with no build in it.
  bare = await startHarness({ webRoot: await mkdtemp(join(tmpdir(), 'safekeep-web-empty-')) });
});
afterAll(async () => {
  await h?.close();
  await bare?.close();
});

describe('the web interface at /', () => {
  it('serves the app’s index.html at / under a strict policy that lets its own files load', async () => {
    const res = await h.request('GET', '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.raw).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-cache');
    const csp = String(res.headers['content-security-policy']);
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "font-src 'self'", "img-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "script-src-attr 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-|data:|https?:/);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('falls back to index.html for the app’s own routes, with or without a query', async () => {
    for (const url of ['/children/abc', '/children/9f1c6d1e-0000-4000-8000-000000000000', '/retention?x=1', '/sign-in', '/children/']) {
      const res = await h.request('GET', url);
      expect(res.status, url).toBe(200);
      expect(res.raw, url).toBe(INDEX);
    }
    const head = await h.app.inject({ method: 'HEAD', url: '/children/abc' });
    expect(head.statusCode).toBe(200);
  });

  it('serves built files, hashed ones cached for good, and nothing else from the folder', async () => {
    const js = await h.request('GET', '/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(String(js.headers['content-type'])).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await h.request('GET', '/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
    // A file that is not there under /assets is a 404, not the app's page in place of a script.
    const missing = await h.request('GET', '/assets/index-gone.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    const dotfile = await h.request('GET', '/.env');
    expect(dotfile.raw).not.toContain('SECRET');
  });

  it('keeps the API’s problem+json 404 and locked-down policy for paths the app does not own', async () => {
    for (const url of ['/api/v1/nope', '/api/nope', '/api', '/healthz/extra']) {
      const res = await h.request('GET', url);
      expect(res.status, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(res.body, url).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect(res.headers['content-security-policy'], url).toBe("default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'");
    }
    // The API itself, health checks and documentation are still what they were.
    expect((await h.request('GET', '/api/v1/me')).status).toBe(401);
    expect((await h.request('GET', '/healthz')).status).toBe(200);
    expect((await h.request('GET', '/api/openapi.json')).status).toBe(200);
    expect((await h.request('GET', '/api/docs')).status).toBe(200);
    // A change to a client route is not something the app answers.
    expect((await h.request('POST', '/children/abc', { body: {} })).status).toBe(404);
  });

  it('tells app routes from the server’s paths', () => {
    expect(['/', '/children', '/children/x', '/retention', '/apiary', '/assetsx'].every(isAppRoute)).toBe(true);
    expect(['/api', '/api/', '/api/v1/children', '/healthz', '/readyz', '/assets/x.js'].some(isAppRoute)).toBe(false);
  });
});

describe('without a built app', () => {
  it('keeps the placeholder page at /, and client routes are 404s', async () => {
    const res = await bare.request('GET', '/');
    expect(res.status).toBe(200);
    expect(res.raw).toContain('/api/docs');
    expect(res.raw).toContain('Case records for children’s services');
    expect((await bare.request('GET', '/children/abc')).status).toBe(404);
  });
});
