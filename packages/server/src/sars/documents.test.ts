import { sql } from 'kysely';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, createEntry, multipart, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { greyJpeg } from '../../test/images.js';
import { pdfPages } from '../../test/pdf.js';
import { renderPdf } from '../pdf/pdf-document.js';

/**
 * Documents in a subject access request are reviewed, not passed through: every document
 * filed with an entry in scope is disclosed or withheld (on an exemption) before the DPO
 * can approve; a text document's text is proposed for redaction like an entry's and
 * printed redacted; an image is drawn (its metadata gone); any other file is named by its
 * SHA-256 and sent whole beside the bundle; a withheld one is listed with its exemption,
 * nothing of it read. The schedule, the disclosure log and the audit trail say which
 * documents went out and which did not. Real uploads, a real blob store, the real PDF.
 */

interface Redaction {
  id: string;
  source: string;
  field: string;
  start: number;
  end: number;
  text: string;
  reason: string;
  decision: { accept: boolean } | null;
}
interface Doc {
  id: string;
  contentType: string;
  sha256: string;
  bundleAs: string;
  text: string | null;
  proposedRedactions: Redaction[];
  decision: { disclose: boolean; exemption: string | null } | null;
}
interface Item {
  entryId: string;
  proposedRedactions: Redaction[];
  documents: Doc[];
}
interface Summary {
  documents: number;
  undecided: number;
  documentsUndecided: number;
  documentsDisclosed: number;
  documentsWithheld: number;
}
interface Items {
  items: Item[];
  summary: Summary;
}
interface Body {
  id: string;
  status: string;
  code: string;
  errors: Array<{ field: string; message: string }>;
  summary: Summary;
  approval: { documents: { disclosed: number; withheld: number } | null };
  disclosures: Array<{ sha256: string; documents: Array<{ documentId: string; sha256: string; as: string; exemption: string | null }> | null }>;
  unreviewed: number;
  documentsUndecided: number;
}

let h: Harness;
let worker: TestUser;
let dpo: TestUser;
let support: TestUser;
let mia: { id: string };
let sarId: string;
/** Entry ids of the uploads, by name. */
const uploads: Record<string, { entryId: string; sha256: string }> = {};

const NOTE = 'Notes from the contact centre. Jayden Okafor was also there and shouted at Mia. Mia said afterwards that she was fine and wanted to go to the park.';
const WITHHELD = 'Police disclosure WITHHELD-MARKER: Edna Quist of 12 Elm Road reported concerns about the household. Jayden Okafor was named.';
const PDF_MARKER = 'PDF-ONLY-MARKER';
const flat = (pages: string[]) => pages.join('\n').replace(/\s+/g, ' ');

async function upload(name: string, bytes: Buffer, filename: string, occurredAt: string, user: TestUser = worker, childId = mia.id) {
  const body = await multipart({ meta: JSON.stringify({ kind: 'correspondence', title: `Filed: ${name}`, occurredAt }), file: { bytes, filename } });
  const res = await h.request<{ id: string; sha256: string }>('POST', `/api/v1/children/${childId}/documents`, { user, ...body });
  expect(res.status).toBe(201);
  uploads[name] = { entryId: res.body.id, sha256: res.body.sha256 };
}

async function itemsOf(): Promise<Items> {
  const res = await h.request<Items>('GET', `/api/v1/sars/${sarId}/items?limit=500`, { user: support });
  expect(res.status).toBe(200);
  return res.body;
}

function docOf(items: Items, name: string): Doc {
  const item = items.items.find((i) => i.entryId === uploads[name]?.entryId);
  return item?.documents[0] as Doc;
}

async function counts() {
  const { rows } = await sql<Record<string, number | string>>`
    select (select count(*)::int from sar_document_decision) as documents, (select count(*)::int from sar_redaction_decision) as redactions,
           (select count(*)::int from sar_approval) as approvals, (select count(*)::int from sar_disclosure) as disclosures,
           (select string_agg(status, ',' order by id) from sar) as states`.execute(h.db);
  return rows[0];
}

function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) image.data.set([30, 90, 200, 255], i * 4);
  return PNG.sync.write(image);
}

beforeAll(async () => {
  h = await startHarness();
  const team = await teamWithStaff(h);
  worker = team.worker;
  dpo = await h.user(['dpo'], { displayName: 'Dee Protection' });
  support = await h.user(['business-support'], { displayName: 'Bea Support' });
  mia = await createChild(h, worker, { givenName: 'Mia', familyName: 'Hollander', dateOfBirth: '2013-02-03' });
  // Another child of the authority, not related to Mia: known only because the document names him in full.
  await createChild(h, worker, { givenName: 'Jayden', familyName: 'Okafor', dateOfBirth: '2012-09-10' });
  await createEntry(h, worker, mia.id, { occurredAt: '2026-02-01T10:00:00Z', title: 'Visit', body: 'Mia showed me her drawings.' });
  await upload('note', Buffer.from(NOTE), 'contact-note-okafor.txt', '2026-02-02T10:00:00Z');
  await upload('photo', png(60, 40), 'photo.png', '2026-02-03T10:00:00Z');
  await upload('jpeg', greyJpeg({ blocks: 2, orientation: 6, secret: 'GPS 53.4808N 2.2426W' }), 'scan.jpg', '2026-02-04T10:00:00Z');
  const pdf = await renderPdf({ title: 'Report', createdAt: new Date('2026-02-05T10:00:00Z'), blocks: [{ type: 'paragraph', text: `School report ${PDF_MARKER}` }] });
  await upload('pdf', pdf.bytes, 'report.pdf', '2026-02-05T10:00:00Z');
  await upload('withheld', Buffer.from(WITHHELD), 'police.txt', '2026-02-06T10:00:00Z');
  // Out of scope: a document of another child.
  const other = await createChild(h, worker, { givenName: 'Ola', familyName: 'Brennan', dateOfBirth: '2015-05-05' });
  await upload('other', Buffer.from('Another child’s letter.'), 'other.txt', '2026-02-07T10:00:00Z', worker, other.id);
  const created = await h.request<Body>('POST', '/api/v1/sars', {
    user: support,
    body: { childId: mia.id, requester: 'Mia Hollander', relationship: 'the-child', receivedAt: '2026-06-01', identity: { method: 'known-to-the-service' } },
  });
  expect(created.status).toBe(201);
  sarId = created.body.id;
});
afterAll(async () => h.close());

describe('documents in a subject access request', () => {
  it('lists every document with how it would go out, a text document’s text and the redactions proposed in it', async () => {
    const items = await itemsOf();
    expect(items.summary).toMatchObject({ documents: 5, documentsUndecided: 5, documentsDisclosed: 0, documentsWithheld: 0 });
    const note = docOf(items, 'note');
    expect(note).toMatchObject({ contentType: 'text/plain', bundleAs: 'text', text: NOTE, decision: null });
    // The other child is proposed in the document's text, by its own field, never Mia herself.
    expect(note.proposedRedactions.map((r) => [r.field, r.text, r.reason])).toEqual([[`document:${note.id}`, 'Jayden Okafor', 'other-child']]);
    expect(docOf(items, 'photo')).toMatchObject({ contentType: 'image/png', bundleAs: 'image', text: null, proposedRedactions: [] });
    expect(docOf(items, 'jpeg')).toMatchObject({ contentType: 'image/jpeg', bundleAs: 'image' });
    expect(docOf(items, 'pdf')).toMatchObject({ contentType: 'application/pdf', bundleAs: 'separately', text: null });
    expect(docOf(items, 'withheld').proposedRedactions.map((r) => r.text)).toEqual(['Jayden Okafor']);
    // The same ids on every collation (from the document and its content).
    expect(docOf(await itemsOf(), 'note').proposedRedactions[0]?.id).toBe(note.proposedRedactions[0]?.id);
    // The reviewer can open each document in scope (audited), and nothing outside it.
    const content = await h.app.inject({ method: 'GET', url: `/api/v1/sars/${sarId}/documents/${note.id}/content`, headers: { authorization: `Bearer ${support.token}` } });
    expect(content.statusCode).toBe(200);
    expect(content.body).toBe(NOTE);
    const otherDoc = await h.db.selectFrom('document').select('id').where('entry_id', '=', uploads['other']?.entryId ?? '').executeTakeFirstOrThrow();
    expect((await h.request('GET', `/api/v1/sars/${sarId}/documents/${otherDoc.id}/content`, { user: support })).status).toBe(404);
    expect((await h.request('GET', `/api/v1/sars/${sarId}/documents/${note.id}/content`, { user: worker })).status).toBe(403);
    expect((await h.auditFor(mia.id)).filter((e) => e.action === 'sar.document-read' && e.outcome === 'allowed')).toHaveLength(1);
  });

  it('refuses bad decisions, naming the field, and writes nothing', async () => {
    const items = await itemsOf();
    const note = docOf(items, 'note');
    const otherDoc = await h.db.selectFrom('document').select('id').where('entry_id', '=', uploads['other']?.entryId ?? '').executeTakeFirstOrThrow();
    const before = await counts();
    const bad = await h.request<Body>('POST', `/api/v1/sars/${sarId}/document-decisions`, {
      user: support,
      body: {
        decisions: [
          { documentId: note.id, disclose: true },
          { documentId: otherDoc.id, disclose: true },
          { documentId: '11111111-2222-4333-8444-555555555555', disclose: true },
          { documentId: docOf(items, 'pdf').id, disclose: false },
          { documentId: docOf(items, 'photo').id, disclose: true, exemption: 'third-party' },
          { documentId: docOf(items, 'jpeg').id, disclose: false, exemption: 'expectations-and-wishes' },
          { documentId: note.id, disclose: false, exemption: 'third-party' },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toEqual(['decisions[1].documentId', 'decisions[2].documentId', 'decisions[3].exemption', 'decisions[4].exemption', 'decisions[5].exemption', 'decisions[6].documentId']);
    const unknownExemption = await h.request<Body>('POST', `/api/v1/sars/${sarId}/document-decisions`, { user: support, body: { decisions: [{ documentId: note.id, disclose: false, exemption: 'because' }] } });
    expect(unknownExemption.status).toBe(400);
    expect(unknownExemption.body.errors.map((e) => e.field)).toEqual(['decisions.0.exemption']);
    // A redaction in a document that is not a text document: refused.
    const manual = await h.request<Body>('POST', `/api/v1/sars/${sarId}/manual-redactions`, { user: support, body: { documentId: docOf(items, 'pdf').id, start: 0, end: 4, exemption: 'third-party' } });
    expect(manual.status).toBe(400);
    expect(manual.body.errors).toEqual([expect.objectContaining({ field: 'documentId' })]);
    const outside = await h.request<Body>('POST', `/api/v1/sars/${sarId}/manual-redactions`, { user: support, body: { documentId: note.id, start: 10, end: NOTE.length + 1, exemption: 'third-party' } });
    expect(outside.body.errors).toEqual([expect.objectContaining({ field: 'end' })]);
    expect((await h.request<Body>('POST', `/api/v1/sars/${sarId}/document-decisions`, { user: worker, body: { decisions: [{ documentId: note.id, disclose: true }] } })).status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('blocks approval until every document is decided, and needs no redaction decided in a withheld one', async () => {
    const items = await itemsOf();
    const note = docOf(items, 'note');
    const proposal = note.proposedRedactions[0] as Redaction;
    // A manual redaction in the document's text, as for an entry's.
    const start = NOTE.indexOf('the contact centre');
    const manual = await h.request<Body & Redaction & { documentId: string }>('POST', `/api/v1/sars/${sarId}/manual-redactions`, {
      user: support,
      body: { documentId: note.id, start, end: start + 'the contact centre'.length, exemption: 'third-party' },
    });
    expect(manual.status).toBe(201);
    expect(manual.body).toMatchObject({ source: 'manual', field: `document:${note.id}`, text: 'the contact centre', documentId: note.id });

    const before = await counts();
    const early = await h.request<Body>('POST', `/api/v1/sars/${sarId}/approval`, { user: dpo });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'REDACTIONS_UNREVIEWED', unreviewed: 2, documentsUndecided: 5 });
    // The proposal in the note decided through /redactions, like an entry's; the one in the police letter is left.
    expect((await h.request<Body>('POST', `/api/v1/sars/${sarId}/redactions`, { user: support, body: { decisions: [{ id: proposal.id, accept: true, exemption: 'third-party' }] } })).status).toBe(200);
    expect((await h.request<Body>('POST', `/api/v1/sars/${sarId}/approval`, { user: dpo })).body).toMatchObject({ code: 'REDACTIONS_UNREVIEWED', unreviewed: 1 });

    // Withhold the note at first (disclosed later: a later decision supersedes), and the police letter: nothing in it is disclosed, so nothing in it needs deciding.
    const decided = await h.request<Body>('POST', `/api/v1/sars/${sarId}/document-decisions`, {
      user: support,
      body: {
        decisions: [
          { documentId: note.id, disclose: false, exemption: 'third-party', note: 'Names another child throughout' },
          { documentId: docOf(items, 'photo').id, disclose: true },
          { documentId: docOf(items, 'jpeg').id, disclose: true },
          { documentId: docOf(items, 'withheld').id, disclose: false, exemption: 'crime' },
        ],
      },
    });
    expect(decided.status).toBe(200);
    expect(decided.body.summary).toMatchObject({ undecided: 0, documentsUndecided: 1, documentsDisclosed: 2, documentsWithheld: 2 });
    const partly = await h.request<Body>('POST', `/api/v1/sars/${sarId}/approval`, { user: dpo });
    expect(partly.status).toBe(409);
    expect(partly.body).toMatchObject({ code: 'DOCUMENTS_UNREVIEWED', unreviewed: 0, documentsUndecided: 1 });
    expect(await counts()).toMatchObject({ approvals: before?.approvals, states: before?.states });
    const rest = await h.request<Body>('POST', `/api/v1/sars/${sarId}/document-decisions`, {
      user: support,
      body: { decisions: [{ documentId: note.id, disclose: true }, { documentId: docOf(items, 'pdf').id, disclose: true }] },
    });
    expect(rest.body.summary).toMatchObject({ undecided: 0, documentsUndecided: 0, documentsDisclosed: 4, documentsWithheld: 1 });
    expect(docOf(await itemsOf(), 'note').decision).toMatchObject({ disclose: true, exemption: null });
    expect((await counts())?.documents).toBe(Number(before?.documents) + 6);
    const audit = (await h.auditFor(mia.id)).filter((e) => e.action === 'sar.document-decide' && e.outcome === 'allowed');
    expect(audit).toHaveLength(2);
    expect(audit[0]?.detail).toMatchObject({
      documentsDisclosed: [`${docOf(items, 'photo').id}:${uploads['photo']?.sha256}`, `${docOf(items, 'jpeg').id}:${uploads['jpeg']?.sha256}`],
      documentsWithheld: [`${note.id}:${uploads['note']?.sha256}:third-party`, `${docOf(items, 'withheld').id}:${uploads['withheld']?.sha256}:crime`],
    });

    const approved = await h.request<Body>('POST', `/api/v1/sars/${sarId}/approval`, { user: dpo });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approval: { documents: { disclosed: 4, withheld: 1 } } });
  });

  it('refuses any decision once approved, in the service (409) and in the database', async () => {
    const items = await itemsOf();
    const note = docOf(items, 'note');
    const before = await counts();
    const late = await h.request<Body>('POST', `/api/v1/sars/${sarId}/document-decisions`, { user: support, body: { decisions: [{ documentId: note.id, disclose: false, exemption: 'third-party' }] } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('SAR_CLOSED');
    expect((await h.request<Body>('POST', `/api/v1/sars/${sarId}/manual-redactions`, { user: support, body: { documentId: note.id, start: 0, end: 5, exemption: 'third-party' } })).status).toBe(409);
    await expect(
      h.db
        .insertInto('sar_document_decision')
        .values({ sar_id: sarId, document_id: note.id, entry_id: uploads['note']?.entryId ?? '', sha256: note.sha256, disclose: false, exemption: 'third-party', decided_at: new Date(), decided_by: support.id })
        .execute(),
    ).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update sar_document_decision set disclose = false, exemption = 'crime'`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`delete from sar_document_decision`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`truncate sar_document_decision`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    expect(await counts()).toEqual(before);
  });

  it('discloses the note redacted, the pictures without their metadata, the PDF by its SHA-256, and nothing of the withheld letter', async () => {
    const items = await itemsOf();
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/sars/${sarId}/bundle`, headers: { authorization: `Bearer ${support.token}` } });
    expect(res.statusCode).toBe(200);
    const bytes = res.rawPayload;
    const text = flat(await pdfPages(bytes));
    // The other child's name is removed from the text stream, not covered over; so is the span the reviewer added.
    for (const gone of ['Jayden', 'Okafor', 'contact centre', 'WITHHELD-MARKER', 'Edna', 'Quist', 'Elm Road', PDF_MARKER, 'contact-note', 'police.txt']) expect(text).not.toContain(gone);
    expect(text).toMatch(/Notes from \[redacted \d+\]\. \[redacted \d+\] was also there and shouted at Mia\./);
    expect(text).toContain('Mia showed me her drawings.');
    expect(text).toContain(`provided separately in full. SHA-256 ${uploads['pdf']?.sha256}`);
    expect(text).toMatch(/Document filed with this entry \(text\/plain, \d+ bytes\): withheld\. Prevention or detection of crime \(DPA 2018 Sch 2 Pt 1 para 2\)\./);
    expect(text).toContain('Documents 5 (3 in this bundle, 1 provided separately, 1 withheld)');
    // Both pictures are in the file as images (the PNG with its alpha mask), the JPEG without its EXIF, comment or trailing video.
    const raw = bytes.toString('latin1');
    expect(raw.match(/\/Subtype \/Image/g)?.length).toBe(3);
    expect(raw).not.toContain('53.4808');
    expect(raw).not.toContain('MOTION-PHOTO');
    // The withheld file's bytes were never read into it.
    expect(raw).not.toContain('WITHHELD-MARKER');

    // The disclosure log and the audit trail say which documents went out, and how.
    const view = await h.request<Body>('GET', `/api/v1/sars/${sarId}`, { user: dpo });
    const disclosed = view.body.disclosures[0]?.documents ?? [];
    const id = (name: string) => docOf(items, name).id;
    expect(disclosed).toEqual([
      { documentId: id('note'), sha256: uploads['note']?.sha256, as: 'text', exemption: null },
      { documentId: id('photo'), sha256: uploads['photo']?.sha256, as: 'image', exemption: null },
      { documentId: id('jpeg'), sha256: uploads['jpeg']?.sha256, as: 'image', exemption: null },
      { documentId: id('pdf'), sha256: uploads['pdf']?.sha256, as: 'separately', exemption: null },
      { documentId: id('withheld'), sha256: uploads['withheld']?.sha256, as: 'withheld', exemption: 'crime' },
    ]);
    const event = (await h.auditFor(mia.id)).find((e) => e.action === 'sar.disclose');
    expect(event?.detail).toMatchObject({
      documentsDisclosed: [`${id('note')}:${uploads['note']?.sha256}:text`, `${id('photo')}:${uploads['photo']?.sha256}:image`, `${id('jpeg')}:${uploads['jpeg']?.sha256}:image`, `${id('pdf')}:${uploads['pdf']?.sha256}:separately`],
      documentsWithheld: [`${id('withheld')}:${uploads['withheld']?.sha256}:crime`],
    });
    const approval = (await h.auditFor(mia.id)).find((e) => e.action === 'sar.approve' && e.outcome === 'allowed');
    expect(approval?.detail).toMatchObject({ documentsWithheld: [`${id('withheld')}:${uploads['withheld']?.sha256}:crime`] });
    // The same approved request gives the same bytes again.
    const again = await h.app.inject({ method: 'GET', url: `/api/v1/sars/${sarId}/bundle`, headers: { authorization: `Bearer ${support.token}` } });
    expect(again.rawPayload.equals(bytes)).toBe(true);
  });

  it('schedules the redactions in the note and every document decision, in JSON, CSV and PDF', async () => {
    const items = await itemsOf();
    const note = docOf(items, 'note');
    const res = await h.request<{ markers: number; items: Array<{ marker: number; documentId: string | null; field: string; source: string }>; documents: Array<{ documentId: string; as: string; exemption: string | null; sha256: string; disclosed: boolean }> }>(
      'GET',
      `/api/v1/sars/${sarId}/redaction-schedule`,
      { user: dpo },
    );
    expect(res.status).toBe(200);
    expect(res.body.items.filter((r) => r.documentId === note.id).map((r) => [r.field, r.source])).toEqual([
      [`document:${note.id}`, 'manual'],
      [`document:${note.id}`, 'proposed'],
    ]);
    expect(res.body.documents.map((d) => [d.documentId, d.as, d.exemption, d.disclosed])).toEqual([
      [note.id, 'text', null, true],
      [docOf(items, 'photo').id, 'image', null, true],
      [docOf(items, 'jpeg').id, 'image', null, true],
      [docOf(items, 'pdf').id, 'separately', null, true],
      [docOf(items, 'withheld').id, 'withheld', 'crime', false],
    ]);
    expect(res.raw).not.toMatch(/Jayden|Okafor|WITHHELD-MARKER|Edna|contact centre/);
    const csv = await h.request('GET', `/api/v1/sars/${sarId}/redaction-schedule?format=csv`, { user: dpo });
    expect(csv.raw.split('\n')[0]).toBe('Marker,Entry date,Entry kind,Where,Exemption,Source,Decided by,Decided on,Entry id,Document id,Document SHA-256');
    expect(csv.raw).toContain('document withheld,6 February 2026,Correspondence,"Document (text/plain');
    expect(csv.raw).toContain(`${docOf(items, 'pdf').id},${uploads['pdf']?.sha256}`);
    expect(csv.raw).not.toMatch(/Jayden|Okafor|WITHHELD-MARKER/);
    const pdf = await h.app.inject({ method: 'GET', url: `/api/v1/sars/${sarId}/redaction-schedule?format=pdf`, headers: { authorization: `Bearer ${dpo.token}` } });
    const text = flat(await pdfPages(pdf.rawPayload));
    expect(text).toContain('Documents');
    expect(text).toContain('Prevention or detection of crime');
    expect(text).toContain('disclosed: provided separately in full');
    expect(text).not.toMatch(/Jayden|Okafor|WITHHELD-MARKER/);
  });
});

describe('a request approved before documents were reviewed (migration 0700)', () => {
  it('keeps its bundle as it was: documents listed by type and size, provided separately; its disclosures name none', async () => {
    const zoe = await createChild(h, worker, { givenName: 'Zoe', familyName: 'Pellow', dateOfBirth: '2011-01-01' });
    await upload('legacy', Buffer.from('An old letter.'), 'old.txt', '2026-03-01T10:00:00Z', worker, zoe.id);
    const created = await h.request<Body>('POST', '/api/v1/sars', {
      user: support,
      body: { childId: zoe.id, requester: 'Zoe Pellow', relationship: 'the-child', receivedAt: '2026-06-01', identity: { method: 'known-to-the-service' } },
    });
    // An approval row as migration 0510 wrote it: no documents column.
    await sql`insert into sar_approval (sar_id, entries, redaction_ids, proposals, accepted, approved_at, approved_by)
              values (${created.body.id}, ${JSON.stringify([{ entryId: uploads['legacy']?.entryId, version: 1 }])}::jsonb, '{}', 0, 0, now(), ${dpo.id})`.execute(h.db);
    await sql`update sar set status = 'approved' where id = ${created.body.id}`.execute(h.db);
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/sars/${created.body.id}/bundle`, headers: { authorization: `Bearer ${support.token}` } });
    expect(res.statusCode).toBe(200);
    const text = flat(await pdfPages(res.rawPayload));
    expect(text).toContain('Document filed with this entry: text/plain, 14 bytes (provided separately)');
    expect(text).not.toContain('An old letter.');
    const view = await h.request<Body>('GET', `/api/v1/sars/${created.body.id}`, { user: dpo });
    expect(view.body).toMatchObject({ status: 'disclosed', approval: { documents: null }, disclosures: [{ documents: null }] });
  });
});
