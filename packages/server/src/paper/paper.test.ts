import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, teamWithStaff } from '../../test/builders.js';
import { testEngine } from '../../test/engine.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { decodeCode128, pdfPageSizes, pdfPages, renderPagePng } from '../../test/pdf.js';
import type { BoxView, PaperFileView } from './paper.service.js';

/**
 * Paper and off-site storage (R13, R17): boxes with barcodes and a kept history of
 * where they have been; paper files for children and carers, each check-out and return
 * with who and when; box labels that scan, carry the latest destruction date of what is
 * inside, and say DO NOT DESTROY while any hold covers any of it.
 */

let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
let officer: TestUser;
let support: TestUser;
let head: TestUser;
let dpo: TestUser;
beforeAll(async () => {
  h = await startHarness({ now: '2026-06-15T10:00:00Z' });
  team = await teamWithStaff(h);
  officer = await h.user(['records-officer'], { displayName: 'Rita Officer' });
  support = await h.user(['business-support'], { displayName: 'Bill Support' });
  head = await h.user(['head-of-service'], { displayName: 'Hana Head' });
  dpo = await h.user(['dpo'], { displayName: 'Dina Protection' });
});
afterAll(async () => h.close());

const HOUR = 3_600_000;
let boxes = 0;
/** A barcode no other box in this run has, with the punctuation real store barcodes carry. */
const nextBarcode = () => `NBC/OS ${String(++boxes).padStart(6, '0')}-A`;
const flat = (text: string) => text.replace(/\s+/g, ' ');

// Replies are the service's own view types.
type BoxBody = BoxView;
type FileBody = PaperFileView;
interface FileEvent {
  event: string;
  boxBarcode: string | null;
  location: string | null;
  holder: string | null;
  note: string | null;
  at: string;
  by: string | null;
}

async function newBox(on: Harness, user: TestUser, location = 'Northmoor Records Store, Bay 14') {
  const res = await on.request<BoxBody>('POST', '/api/v1/boxes', { user, body: { barcode: nextBarcode(), location } });
  expect(res.status, res.raw).toBe(201);
  return res.body;
}

async function newFile(on: Harness, user: TestUser, body: Record<string, unknown>) {
  const res = await on.request<FileBody>('POST', '/api/v1/paper-files', { user, body: { description: 'Case file, one volume', ...body } });
  expect(res.status, res.raw).toBe(201);
  return res.body;
}

/** A child looked after since 2010 (so the schedule dates the record from their birth). */
async function childInCare(on: Harness, worker: TestUser, overrides: Record<string, unknown> = {}, involvement: Record<string, unknown> = {}) {
  const child = await createChild(on, worker, overrides);
  const inv = await on.request('POST', `/api/v1/children/${child.id}/involvements`, { user: worker, body: { kind: 'looked-after', startDate: '2010-09-01', ...involvement } });
  expect(inv.status, inv.raw).toBe(201);
  return child;
}

interface RetentionBody {
  status: string;
  destructionDate: string | null;
  holds: Array<{ name: string }>;
}

async function retentionOf(on: Harness, childId: string): Promise<RetentionBody> {
  const res = await on.request<RetentionBody>('GET', `/api/v1/children/${childId}/retention`, { user: officer });
  expect(res.status, res.raw).toBe(200);
  return res.body;
}

/** The label as the bytes a printer would get (the harness's string body would mangle a PDF). */
async function label(on: Harness, boxId: string, user: TestUser) {
  const res = await on.app.inject({ method: 'GET', url: `/api/v1/boxes/${boxId}/label`, headers: { authorization: `Bearer ${user.token}` } });
  const type = String(res.headers['content-type'] ?? '');
  return { status: res.statusCode, type, bytes: res.rawPayload, json: type.includes('json') ? (JSON.parse(res.body) as Record<string, unknown>) : null };
}

async function labelText(on: Harness, boxId: string, user: TestUser = officer): Promise<string> {
  const res = await label(on, boxId, user);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  const pages = await pdfPages(res.bytes);
  expect(pages).toHaveLength(1);
  return flat(pages[0] ?? '');
}

async function releaseHold(on: Harness, holdId: string, approvers: [TestUser, TestUser]) {
  for (const approver of approvers) {
    const res = await on.request('POST', `/api/v1/holds/${holdId}/release`, { user: approver, body: { reason: 'The inquiry has reported and returned its files.' } });
    expect(res.status, res.raw).toBe(200);
  }
}

async function holdIdNamed(on: Harness, name: string, user: TestUser): Promise<string> {
  const res = await on.request<{ items: Array<{ id: string; name: string }> }>('GET', '/api/v1/holds?status=active', { user });
  const hold = res.body.items.find((i) => i.name === name);
  if (hold === undefined) throw new Error(`no active hold named ${name}: ${res.raw}`);
  return hold.id;
}

async function count(table: 'box' | 'box_location' | 'paper_file' | 'paper_file_event' | 'audit_event'): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(h.db);
  return rows[0]?.n ?? -1;
}

describe(`off-site boxes on ${testEngine()}`, () => {
  it('registers a box by its barcode and location, with who put it there and when', async () => {
    const barcode = nextBarcode();
    const res = await h.request<BoxBody>('POST', '/api/v1/boxes', { user: officer, body: { barcode, location: '  Northmoor Records Store, Bay 3  ' } });
    expect(res.status, res.raw).toBe(201);
    expect(res.body).toMatchObject({ barcode, location: 'Northmoor Records Store, Bay 3', files: 0, destroyFrom: null, holds: [], doNotDestroy: false, contents: [] });
    expect(res.body.history).toEqual([{ location: 'Northmoor Records Store, Bay 3', movedAt: h.clock.now().toISOString(), movedBy: 'Rita Officer' }]);
    const list = await h.request<{ items: BoxBody[] }>('GET', '/api/v1/boxes', { user: dpo });
    expect(list.status).toBe(200);
    expect(list.body.items.find((b) => b.id === res.body.id)).toMatchObject({ barcode, location: 'Northmoor Records Store, Bay 3' });
    const audited = await h.db.selectFrom('audit_event').select(['action', 'actor_id', 'detail']).where('entity_id', '=', res.body.id).execute();
    expect(audited).toEqual([{ action: 'box.create', actor_id: officer.id, detail: { barcode } }]);
  });

  it('refuses a second box with a barcode already in use (409 BARCODE_TAKEN) and writes nothing', async () => {
    const first = await newBox(h, officer);
    const before = { boxes: await count('box'), moves: await count('box_location'), audit: await count('audit_event') };
    const again = await h.request('POST', '/api/v1/boxes', { user: support, body: { barcode: first.barcode, location: 'Civic Centre basement, cage 2' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'BARCODE_TAKEN', errors: [{ field: 'barcode' }] });
    expect({ boxes: await count('box'), moves: await count('box_location'), audit: await count('audit_event') }).toEqual(before);
    const kept = await h.request<BoxBody>('GET', `/api/v1/boxes/${first.id}`, { user: officer });
    expect(kept.body.location).toBe(first.location);
    expect(kept.body.history).toHaveLength(1);
  });

  it('refuses a barcode a Code 128 label cannot carry, naming the field', async () => {
    const before = await count('box');
    for (const barcode of ['', 'BOX-Zoë', 'BOX\t1', 'X'.repeat(49)]) {
      const res = await h.request('POST', '/api/v1/boxes', { user: officer, body: { barcode, location: 'Bay 1' } });
      expect(res.status, barcode).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'barcode' })] });
    }
    expect(await count('box')).toBe(before);
  });

  it('keeps every move of a box with who moved it and when; the latest is where it is now', async () => {
    const registeredAt = h.clock.now().toISOString();
    const box = await newBox(h, officer, 'Civic Centre basement, cage 2');
    h.clock.advance(2 * HOUR);
    const firstMove = h.clock.now().toISOString();
    const moved = await h.request<BoxBody>('POST', `/api/v1/boxes/${box.id}/moves`, { user: support, body: { location: 'Van to the records store' } });
    expect(moved.status, moved.raw).toBe(200);
    expect(moved.body.location).toBe('Van to the records store');
    h.clock.advance(5 * HOUR);
    const secondMove = h.clock.now().toISOString();
    expect((await h.request('POST', `/api/v1/boxes/${box.id}/moves`, { user: head, body: { location: 'Northmoor Records Store, Bay 14, Shelf C' } })).status).toBe(200);

    const got = await h.request<BoxBody>('GET', `/api/v1/boxes/${box.id}`, { user: officer });
    expect(got.body.location).toBe('Northmoor Records Store, Bay 14, Shelf C');
    expect(got.body.history).toEqual([
      { location: 'Civic Centre basement, cage 2', movedAt: registeredAt, movedBy: 'Rita Officer' },
      { location: 'Van to the records store', movedAt: firstMove, movedBy: 'Bill Support' },
      { location: 'Northmoor Records Store, Bay 14, Shelf C', movedAt: secondMove, movedBy: 'Hana Head' },
    ]);
    // The history is the database's, not the service's: it cannot be rewritten.
    await expect(sql`update box_location set location = 'somewhere else' where box_id = ${box.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`delete from box_location where box_id = ${box.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update box set barcode = 'RELABELLED' where id = ${box.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
  });

  it('answers 404 for a box that does not exist, whether read, moved or labelled', async () => {
    const missing = '6f1c2a34-0000-4000-8000-00000000b0c5';
    const moves = await count('box_location');
    for (const [method, url, body] of [
      ['GET', `/api/v1/boxes/${missing}`, undefined],
      ['POST', `/api/v1/boxes/${missing}/moves`, { location: 'Bay 1' }],
      ['GET', `/api/v1/boxes/${missing}/label`, undefined],
    ] as const) {
      const res = await h.request(method, url, { user: officer, body });
      expect(res.status, url).toBe(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await count('box_location')).toBe(moves);
  });

  it('prints a 4×6 inch label whose barcode scans as the box’s, with the latest destruction date of its contents and no names', async () => {
    const younger = await childInCare(h, team.worker, { givenName: 'Philippa', familyName: 'Quennell', dateOfBirth: '2009-04-02' });
    const older = await childInCare(h, team.worker, { givenName: 'Rhodri', familyName: 'Treharne', dateOfBirth: '2003-11-20' }, { startDate: '2008-01-07' });
    const [early, late] = [await retentionOf(h, older.id), await retentionOf(h, younger.id)];
    expect(early.status).toBe('determined');
    expect(late.status).toBe('determined');
    expect(early.destructionDate).not.toBeNull();
    expect(late.destructionDate! > early.destructionDate!).toBe(true);

    const box = await newBox(h, support);
    await newFile(h, officer, { childId: younger.id, description: 'Philippa: care file 2010–2020', boxId: box.id });
    await newFile(h, officer, { childId: older.id, description: 'Rhodri: care file 2008–2021', boxId: box.id });
    const got = await h.request<BoxBody>('GET', `/api/v1/boxes/${box.id}`, { user: officer });
    expect(got.body).toMatchObject({ files: 2, destroyFrom: late.destructionDate, undeterminedFiles: 0 });

    const res = await label(h, box.id, support);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/pdf');
    expect(await pdfPageSizes(res.bytes)).toEqual([[4 * 72, 6 * 72]]);
    expect(decodeCode128(await renderPagePng(res.bytes))).toBe(box.barcode);
    const text = flat((await pdfPages(res.bytes)).join(' '));
    expect(text).toContain(box.barcode);
    expect(text).toContain(`Destroy from ${late.destructionDate}`);
    expect(text).not.toContain(early.destructionDate);
    expect(text).toContain('Files 2');
    // Labels travel to off-site stores: no child's name, no description of a file.
    for (const word of ['Philippa', 'Quennell', 'Rhodri', 'Treharne', 'care file']) expect(text).not.toContain(word);
    const audited = await h.db.selectFrom('audit_event').select(['action', 'actor_id', 'child_ids']).where('entity_id', '=', box.id).where('action', '=', 'box.label').execute();
    expect(audited).toEqual([{ action: 'box.label', actor_id: support.id, child_ids: expect.arrayContaining([younger.id, older.id]) as unknown }]);
  });

  it('dates the label with today in London, not in UTC', async () => {
    const child = await childInCare(h, team.worker);
    const box = await newBox(h, officer);
    await newFile(h, officer, { childId: child.id, boxId: box.id });
    const was = h.clock.now();
    try {
      h.clock.set('2026-06-15T23:30:00Z'); // 00:30 on the 16th in British Summer Time
      const text = await labelText(h, box.id);
      expect(text).toContain('Printed 2026-06-16');
    } finally {
      h.clock.set(was);
    }
  });

  it('leaves the date off the label while any content’s destruction date is not yet known', async () => {
    const dated = await childInCare(h, team.worker);
    const undated = await createChild(h, team.worker); // no involvement: no rule applies yet
    expect((await retentionOf(h, undated.id)).destructionDate).toBeNull();
    const box = await newBox(h, officer);
    await newFile(h, officer, { childId: dated.id, boxId: box.id });
    await newFile(h, officer, { childId: undated.id, boxId: box.id });
    const got = await h.request<BoxBody>('GET', `/api/v1/boxes/${box.id}`, { user: officer });
    expect(got.body).toMatchObject({ files: 2, destroyFrom: null, undeterminedFiles: 1 });
    const text = await labelText(h, box.id);
    expect(text).toContain('Destroy from not yet known (1 file without a date)');
    expect(text).not.toContain((await retentionOf(h, dated.id)).destructionDate);
  });

  it('refuses to label an empty box (409 BOX_EMPTY), including one whose only file has moved out', async () => {
    const box = await newBox(h, officer);
    const empty = await label(h, box.id, officer);
    expect(empty.status).toBe(409);
    expect(empty.json).toMatchObject({ code: 'BOX_EMPTY', detail: expect.stringContaining('empty') as unknown });

    const child = await childInCare(h, team.worker);
    const file = await newFile(h, officer, { childId: child.id, boxId: box.id });
    expect((await label(h, box.id, officer)).status).toBe(200);
    const other = await newBox(h, officer);
    expect((await h.request('POST', `/api/v1/paper-files/${file.id}/moves`, { user: support, body: { boxId: other.id } })).status).toBe(200);
    expect((await label(h, box.id, officer)).json).toMatchObject({ code: 'BOX_EMPTY' });
    expect((await label(h, other.id, officer)).status).toBe(200);
  });

  it('lets records staff create, move and label boxes, a DPO read them, and refuses a social worker, auditing the refusal', async () => {
    for (const user of [officer, support, head]) {
      const box = await newBox(h, user);
      expect((await h.request('POST', `/api/v1/boxes/${box.id}/moves`, { user, body: { location: 'Bay 9' } })).status).toBe(200);
    }
    const box = await newBox(h, officer);
    const child = await childInCare(h, team.worker);
    await newFile(h, officer, { childId: child.id, boxId: box.id });

    expect((await h.request('GET', `/api/v1/boxes/${box.id}`, { user: dpo })).status).toBe(200);
    expect((await h.request('POST', '/api/v1/boxes', { user: dpo, body: { barcode: nextBarcode(), location: 'Bay 1' } })).status).toBe(403);
    expect((await label(h, box.id, dpo)).status).toBe(403);

    const before = { boxes: await count('box'), moves: await count('box_location') };
    for (const user of [team.worker, team.manager]) {
      const create = await h.request('POST', '/api/v1/boxes', { user, body: { barcode: nextBarcode(), location: 'Bay 1' } });
      expect(create.status).toBe(403);
      expect(create.body).toMatchObject({ code: 'ACCESS_DENIED' });
      expect((await h.request('POST', `/api/v1/boxes/${box.id}/moves`, { user, body: { location: 'My desk' } })).status).toBe(403);
      expect((await h.request('GET', '/api/v1/boxes', { user })).status).toBe(403);
      expect((await h.request('GET', `/api/v1/boxes/${box.id}`, { user })).status).toBe(403);
      expect((await label(h, box.id, user)).status).toBe(403);
    }
    expect({ boxes: await count('box'), moves: await count('box_location') }).toEqual(before);
    const denied = await h.db.selectFrom('audit_event').select('action').where('actor_id', '=', team.worker.id).where('outcome', '=', 'denied').where('action', 'like', 'box.%').execute();
    expect(denied.map((d) => d.action).sort()).toEqual(['box.create', 'box.label', 'box.move', 'box.read', 'box.read']);
  });
});

describe('DO NOT DESTROY on box labels (R13)', () => {
  let fresh: Harness;
  beforeAll(async () => {
    fresh = await startHarness({ now: '2026-06-15T10:00:00Z' });
  });
  afterAll(async () => fresh.close());

  it('says DO NOT DESTROY while any hold covers anything in the box, even past its date, and not once those holds are released', async () => {
    const staff = await teamWithStaff(fresh);
    const ro = await fresh.user(['records-officer']);
    const heads: [TestUser, TestUser] = [await fresh.user(['head-of-service']), await fresh.user(['head-of-service'])];
    // Looked after 1948–1959: kept to the 75th birthday, long past.
    const pollard = await childInCare(fresh, staff.worker, { givenName: 'Margaret', familyName: 'Pollard', dateOfBirth: '1941-03-12' }, { startDate: '1948-06-01', endDate: '1959-03-12' });
    const current = await childInCare(fresh, staff.worker);
    const pastDate = (await fresh.request<RetentionBody>('GET', `/api/v1/children/${pollard.id}/retention`, { user: ro })).body.destructionDate ?? 'none';
    expect(pastDate < '2026-06-15').toBe(true);

    const mixed = (await newBox(fresh, ro)).id;
    await newFile(fresh, ro, { childId: pollard.id, boxId: mixed });
    await newFile(fresh, ro, { childId: current.id, boxId: mixed });
    const alone = (await newBox(fresh, ro)).id;
    await newFile(fresh, ro, { childId: pollard.id, boxId: alone });

    // Every fresh database starts with the IICSA hold over everything.
    for (const box of [mixed, alone]) {
      const text = await labelText(fresh, box, ro);
      expect(text).toContain('DO NOT DESTROY');
      expect(text).toContain('Held: iicsa.');
    }
    expect(await labelText(fresh, alone, ro)).toContain(`Destroy from ${pastDate}`);

    const named = await fresh.request<{ id: string }>('POST', '/api/v1/holds', {
      user: ro,
      body: { name: 'Current family proceedings', scope: { childIds: [current.id] }, reason: 'Records requested by the court.', authority: 'Family Court order NM26F00012' },
    });
    expect(named.status, named.raw).toBe(201);
    await releaseHold(fresh, await holdIdNamed(fresh, 'iicsa', ro), heads);

    // One file in the box is still held: the whole box is.
    const stillHeld = await labelText(fresh, mixed, ro);
    expect(stillHeld).toContain('DO NOT DESTROY');
    expect(stillHeld).toContain('Held: Current family proceedings.');
    expect(stillHeld).not.toContain('iicsa');
    const box = await fresh.request<BoxBody>('GET', `/api/v1/boxes/${mixed}`, { user: ro });
    expect(box.body).toMatchObject({ holds: ['Current family proceedings'], doNotDestroy: true });

    const unheld = await labelText(fresh, alone, ro);
    expect(unheld).not.toContain('DO NOT DESTROY');
    expect(unheld).toContain(`Destroy from ${pastDate}`);

    await releaseHold(fresh, named.body.id, heads);
    const released = await labelText(fresh, mixed, ro);
    expect(released).not.toContain('DO NOT DESTROY');
    expect(released).not.toContain('Held:');
    expect((await fresh.request<BoxBody>('GET', `/api/v1/boxes/${mixed}`, { user: ro })).body).toMatchObject({ holds: [], doNotDestroy: false });
  });
});

describe(`paper files on ${testEngine()}`, () => {
  it('registers paper files for a child and for a carer, each with its record’s destruction date and holds', async () => {
    const child = await childInCare(h, team.worker);
    const carer = await h.request<{ id: string }>('POST', '/api/v1/carers', { user: team.worker, body: { kind: 'foster-carer', name: 'Mr and Mrs Okafor' } });
    expect(carer.status).toBe(201);
    const box = await newBox(h, officer);

    const childFile = await newFile(h, support, { childId: child.id, description: 'Court bundle (paper copy)', boxId: box.id });
    const expected = await retentionOf(h, child.id);
    expect(childFile).toMatchObject({
      subject: { childId: child.id },
      description: 'Court bundle (paper copy)',
      status: 'in-place',
      box: { id: box.id, barcode: box.barcode },
      location: null,
      checkedOut: null,
      destructionDate: expected.destructionDate,
      retentionStatus: 'determined',
      holds: ['iicsa'],
      doNotDestroy: true,
    });
    expect(expected.destructionDate).not.toBeNull();

    const carerFile = await newFile(h, officer, { carerId: carer.body.id, description: 'Assessment, 2019', location: 'Fostering team, cabinet 1' });
    const carerRetention = await h.request<{ status: string; destructionDate: string | null }>('GET', `/api/v1/carers/${carer.body.id}/retention`, { user: officer });
    expect(carerFile).toMatchObject({ subject: { carerId: carer.body.id }, box: null, location: 'Fostering team, cabinet 1', destructionDate: carerRetention.body.destructionDate, retentionStatus: carerRetention.body.status, holds: ['iicsa'], doNotDestroy: true });

    const forChild = await h.request<{ items: FileBody[] }>('GET', `/api/v1/paper-files?childId=${child.id}`, { user: officer });
    expect(forChild.body.items.map((f) => f.id)).toEqual([childFile.id]);
    const forCarer = await h.request<{ items: FileBody[] }>('GET', `/api/v1/paper-files?carerId=${carer.body.id}`, { user: officer });
    expect(forCarer.body.items.map((f) => f.id)).toEqual([carerFile.id]);
    expect((await h.auditFor(child.id)).some((e) => e.action === 'paper-file.create' && e.actor_id === support.id)).toBe(true);
  });

  it('refuses a file with no place, an unknown box, or a subject that does not exist, writing nothing', async () => {
    const child = await childInCare(h, team.worker);
    const before = { files: await count('paper_file'), events: await count('paper_file_event') };
    const nowhere = await h.request('POST', '/api/v1/paper-files', { user: officer, body: { childId: child.id, description: 'Loose papers' } });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body).toMatchObject({ errors: [{ field: 'boxId' }] });
    const badBox = await h.request('POST', '/api/v1/paper-files', { user: officer, body: { childId: child.id, description: 'Loose papers', boxId: '6f1c2a34-0000-4000-8000-0000000000b0' } });
    expect(badBox.status).toBe(400);
    expect(badBox.body).toMatchObject({ errors: [{ field: 'boxId' }] });
    const noChild = await h.request('POST', '/api/v1/paper-files', { user: officer, body: { childId: '6f1c2a34-0000-4000-8000-0000000000c1', description: 'Loose papers', location: 'Bay 1' } });
    expect(noChild.status).toBe(404);
    const both = await h.request('POST', '/api/v1/paper-files', { user: officer, body: { childId: child.id, carerId: child.id, description: 'Loose papers', location: 'Bay 1' } });
    expect(both.status).toBe(400);
    expect({ files: await count('paper_file'), events: await count('paper_file_event') }).toEqual(before);
  });

  it('checks a file out to someone and back in, keeping who and when at every step', async () => {
    const child = await childInCare(h, team.worker);
    const box = await newBox(h, officer);
    const registeredAt = h.clock.now().toISOString();
    const file = await newFile(h, officer, { childId: child.id, boxId: box.id });

    h.clock.advance(HOUR);
    const outAt = h.clock.now().toISOString();
    const out = await h.request<FileBody>('POST', `/api/v1/paper-files/${file.id}/check-out`, { user: support, body: { toUserId: team.worker.id, note: 'For the looked-after review' } });
    expect(out.status, out.raw).toBe(200);
    expect(out.body).toMatchObject({ status: 'checked-out', checkedOut: { to: { id: team.worker.id, displayName: team.worker.displayName }, at: outAt }, box: { id: box.id } });

    h.clock.advance(6 * HOUR);
    const backAt = h.clock.now().toISOString();
    const back = await h.request<FileBody>('POST', `/api/v1/paper-files/${file.id}/return`, { user: officer, body: { note: 'Returned after the review' } });
    expect(back.status, back.raw).toBe(200);
    expect(back.body).toMatchObject({ status: 'in-place', checkedOut: null, box: { id: box.id, barcode: box.barcode } });

    const got = await h.request<FileBody & { events: FileEvent[] }>('GET', `/api/v1/paper-files/${file.id}`, { user: officer });
    expect(got.status).toBe(200);
    expect(got.body.events).toEqual([
      { event: 'registered', boxBarcode: box.barcode, location: null, holder: null, note: null, at: registeredAt, by: 'Rita Officer' },
      { event: 'checked-out', boxBarcode: null, location: null, holder: team.worker.displayName, note: 'For the looked-after review', at: outAt, by: 'Bill Support' },
      { event: 'returned', boxBarcode: box.barcode, location: null, holder: null, note: 'Returned after the review', at: backAt, by: 'Rita Officer' },
    ]);
    const actions = (await h.auditFor(child.id)).filter((e) => e.action.startsWith('paper-file.')).map((e) => [e.action, e.actor_id]);
    expect(actions).toEqual(expect.arrayContaining([['paper-file.check-out', support.id], ['paper-file.return', officer.id], ['paper-file.read', officer.id]]));
  });

  it('refuses to check out a file that is already out, or to return or move one wrongly, saying why and changing nothing', async () => {
    const child = await childInCare(h, team.worker);
    const box = await newBox(h, officer);
    const file = await newFile(h, officer, { childId: child.id, boxId: box.id });
    const events = async () => h.db.selectFrom('paper_file_event').select('event').where('paper_file_id', '=', file.id).execute();

    const notOut = await h.request('POST', `/api/v1/paper-files/${file.id}/return`, { user: officer, body: {} });
    expect(notOut.status).toBe(409);
    expect(notOut.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining('not checked out') as unknown });
    const nobody = await h.request('POST', `/api/v1/paper-files/${file.id}/check-out`, { user: officer, body: { toUserId: '6f1c2a34-0000-4000-8000-0000000000d1' } });
    expect(nobody.status).toBe(400);
    expect(nobody.body).toMatchObject({ errors: [{ field: 'toUserId' }] });

    h.clock.advance(HOUR);
    expect((await h.request('POST', `/api/v1/paper-files/${file.id}/check-out`, { user: officer, body: { toUserId: team.worker.id } })).status).toBe(200);
    const twice = await h.request('POST', `/api/v1/paper-files/${file.id}/check-out`, { user: support, body: { toUserId: team.colleague.id } });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining(team.worker.displayName) as unknown });
    const moveWhileOut = await h.request('POST', `/api/v1/paper-files/${file.id}/moves`, { user: support, body: { location: 'Bay 2' } });
    expect(moveWhileOut.status).toBe(409);

    const got = await h.request<FileBody>('GET', `/api/v1/paper-files/${file.id}`, { user: officer });
    expect(got.body.checkedOut?.to.id).toBe(team.worker.id);
    expect((await events()).map((e) => e.event)).toEqual(['registered', 'checked-out']);
  });

  it('lets only one of two simultaneous check-outs of a file through, so nobody holds a file the record says someone else has', async () => {
    const child = await childInCare(h, team.worker);
    for (let round = 0; round < 5; round++) {
      const file = await newFile(h, officer, { childId: child.id, location: 'Children in Care team, cabinet 3' });
      h.clock.advance(60_000);
      const results = await Promise.all([
        h.request<FileBody>('POST', `/api/v1/paper-files/${file.id}/check-out`, { user: officer, body: { toUserId: team.worker.id } }),
        h.request<FileBody>('POST', `/api/v1/paper-files/${file.id}/check-out`, { user: support, body: { toUserId: team.colleague.id } }),
      ]);
      expect(results.map((r) => r.status).sort(), `round ${round}`).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200)?.body.checkedOut?.to.id;
      const events = await h.db.selectFrom('paper_file_event').select(['event', 'holder_id']).where('paper_file_id', '=', file.id).where('event', '=', 'checked-out').execute();
      expect(events).toEqual([{ event: 'checked-out', holder_id: winner }]);
      expect((await h.request<FileBody>('GET', `/api/v1/paper-files/${file.id}`, { user: officer })).body.checkedOut?.to.id).toBe(winner);
    }
  });

  it('moves a file between boxes and to a new place on return, keeping each place', async () => {
    const child = await childInCare(h, team.worker);
    const [first, second] = [await newBox(h, officer), await newBox(h, officer)];
    const file = await newFile(h, officer, { childId: child.id, boxId: first.id });
    h.clock.advance(HOUR);
    const moved = await h.request<FileBody>('POST', `/api/v1/paper-files/${file.id}/moves`, { user: support, body: { boxId: second.id } });
    expect(moved.body).toMatchObject({ box: { id: second.id }, location: null });
    expect((await h.request<BoxBody>('GET', `/api/v1/boxes/${first.id}`, { user: officer })).body.files).toBe(0);
    expect((await h.request<BoxBody>('GET', `/api/v1/boxes/${second.id}`, { user: officer })).body.contents?.map((f) => f.id)).toEqual([file.id]);
    h.clock.advance(HOUR);
    await h.request('POST', `/api/v1/paper-files/${file.id}/check-out`, { user: officer, body: { toUserId: team.worker.id } });
    h.clock.advance(HOUR);
    const back = await h.request<FileBody>('POST', `/api/v1/paper-files/${file.id}/return`, { user: officer, body: { location: 'Children in Care team, cabinet 3' } });
    expect(back.body).toMatchObject({ box: null, location: 'Children in Care team, cabinet 3', status: 'in-place' });
    const got = await h.request<{ events: FileEvent[] }>('GET', `/api/v1/paper-files/${file.id}`, { user: officer });
    expect(got.body.events.map((e) => [e.event, e.boxBarcode, e.location])).toEqual([
      ['registered', first.barcode, null],
      ['moved', second.barcode, null],
      ['checked-out', null, null],
      ['returned', null, 'Children in Care team, cabinet 3'],
    ]);
  });

  it('never deletes a paper file: the database refuses DELETE, TRUNCATE, a change of owner, and any change once destroyed', async () => {
    const child = await childInCare(h, team.worker);
    const other = await childInCare(h, team.worker);
    const file = await newFile(h, officer, { childId: child.id, location: 'Bay 5' });
    await expect(sql`delete from paper_file where id = ${file.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`truncate paper_file cascade`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update paper_file set child_id = ${other.id} where id = ${file.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    for (const table of ['paper_file_event', 'box']) {
      await expect(sql`delete from ${sql.table(table)}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    }
    await expect(sql`update paper_file_event set note = 'tampered' where paper_file_id = ${file.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    expect(await h.db.selectFrom('paper_file').select('id').where('id', '=', file.id).execute()).toHaveLength(1);

    // A destroyed file stays, as a row, and nothing about it changes again.
    await sql`update paper_file set destroyed_at = now() where id = ${file.id}`.execute(h.db);
    await expect(sql`update paper_file set location = 'Bay 6' where id = ${file.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    const move = await h.request('POST', `/api/v1/paper-files/${file.id}/moves`, { user: officer, body: { location: 'Bay 6' } });
    expect(move.status).toBe(410);
    expect(move.body).toMatchObject({ code: 'RECORD_DESTROYED' });
    expect((await h.request<FileBody>('GET', `/api/v1/paper-files/${file.id}`, { user: officer })).body).toMatchObject({ status: 'destroyed', location: 'Bay 5' });
  });

  it('shows a social worker their own child’s paper files but does not let them register one; others see nothing', async () => {
    const child = await childInCare(h, team.worker);
    const file = await newFile(h, officer, { childId: child.id, location: 'Bay 7' });
    const mine = await h.request<{ items: FileBody[] }>('GET', `/api/v1/paper-files?childId=${child.id}`, { user: team.worker });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((f) => f.id)).toEqual([file.id]);
    expect((await h.request('GET', `/api/v1/paper-files/${file.id}`, { user: team.worker })).status).toBe(200);
    const files = await count('paper_file');
    expect((await h.request('POST', '/api/v1/paper-files', { user: team.worker, body: { childId: child.id, description: 'My notes', location: 'My desk' } })).status).toBe(403);
    expect((await h.request('POST', `/api/v1/paper-files/${file.id}/check-out`, { user: team.worker, body: { toUserId: team.worker.id } })).status).toBe(403);
    expect(await count('paper_file')).toBe(files);

    const outsider = await teamWithStaff(h);
    for (const url of [`/api/v1/paper-files?childId=${child.id}`, `/api/v1/paper-files/${file.id}`]) {
      const res = await h.request('GET', url, { user: outsider.worker });
      expect(res.status, url).toBe(403);
      expect(res.raw).not.toContain('Bay 7');
    }
  });
});
