import { DomainError, SAR_EXEMPTIONS, type SarExemption } from '@safekeep/core';
import type { DisclosedDocument, DocumentDisclosure } from '../db/schema-sars.js';
import type { Work } from '../db/work.js';
import { documentField, documentOfField, mergeCuts, redactText, textFieldsOf, type TextField } from './collate.js';
import * as collation from './collation.repository.js';
import { documentText, type BlobReader } from './document-text.js';
import * as repo from './sars.repository.js';
import { basisOf, requireSarContentAccess, requireSarRoleFor, view, type SarView } from './sars.service.js';

/**
 * What an approved request discloses: exactly the entry versions, documents and accepted
 * redactions the data protection officer approved (sar_approval), each redaction's text
 * replaced by a numbered marker (in a text document's text as in an entry's), and the
 * schedule explaining every marker and every document disclosed or withheld. Nothing
 * here re-proposes: a person added to the record after approval cannot change the bundle.
 */

type Person = { id: string; displayName: string };

export interface BundleField {
  label: string;
  text: string;
}

export interface Exemption {
  code: string;
  label: string;
  source: string;
}

/**
 * A document as the bundle shows it: `text` printed (already redacted), `image` drawn,
 * `separately` named by its SHA-256 and sent whole beside the bundle, `withheld` listed
 * with its exemption and nothing of its content; `unreviewed` only for a request
 * approved before documents were reviewed (listed by type and size, as then).
 */
export interface BundleDocument {
  documentId: string;
  sha256: string;
  contentType: string;
  size: number;
  as: DocumentDisclosure | 'unreviewed';
  text: string | null;
  exemption: Exemption | null;
}

export interface BundleEntry {
  entryId: string;
  version: number;
  kind: string;
  occurredAt: string;
  recordedBy: string;
  title: string;
  body: string;
  fields: BundleField[];
  documents: BundleDocument[];
}

export interface ScheduleRow {
  marker: number;
  entryId: string;
  entryVersion: number;
  /** The text document the redaction is in (null: the entry's own text). */
  documentId: string | null;
  occurredAt: string;
  kind: string;
  field: string;
  fieldLabel: string;
  source: string;
  reason: string;
  exemption: string;
  exemptionLabel: string;
  exemptionSource: string;
  decidedBy: Person;
  decidedAt: string;
}

/** One document's decision, as the schedule lists it. */
export interface DocumentScheduleRow {
  documentId: string;
  sha256: string;
  contentType: string;
  size: number;
  entryId: string;
  entryVersion: number;
  occurredAt: string;
  kind: string;
  disclosed: boolean;
  /** As approved; the disclosure log says how each download actually carried it. */
  as: DocumentDisclosure;
  exemption: string | null;
  exemptionLabel: string | null;
  exemptionSource: string | null;
  decidedBy: Person;
  decidedAt: string;
}

export interface BundleContent {
  sar: SarView;
  approvedAt: string;
  approvedBy: string;
  entries: BundleEntry[];
  markers: number;
  schedule: ScheduleRow[];
  /** Every document decision the approval covers, in bundle order (empty for a request approved before documents were reviewed). */
  documents: DocumentScheduleRow[];
}

function exemptionOf(code: string | null): Exemption | null {
  if (code === null) return null;
  const e = SAR_EXEMPTIONS[code as SarExemption];
  return { code, label: e.label, source: e.source };
}

/** The approved content, redacted. Refused (409) before approval; audited by the caller's disclosure or schedule event. */
export async function bundleContent(w: Work, blobs: BlobReader, id: string, action: 'sar.disclose' | 'sar.schedule-read'): Promise<BundleContent> {
  await requireSarRoleFor(w, action, id);
  const row = await repo.findSar(w.db, id);
  if (row === undefined) throw new DomainError('NOT_FOUND', 'There is no subject access request with that id.');
  await requireSarContentAccess(w, row, action);
  const sar = await view(w, id);
  const approval = await repo.approval(w.db, id);
  if (approval === undefined || (sar.status !== 'approved' && sar.status !== 'disclosed')) {
    throw new DomainError('SAR_NOT_APPROVED', 'Nothing is disclosed, nor its schedule issued, until the data protection officer approves the request.');
  }
  const rows = await collation.entryVersions(w.db, sar.childId, approval.entries);
  if (rows.length !== approval.entries.length) throw new DomainError('RECORD_DESTROYED', 'Entries this request approved are no longer held: the record has been disposed of.');
  const documents = await collation.documentsOf(
    w.db,
    sar.childId,
    rows.map((r) => r.entry_id),
  );
  const held = new Map(documents.map((d) => [d.id, d]));
  if (approval.documents !== null && approval.documents.some((a) => held.get(a.documentId)?.sha256 !== a.sha256)) {
    throw new DomainError('RECORD_DESTROYED', 'Documents this request approved are no longer held: the record has been disposed of.');
  }
  const documentDecisions = approval.documents === null ? new Map<string, repo.DocumentDecisionRow>() : await repo.latestDocumentDecisions(w.db, id);
  const approved = new Set(approval.redaction_ids);
  const decisions = [...(await repo.latestDecisions(w.db, id)).values()].filter((d) => approved.has(d.redaction_id) && d.accept);
  const byText = new Map<string, repo.DecisionRow[]>();
  for (const d of decisions) {
    // A document's text is the same whatever the version of its entry: its redactions are keyed by the document alone.
    const key = documentOfField(d.field) === null ? `${d.entry_id}:${d.entry_version}:${d.field}` : d.field;
    byText.set(key, [...(byText.get(key) ?? []), d]);
  }
  let next = 1;
  const schedule: ScheduleRow[] = [];
  const documentSchedule: DocumentScheduleRow[] = [];
  /** The text with its accepted redactions replaced by the next markers, each scheduled. */
  const redact = (e: collation.CollatedEntry, t: TextField, mine: readonly repo.DecisionRow[], documentId: string | null): string => {
    if (mine.length === 0) return t.text;
    const cuts = mergeCuts(mine.map((d) => ({ id: d.redaction_id, start: d.start_offset, end: d.end_offset })));
    const out = redactText(t.text, cuts, next);
    next += cuts.length;
    for (const m of out.markers) {
      for (const rid of m.ids) {
        const d = mine.find((x) => x.redaction_id === rid) as repo.DecisionRow;
        const exemption = SAR_EXEMPTIONS[d.exemption as SarExemption];
        schedule.push({
          marker: m.marker,
          entryId: e.entry_id,
          entryVersion: e.version,
          documentId,
          occurredAt: e.occurred_at.toISOString(),
          kind: e.kind,
          field: t.field,
          fieldLabel: t.label,
          source: d.source,
          reason: d.reason,
          exemption: d.exemption ?? '',
          exemptionLabel: exemption.label,
          exemptionSource: exemption.source,
          decidedBy: { id: d.decided_by, displayName: d.decided_by_name },
          decidedAt: d.decided_at.toISOString(),
        });
      }
    }
    return out.text;
  };
  const entries: BundleEntry[] = [];
  for (const e of rows) {
    const texts = textFieldsOf(e).map((t) => ({ ...t, text: redact(e, t, byText.get(`${e.entry_id}:${e.version}:${t.field}`) ?? [], null) }));
    const bundled: BundleDocument[] = [];
    if (approval.documents === null) {
      for (const d of documents) {
        if (d.entry_id === e.entry_id) bundled.push({ documentId: d.id, sha256: d.sha256, contentType: d.content_type, size: Number(d.size), as: 'unreviewed', text: null, exemption: null });
      }
    } else {
      for (const a of approval.documents) {
        if (a.entryId !== e.entry_id) continue;
        const d = held.get(a.documentId) as collation.DocumentRow;
        const decision = documentDecisions.get(a.documentId);
        if (decision === undefined) throw new DomainError('INTERNAL_ERROR', 'An approved document has no decision recorded.');
        const exemption = a.disclose ? null : exemptionOf(decision.exemption);
        let text: string | null = null;
        if (a.as === 'text') {
          const field = documentField(a.documentId);
          text = redact(e, { field, label: `Document (${d.content_type})`, text: await documentText(blobs, a.sha256) }, byText.get(field) ?? [], a.documentId);
        }
        bundled.push({ documentId: a.documentId, sha256: a.sha256, contentType: d.content_type, size: Number(d.size), as: a.as, text, exemption });
        documentSchedule.push({
          documentId: a.documentId,
          sha256: a.sha256,
          contentType: d.content_type,
          size: Number(d.size),
          entryId: e.entry_id,
          entryVersion: e.version,
          occurredAt: e.occurred_at.toISOString(),
          kind: e.kind,
          disclosed: a.disclose,
          as: a.as,
          exemption: exemption?.code ?? null,
          exemptionLabel: exemption?.label ?? null,
          exemptionSource: exemption?.source ?? null,
          decidedBy: { id: decision.decided_by, displayName: decision.decided_by_name },
          decidedAt: decision.decided_at.toISOString(),
        });
      }
    }
    entries.push({
      entryId: e.entry_id,
      version: e.version,
      kind: e.kind,
      occurredAt: e.occurred_at.toISOString(),
      recordedBy: e.recorded_by_name,
      title: texts[0]?.text ?? '',
      body: texts[1]?.text ?? '',
      fields: texts.slice(2).map((t) => ({ label: t.label, text: t.text })),
      documents: bundled,
    });
  }
  return { sar, approvedAt: approval.approved_at.toISOString(), approvedBy: approval.approved_by_name, entries, markers: next - 1, schedule, documents: documentSchedule };
}

/** One download of the bundle: who, when, the bytes sent (their SHA-256 and pages), and each document disclosed (how) or withheld. */
export async function recordDisclosure(w: Work, id: string, bundle: { sha256: string; pages: number; bytes: number; documents: DisclosedDocument[] | null }): Promise<SarView> {
  await requireSarRoleFor(w, 'sar.disclose', id);
  const sar = await repo.findSar(w.db, id, true);
  if (sar === undefined) throw new DomainError('NOT_FOUND', 'There is no subject access request with that id.');
  if (sar.status !== 'approved' && sar.status !== 'disclosed') throw new DomainError('SAR_NOT_APPROVED', 'This request is not approved for disclosure.');
  const disclosureId = await repo.insertDisclosure(w.db, { sarId: id, ...bundle, at: w.now, by: w.actor.userId });
  if (sar.status === 'approved') await repo.setStatus(w.db, id, 'disclosed', sar.due_date, w.now);
  w.audit({
    action: 'sar.disclose',
    childIds: [sar.child_id],
    basis: basisOf(w),
    entityType: 'sar',
    entityId: id,
    detail: {
      disclosureId,
      sha256: bundle.sha256,
      pages: bundle.pages,
      first: sar.status === 'approved',
      // `id:sha256:as` for each document sent (text, image, separately), `id:sha256:exemption` for each withheld.
      documentsDisclosed: (bundle.documents ?? []).filter((d) => d.as !== 'withheld').map((d) => `${d.documentId}:${d.sha256}:${d.as}`),
      documentsWithheld: (bundle.documents ?? []).filter((d) => d.as === 'withheld').map((d) => `${d.documentId}:${d.sha256}:${d.exemption ?? ''}`),
    },
  });
  return view(w, id);
}

export async function redactionSchedule(w: Work, blobs: BlobReader, id: string): Promise<BundleContent> {
  const content = await bundleContent(w, blobs, id, 'sar.schedule-read');
  w.audit({ action: 'sar.schedule-read', childIds: [content.sar.childId], basis: basisOf(w), entityType: 'sar', entityId: id, detail: { redactions: content.schedule.length, documents: content.documents.length } });
  return content;
}
