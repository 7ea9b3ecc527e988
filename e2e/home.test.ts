import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, serve, type Served } from '../packages/server/test/cli.js';
import { launchChromium } from './browser.js';

let server: Served;
let browser: Browser;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'safekeep-e2e-'));
  server = await serve(['--data-dir', dir, '--port', String(await freePort())]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the home page in a real browser', () => {
  it('opens the web interface, whose footer leads to the API documentation, which renders the OpenAPI', async () => {
    const page = await browser.newPage();
    // The security headers' Content-Security-Policy must not block anything these pages need.
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to|Trusted ?Type/i.test(message.text())) blocked.push(message.text());
    });
    await page.goto(server.url);
    // Signed out, the app asks for a sign-in; its footer links to the API documentation.
    await page.waitForURL(/\/sign-in/);
    await expect.poll(() => page.title()).toBe('Sign in – Safekeep');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in to Safekeep');
    await page.getByRole('contentinfo').getByRole('link', { name: 'API documentation' }).click();
    await page.waitForURL(/\/api\/docs/);
    await page.getByText('Safekeep API').first().waitFor({ timeout: 30_000 });
    await page.getByText('/api/v1/children/{id}/entries').first().waitFor();
    // Open one operation: its schemas, examples and "Try it out" render without a violation.
    await page.getByText('/api/v1/session').first().click();
    await page.getByRole('button', { name: 'Try it out' }).first().waitFor();
    expect(blocked).toEqual([]);
    await page.screenshot({ path: join(tmpdir(), 'safekeep-e2e-docs.png') });
    await page.close();
  });
});
