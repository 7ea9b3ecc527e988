import { renderPdf, type Block } from '../pdf/pdf-document.js';

/** The destruction certificate as a PDF: what was destroyed, when, under which rules, on whose authority, and where in the audit trail. */

interface Person {
  id: string;
  displayName: string;
}

interface Common {
  certificateId: string;
  retention: { destructionDate: string; scheduleVersion: number; recordClasses: string[]; rules: Array<{ id: string; description: string; years: number | null; deathRuleYears: number | null; source: string; verified: boolean }> };
  holds: { released: Array<{ id: string; name: string; releasedAt: string }> };
  reason: string;
  requested: { by: Person; at: string };
  approvals: Array<{ by: Person; role: string; at: string }>;
  executedAt: string;
}

interface PaperFile {
  id: string;
  boxBarcode: string | null;
  location: string | null;
}

/** A child's record's certificate (disposal.service.ts). */
export interface ChildCertificate extends Common {
  record: { childId: string; caseReference: string | null; initials: string | null };
  destroyed: {
    entries: number;
    entriesByKind: Record<string, number>;
    entryVersions: number;
    childDetailVersions: number;
    documents: Array<{ sha256: string; size: number; contentType: string }>;
    documentBytes: number;
    involvementsByKind: Record<string, number>;
    allocations: number;
    relationships: number;
    paperFilesToShred: PaperFile[];
    contentSha256: string;
  };
}

/** A carer's or home's record's certificate (carer-disposal.service.ts). */
export interface CarerCertificate extends Common {
  record: { carerId: string; kind: string; endedOn: string | null; endReason: string | null };
  destroyed: { nameRemoved: boolean; entries: number; entriesByKind: Record<string, number>; entryVersions: number; allocations: number; paperFilesToShred: PaperFile[]; contentSha256: string };
  kept: { childCopies: number };
}

export type CertificateDocument = ChildCertificate | CarerCertificate;

const isCarer = (c: CertificateDocument): c is CarerCertificate => 'carerId' in c.record;
const recordId = (c: CertificateDocument) => ('carerId' in c.record ? c.record.carerId : c.record.childId);

function recordRows(c: CertificateDocument): Array<[string, string]> {
  if (isCarer(c)) {
    return [
      ['Carer or home record', c.record.carerId],
      ['Kind', c.record.kind],
      ['Ended', c.record.endedOn === null ? 'not recorded' : `${c.record.endedOn} (${c.record.endReason ?? 'reason not recorded'})`],
    ];
  }
  return [
    ['Record', c.record.childId],
    ['Case reference', c.record.caseReference ?? 'none recorded'],
    ['Initials', c.record.initials ?? 'unknown'],
  ];
}

function destroyedRows(c: CertificateDocument): Array<readonly [string, string]> {
  const entries = [['Entries', `${c.destroyed.entries} (${c.destroyed.entryVersions} versions)`], ...Object.entries(c.destroyed.entriesByKind).map(([k, n]) => [`  ${k}`, String(n)] as const)] as const;
  if (isCarer(c)) {
    return [
      ...entries,
      ['Name of the carer or home', c.destroyed.nameRemoved ? 'removed; the record keeps only its id, kind and ending' : 'kept'],
      ['Allocations', String(c.destroyed.allocations)],
      ['Copies kept in children’s records', `${c.kept.childCopies} duplicate entries stay in the children’s records, under their own retention`],
      ['SHA-256 of the content destroyed', c.destroyed.contentSha256],
    ];
  }
  return [
    ...entries,
    ['Versions of the child’s details', String(c.destroyed.childDetailVersions)],
    ['Involvements', Object.entries(c.destroyed.involvementsByKind).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'],
    ['Allocations', String(c.destroyed.allocations)],
    ['Relationships', String(c.destroyed.relationships)],
    ['Documents', `${c.destroyed.documents.length} (${c.destroyed.documentBytes} bytes)`],
    ['SHA-256 of the content destroyed', c.destroyed.contentSha256],
  ];
}

function* blocks(c: CertificateDocument, sha256: string, auditSeq: number | null): Generator<Block> {
  yield { type: 'heading', text: 'Certificate of destruction', level: 1 };
  yield {
    type: 'paragraph',
    text: `This certifies that the ${isCarer(c) ? 'carer’s or home’s record' : 'case record'} below was destroyed under the authority shown, after its destruction date, with no hold covering it. This certificate is kept permanently.`,
  };
  yield {
    type: 'fields',
    rows: [
      ['Certificate', c.certificateId],
      ...recordRows(c),
      ['Destroyed at', c.executedAt],
      ['Audit trail position', auditSeq === null ? 'not recorded' : String(auditSeq)],
      ['Certificate SHA-256', sha256],
    ],
  };
  yield { type: 'heading', text: 'Authority', level: 2 };
  yield {
    type: 'table',
    columns: ['Step', 'Who', 'Role', 'When'],
    widths: [1, 2, 1.3, 1.6],
    rows: [['Requested', c.requested.by.displayName, '', c.requested.at], ...c.approvals.map((a) => ['Approved', a.by.displayName, a.role, a.at])],
  };
  yield { type: 'fields', rows: [['Reason', c.reason]] };
  yield { type: 'heading', text: 'Retention', level: 2 };
  yield {
    type: 'fields',
    rows: [
      ['Destruction date', c.retention.destructionDate],
      ['Schedule version', String(c.retention.scheduleVersion)],
      ['Record classes', c.retention.recordClasses.join(', ') || 'none'],
    ],
  };
  yield {
    type: 'table',
    columns: ['Rule', 'Period', 'Source'],
    widths: [1.4, 1, 3],
    rows: c.retention.rules.map((r) => [
      `${r.id}${r.verified ? '' : ' (unverified)'}`,
      `${r.years === null ? 'decided by review' : `${r.years} years`}${r.deathRuleYears === null ? '' : `; ${r.deathRuleYears} years from death if under 18`}`,
      r.source,
    ]),
  };
  yield { type: 'heading', text: 'Holds', level: 2 };
  yield {
    type: 'paragraph',
    text:
      c.holds.released.length === 0
        ? 'No hold covered this record when it was destroyed, and none had covered it before.'
        : `No hold covered this record when it was destroyed. Holds that had covered it, released before: ${c.holds.released.map((h) => `${h.name} (released ${h.releasedAt})`).join('; ')}.`,
  };
  yield { type: 'heading', text: 'What was destroyed', level: 2 };
  yield { type: 'fields', rows: destroyedRows(c) };
  if (!isCarer(c) && c.destroyed.documents.length > 0) {
    yield { type: 'table', columns: ['Document SHA-256', 'Type', 'Bytes'], widths: [4, 1.5, 1], rows: c.destroyed.documents.map((d) => [d.sha256, d.contentType, String(d.size)]) };
  }
  if (c.destroyed.paperFilesToShred.length > 0) {
    yield { type: 'heading', text: 'Paper files to shred', level: 2 };
    yield { type: 'table', columns: ['Paper file', 'Box', 'Location'], rows: c.destroyed.paperFilesToShred.map((p) => [p.id, p.boxBarcode ?? '', p.location ?? '']) };
  }
}

export async function certificatePdf(certificate: CertificateDocument, sha256: string, auditSeq: number | null): Promise<Buffer> {
  const { bytes } = await renderPdf({
    title: `Certificate of destruction ${certificate.certificateId}`,
    subject: `Destruction of ${isCarer(certificate) ? 'carer or home record' : 'case record'} ${recordId(certificate)}`,
    author: 'Safekeep',
    footer: `Certificate ${certificate.certificateId}`,
    createdAt: new Date(certificate.executedAt),
    blocks: blocks(certificate, sha256, auditSeq),
  });
  return bytes;
}
