import { DomainError, exemptionApplies, invalid, type FieldProblem, type SarExemption, type SarRelationship } from '@safekeep/core';
import type { Work } from '../db/work.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import type { ApprovedDocument } from '../db/schema-sars.js';
import {
  documentField,
  documentManualRedactionId,
  documentOfField,
  documentProposalsFor,
  manualRedactionId,
  proposalsCacheFor,
  proposalsFor,
  textFieldsOf,
  type Proposal,
  type TextField,
} from './collate.js';
import * as collation from './collation.repository.js';
import { documentForm, documentText, type BlobReader, type DocumentForm } from './document-text.js';
import { knownPeople } from './people.js';
import * as repo from './sars.repository.js';
import { APPROVER_ROLES, basisOf, loadForChange, requireSarContentAccess, requireSarRoleFor, view, type SarView } from './sars.service.js';

/**
 * Review of what a request discloses: the entries in scope with the redactions proposed
 * in them, the documents filed with those entries (each to be disclosed or withheld; a
 * text document's text proposed for redaction like an entry's), each reviewer's
 * decisions (one row each; a later one supersedes), manual redactions, and the data
 * protection officer's approval, which is refused while any proposal or document is
 * undecided and fixes the exact entry versions, documents and redactions disclosed.
 */

type Person = { id: string; displayName: string };

export interface ItemRedaction extends Proposal {
  decision: { accept: boolean; exemption: string | null; note: string; decidedAt: string; decidedBy: Person } | null;
}

export interface DocumentDecision {
  disclose: boolean;
  exemption: string | null;
  note: string;
  decidedAt: string;
  decidedBy: Person;
}

export interface ItemDocument {
  id: string;
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
  /** How it goes out if disclosed: its text with redactions removed, its image, or whole beside the bundle (document-text.ts). */
  bundleAs: DocumentForm;
  /** A text document's text (what its redaction offsets count in); null for any other. */
  text: string | null;
  /** In a text document's text; `field` is `document:<id>`. Decided through /redactions like an entry's. */
  proposedRedactions: ItemRedaction[];
  decision: DocumentDecision | null;
}

export interface SarItem {
  entryId: string;
  version: number;
  kind: string;
  occurredAt: string;
  recordedBy: string;
  title: string;
  body: string;
  fields: TextField[];
  documents: ItemDocument[];
  proposedRedactions: ItemRedaction[];
}

export interface Summary {
  entries: number;
  documents: number;
  proposals: number;
  /** Redactions without a decision, in entries and in documents not withheld (a withheld document's text is not disclosed, so needs none). */
  undecided: number;
  accepted: number;
  rejected: number;
  /** Accepted manual redactions on an entry version (or a document) no longer in scope: withdraw and redo them. */
  stale: number;
  documentsUndecided: number;
  documentsDisclosed: number;
  documentsWithheld: number;
}

interface Found {
  item: SarItem;
  redaction: ItemRedaction;
  /** The document whose text it is in (undefined: the entry's own text). */
  document?: ItemDocument;
}

/** Whether a redaction still wants a decision: undecided, and not in a document that is withheld. */
function awaitsDecision(x: Found): boolean {
  return x.redaction.decision === null && x.document?.decision?.disclose !== false;
}

function summarise(items: readonly SarItem[], stale: number): Summary {
  const s: Summary = { entries: items.length, documents: 0, proposals: 0, undecided: 0, accepted: 0, rejected: 0, stale, documentsUndecided: 0, documentsDisclosed: 0, documentsWithheld: 0 };
  const count = (x: Found) => {
    if (x.redaction.source === 'proposed') s.proposals += 1;
    if (x.redaction.decision === null) s.undecided += awaitsDecision(x) ? 1 : 0;
    else if (x.redaction.decision.accept) s.accepted += 1;
    else s.rejected += 1;
  };
  for (const item of items) {
    for (const r of item.proposedRedactions) count({ item, redaction: r });
    for (const d of item.documents) {
      s.documents += 1;
      if (d.decision === null) s.documentsUndecided += 1;
      else if (d.decision.disclose) s.documentsDisclosed += 1;
      else s.documentsWithheld += 1;
      for (const r of d.proposedRedactions) count({ item, redaction: r, document: d });
    }
  }
  return s;
}

interface Collated {
  sar: repo.SarRow;
  items: SarItem[];
  /** Every proposal and current manual redaction, in entries and documents, by id. */
  byId: Map<string, Found>;
  /** Every document in scope, by id. */
  documents: Map<string, { item: SarItem; document: ItemDocument }>;
  staleRedactions: repo.DecisionRow[];
  decisions: Map<string, repo.DecisionRow>;
  summary: Summary;
}

function decisionView(d: repo.DecisionRow | undefined): ItemRedaction['decision'] {
  return d === undefined ? null : { accept: d.accept, exemption: d.exemption, note: d.note, decidedAt: d.decided_at.toISOString(), decidedBy: { id: d.decided_by, displayName: d.decided_by_name } };
}

function documentDecisionView(d: repo.DocumentDecisionRow | undefined): DocumentDecision | null {
  return d === undefined ? null : { disclose: d.disclose, exemption: d.exemption, note: d.note, decidedAt: d.decided_at.toISOString(), decidedBy: { id: d.decided_by, displayName: d.decided_by_name } };
}

/** Accepted manual redactions kept for one text: an entry version's (`entryId:version`) or a document's (`document:<id>`). */
function manualKey(d: repo.DecisionRow): string {
  return documentOfField(d.field) === null ? `${d.entry_id}:${d.entry_version}` : d.field;
}

/** Everything in scope now, with every proposal and decision: the same for each page, for decisions and for approval. */
async function collate(w: Work, blobs: BlobReader, sar: repo.SarRow): Promise<Collated> {
  const entries = await collation.entriesInScope(w.db, { childId: sar.child_id, kinds: sar.scope_kinds, from: sar.scope_from, to: sar.scope_to });
  const texts = entries.map((e) => textFieldsOf(e));
  const documents = await collation.documentsOf(
    w.db,
    sar.child_id,
    entries.map((e) => e.entry_id),
  );
  const documentTexts = new Map<string, string>();
  for (const d of documents) if (documentForm(d) === 'text') documentTexts.set(d.id, await documentText(blobs, d.sha256));
  const people = await knownPeople(
    w.db,
    { childId: sar.child_id, requester: sar.requester, relationship: sar.relationship },
    { givenName: sar.child_given_name ?? '', familyName: sar.child_family_name ?? '' },
    [...texts.flatMap((t) => t.map((f) => f.text)), ...documentTexts.values()],
  );
  const [decisions, documentDecisions] = await Promise.all([repo.latestDecisions(w.db, sar.id), repo.latestDocumentDecisions(w.db, sar.id)]);
  const manualByText = new Map<string, repo.DecisionRow[]>();
  for (const d of decisions.values()) {
    if (d.source !== 'manual') continue;
    const key = manualKey(d);
    manualByText.set(key, [...(manualByText.get(key) ?? []), d]);
  }
  const byId = new Map<string, Found>();
  const inScope = new Map<string, { item: SarItem; document: ItemDocument }>();
  const seenManual = new Set<string>();
  const cached = proposalsCacheFor(people);
  /** The manual redactions kept for one text that still fit it (a span past its end is left stale). */
  const manualIn = (key: string, textOf: (field: string) => string | undefined): ItemRedaction[] => {
    const out: ItemRedaction[] = [];
    for (const m of manualByText.get(key) ?? []) {
      const text = textOf(m.field);
      if (text === undefined || m.end_offset > text.length) continue;
      seenManual.add(m.redaction_id);
      out.push({ id: m.redaction_id, source: 'manual', field: m.field, start: m.start_offset, end: m.end_offset, text: text.slice(m.start_offset, m.end_offset), reason: 'manual', personId: null, decision: decisionView(m) });
    }
    return out;
  };
  const items = entries.map((e, i) => {
    const fields = texts[i] ?? [];
    const proposed: ItemRedaction[] = proposalsFor(e, fields, people, cached).map((p) => ({ ...p, decision: decisionView(decisions.get(p.id)) }));
    proposed.push(...manualIn(`${e.entry_id}:${e.version}`, (field) => fields.find((f) => f.field === field)?.text));
    const docs = documents
      .filter((d) => d.entry_id === e.entry_id)
      .map((d): ItemDocument => {
        const text = documentTexts.get(d.id) ?? null;
        const field = documentField(d.id);
        const redactions: ItemRedaction[] = text === null ? [] : documentProposalsFor(d, text, people, cached).map((p) => ({ ...p, decision: decisionView(decisions.get(p.id)) }));
        if (text !== null) redactions.push(...manualIn(field, (f) => (f === field ? text : undefined)));
        return {
          id: d.id,
          filename: d.filename,
          contentType: d.content_type,
          size: Number(d.size),
          sha256: d.sha256,
          bundleAs: documentForm(d),
          text,
          proposedRedactions: redactions,
          decision: documentDecisionView(documentDecisions.get(d.id)),
        };
      });
    const item: SarItem = {
      entryId: e.entry_id,
      version: e.version,
      kind: e.kind,
      occurredAt: e.occurred_at.toISOString(),
      recordedBy: e.recorded_by_name,
      title: e.title,
      body: e.body,
      fields: fields.slice(2),
      documents: docs,
      proposedRedactions: proposed,
    };
    for (const r of proposed) byId.set(r.id, { item, redaction: r });
    for (const d of docs) {
      inScope.set(d.id, { item, document: d });
      for (const r of d.proposedRedactions) byId.set(r.id, { item, redaction: r, document: d });
    }
    return item;
  });
  const staleRedactions = [...decisions.values()].filter((d) => d.source === 'manual' && d.accept && !seenManual.has(d.redaction_id));
  return { sar, items, byId, documents: inScope, staleRedactions, decisions, summary: summarise(items, staleRedactions.length) };
}

async function findSar(w: Work, id: string): Promise<repo.SarRow> {
  const sar = await repo.findSar(w.db, id);
  if (sar === undefined) throw new DomainError('NOT_FOUND', 'There is no subject access request with that id.');
  return sar;
}

export async function sarItems(
  w: Work,
  blobs: BlobReader,
  id: string,
  q: { limit: number; cursor?: string; undecided?: boolean },
): Promise<{ items: SarItem[]; nextCursor: string | null; summary: Summary; staleRedactions: Array<{ id: string; entryId: string; version: number; field: string; start: number; end: number }> }> {
  await requireSarRoleFor(w, 'sar.items-read', id);
  const after = decodeCursor(q.cursor, { at: 'instant', id: 'uuid' });
  const sar = await findSar(w, id);
  await requireSarContentAccess(w, sar, 'sar.items-read');
  const c = await collate(w, blobs, sar);
  let items = c.items;
  if (q.undecided === true) {
    items = items.filter(
      (i) => i.proposedRedactions.some((r) => r.decision === null) || i.documents.some((d) => d.decision === null || (d.decision.disclose && d.proposedRedactions.some((r) => r.decision === null))),
    );
  }
  if (after !== null) items = items.filter((i) => i.occurredAt > after.at || (i.occurredAt === after.at && i.entryId > after.id));
  const page = items.slice(0, q.limit);
  const last = page.at(-1);
  w.audit({ action: 'sar.items-read', childIds: [c.sar.child_id], basis: basisOf(w), entityType: 'sar', entityId: id, detail: { entries: page.map((i) => i.entryId) } });
  return {
    items: page,
    nextCursor: items.length > q.limit && last !== undefined ? encodeCursor({ at: last.occurredAt, id: last.entryId }) : null,
    summary: c.summary,
    staleRedactions: c.staleRedactions.map((d) => ({ id: d.redaction_id, entryId: d.entry_id, version: d.entry_version, field: d.field, start: d.start_offset, end: d.end_offset })),
  };
}

/** A document in the request's scope, opened for its review (the reviewer must see what they disclose or withhold). */
export async function openDocumentForReview(w: Work, id: string, documentId: string): Promise<{ id: string; sha256: string; contentType: string }> {
  await requireSarRoleFor(w, 'sar.document-read', id);
  const sar = await findSar(w, id);
  await requireSarContentAccess(w, sar, 'sar.document-read');
  const entries = await collation.entriesInScope(w.db, { childId: sar.child_id, kinds: sar.scope_kinds, from: sar.scope_from, to: sar.scope_to });
  const documents = await collation.documentsOf(
    w.db,
    sar.child_id,
    entries.map((e) => e.entry_id),
  );
  const doc = documents.find((d) => d.id === documentId.toLowerCase());
  if (doc === undefined) throw new DomainError('NOT_FOUND', 'There is no document with that id in this request’s scope.');
  w.audit({ action: 'sar.document-read', childIds: [sar.child_id], basis: basisOf(w), entityType: 'sar', entityId: id, detail: { documentId: doc.id, sha256: doc.sha256 } });
  return { id: doc.id, sha256: doc.sha256, contentType: doc.content_type };
}

export interface DecisionInput {
  id: string;
  accept: boolean;
  exemption?: SarExemption;
  note?: string;
}

function exemptionProblem(exemption: SarExemption | undefined, accept: boolean, relationship: SarRelationship | null, field: string): FieldProblem | null {
  if (accept && exemption === undefined) return { field, message: 'accepting a redaction needs the exemption it rests on' };
  if (exemption !== undefined && !exemptionApplies(exemption, relationship)) {
    return { field, message: `${exemption} applies only when someone with parental responsibility or a representative asks (DPA 2018 Sch 3)` };
  }
  return null;
}

function refuseUnlessOpen(sar: repo.SarRow): void {
  if (sar.status === 'approved') throw new DomainError('SAR_CLOSED', 'This request is approved: its redactions are fixed.');
}

export async function decideRedactions(w: Work, blobs: BlobReader, id: string, input: { decisions: DecisionInput[] }): Promise<{ decided: number; summary: Summary }> {
  const sar = await loadForChange(w, id, 'sar.redaction-decide');
  await requireSarContentAccess(w, sar, 'sar.redaction-decide');
  refuseUnlessOpen(sar);
  const c = await collate(w, blobs, sar);
  const relationship = sar.relationship as SarRelationship | null;
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  const rows: repo.NewDecision[] = [];
  input.decisions.forEach((d, i) => {
    const key = d.id.toLowerCase();
    // Stale manual redactions can still be withdrawn; nothing else outside the current scope can be decided.
    const stale = c.staleRedactions.find((s) => s.redaction_id === key);
    const found = c.byId.get(key);
    if (seen.has(key)) problems.push({ field: `decisions[${i}].id`, message: 'is decided twice in this request' });
    else if (found === undefined && stale === undefined) problems.push({ field: `decisions[${i}].id`, message: 'is not a redaction proposed or added on this request (collate the items again: a corrected entry has new proposals)' });
    seen.add(key);
    const p = exemptionProblem(d.exemption, d.accept, relationship, `decisions[${i}].exemption`);
    if (p !== null) problems.push(p);
    if (stale !== undefined && d.accept) problems.push({ field: `decisions[${i}].accept`, message: 'this manual redaction is on an earlier version of its entry, or a document no longer in scope: withdraw it (and add it again on the current version)' });
    const r = found?.redaction;
    const source = r?.source ?? 'manual';
    rows.push({
      redactionId: key,
      source,
      entryId: found?.item.entryId ?? stale?.entry_id ?? '',
      version: found?.item.version ?? stale?.entry_version ?? 0,
      field: r?.field ?? stale?.field ?? '',
      start: r?.start ?? stale?.start_offset ?? 0,
      end: r?.end ?? stale?.end_offset ?? 0,
      reason: r?.reason ?? 'manual',
      accept: d.accept,
      exemption: d.accept ? (d.exemption ?? null) : null,
      note: d.note?.trim() ?? '',
    });
  });
  if (problems.length > 0) throw invalid(problems);
  await repo.insertDecisions(w.db, id, rows, w.now, w.actor.userId);
  const accepted = rows.filter((r) => r.accept).length;
  w.audit({ action: 'sar.redaction-decide', childIds: [sar.child_id], basis: basisOf(w), entityType: 'sar', entityId: id, detail: { accepted, rejected: rows.length - accepted } });
  const undecidedNow = [...c.byId.values()].filter((x) => awaitsDecision(x) && !seen.has(x.redaction.id)).length;
  return { decided: rows.length, summary: { ...c.summary, undecided: undecidedNow } };
}

export interface DocumentDecisionInput {
  documentId: string;
  disclose: boolean;
  exemption?: SarExemption;
  note?: string;
}

/**
 * Disclose or withhold documents. Withholding needs the exemption it rests on (the same
 * list and rules as redactions); a disclosed document goes out as its form allows
 * (document-text.ts), a text document with its accepted redactions removed. A later
 * decision supersedes; none after approval.
 */
export async function decideDocuments(w: Work, blobs: BlobReader, id: string, input: { decisions: DocumentDecisionInput[] }): Promise<{ decided: number; summary: Summary }> {
  const sar = await loadForChange(w, id, 'sar.document-decide');
  await requireSarContentAccess(w, sar, 'sar.document-decide');
  refuseUnlessOpen(sar);
  const c = await collate(w, blobs, sar);
  const relationship = sar.relationship as SarRelationship | null;
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  const rows: repo.NewDocumentDecision[] = [];
  input.decisions.forEach((d, i) => {
    const key = d.documentId.toLowerCase();
    const found = c.documents.get(key);
    if (seen.has(key)) problems.push({ field: `decisions[${i}].documentId`, message: 'is decided twice in this request' });
    else if (found === undefined) problems.push({ field: `decisions[${i}].documentId`, message: 'is not a document filed with an entry in this request’s scope' });
    seen.add(key);
    if (!d.disclose && d.exemption === undefined) problems.push({ field: `decisions[${i}].exemption`, message: 'withholding a document needs the exemption it rests on' });
    else if (d.disclose && d.exemption !== undefined) problems.push({ field: `decisions[${i}].exemption`, message: 'is only for withholding: to take something out of a text document, redact it' });
    else if (d.exemption !== undefined && !exemptionApplies(d.exemption, relationship)) {
      problems.push({ field: `decisions[${i}].exemption`, message: `${d.exemption} applies only when someone with parental responsibility or a representative asks (DPA 2018 Sch 3)` });
    }
    if (found !== undefined) {
      rows.push({ documentId: key, entryId: found.item.entryId, sha256: found.document.sha256, disclose: d.disclose, exemption: d.disclose ? null : (d.exemption ?? null), note: d.note?.trim() ?? '' });
    }
  });
  if (problems.length > 0) throw invalid(problems);
  await repo.insertDocumentDecisions(w.db, id, rows, w.now, w.actor.userId);
  w.audit({
    action: 'sar.document-decide',
    childIds: [sar.child_id],
    basis: basisOf(w),
    entityType: 'sar',
    entityId: id,
    // Ids and hashes only, as `id:sha256` (disclosed) and `id:sha256:exemption` (withheld).
    detail: {
      documentsDisclosed: rows.filter((r) => r.disclose).map((r) => `${r.documentId}:${r.sha256}`),
      documentsWithheld: rows.filter((r) => !r.disclose).map((r) => `${r.documentId}:${r.sha256}:${r.exemption ?? ''}`),
    },
  });
  // The summary as it stands now: the same items with these decisions in place.
  const decidedBy = { id: w.actor.userId, displayName: w.actor.displayName };
  const byDocument = new Map(rows.map((r) => [r.documentId, r]));
  const items = c.items.map((item) => ({
    ...item,
    documents: item.documents.map((d) => {
      const r = byDocument.get(d.id);
      return r === undefined ? d : { ...d, decision: { disclose: r.disclose, exemption: r.exemption, note: r.note, decidedAt: w.now.toISOString(), decidedBy } };
    }),
  }));
  return { decided: rows.length, summary: summarise(items, c.summary.stale) };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

export interface ManualInput {
  /** An entry's text (with `field`), or a text document's (`documentId`). */
  entryId?: string;
  field?: string;
  documentId?: string;
  start: number;
  end: number;
  exemption: SarExemption;
  note?: string;
}

/** A reviewer's own redaction of a span the proposals missed (a nickname, an address, a description that identifies). */
export async function addManualRedaction(w: Work, blobs: BlobReader, id: string, input: ManualInput): Promise<ItemRedaction & { entryId: string; version: number; documentId: string | null }> {
  const sar = await loadForChange(w, id, 'sar.redaction-add');
  await requireSarContentAccess(w, sar, 'sar.redaction-add');
  refuseUnlessOpen(sar);
  if (input.entryId !== undefined && input.documentId !== undefined) throw invalid({ field: 'documentId', message: 'give entryId (and field) for an entry’s text, or documentId for a text document’s, not both' });
  if (input.entryId === undefined && input.documentId === undefined) throw invalid({ field: 'entryId', message: 'is required (or documentId, for a text document)' });
  const entries = await collation.entriesInScope(w.db, { childId: sar.child_id, kinds: sar.scope_kinds, from: sar.scope_from, to: sar.scope_to });
  let entry: collation.CollatedEntry | undefined;
  let text: string | undefined;
  let field: string;
  let document: collation.DocumentRow | undefined;
  if (input.documentId !== undefined) {
    const documents = await collation.documentsOf(
      w.db,
      sar.child_id,
      entries.map((e) => e.entry_id),
    );
    document = documents.find((d) => d.id === input.documentId?.toLowerCase());
    if (document === undefined) throw invalid({ field: 'documentId', message: 'is not a document filed with an entry in this request’s scope' });
    if (documentForm(document) !== 'text') throw invalid({ field: 'documentId', message: 'only a text document’s text can be redacted here: disclose any other document whole, or withhold it' });
    field = documentField(document.id);
    if (input.field !== undefined && input.field !== field) throw invalid({ field: 'field', message: `for a document is ${field} (or leave it out)` });
    const docEntryId = document.entry_id;
    entry = entries.find((e) => e.entry_id === docEntryId);
    text = await documentText(blobs, document.sha256);
  } else {
    entry = entries.find((e) => e.entry_id === input.entryId?.toLowerCase());
    if (entry === undefined) throw invalid({ field: 'entryId', message: 'is not an entry in this request’s scope' });
    if (input.field === undefined) throw invalid({ field: 'field', message: 'is required: title, body or one of the item’s fields' });
    field = input.field;
    text = textFieldsOf(entry).find((f) => f.field === field)?.text;
    if (text === undefined) throw invalid({ field: 'field', message: 'this entry has no such text: use title, body or one of the item’s fields' });
  }
  if (entry === undefined) throw new DomainError('INTERNAL_ERROR', 'A document in scope has no entry in scope.');
  const problems: FieldProblem[] = [];
  if (input.start >= text.length) problems.push({ field: 'start', message: `is outside the text (${text.length} characters)` });
  if (input.end > text.length) problems.push({ field: 'end', message: `is outside the text (${text.length} characters)` });
  if (input.end <= input.start) problems.push({ field: 'end', message: 'must be after start' });
  if (problems.length === 0 && (isLowSurrogate(text.charCodeAt(input.start)) || (input.end < text.length && isLowSurrogate(text.charCodeAt(input.end))))) {
    problems.push({ field: 'start', message: 'the span splits a character' });
  }
  const p = exemptionProblem(input.exemption, true, sar.relationship as SarRelationship | null, 'exemption');
  if (p !== null) problems.push(p);
  if (problems.length > 0) throw invalid(problems);
  const redactionId =
    document === undefined ? manualRedactionId(id, entry.entry_id, entry.version, field, input.start, input.end) : documentManualRedactionId(id, document.id, document.sha256, input.start, input.end);
  const note = input.note?.trim() ?? '';
  await repo.insertDecisions(
    w.db,
    id,
    [{ redactionId, source: 'manual', entryId: entry.entry_id, version: entry.version, field, start: input.start, end: input.end, reason: 'manual', accept: true, exemption: input.exemption, note }],
    w.now,
    w.actor.userId,
  );
  w.audit({
    action: 'sar.redaction-add',
    childIds: [sar.child_id],
    basis: basisOf(w),
    entityType: 'sar',
    entityId: id,
    detail: { entryId: entry.entry_id, field, ...(document === undefined ? {} : { documentId: document.id, sha256: document.sha256 }) },
  });
  return {
    id: redactionId,
    source: 'manual',
    entryId: entry.entry_id,
    version: entry.version,
    documentId: document?.id ?? null,
    field,
    start: input.start,
    end: input.end,
    text: text.slice(input.start, input.end),
    reason: 'manual',
    personId: null,
    decision: { accept: true, exemption: input.exemption, note, decidedAt: w.now.toISOString(), decidedBy: { id: w.actor.userId, displayName: w.actor.displayName } },
  };
}

/**
 * The data protection officer's sign-off. Refused while the requester's identity is
 * unchecked, while the clock is stopped, or while any proposal is undecided (409 with
 * the count). Records exactly which entry versions and redactions are disclosed.
 */
export async function approveSar(w: Work, blobs: BlobReader, id: string): Promise<SarView> {
  await requireSarRoleFor(w, 'sar.approve', id, APPROVER_ROLES);
  const sar = await loadForChange(w, id, 'sar.approve');
  await requireSarContentAccess(w, sar, 'sar.approve');
  const deny = (reason: string, code: 'ALREADY_DONE' | 'CONFLICT' | 'IDENTITY_NOT_VERIFIED' | 'REDACTIONS_UNREVIEWED' | 'DOCUMENTS_UNREVIEWED', message: string, extra: Record<string, unknown> = {}): never => {
    w.auditDenied({ action: 'sar.approve', childIds: [sar.child_id], entityType: 'sar', entityId: id, detail: { reason } });
    throw new DomainError(code, message, { extra });
  };
  if (sar.status === 'approved') deny('approved', 'ALREADY_DONE', 'This request is already approved.');
  if (sar.status === 'paused') deny('paused', 'CONFLICT', 'The clock is stopped awaiting ID or clarification: resume the request before approving it.');
  if (sar.kind !== 'court-order' && (await repo.identities(w.db, [id])).length === 0) {
    deny('identity', 'IDENTITY_NOT_VERIFIED', 'The requester’s identity has not been checked: record how it was before approving.');
  }
  const c = await collate(w, blobs, sar);
  const counts = { unreviewed: c.summary.undecided, stale: c.summary.stale, documentsUndecided: c.summary.documentsUndecided };
  const documentsPart = (lead: string) => (counts.documentsUndecided > 0 ? `${lead}${counts.documentsUndecided} document${counts.documentsUndecided === 1 ? ' has' : 's have'} no decision` : '');
  if (c.summary.undecided > 0 || c.summary.stale > 0) {
    deny(
      'unreviewed',
      'REDACTIONS_UNREVIEWED',
      `${c.summary.undecided} proposed redaction${c.summary.undecided === 1 ? ' is' : 's are'} undecided${c.summary.stale > 0 ? ` and ${c.summary.stale} manual redaction${c.summary.stale === 1 ? ' is' : 's are'} on corrected entries or documents no longer in scope` : ''}${documentsPart('; ')}.`,
      counts,
    );
  }
  if (counts.documentsUndecided > 0) deny('documents', 'DOCUMENTS_UNREVIEWED', `${documentsPart('')}: disclose or withhold each before approving.`, counts);
  // A withheld document's text is not disclosed: redactions in it are not applied to anything.
  const accepted = [...c.byId.values()].filter((x) => x.redaction.decision?.accept === true && x.document?.decision?.disclose !== false).map((x) => x.redaction.id);
  const documents: ApprovedDocument[] = c.items.flatMap((i) =>
    i.documents.map((d) => {
      const disclose = d.decision?.disclose === true;
      return { documentId: d.id, sha256: d.sha256, entryId: i.entryId, disclose, as: disclose ? d.bundleAs : 'withheld' };
    }),
  );
  await repo.insertApproval(w.db, {
    sarId: id,
    entries: c.items.map((i) => ({ entryId: i.entryId, version: i.version })),
    redactionIds: accepted,
    documents,
    proposals: c.summary.proposals,
    accepted: accepted.length,
    at: w.now,
    by: w.actor.userId,
  });
  await repo.setStatus(w.db, id, 'approved', sar.due_date, w.now);
  w.audit({
    action: 'sar.approve',
    childIds: [sar.child_id],
    basis: 'role:dpo',
    entityType: 'sar',
    entityId: id,
    detail: {
      entries: c.items.length,
      proposals: c.summary.proposals,
      accepted: accepted.length,
      // `id:sha256:as` for each document disclosed, `id:sha256:exemption` for each withheld.
      documentsDisclosed: documents.filter((d) => d.disclose).map((d) => `${d.documentId}:${d.sha256}:${d.as}`),
      documentsWithheld: documents.filter((d) => !d.disclose).map((d) => `${d.documentId}:${d.sha256}:${c.documents.get(d.documentId)?.document.decision?.exemption ?? ''}`),
    },
  });
  return view(w, id);
}
