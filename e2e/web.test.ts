import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, serve, type Served } from '../packages/server/test/cli.js';
import { launchChromium } from './browser.js';

/**
 * The web interface in a real browser against a real `safekeep serve --demo` (the demo
 * authority's seeded records, its printed logins). What each page shows is checked
 * against what the API answers the same signed-in user, so the test holds whatever the
 * seed's random history turns out to be.
 */
const PASSWORD = 'safekeep-demo-2026';

let server: Served;
let browser: Browser;
/** Console messages that mean the Content-Security-Policy (or Trusted Types) blocked something. */
const blocked: string[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'safekeep-e2e-web-'));
  server = await serve(['--demo', '--data-dir', dir, '--port', String(await freePort())], {}, 280_000);
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to|Trusted ?Type/i.test(message.text())) blocked.push(message.text());
  });
  page.on('pageerror', (error) => blocked.push(`uncaught: ${error.message}`));
  return { context, page };
}

async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** GET through the page's own session cookie: what the API tells this user. */
async function apiGet<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(`${server.url}${path}`);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

interface ChildSummary {
  id: string;
  givenName: string;
  familyName: string;
}
interface Entry {
  id: string;
  kind: string;
  title: string;
  recordingDueBy: string | null;
  recordedLate: boolean | null;
}
interface Page_<T> {
  items: T[];
  nextCursor: string | null;
}

describe('signing in', () => {
  it('names the fields in an error summary that takes focus, and a wrong password is refused the same way', async () => {
    const { context, page } = await newPage();
    await page.goto(`${server.url}/children`);
    await page.waitForURL(/\/sign-in\?next=%2Fchildren/);
    await expect.poll(() => page.title()).toBe('Sign in – Safekeep');

    await page.getByRole('button', { name: 'Sign in' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    expect(await summary.getByRole('link').allTextContents()).toEqual(['Enter your username', 'Enter your password']);
    expect(await page.evaluate<string>('document.activeElement.className')).toContain('govuk-error-summary');
    await expect.poll(() => page.title()).toBe('Error: Sign in – Safekeep');
    // Each item leads to its field.
    await summary.getByRole('link', { name: 'Enter your password' }).click();
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('password');

    await signIn(page, 'sw.amara', 'not-the-password');
    await summary.getByText('The username or password is not right').waitFor();
    expect(await summary.getByRole('link').getAttribute('href')).toBe('#username');
    await expect(page.locator('#username-error').textContent()).resolves.toContain('The username or password is not right');
    expect(page.url()).toMatch(/\/sign-in/);
    // Nothing signed in: the API still refuses this browser.
    expect((await page.request.get(`${server.url}/api/v1/me`)).status()).toBe(401);
    await context.close();
  });
});

describe('a social worker', () => {
  it('searches for a child, opens the record, reads the chronology (a page at a time) and the retention panel, and signs out', async () => {
    const { context, page } = await newPage();
    await page.goto(server.url);
    await page.waitForURL(/\/sign-in/);
    await signIn(page, 'sw.amara');
    await page.waitForURL(/\/children$/);
    await page.getByRole('navigation', { name: 'Menu' }).getByText('Amara Okafor').waitFor();

    // The list is exactly what the API lets this user see.
    const visible = await apiGet<Page_<ChildSummary>>(page, '/api/v1/children?limit=25');
    expect(visible.items.length).toBeGreaterThan(0);
    const rows = page.locator('table.govuk-table tbody tr');
    await rows.first().waitFor();
    expect(await rows.locator('td:first-child a').allTextContents()).toEqual(visible.items.map((c) => `${c.givenName} ${c.familyName}`));

    // A child whose first page of chronology has a visit recorded late (the demo has some).
    let chosen: { child: ChildSummary; entries: Page_<Entry> } | null = null;
    for (const child of visible.items) {
      const entries = await apiGet<Page_<Entry>>(page, `/api/v1/children/${child.id}/entries?limit=20`);
      if (entries.nextCursor !== null && entries.items.some((e) => e.recordedLate === true)) {
        chosen = { child, entries };
        break;
      }
    }
    expect(chosen, 'a visible child with a late visit and more than one page of entries').not.toBeNull();
    const { child, entries } = chosen as NonNullable<typeof chosen>;

    // Search by family name: the rows are the API's answer to the same search.
    await page.getByLabel(/Search by name/).fill(child.familyName);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(new RegExp(`/children\\?q=${encodeURIComponent(child.familyName)}`));
    const found = await apiGet<Page_<ChildSummary>>(page, `/api/v1/children?q=${encodeURIComponent(child.familyName)}&limit=25`);
    await page.getByRole('table').getByRole('link', { name: `${child.givenName} ${child.familyName}` }).waitFor();
    expect(await rows.locator('td:first-child a').allTextContents()).toEqual(found.items.map((c) => `${c.givenName} ${c.familyName}`));

    await page.getByRole('link', { name: `${child.givenName} ${child.familyName}` }).click();
    await page.waitForURL(`${server.url}/children/${child.id}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`${child.givenName} ${child.familyName}`);
    await page.getByRole('table', { name: 'Involvements' }).or(page.getByText('No involvements are recorded.')).first().waitFor();

    // The chronology: the API's first page, newest first, then "Load more" appends the next.
    const chronology = page.getByRole('list', { name: 'Entries, newest first' });
    await chronology.waitFor();
    const titles = chronology.locator('> li h3');
    const shownTitles = async () => (await titles.allTextContents()).map((t) => t.trim());
    expect((await shownTitles()).map((t, i) => t.endsWith(entries.items[i]?.title ?? '?'))).toEqual(entries.items.map(() => true));
    const visits = entries.items.filter((e) => e.recordingDueBy !== null);
    expect(await chronology.getByText('Recording due by').count()).toBe(visits.length);
    expect(await chronology.getByText('Recorded late', { exact: true }).count()).toBe(entries.items.filter((e) => e.recordedLate === true).length);
    const second = await apiGet<Page_<Entry>>(page, `/api/v1/children/${child.id}/entries?limit=20&cursor=${encodeURIComponent(entries.nextCursor ?? '')}`);
    await page.getByRole('button', { name: 'Load more' }).click();
    await titles.nth(entries.items.length + second.items.length - 1).waitFor();
    expect(await titles.count()).toBe(entries.items.length + second.items.length);
    expect((await shownTitles())[entries.items.length]).toContain(second.items[0]?.title ?? '?');

    // Retention: the destruction date and rules, and the standing IICSA hold as DO NOT DESTROY.
    const retention = await apiGet<{ doNotDestroy: boolean; holds: Array<{ name: string }>; destructionDate: string | null; rules: Array<{ id: string }>; blockers: unknown[] }>(
      page,
      `/api/v1/children/${child.id}/retention`,
    );
    expect(retention.doNotDestroy).toBe(true);
    const panel = page.getByTestId('retention-panel');
    await panel.waitFor();
    await panel.getByText('DO NOT DESTROY', { exact: true }).waitFor();
    expect(await panel.locator('.govuk-tag--red', { hasText: 'DO NOT DESTROY' }).count()).toBe(1);
    for (const hold of retention.holds) await panel.getByText(hold.name, { exact: true }).first().waitFor();
    const dateRow = panel.locator('.govuk-summary-list__row', { has: page.getByText('Destruction date', { exact: true }) });
    if (retention.destructionDate !== null) {
      const long = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${retention.destructionDate}T00:00:00Z`));
      await expect(dateRow.locator('dd').textContent()).resolves.toBe(long);
    } else {
      await expect(dateRow.locator('dd').textContent()).resolves.toMatch(/^(Not set yet|Needs a decision|No rule)/);
    }
    for (const rule of retention.rules) await panel.getByRole('cell', { name: new RegExp(`^${rule.id}`) }).waitFor();
    const blockers = panel.getByRole('list', { name: 'What stops this record being destroyed' });
    expect(await blockers.locator('li').count()).toBe(retention.blockers.length);
    await blockers.getByText(/^A hold applies: .*iicsa/i).waitFor();
    await page.screenshot({ path: join(tmpdir(), 'safekeep-e2e-child.png'), fullPage: true });

    // Signing out ends the session on the server (the DELETE carried the CSRF token).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in\?ended=signed-out/);
    await page.getByText('You have signed out.').waitFor();
    expect((await page.request.get(`${server.url}/api/v1/me`)).status()).toBe(401);
    await page.goto(`${server.url}/children/${child.id}`);
    await page.waitForURL(/\/sign-in\?next=/);
    await context.close();
  });
});

describe('a records officer', () => {
  it('sees every rule of the retention schedule, the unverified ones tagged with the API’s warning', async () => {
    const { context, page } = await newPage();
    await page.goto(`${server.url}/retention`);
    await page.waitForURL(/\/sign-in\?next=%2Fretention/);
    await signIn(page, 'ro.mike');
    await page.waitForURL(/\/retention$/);
    await page.getByRole('heading', { name: 'Retention schedule', level: 1 }).waitFor();

    const schedule = await apiGet<{ rules: Array<{ id: string; verified: boolean; flag: string | null; years: number | null }> }>(page, '/api/v1/retention/rules');
    const unverified = schedule.rules.filter((r) => !r.verified);
    expect(unverified.length).toBeGreaterThan(0);
    const cards = page.locator('.govuk-summary-card');
    expect(await cards.count()).toBe(schedule.rules.length);
    for (const rule of schedule.rules) {
      const card = page.locator(`[id="rule-${rule.id}"]`);
      await expect(card.locator('.govuk-summary-card__title').textContent()).resolves.toContain(rule.id);
      await card.getByText('Period', { exact: true }).waitFor();
      await card.getByText(rule.years === null ? /^No fixed period/ : new RegExp(`^${rule.years} years? from`)).waitFor();
      const tags = card.locator('.govuk-tag--orange', { hasText: 'Unverified' });
      if (rule.verified) {
        expect(await tags.count(), rule.id).toBe(0);
      } else {
        expect(await tags.count(), rule.id).toBeGreaterThan(0);
        await card.getByText(rule.flag ?? 'no flag from the API').waitFor();
      }
    }
    await page.getByText(`${unverified.length} of ${schedule.rules.length} rules are unverified.`).waitFor();
    await page.screenshot({ path: join(tmpdir(), 'safekeep-e2e-retention.png') });
    await context.close();
  });
});

describe('the whole visit', () => {
  it('was never blocked by the Content-Security-Policy', () => {
    expect(blocked).toEqual([]);
  });
});
