import { DomainError, SAR_EXEMPTIONS, type SarExemption } from '@safekeep/core';
import type { Work } from '../db/work.js';
import { mergeCuts, redactText, textFieldsOf } from './collate.js';
import * as collation from './collation.repository.js';
import * as repo from './sars.repository.js';
import { basisOf, requireSarContentAccess, requireSarRoleFor, view, type SarView } from './sars.service.js';

/**
 * What an approved request discloses: exactly the entry versions and accepted
 * redactions the data protection officer approved (sar_approval), each redaction's text
 * replaced by a numbered marker, and the schedule explaining every marker. Nothing here
 * re-proposes: a person added to the record after approval cannot change the bundle.
 */

type Person = { id: string; displayName: string };

export interface BundleField {
  label: string;
  text: string;
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
  documents: Array<{ contentType: string; size: number }>;
}

export interface ScheduleRow {
  marker: number;
  entryId: string;
  entryVersion: number;
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

export interface BundleContent {
  sar: SarView;
  approvedAt: string;
  approvedBy: string;
  entries: BundleEntry[];
  markers: number;
  schedule: ScheduleRow[];
}

/** The approved content, redacted. Refused (409) before approval; audited by the caller's disclosure or schedule event. */
export async function bundleContent(w: Work, id: string, action: 'sar.disclose' | 'sar.schedule-read'): Promise<BundleContent> {
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
  const approved = new Set(approval.redaction_ids);
  const decisions = [...(await repo.latestDecisions(w.db, id)).values()].filter((d) => approved.has(d.redaction_id) && d.accept);
  const byText = new Map<string, repo.DecisionRow[]>();
  for (const d of decisions) {
    const key = `${d.entry_id}:${d.entry_version}:${d.field}`;
    byText.set(key, [...(byText.get(key) ?? []), d]);
  }
  let next = 1;
  const schedule: ScheduleRow[] = [];
  const entries = rows.map((e): BundleEntry => {
    const texts = textFieldsOf(e).map((t) => {
      const mine = byText.get(`${e.entry_id}:${e.version}:${t.field}`) ?? [];
      if (mine.length === 0) return { ...t };
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
      return { ...t, text: out.text };
    });
    return {
      entryId: e.entry_id,
      version: e.version,
      kind: e.kind,
      occurredAt: e.occurred_at.toISOString(),
      recordedBy: e.recorded_by_name,
      title: texts[0]?.text ?? '',
      body: texts[1]?.text ?? '',
      fields: texts.slice(2).map((t) => ({ label: t.label, text: t.text })),
      documents: documents.filter((d) => d.entry_id === e.entry_id).map((d) => ({ contentType: d.content_type, size: Number(d.size) })),
    };
  });
  return { sar, approvedAt: approval.approved_at.toISOString(), approvedBy: approval.approved_by_name, entries, markers: next - 1, schedule };
}

/** One download of the bundle: who, when, and the bytes sent (their SHA-256 and pages). */
export async function recordDisclosure(w: Work, id: string, bundle: { sha256: string; pages: number; bytes: number }): Promise<SarView> {
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
    detail: { disclosureId, sha256: bundle.sha256, pages: bundle.pages, first: sar.status === 'approved' },
  });
  return view(w, id);
}

export async function redactionSchedule(w: Work, id: string): Promise<BundleContent> {
  const content = await bundleContent(w, id, 'sar.schedule-read');
  w.audit({ action: 'sar.schedule-read', childIds: [content.sar.childId], basis: basisOf(w), entityType: 'sar', entityId: id, detail: { redactions: content.schedule.length } });
  return content;
}
