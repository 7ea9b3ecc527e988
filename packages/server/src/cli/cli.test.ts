import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite, openPostgres, type Database } from '../db/connect.js';
import { freePort, freshDatabaseFlags, runCli, serve } from '../../test/cli.js';
import { testEngine } from '../../test/engine.js';
import { verifyAuditTrail } from '../audit/audit.service.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The command line exactly as API.md describes it, run as separate processes. */
const opened: Database[] = [];
afterAll(async () => {
  for (const d of opened) await d.close();
});

async function openDirect(target: { url: string | null; dir: string }): Promise<Database> {
  const database = target.url !== null ? await openPostgres(target.url, { max: 1 }) : await openPglite({ dataDir: join(target.dir, 'pglite') });
  return database;
}

describe(`safekeep CLI on ${testEngine()}`, () => {
  it('migrate applies each migration once and says so', async () => {
    const target = await freshDatabaseFlags();
    const first = await runCli(['migrate', ...target.flags]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied\s+20261122_0100_foundation/);
    const second = await runCli(['migrate', ...target.flags]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
  });

  it('user add reads the password from stdin, hashes it, and refuses bad input', async () => {
    const target = await freshDatabaseFlags();
    const ok = await runCli(['user', 'add', '--username', 'alice', '--role', 'social-worker', '--role', 'iro', '--password-stdin', ...target.flags], { input: 'a perfectly long password\n' });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Created user alice (social-worker, iro)');
    const badRole = await runCli(['user', 'add', '--username', 'bob', '--role', 'wizard', '--password-stdin', ...target.flags], { input: 'a perfectly long password' });
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('unknown: wizard');
    const shortPassword = await runCli(['user', 'add', '--username', 'carol', '--role', 'dpo', '--password-stdin', ...target.flags], { input: 'short' });
    expect(shortPassword.code).toBe(1);
    expect(shortPassword.stderr).toMatch(/password: must be at least 12 characters/);
    const noTeam = await runCli(['user', 'add', '--username', 'dan', '--role', 'dpo', '--team', 'Nowhere', '--password-stdin', ...target.flags], { input: 'a perfectly long password' });
    expect(noTeam.code).toBe(1);
    expect(noTeam.stderr).toContain('no team called "Nowhere"');
    const database = await openDirect(target);
    const users = await database.db.selectFrom('app_user').select(['username', 'password_hash', 'roles']).execute();
    await database.close();
    expect(users).toEqual([{ username: 'alice', password_hash: expect.stringMatching(/^\$argon2id\$/) as unknown, roles: ['social-worker', 'iro'] }]);
  });

  it('holidays import takes GOV.UK’s file, a date listed twice once, leaves other years alone, and refuses a bad file naming the problem', async () => {
    const target = await freshDatabaseFlags();
    const file = join(target.dir, 'bank-holidays.json');
    const events = [
      { title: 'New Year’s Day', date: '2027-01-01', notes: '', bunting: true },
      { title: 'New Year’s Day', date: '2027-01-01', notes: '', bunting: true },
      { title: 'Good Friday', date: '2027-03-26', notes: '', bunting: false },
    ];
    await writeFile(file, JSON.stringify({ 'england-and-wales': { division: 'england-and-wales', events } }));
    const ok = await runCli(['holidays', 'import', file, ...target.flags]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('england-and-wales: 2 holidays from 2027-01-01');
    await writeFile(file, JSON.stringify({ 'england-and-wales': { division: 'england-and-wales', events: [{ title: 'Leap day', date: '2027-02-29' }] } }));
    const bad = await runCli(['holidays', 'import', file, ...target.flags]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('england-and-wales.events.0.date');
    await writeFile(file, '<html>not JSON</html>');
    const notJson = await runCli(['holidays', 'import', file, ...target.flags]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain(file);
    const database = await openDirect(target);
    const dates = (await database.db.selectFrom('bank_holiday').select('date').where('region', '=', 'england-and-wales').orderBy('date').execute()).map((r) => r.date);
    await database.close();
    expect(dates.filter((d) => d.startsWith('2027-'))).toEqual(['2027-01-01', '2027-03-26']);
    expect(dates).toEqual(expect.arrayContaining(['2026-12-25', '2028-12-25', '2030-12-25']));
  });

  it('refuses --data-dir with --database-url, listing the problem', async () => {
    const res = await runCli(['migrate', '--data-dir', '/tmp/x', '--database-url', 'postgres://localhost/x']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('give --data-dir or --database-url, not both');
  });

  it('serve honours PORT, HOST and SAFEKEEP_ADMIN_PASSWORD; audit verify passes, then catches tampering (exit 1)', async () => {
    const target = await freshDatabaseFlags();
    const port = await freePort();
    const env: Record<string, string> = { PORT: String(port), HOST: '127.0.0.1', SAFEKEEP_ADMIN_PASSWORD: 'first start admin password' };
    if (target.url !== null) env['DATABASE_URL'] = target.url;
    else env['SAFEKEEP_DATA_DIR'] = target.dir;
    const server = await serve([], env);
    try {
      expect(server.url).toBe(`http://localhost:${port}`);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${server.url}/readyz`)).json()).toMatchObject({ status: 'ready', engine: testEngine() });
      const login = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'first start admin password' }) });
      expect(login.status).toBe(200);
      expect(server.output()).toContain('Created user "admin"');
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }

    // verify only reads: even with SAFEKEEP_ADMIN_PASSWORD set it creates nothing and writes nothing.
    const verified = await runCli(['audit', 'verify', ...target.flags], { env: { SAFEKEEP_ADMIN_PASSWORD: 'another long password' } });
    expect(verified.code, verified.stderr).toBe(0);
    const events = Number(/intact: (\d+) events/.exec(verified.stdout)?.[1]);
    expect(events).toBeGreaterThan(0);
    const again = await runCli(['audit', 'verify', ...target.flags]);
    expect(Number(/intact: (\d+) events/.exec(again.stdout)?.[1])).toBe(events);

    const database = await openDirect(target);
    await database.db.transaction().execute(async (tx) => {
      await sql`set local session_replication_role = replica`.execute(tx);
      await sql`update audit_event set actor_id = null where seq = 1`.execute(tx);
    });
    await database.close();
    const tampered = await runCli(['audit', 'verify', ...target.flags]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('TAMPERED at position 1');
  });

  it('a process killed mid-write leaves every change whole: before or after, never between', async () => {
    const target = await freshDatabaseFlags();
    const port = await freePort();
    const server = await serve([...target.flags, '--port', String(port)], { SAFEKEEP_ADMIN_PASSWORD: 'first start admin password' });
    const api = async (method: string, path: string, token: string | null, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    };
    const admin = (await api('POST', '/api/v1/session', null, { username: 'admin', password: 'first start admin password' })).body['token'] ?? '';
    const team = (await api('POST', '/api/v1/teams', admin, { name: 'Crash team' })).body['id'];
    await api('POST', '/api/v1/users', admin, { username: 'writer', displayName: 'Writer', password: 'a perfectly long password', roles: ['social-worker'], teamId: team });
    const writer = (await api('POST', '/api/v1/session', null, { username: 'writer', password: 'a perfectly long password' })).body['token'] ?? '';
    const child = (await api('POST', '/api/v1/children', writer, { givenName: 'Crash', familyName: 'Test', dateOfBirth: '2015-05-05' })).body['id'] ?? '';

    let sent = 0;
    const writers = Array.from({ length: 4 }, async () => {
      for (;;) {
        sent += 1;
        try {
          await api('POST', `/api/v1/children/${child}/entries`, writer, { kind: 'case-note', occurredAt: new Date().toISOString(), title: `note ${sent}`, body: 'x'.repeat(500) });
        } catch {
          return; // the server is gone
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    await server.stop('SIGKILL');
    await Promise.all(writers);
    expect(sent).toBeGreaterThan(10);

    const database = await openDirect(target);
    opened.push(database);
    const entries = await database.db.selectFrom('entry').select(['id', 'current_version']).execute();
    const versions = await database.db.selectFrom('entry_version').select('entry_id').execute();
    const created = await database.db.selectFrom('audit_event').select('entity_id').where('action', '=', 'entry.create').execute();
    expect(entries.length).toBeGreaterThan(0);
    expect(versions.map((v) => v.entry_id).sort()).toEqual(entries.map((e) => e.id).sort());
    expect(created.map((c) => c.entity_id).sort()).toEqual(entries.map((e) => e.id).sort());
    expect(await verifyAuditTrail(database.db)).toMatchObject({ ok: true });
  });
});
