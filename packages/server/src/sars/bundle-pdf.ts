import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { londonDate } from '@safekeep/core';
import { formatBytes } from '../documents/blob-store.js';
import { renderPdf, type Block } from '../pdf/pdf-document.js';
import type { BundleContent, ScheduleRow } from './disclosure.service.js';

/**
 * The disclosure bundle and its redaction schedule as files. The text given to the PDF
 * is already redacted (disclosure.service.ts): a removed name is not in the file at all,
 * only its marker. The bundle's creation date is the approval's, so every download of
 * one approved request is the same bytes and the same SHA-256.
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
    ['Documents', String(c.entries.reduce((n, e) => n + e.documents.length, 0))],
    ['Redactions', String(c.markers)],
  );
  yield { type: 'fields', rows };
  yield {
    type: 'paragraph',
    text:
      'Entries are in date order, oldest first, as they stand in the record. Where information has been taken out you will see a numbered marker such as “[redacted 1]”. ' +
      'The redaction schedule that comes with this bundle gives, for each number, the exemption in the Data Protection Act 2018 it rests on. ' +
      'Documents filed on the record are listed with the entry they belong to; their contents are provided separately.',
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

async function* blocks(c: BundleContent): AsyncGenerator<Block> {
  yield* cover(c);
  yield { type: 'heading', text: 'Records', level: 2 };
  for (const e of c.entries) {
    yield { type: 'heading', text: `${onDay(e.occurredAt)} · ${kindLabel(e.kind)}: ${e.title}`, level: 3 };
    yield { type: 'paragraph', text: `Recorded by ${e.recordedBy}${e.version > 1 ? ` (version ${e.version})` : ''}`, style: 'small' };
    if (e.body.trim() !== '') yield { type: 'paragraph', text: e.body };
    if (e.fields.length > 0) yield { type: 'fields', rows: e.fields.map((f) => [f.label, f.text] as const) };
    for (const d of e.documents) yield { type: 'paragraph', text: `Document filed with this entry: ${d.contentType}, ${d.size < 1024 ? `${d.size} bytes` : formatBytes(d.size)} (provided separately)`, style: 'small' };
    yield { type: 'rule' };
  }
}

export interface RenderedBundle {
  bytes: Buffer;
  pages: number;
  sha256: string;
}

export async function renderBundle(c: BundleContent): Promise<RenderedBundle> {
  const header = c.sar.kind === 'court-order' ? `Confidential: disclosed under order ${c.sar.orderReference ?? ''}` : `Confidential: disclosed to ${c.sar.requester}`;
  const { bytes, pages } = await renderPdf({
    title: TITLES[c.sar.kind] ?? 'Disclosure',
    subject: `Request ${c.sar.id}`,
    author: 'Safekeep',
    header,
    footer: `Request ${c.sar.id.slice(0, 8)} · approved ${onDay(c.approvedAt)}`,
    createdAt: new Date(c.approvedAt),
    blocks: blocks(c),
  });
  return { bytes, pages, sha256: createHash('sha256').update(bytes).digest('hex') };
}

const SCHEDULE_COLUMNS = ['Marker', 'Entry date', 'Entry kind', 'Where', 'Exemption', 'Source', 'Decided by', 'Decided on'] as const;

function scheduleCells(r: ScheduleRow): string[] {
  return [`[redacted ${r.marker}]`, onDay(r.occurredAt), kindLabel(r.kind), r.fieldLabel, `${r.exemptionLabel} (${r.exemptionSource})`, r.source === 'manual' ? 'added by reviewer' : `proposed: ${r.reason}`, r.decidedBy.displayName, onDay(r.decidedAt)];
}

/** A spreadsheet can run a cell that begins with = + - or @: such cells are quoted as text. */
function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function scheduleCsv(c: BundleContent): string {
  return stringify([[...SCHEDULE_COLUMNS, 'Entry id'], ...c.schedule.map((r) => [...scheduleCells(r), r.entryId].map(safeCell))]);
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
    ],
  });
  return bytes;
}
