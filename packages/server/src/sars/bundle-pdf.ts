import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { londonDate } from '@safekeep/core';
import type { DisclosedDocument } from '../db/schema-sars.js';
import { formatBytes } from '../documents/blob-store.js';
import { ImageRefused, prepareImage, type PreparedImage } from '../pdf/images.js';
import { renderPdf, type Block } from '../pdf/pdf-document.js';
import type { BlobReader } from './document-text.js';
import type { BundleContent, BundleDocument, DocumentScheduleRow, ScheduleRow } from './disclosure.service.js';

/**
 * The disclosure bundle and its redaction schedule as files. The text given to the PDF
 * is already redacted (disclosure.service.ts): a removed name is not in the file at all,
 * only its marker, in a text document's text as in an entry's. An image document is
 * drawn from its stored file with its metadata removed (pdf/images.ts); any other
 * disclosed document is named by its SHA-256 and sent whole beside the bundle; a
 * withheld one is listed with its exemption, nothing of it read. No filename is printed
 * (a filename is not reviewed and may name someone). The bundle's creation date is the
 * approval's, so every download of one approved request is the same bytes and the same
 * SHA-256.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function longDate(date: string): string {
  return `${Number(date.slice(8, 10))} ${MONTHS[Number(date.slice(5, 7)) - 1] ?? ''} ${date.slice(0, 4)}`;
}

function onDay(instant: string): string {
  return longDate(londonDate(new Date(instant)));
}

function kindLabel(kind: string): string {
  const words = kind.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const TITLES: Record<string, string> = {
  'subject-access': 'Subject access request: your records',
  'care-leaver': 'Access to care records',
  'court-order': 'Disclosure under a court order',
};

const RELATIONSHIPS: Record<string, string> = {
  'the-child': 'the child',
  'parent-with-parental-responsibility': 'a parent with parental responsibility',
  representative: 'a representative',
  'care-leaver': 'the care leaver',
};

function scopeText(c: BundleContent): string {
  const s = c.sar.scope;
  if (s.kinds === null && s.from === null && s.to === null) return 'The whole record';
  const parts: string[] = [];
  if (s.kinds !== null) parts.push(`entries of kind ${s.kinds.map(kindLabel).join(', ')}`);
  if (s.from !== null) parts.push(`from ${longDate(s.from)}`);
  if (s.to !== null) parts.push(`to ${longDate(s.to)}`);
  return parts.join(' ');
}

function* cover(c: BundleContent): Generator<Block> {
  const s = c.sar;
  yield { type: 'heading', text: TITLES[s.kind] ?? 'Disclosure', level: 1 };
  const rows: Array<[string, string]> = [['Records of', s.childName ?? 'the child'], ['Request', s.id]];
  if (s.kind === 'court-order') rows.push(['Court', s.court ?? ''], ['Order', s.orderReference ?? '']);
  else rows.push(['Asked for by', `${s.requester}, ${RELATIONSHIPS[s.relationship ?? ''] ?? ''}`]);
  rows.push(
    ['Received', longDate(s.receivedOn)],
    ['Due', s.dueDate === null ? 'not set' : longDate(s.dueDate)],
    ['Scope', scopeText(c)],
    ['Approved', `${onDay(c.approvedAt)} by ${c.approvedBy}, data protection officer`],
    ['Entries', String(c.entries.length)],
    ['Documents', documentCounts(c)],
    ['Redactions', String(c.markers)],
  );
  yield { type: 'fields', rows };
  const legacy = c.entries.some((e) => e.documents.some((d) => d.as === 'unreviewed'));
  yield {
    type: 'paragraph',
    text:
      'Entries are in date order, oldest first, as they stand in the record. Where information has been taken out you will see a numbered marker such as “[redacted 1]”. ' +
      'The redaction schedule that comes with this bundle gives, for each number, the exemption in the Data Protection Act 2018 it rests on. ' +
      (legacy
        ? 'Documents filed on the record are listed with the entry they belong to; their contents are provided separately.'
        : 'Documents filed on the record are shown with the entry they belong to: a text document’s text, with the same markers, and a picture as it is. ' +
          'Other documents are provided separately, each in full, and named here by its SHA-256 fingerprint so you can check the file you have is the one we sent. ' +
          'A document we have not disclosed is listed with the exemption it rests on.'),
  };
  if (s.kind === 'care-leaver') {
    yield { type: 'paragraph', text: 'You can ask for a worker to go through these records with you, and to help you find records held elsewhere.' };
  }
  if (s.kind !== 'court-order') {
    yield {
      type: 'paragraph',
      text: 'If you are unhappy with this response you can ask us to look at it again, complain to the Information Commissioner’s Office (ico.org.uk), or apply to a court.',
      style: 'small',
    };
  }
  yield { type: 'page-break' };
}

function sizeText(size: number): string {
  return size < 1024 ? `${size} bytes` : formatBytes(size);
}

function documentCounts(c: BundleContent): string {
  const all = c.entries.flatMap((e) => e.documents);
  if (all.length === 0 || all.some((d) => d.as === 'unreviewed')) return String(all.length);
  const n = (as: BundleDocument['as']) => all.filter((d) => d.as === as).length;
  const parts = [
    [n('text') + n('image'), 'in this bundle'],
    [n('separately'), 'provided separately'],
    [n('withheld'), 'withheld'],
  ] as const;
  return `${all.length} (${parts.filter(([k]) => k > 0).map(([k, what]) => `${k} ${what}`).join(', ')})`;
}

/** What one document shows in the bundle; `disclosed` collects how each actually went out (an image that cannot be drawn goes separately). */
async function* documentBlocks(d: BundleDocument, blobs: BlobReader, disclosed: DisclosedDocument[]): AsyncGenerator<Block> {
  const what = `${d.contentType}, ${sizeText(d.size)}`;
  const record = (as: DisclosedDocument['as']) => disclosed.push({ documentId: d.documentId, sha256: d.sha256, as, exemption: d.exemption?.code ?? null });
  const separately = (why = ''): Block => ({ type: 'paragraph', text: `Document filed with this entry (${what}): provided separately in full${why}. SHA-256 ${d.sha256}`, style: 'small' });
  switch (d.as) {
    case 'unreviewed':
      yield { type: 'paragraph', text: `Document filed with this entry: ${what} (provided separately)`, style: 'small' };
      return;
    case 'withheld':
      record('withheld');
      yield { type: 'paragraph', text: `Document filed with this entry (${what}): withheld. ${d.exemption?.label ?? ''} (${d.exemption?.source ?? ''}).`, style: 'small' };
      return;
    case 'separately':
      record('separately');
      yield separately();
      return;
    case 'text':
      record('text');
      yield { type: 'paragraph', text: `Document filed with this entry (${what}):`, style: 'small' };
      yield { type: 'paragraph', text: d.text ?? '' };
      return;
    case 'image': {
      let image: PreparedImage | null = null;
      try {
        image = prepareImage(await blobs.read(d.sha256));
      } catch (e) {
        if (!(e instanceof ImageRefused)) throw e;
      }
      if (image === null) {
        record('separately');
        yield separately(' (it cannot be shown here)');
        return;
      }
      record('image');
      yield { type: 'paragraph', text: `Document filed with this entry (${what}):`, style: 'small' };
      yield { type: 'image', image };
      return;
    }
  }
}

async function* blocks(c: BundleContent, blobs: BlobReader, disclosed: DisclosedDocument[]): AsyncGenerator<Block> {
  yield* cover(c);
  yield { type: 'heading', text: 'Records', level: 2 };
  for (const e of c.entries) {
    yield { type: 'heading', text: `${onDay(e.occurredAt)} · ${kindLabel(e.kind)}: ${e.title}`, level: 3 };
    yield { type: 'paragraph', text: `Recorded by ${e.recordedBy}${e.version > 1 ? ` (version ${e.version})` : ''}`, style: 'small' };
    if (e.body.trim() !== '') yield { type: 'paragraph', text: e.body };
    if (e.fields.length > 0) yield { type: 'fields', rows: e.fields.map((f) => [f.label, f.text] as const) };
    for (const d of e.documents) yield* documentBlocks(d, blobs, disclosed);
    yield { type: 'rule' };
  }
}

export interface RenderedBundle {
  bytes: Buffer;
  pages: number;
  sha256: string;
  /** Each reviewed document and how this bundle carried it, for the disclosure log (null: approved before documents were reviewed). */
  documents: DisclosedDocument[] | null;
}

export async function renderBundle(c: BundleContent, blobs: BlobReader): Promise<RenderedBundle> {
  const disclosed: DisclosedDocument[] = [];
  const header = c.sar.kind === 'court-order' ? `Confidential: disclosed under order ${c.sar.orderReference ?? ''}` : `Confidential: disclosed to ${c.sar.requester}`;
  const { bytes, pages } = await renderPdf({
    title: TITLES[c.sar.kind] ?? 'Disclosure',
    subject: `Request ${c.sar.id}`,
    author: 'Safekeep',
    header,
    footer: `Request ${c.sar.id.slice(0, 8)} · approved ${onDay(c.approvedAt)}`,
    createdAt: new Date(c.approvedAt),
    blocks: blocks(c, blobs, disclosed),
  });
  const legacy = c.entries.some((e) => e.documents.some((d) => d.as === 'unreviewed'));
  return { bytes, pages, sha256: createHash('sha256').update(bytes).digest('hex'), documents: legacy ? null : disclosed };
}

const SCHEDULE_COLUMNS = ['Marker', 'Entry date', 'Entry kind', 'Where', 'Exemption', 'Source', 'Decided by', 'Decided on'] as const;

function scheduleCells(r: ScheduleRow): string[] {
  return [`[redacted ${r.marker}]`, onDay(r.occurredAt), kindLabel(r.kind), r.fieldLabel, `${r.exemptionLabel} (${r.exemptionSource})`, r.source === 'manual' ? 'added by reviewer' : `proposed: ${r.reason}`, r.decidedBy.displayName, onDay(r.decidedAt)];
}

const DOCUMENT_OUTCOME: Record<DocumentScheduleRow['as'], string> = {
  text: 'disclosed: its text in the bundle',
  image: 'disclosed: shown in the bundle',
  separately: 'disclosed: provided separately in full',
  withheld: 'withheld',
};

/** A document decision in the schedule's columns: the marker column says what became of it. */
function documentCells(r: DocumentScheduleRow): string[] {
  return [
    `document ${DOCUMENT_OUTCOME[r.as]}`,
    onDay(r.occurredAt),
    kindLabel(r.kind),
    `Document (${r.contentType}, ${sizeText(r.size)})`,
    r.exemption === null ? '' : `${r.exemptionLabel ?? ''} (${r.exemptionSource ?? ''})`,
    'document decision',
    r.decidedBy.displayName,
    onDay(r.decidedAt),
  ];
}

const DOCUMENT_COLUMNS = ['Entry date', 'Entry kind', 'Document', 'Decision', 'Exemption', 'Decided by', 'Decided on'] as const;

function documentTableCells(r: DocumentScheduleRow): string[] {
  return [
    onDay(r.occurredAt),
    kindLabel(r.kind),
    `${r.contentType}, ${sizeText(r.size)}; SHA-256 ${r.sha256}`,
    DOCUMENT_OUTCOME[r.as],
    r.exemption === null ? '' : `${r.exemptionLabel ?? ''} (${r.exemptionSource ?? ''})`,
    r.decidedBy.displayName,
    onDay(r.decidedAt),
  ];
}

/** A spreadsheet can run a cell that begins with = + - or @: such cells are quoted as text. */
function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function scheduleCsv(c: BundleContent): string {
  return stringify([
    [...SCHEDULE_COLUMNS, 'Entry id', 'Document id', 'Document SHA-256'],
    ...c.schedule.map((r) => {
      const doc = r.documentId === null ? undefined : c.documents.find((d) => d.documentId === r.documentId);
      return [...scheduleCells(r), r.entryId, r.documentId ?? '', doc?.sha256 ?? ''].map(safeCell);
    }),
    ...c.documents.map((r) => [...documentCells(r), r.entryId, r.documentId, r.sha256].map(safeCell)),
  ]);
}

export async function schedulePdf(c: BundleContent): Promise<Buffer> {
  const { bytes } = await renderPdf({
    title: 'Redaction schedule',
    subject: `Request ${c.sar.id}`,
    header: `Redaction schedule · request ${c.sar.id}`,
    createdAt: new Date(c.approvedAt),
    blocks: [
      { type: 'heading', text: 'Redaction schedule', level: 1 },
      { type: 'paragraph', text: `Each marker in the disclosure bundle, the exemption it rests on and who decided it. ${c.markers} marker${c.markers === 1 ? '' : 's'}.` },
      { type: 'table', columns: SCHEDULE_COLUMNS, widths: [1.1, 1.2, 1.1, 1, 2.6, 1.3, 1.2, 1.1], rows: c.schedule.map(scheduleCells) },
      ...(c.documents.length === 0
        ? []
        : ([
            { type: 'heading', text: 'Documents', level: 2 },
            { type: 'paragraph', text: 'Each document filed with an entry in the bundle: whether it was disclosed, and how, or withheld and on what exemption. A document provided separately is named by its SHA-256.' },
            { type: 'table', columns: DOCUMENT_COLUMNS, widths: [1.1, 1.1, 2.6, 1.5, 2.2, 1.2, 1.1], rows: c.documents.map(documentTableCells) },
          ] satisfies Block[])),
    ],
  });
  return bytes;
}
