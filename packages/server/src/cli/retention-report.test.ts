import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonDate, systemClock, type Actor, type Role } from '@safekeep/core';
import { freshDatabaseFlags, runCli, type CliResult } from '../../test/cli.js';
import { adminUrl, testEngine } from '../../test/engine.js';
import { testPasswordHash } from '../../test/harness.js';
import { RESTRICTED_LABEL } from '../access/access.repository.js';
import { setRestriction } from '../access/grants.service.js';
import { verifyAuditTrail } from '../audit/audit.service.js';
import { createCarer } from '../carers/carers.service.js';
import { archiveRecord } from '../children/archive.service.js';
import { createChild } from '../children/children.service.js';
import { addInvolvement } from '../children/involvements.service.js';
import { openPglite, openPostgres, type Database } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { WorkRunner, type Work } from '../db/work.js';
import { createSar } from '../sars/sars.service.js';

/**
 * `safekeep retention report [--csv]` run as a separate process against a fresh
 * database holding a few records: a row per record with its destruction date, holds and
 * blockers; CSV a spreadsheet can read; progress on standard error; the run audited.
 */

const COLUMNS = ['type', 'id', 'reference', 'record_status', 'retention_status', 'destruction_date', 'rule_ids', 'holds', 'blockers'] as const;
type CsvRecord = Record<(typeof COLUMNS)[number], string>;

function csvRecord(cells: string[]): CsvRecord {
  return Object.fromEntries(COLUMNS.map((c, i) => [c, cells[i] ?? ''])) as CsvRecord;
}

/** RFC 4180 CSV, as a spreadsheet reads it: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

interface Seeded {
  /** Looked after, still open: dated from birth, years ahead. */
  current: string;
  /** Looked after 1948–1959, archived: its date long past, kept only by the hold. */
  archived: string;
  /** No involvement yet: no rule gives it a date. */
  undated: string;
  /** Restricted to a head of service: the report, read by no one it names, gives no reference. */
  restricted: string;
  carer: string;
}

let target: { flags: string[]; url: string | null; dir: string };
let seeded: Seeded;
let labels: Map<string, { destructionDate: string | null; status: string }>;

async function openDirect(): Promise<Database> {
  return target.url !== null ? openPostgres(target.url, { max: 1 }) : openPglite({ dataDir: join(target.dir, 'pglite') });
}

async function withDatabase<T>(use: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDirect();
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

async function seed(database: Database): Promise<Seeded> {
  await migrateToLatest(database.db);
  const actor = async (username: string, roles: Role[]): Promise<Actor> => {
    const row = await database.db
      .insertInto('app_user')
      .values({ username, display_name: username, password_hash: await testPasswordHash(), roles, team_id: null, created_at: new Date(), created_by: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { userId: row.id, username, displayName: username, roles, teamId: null, sessionId: null };
  };
  const head = await actor('hos.helen', ['head-of-service']);
  const officer = await actor('ro.mike', ['records-officer']);
  const runner = new WorkRunner(database.db, systemClock);
  const as = <T>(who: Actor, fn: (w: Work) => Promise<T>) => runner.run({ actor: who, requestId: 'test-seed' }, fn);

  const current = await as(head, (w) => createChild(w, { givenName: 'Nadia', familyName: 'Okonedo', dateOfBirth: '2012-05-17', identifiers: { localId: 'NBC-2015-0042' } }));
  await as(head, (w) => addInvolvement(w, current.id, { kind: 'looked-after', startDate: '2015-01-05' }));
  const archived = await as(head, (w) => createChild(w, { givenName: 'Margaret', familyName: 'Pollard', dateOfBirth: '1941-03-12', identifiers: { localId: 'NBC-1959-0412' } }));
  await as(head, (w) => addInvolvement(w, archived.id, { kind: 'looked-after', startDate: '1948-06-01', endDate: '1959-03-12' }));
  await as(officer, (w) => archiveRecord(w, archived.id, { reason: 'Closed paper-era record, scanned and archived.' }));
  // She has asked for her own care record: an open request blocks disposal too.
  const dpo = await actor('dpo.sarah', ['dpo']);
  await as(dpo, (w) => createSar(w, { childId: archived.id, relationship: 'care-leaver', requester: 'Margaret Pollard', receivedAt: w.now.toISOString() }));
  const undated = await as(head, (w) => createChild(w, { givenName: 'Tomasz', familyName: 'Zielinski', dateOfBirth: '2019-10-01' }));
  const restricted = await as(head, (w) => createChild(w, { givenName: 'Quentin', familyName: 'Ravensworth', dateOfBirth: '2014-08-30', identifiers: { localId: 'NBC-2016-0777' } }));
  await as(dpo, (w) => setRestriction(w, restricted.id, { allowedUserIds: [head.userId], reason: 'A staff member’s relative.' }));
  const carer = await as(head, (w) => createCarer(w, { kind: 'foster-carer', name: 'Mr and Mrs Hall' }));
  return { current: current.id, archived: archived.id, undated: undated.id, restricted: restricted.id, carer: carer.id };
}

const runs: Record<'text' | 'csv', CliResult | null> = { text: null, csv: null };
const today = () => londonDate(systemClock.now());

beforeAll(async () => {
  target = await freshDatabaseFlags();
  await withDatabase(async (database) => {
    seeded = await seed(database);
    const children = await database.db.selectFrom('retention_label').select(['child_id as id', 'destruction_date', 'status']).execute();
    const carers = await database.db.selectFrom('carer_retention_label').select(['carer_id as id', 'destruction_date', 'status']).execute();
    labels = new Map([...children, ...carers].map((l) => [l.id, { destructionDate: l.destruction_date === null ? null : String(l.destruction_date), status: l.status }]));
  });
  runs.text = await runCli(['retention', 'report', ...target.flags]);
  runs.csv = await runCli(['retention', 'report', '--csv', ...target.flags]);
}, 300_000);

afterAll(async () => {
  if (target.url === null) return;
  const name = new URL(target.url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
});

function ran(which: 'text' | 'csv'): CliResult {
  const result = runs[which];
  if (result === null) throw new Error(`the ${which} report did not run`);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe(`safekeep retention report on ${testEngine()}`, () => {
  it('has records with what the report must show: a past date, a future date, no date', () => {
    const current = labels.get(seeded.current);
    const archived = labels.get(seeded.archived);
    expect(current?.status).toBe('determined');
    expect(archived?.status).toBe('determined');
    expect((current?.destructionDate ?? '') > today()).toBe(true);
    expect((archived?.destructionDate ?? '9999') < today()).toBe(true);
    expect(labels.get(seeded.undated)?.destructionDate ?? null).toBeNull();
  });

  it('prints a row per record with its destruction date, the holds on it and what blocks its disposal', () => {
    const { stdout } = ran('text');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`Retention report for ${testEngine() === 'pglite' ? `embedded PostgreSQL (PGlite) in ${target.dir}` : `PostgreSQL at ${new URL(target.url ?? '').host}${new URL(target.url ?? '').pathname}`}, ${today()}`);
    const header = lines.find((l) => l.startsWith('type'));
    expect(header?.split(/\s+/)).toEqual([...COLUMNS]);
    const row = (id: string) => {
      const found = lines.filter((l) => l.includes(id));
      expect(found, id).toHaveLength(1);
      return found[0] ?? '';
    };

    const current = row(seeded.current);
    expect(current).toMatch(/^child\s/);
    expect(current).toContain('NBC-2015-0042');
    expect(current).toContain(labels.get(seeded.current)?.destructionDate ?? 'missing');
    expect(current).toMatch(/\biicsa\b/);
    for (const code of ['HOLD_BLOCKS_DISPOSAL', 'RETENTION_NOT_EXPIRED', 'OPEN_INVOLVEMENT']) expect(current).toContain(code);

    // Past its date and closed: only the hold keeps it (R13: DO NOT DESTROY even past the date).
    const archived = row(seeded.archived);
    expect(archived).toMatch(/^child\s+\S+\s+NBC-1959-0412\s+archived\s+determined\s/);
    expect(archived).toContain(labels.get(seeded.archived)?.destructionDate ?? 'missing');
    expect(archived).toMatch(/\biicsa\s+HOLD_BLOCKS_DISPOSAL OPEN_SUBJECT_ACCESS_REQUEST$/);

    const undated = row(seeded.undated);
    expect(undated).toMatch(/\biicsa\b/);
    expect(undated).toContain('RETENTION_UNDETERMINED');
    expect(undated).not.toContain('RETENTION_NOT_EXPIRED');

    expect(row(seeded.carer)).toMatch(/^carer\s.*\biicsa\s+HOLD_BLOCKS_DISPOSAL/);
    // A restricted record is listed like any other, without its reference.
    expect(row(seeded.restricted)).toMatch(/^child\s+\S+\s+Restricted record\s+open\s/);
    expect(stdout).not.toContain('NBC-2016-0777');
    expect(stdout).not.toContain('Ravensworth');
    expect(stdout).toMatch(/\n5 records: 0 could be destroyed now \(with two approvals\), 5 under a hold \(DO NOT DESTROY\), \d+ before their date, \d+ without a date yet, 0 destroyed\.\n$/);
  });

  it('writes CSV a spreadsheet can read: the header, then one row per record with the same facts', () => {
    const rows = parseCsv(ran('csv').stdout);
    expect(rows[0]).toEqual([...COLUMNS]);
    const body = rows.slice(1);
    expect(body).toHaveLength(5);
    for (const r of body) expect(r).toHaveLength(COLUMNS.length);
    const byId = new Map(body.map((r) => [r[1] ?? '', csvRecord(r)]));
    const ids = [seeded.current, seeded.archived, seeded.undated, seeded.restricted, seeded.carer];
    expect([...byId.keys()].sort()).toEqual([...ids].sort());

    for (const id of ids) {
      const r = byId.get(id);
      expect(r?.destruction_date, id).toBe(labels.get(id)?.destructionDate ?? '');
      expect(r?.retention_status, id).toBe(labels.get(id)?.status ?? 'no-rule');
      expect(r?.holds.split(' '), id).toEqual(['iicsa']);
      expect(r?.blockers.split(' '), id).toContain('HOLD_BLOCKS_DISPOSAL');
    }
    expect(byId.get(seeded.current)).toMatchObject({ type: 'child', reference: 'NBC-2015-0042', record_status: 'open' });
    expect(byId.get(seeded.current)?.blockers.split(' ').sort()).toEqual(['HOLD_BLOCKS_DISPOSAL', 'OPEN_INVOLVEMENT', 'RETENTION_NOT_EXPIRED']);
    expect(byId.get(seeded.current)?.rule_ids).not.toBe('');
    expect(byId.get(seeded.archived)).toMatchObject({ type: 'child', reference: 'NBC-1959-0412', record_status: 'archived', blockers: 'HOLD_BLOCKS_DISPOSAL OPEN_SUBJECT_ACCESS_REQUEST' });
    expect(byId.get(seeded.undated)).toMatchObject({ reference: '', destruction_date: '', blockers: 'HOLD_BLOCKS_DISPOSAL RETENTION_UNDETERMINED' });
    expect(byId.get(seeded.carer)).toMatchObject({ type: 'carer', reference: '' });
    expect(byId.get(seeded.restricted)).toMatchObject({ type: 'child', reference: RESTRICTED_LABEL, record_status: 'open' });

    // The text report's summary counts the same rows.
    const notExpired = body.filter((r) => (r[8] ?? '').split(' ').includes('RETENTION_NOT_EXPIRED')).length;
    const undetermined = body.filter((r) => (r[8] ?? '').split(' ').includes('RETENTION_UNDETERMINED')).length;
    expect(ran('text').stdout).toContain(`${notExpired} before their date, ${undetermined} without a date yet`);
  });

  it('shows its progress on standard error, keeping standard output for the report', () => {
    for (const which of ['text', 'csv'] as const) {
      const { stdout, stderr } = ran(which);
      expect(stderr).toMatch(/Retention report \[[^\]]*\] 5\/5 records/);
      expect(stdout).not.toContain('5/5 records');
    }
  });

  it('records each run in the audit trail, which stays intact', async () => {
    await withDatabase(async (database) => {
      const events = await database.db.selectFrom('audit_event').select(['action', 'outcome', 'detail', 'child_ids']).where('action', '=', 'retention.report').orderBy('seq').execute();
      expect(events).toEqual([
        { action: 'retention.report', outcome: 'allowed', detail: { records: 5, format: 'text' }, child_ids: [] },
        { action: 'retention.report', outcome: 'allowed', detail: { records: 5, format: 'csv' }, child_ids: [] },
      ]);
      expect(await verifyAuditTrail(database.db)).toMatchObject({ ok: true });
    });
  });
});
