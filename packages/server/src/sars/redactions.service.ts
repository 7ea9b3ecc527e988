import { DomainError, exemptionApplies, invalid, type FieldProblem, type SarExemption, type SarRelationship } from '@safekeep/core';
import type { Work } from '../db/work.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { manualRedactionId, proposalsCacheFor, proposalsFor, textFieldsOf, type Proposal, type TextField } from './collate.js';
import * as collation from './collation.repository.js';
import { knownPeople } from './people.js';
import * as repo from './sars.repository.js';
import { APPROVER_ROLES, basisOf, loadForChange, requireSarContentAccess, requireSarRoleFor, view, type SarView } from './sars.service.js';

/**
 * Review of what a request discloses: the entries in scope with the redactions proposed
 * in them, each reviewer's decisions (one row each; a later one supersedes), manual
 * redactions, and the data protection officer's approval, which is refused while any
 * proposal is undecided and fixes the exact entry versions and redactions disclosed.
 */

type Person = { id: string; displayName: string };

export interface ItemRedaction extends Proposal {
  decision: { accept: boolean; exemption: string | null; note: string; decidedAt: string; decidedBy: Person } | null;
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
  documents: Array<{ id: string; filename: string | null; contentType: string; size: number; sha256: string }>;
  proposedRedactions: ItemRedaction[];
}

export interface Summary {
  entries: number;
  documents: number;
  proposals: number;
  undecided: number;
  accepted: number;
  rejected: number;
  /** Accepted manual redactions on an entry version no longer in scope (the entry was corrected): withdraw and redo them. */
  stale: number;
}

interface Collated {
  sar: repo.SarRow;
  items: SarItem[];
  /** Every proposal and current manual redaction, by id. */
  byId: Map<string, { item: SarItem; redaction: ItemRedaction }>;
  staleRedactions: repo.DecisionRow[];
  decisions: Map<string, repo.DecisionRow>;
  summary: Summary;
}

function decisionView(d: repo.DecisionRow | undefined): ItemRedaction['decision'] {
  return d === undefined ? null : { accept: d.accept, exemption: d.exemption, note: d.note, decidedAt: d.decided_at.toISOString(), decidedBy: { id: d.decided_by, displayName: d.decided_by_name } };
}

/** Everything in scope now, with every proposal and decision: the same for each page, for decisions and for approval. */
async function collate(w: Work, sar: repo.SarRow): Promise<Collated> {
  const entries = await collation.entriesInScope(w.db, { childId: sar.child_id, kinds: sar.scope_kinds, from: sar.scope_from, to: sar.scope_to });
  const texts = entries.map((e) => textFieldsOf(e));
  const people = await knownPeople(
    w.db,
    { childId: sar.child_id, requester: sar.requester, relationship: sar.relationship },
    { givenName: sar.child_given_name ?? '', familyName: sar.child_family_name ?? '' },
    texts.flatMap((t) => t.map((f) => f.text)),
  );
  const documents = await collation.documentsOf(
    w.db,
    sar.child_id,
    entries.map((e) => e.entry_id),
  );
  const decisions = await repo.latestDecisions(w.db, sar.id);
  const manualByVersion = new Map<string, repo.DecisionRow[]>();
  for (const d of decisions.values()) {
    if (d.source !== 'manual') continue;
    const key = `${d.entry_id}:${d.entry_version}`;
    manualByVersion.set(key, [...(manualByVersion.get(key) ?? []), d]);
  }
  const byId = new Map<string, { item: SarItem; redaction: ItemRedaction }>();
  const summary: Summary = { entries: entries.length, documents: documents.length, proposals: 0, undecided: 0, accepted: 0, rejected: 0, stale: 0 };
  const seenManual = new Set<string>();
  const cached = proposalsCacheFor(people);
  const items = entries.map((e, i) => {
    const fields = texts[i] ?? [];
    const proposed: ItemRedaction[] = proposalsFor(e, fields, people, cached).map((p) => ({ ...p, decision: decisionView(decisions.get(p.id)) }));
    for (const m of manualByVersion.get(`${e.entry_id}:${e.version}`) ?? []) {
      const text = fields.find((f) => f.field === m.field)?.text;
      if (text === undefined || m.end_offset > text.length) continue;
      seenManual.add(m.redaction_id);
      proposed.push({ id: m.redaction_id, source: 'manual', field: m.field, start: m.start_offset, end: m.end_offset, text: text.slice(m.start_offset, m.end_offset), reason: 'manual', personId: null, decision: decisionView(m) });
    }
    const item: SarItem = {
      entryId: e.entry_id,
      version: e.version,
      kind: e.kind,
      occurredAt: e.occurred_at.toISOString(),
      recordedBy: e.recorded_by_name,
      title: e.title,
      body: e.body,
      fields: fields.slice(2),
      documents: documents.filter((d) => d.entry_id === e.entry_id).map((d) => ({ id: d.id, filename: d.filename, contentType: d.content_type, size: Number(d.size), sha256: d.sha256 })),
      proposedRedactions: proposed,
    };
    for (const r of proposed) {
      byId.set(r.id, { item, redaction: r });
      if (r.source === 'proposed') summary.proposals += 1;
      if (r.decision === null) summary.undecided += 1;
      else if (r.decision.accept) summary.accepted += 1;
      else summary.rejected += 1;
    }
    return item;
  });
  const staleRedactions = [...decisions.values()].filter((d) => d.source === 'manual' && d.accept && !seenManual.has(d.redaction_id));
  summary.stale = staleRedactions.length;
  return { sar, items, byId, staleRedactions, decisions, summary };
}

async function findSar(w: Work, id: string): Promise<repo.SarRow> {
  const sar = await repo.findSar(w.db, id);
  if (sar === undefined) throw new DomainError('NOT_FOUND', 'There is no subject access request with that id.');
  return sar;
}

export async function sarItems(
  w: Work,
  id: string,
  q: { limit: number; cursor?: string; undecided?: boolean },
): Promise<{ items: SarItem[]; nextCursor: string | null; summary: Summary; staleRedactions: Array<{ id: string; entryId: string; version: number; field: string; start: number; end: number }> }> {
  await requireSarRoleFor(w, 'sar.items-read', id);
  const after = decodeCursor(q.cursor, { at: 'instant', id: 'uuid' });
  const sar = await findSar(w, id);
  await requireSarContentAccess(w, sar, 'sar.items-read');
  const c = await collate(w, sar);
  let items = c.items;
  if (q.undecided === true) items = items.filter((i) => i.proposedRedactions.some((r) => r.decision === null));
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

export async function decideRedactions(w: Work, id: string, input: { decisions: DecisionInput[] }): Promise<{ decided: number; summary: Summary }> {
  const sar = await loadForChange(w, id, 'sar.redaction-decide');
  await requireSarContentAccess(w, sar, 'sar.redaction-decide');
  refuseUnlessOpen(sar);
  const c = await collate(w, sar);
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
    if (stale !== undefined && d.accept) problems.push({ field: `decisions[${i}].accept`, message: 'this manual redaction is on an earlier version of its entry: withdraw it and add it again on the current version' });
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
  const undecidedNow = [...c.byId.values()].filter((x) => x.redaction.decision === null && !seen.has(x.redaction.id)).length;
  return { decided: rows.length, summary: { ...c.summary, undecided: undecidedNow } };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

export interface ManualInput {
  entryId: string;
  field: string;
  start: number;
  end: number;
  exemption: SarExemption;
  note?: string;
}

/** A reviewer's own redaction of a span the proposals missed (a nickname, an address, a description that identifies). */
export async function addManualRedaction(w: Work, id: string, input: ManualInput): Promise<ItemRedaction & { entryId: string; version: number }> {
  const sar = await loadForChange(w, id, 'sar.redaction-add');
  await requireSarContentAccess(w, sar, 'sar.redaction-add');
  refuseUnlessOpen(sar);
  const entries = await collation.entriesInScope(w.db, { childId: sar.child_id, kinds: sar.scope_kinds, from: sar.scope_from, to: sar.scope_to });
  const entry = entries.find((e) => e.entry_id === input.entryId.toLowerCase());
  if (entry === undefined) throw invalid({ field: 'entryId', message: 'is not an entry in this request’s scope' });
  const text = textFieldsOf(entry).find((f) => f.field === input.field)?.text;
  if (text === undefined) throw invalid({ field: 'field', message: 'this entry has no such text: use title, body or one of the item’s fields' });
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
  const redactionId = manualRedactionId(id, entry.entry_id, entry.version, input.field, input.start, input.end);
  const note = input.note?.trim() ?? '';
  await repo.insertDecisions(
    w.db,
    id,
    [{ redactionId, source: 'manual', entryId: entry.entry_id, version: entry.version, field: input.field, start: input.start, end: input.end, reason: 'manual', accept: true, exemption: input.exemption, note }],
    w.now,
    w.actor.userId,
  );
  w.audit({ action: 'sar.redaction-add', childIds: [sar.child_id], basis: basisOf(w), entityType: 'sar', entityId: id, detail: { entryId: entry.entry_id, field: input.field } });
  return {
    id: redactionId,
    source: 'manual',
    entryId: entry.entry_id,
    version: entry.version,
    field: input.field,
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
export async function approveSar(w: Work, id: string): Promise<SarView> {
  await requireSarRoleFor(w, 'sar.approve', id, APPROVER_ROLES);
  const sar = await loadForChange(w, id, 'sar.approve');
  await requireSarContentAccess(w, sar, 'sar.approve');
  const deny = (reason: string, code: 'ALREADY_DONE' | 'CONFLICT' | 'IDENTITY_NOT_VERIFIED' | 'REDACTIONS_UNREVIEWED', message: string, extra: Record<string, unknown> = {}): never => {
    w.auditDenied({ action: 'sar.approve', childIds: [sar.child_id], entityType: 'sar', entityId: id, detail: { reason } });
    throw new DomainError(code, message, { extra });
  };
  if (sar.status === 'approved') deny('approved', 'ALREADY_DONE', 'This request is already approved.');
  if (sar.status === 'paused') deny('paused', 'CONFLICT', 'The clock is stopped awaiting ID or clarification: resume the request before approving it.');
  if (sar.kind !== 'court-order' && (await repo.identities(w.db, [id])).length === 0) {
    deny('identity', 'IDENTITY_NOT_VERIFIED', 'The requester’s identity has not been checked: record how it was before approving.');
  }
  const c = await collate(w, sar);
  if (c.summary.undecided > 0 || c.summary.stale > 0) {
    deny('unreviewed', 'REDACTIONS_UNREVIEWED', `${c.summary.undecided} proposed redaction${c.summary.undecided === 1 ? ' is' : 's are'} undecided${c.summary.stale > 0 ? ` and ${c.summary.stale} manual redaction${c.summary.stale === 1 ? ' is' : 's are'} on corrected entries` : ''}.`, {
      unreviewed: c.summary.undecided,
      stale: c.summary.stale,
    });
  }
  const accepted = [...c.byId.values()].filter((x) => x.redaction.decision?.accept === true).map((x) => x.redaction.id);
  await repo.insertApproval(w.db, {
    sarId: id,
    entries: c.items.map((i) => ({ entryId: i.entryId, version: i.version })),
    redactionIds: accepted,
    proposals: c.summary.proposals,
    accepted: accepted.length,
    at: w.now,
    by: w.actor.userId,
  });
  await repo.setStatus(w.db, id, 'approved', sar.due_date, w.now);
  w.audit({ action: 'sar.approve', childIds: [sar.child_id], basis: 'role:dpo', entityType: 'sar', entityId: id, detail: { entries: c.items.length, proposals: c.summary.proposals, accepted: accepted.length } });
  return view(w, id);
}
