import { randomUUID } from 'node:crypto';
import { sql, type SqlBool } from 'kysely';
import { addDays, DomainError, hasRole, invalid, isCalendarDate, londonStartOfDay, type EntryKind, type EntryStatus } from '@safekeep/core';
import { bestBasisSql, canSeeDraft, entryInScopeSql, entryVisibleSql } from '../access/access.repository.js';
import { entryWithinScope, isScopedBasis, requireChildAccess, WRITING_ROLES } from '../access/child-access.js';
import { auditEventCtes } from '../audit/audit.repository.js';
import type { Row } from '../db/schema.js';
import { auditRecordFor, type Work } from '../db/work.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import * as repo from './entries.repository.js';
import { checkFieldsSchema, checkKindRules, headColumns, KINDS_WITH_RECORD_RULES, SYSTEM_FIELDS } from './entry-rules.js';
import { docRef, recording, toView, versionSummary, type DocumentRef, type EntryView } from './entry-views.js';

export type { DocumentRef, EntryView, VersionSummary } from './entry-views.js';

export interface NewEntryInput {
  kind: EntryKind;
  occurredAt: string;
  title: string;
  body: string;
  status?: EntryStatus;
  fields?: Record<string, unknown>;
}

/** Clocks drift: an entry may be dated up to five minutes ahead of the server. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export function checkOccurredAt(occurredAt: string, now: Date, field = 'occurredAt'): Date {
  const at = new Date(occurredAt);
  if (Number.isNaN(at.getTime())) throw invalid({ field, message: 'must be an ISO 8601 date and time with an offset' });
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) throw invalid({ field, message: 'must not be in the future' });
  return at;
}

function firstVersion(w: Work, id: string, input: NewEntryInput, occurredAt: Date): repo.NewVersion {
  return {
    entryId: id,
    version: 1,
    occurredAt,
    title: input.title.trim(),
    body: input.body,
    fields: input.fields ?? {},
    status: input.status ?? 'final',
    reason: null,
    at: w.now,
    by: w.actor.userId,
  };
}

/** Everything the reader would see of a new entry is known: answer without reading it back. */
function newEntryView(w: Work, childId: string, kind: string, v: repo.NewVersion, h: repo.HeadColumns): EntryView {
  return {
    id: v.entryId,
    childId,
    kind,
    version: 1,
    currentVersion: 1,
    status: v.status,
    occurredAt: v.occurredAt.toISOString(),
    title: v.title,
    body: v.body,
    fields: v.fields,
    reason: null,
    recordedAt: w.now.toISOString(),
    recordedBy: { id: w.actor.userId, displayName: w.actor.displayName },
    createdAt: w.now.toISOString(),
    finalisedAt: h.finalisedAt?.toISOString() ?? null,
    ...recording(h.recordingDueBy, h.finalisedAt, w.now),
    documents: [],
  };
}

/**
 * Adds an entry to a child's chronology: version 1, append-only from here on. The access
 * check, the entry and its audit event are one statement (the busiest write in the
 * system), so this may run without a transaction; a refusal is explained and audited
 * by the ordinary check.
 */
export async function createEntry(w: Work, childId: string, input: NewEntryInput): Promise<EntryView> {
  const occurredAt = checkOccurredAt(input.occurredAt, w.now);
  // Rules that read the record (a decision's sources, a cross-reference) come after the
  // access check, so that someone who may not add to it learns nothing from them. Other
  // kinds' rules read only the request; the insert below checks access as it writes.
  if (KINDS_WITH_RECORD_RULES.has(input.kind)) await requireChildAccess(w, childId, 'entry.create', 'write');
  await checkKindRules(w, childId, input.kind, input.fields ?? {});
  const id = randomUUID();
  const version = firstVersion(w, id, input, occurredAt);
  const head = await headColumns(w, input.kind, version, null);
  const canWrite = hasRole(w.actor, ...WRITING_ROLES);
  const basis = await repo.insertEntryAudited(
    w.db,
    { id, childId, kind: input.kind, createdBy: w.actor.userId },
    version,
    head,
    canWrite ? bestBasisSql(w, childId) : sql<null>`null::text`,
    (b, when) => auditEventCtes(auditRecordFor(w, { action: 'entry.create', childIds: [childId], entityType: 'entry', entityId: id, detail: { kind: input.kind, status: version.status } }), b, when),
  );
  if (basis === null) {
    await requireChildAccess(w, childId, 'entry.create', 'write'); // throws NOT_FOUND or ACCESS_DENIED, audited
    throw new DomainError('ACCESS_DENIED', 'You cannot add to this record.');
  }
  w.touches(childId);
  return newEntryView(w, childId, input.kind, version, head);
}

/** Writes version 1 of a new entry inside a transaction; the caller has checked access and audits. */
export async function insertNewEntry(w: Work, childId: string, input: NewEntryInput, options: { id?: string } = {}): Promise<EntryView> {
  const version = firstVersion(w, options.id ?? randomUUID(), input, checkOccurredAt(input.occurredAt, w.now));
  const head = await headColumns(w, input.kind, version, null);
  await repo.insertEntry(w.db, { id: version.entryId, childId, kind: input.kind, createdBy: w.actor.userId }, version, head);
  return newEntryView(w, childId, input.kind, version, head);
}

export async function loadEntry(w: Work, id: string, withVersions: boolean): Promise<EntryView> {
  const row = await repo.findEntry(w.db, id);
  if (row === undefined) throw new DomainError('NOT_FOUND', 'There is no entry with that id.');
  const docs = await repo.documentsOfEntries(w.db, [id]);
  const view = toView(row, docs.map(docRef), w.now);
  if (withVersions) view.versions = (await repo.listVersions(w.db, id)).map(versionSummary);
  return view;
}

/**
 * The entry's head, once the actor may see it: its record, and if it is a draft, they
 * must be its author or the author's manager (otherwise it does not exist for them).
 */
async function visibleHead(w: Work, id: string, action: 'entry.read' | 'entry.correct', mode: 'read' | 'write'): Promise<{ head: Row<'entry'>; basis: string }> {
  const head = await repo.findEntryHead(w.db, id);
  if (head === undefined) throw new DomainError('NOT_FOUND', 'There is no entry with that id.');
  const basis = await requireChildAccess(w, head.child_id, action, mode, { grantScope: mode === 'read' });
  if (isScopedBasis(basis) && !(await entryWithinScope(w, id))) throw new DomainError('NOT_FOUND', 'There is no entry with that id.');
  if (head.status === 'draft' && !(await canSeeDraft(w.db, w.actor, head.created_by))) {
    throw new DomainError('NOT_FOUND', 'There is no entry with that id.');
  }
  return { head, basis };
}

/** The current version, with the list of every version. */
export async function getEntry(w: Work, id: string): Promise<EntryView> {
  const { head, basis } = await visibleHead(w, id, 'entry.read', 'read');
  w.audit({ action: 'entry.read', childIds: [head.child_id], basis, entityType: 'entry', entityId: id });
  return loadEntry(w, id, true);
}

/** Any one version in full, exactly as it was recorded. */
export async function getEntryVersion(w: Work, id: string, version: number): Promise<EntryView> {
  const { head, basis } = await visibleHead(w, id, 'entry.read', 'read');
  const v = await repo.findVersion(w.db, id, version);
  if (v === undefined) throw new DomainError('NOT_FOUND', `Entry has no version ${version}.`);
  w.audit({ action: 'entry.read', childIds: [head.child_id], basis, entityType: 'entry', entityId: id, detail: { version } });
  const docs = await repo.documentsOfEntries(w.db, [id]);
  return toView(
    {
      ...v,
      child_id: head.child_id,
      kind: head.kind,
      current_version: head.current_version,
      created_at: head.created_at,
      created_by: head.created_by,
      recording_due_by: head.recording_due_by,
      finalised_at: head.finalised_at,
    },
    docs.map(docRef),
    w.now,
  );
}

export interface Correction {
  occurredAt?: string;
  title?: string;
  body?: string;
  status?: EntryStatus;
  fields?: Record<string, unknown>;
  reason: string;
}

/**
 * A correction is a new version carrying a reason; the earlier ones stay readable. The
 * kind's fields are merged with the current ones and checked again. A final entry
 * cannot go back to draft; a draft is changed only by its author or their manager.
 */
export async function correctEntry(w: Work, id: string, c: Correction, action: 'entry.correct' | 'entry.finalise' = 'entry.correct'): Promise<EntryView> {
  const { head, basis } = await visibleHead(w, id, 'entry.correct', 'write');
  if (w.transactional) await repo.lockEntryHead(w.db, id);
  const current = await repo.findEntry(w.db, id);
  if (current === undefined) throw new DomainError('NOT_FOUND', 'There is no entry with that id.');
  const kind = head.kind as EntryKind;
  const reason = c.reason.trim();
  if (reason.length === 0) throw invalid({ field: 'reason', message: 'must say why the entry is being corrected' });
  if (current.status === 'final' && c.status === 'draft') throw invalid({ field: 'status', message: 'a final entry cannot return to draft' });
  const system = Object.keys(c.fields ?? {}).find((k) => (SYSTEM_FIELDS as readonly string[]).includes(k));
  if (system !== undefined) throw invalid({ field: system, message: 'is kept by the system and cannot be corrected' });
  const fields = c.fields !== undefined ? { ...current.fields, ...c.fields } : current.fields;
  if (c.fields !== undefined) {
    checkFieldsSchema(kind, fields);
    await checkKindRules(w, head.child_id, kind, fields);
  }
  const next: repo.NewVersion = {
    entryId: id,
    version: current.version + 1,
    occurredAt: c.occurredAt !== undefined ? checkOccurredAt(c.occurredAt, w.now) : current.occurred_at,
    title: c.title !== undefined ? c.title.trim() : current.title,
    body: c.body ?? current.body,
    fields,
    status: c.status ?? current.status,
    reason,
    at: w.now,
    by: w.actor.userId,
  };
  const unchanged =
    next.occurredAt.getTime() === current.occurred_at.getTime() &&
    next.title === current.title &&
    next.body === current.body &&
    next.status === current.status &&
    JSON.stringify(next.fields) === JSON.stringify(current.fields);
  if (unchanged) throw invalid({ field: 'body', message: 'the correction changes nothing: give at least one changed field' });
  await repo.insertVersion(w.db, next);
  const derived = await headColumns(w, kind, next, { finalisedAt: current.finalised_at, recordingDueBy: current.recording_due_by });
  if ((await repo.advanceHead(w.db, id, current.version, next, derived)) !== 1) {
    throw new DomainError('CONFLICT', 'Someone else corrected this entry at the same moment. Reload it and try again.');
  }
  w.audit({ action, childIds: [head.child_id], basis, entityType: 'entry', entityId: id, detail: { version: next.version, status: next.status } });
  return loadEntry(w, id, true);
}

/** Finalises a draft: a new version, final, from which the entry is only ever corrected. */
export async function finaliseEntry(w: Work, id: string, note?: string): Promise<EntryView> {
  // Access first: whether someone else's entry is final is not for those who may not change it.
  const { head } = await visibleHead(w, id, 'entry.correct', 'write');
  if (head.status === 'final') throw new DomainError('CONFLICT', 'This entry is already final.');
  return correctEntry(w, id, { status: 'final', reason: note?.trim() || 'Finalised' }, 'entry.finalise');
}

export interface ChronologyParams {
  kind?: string[];
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/** A date means the whole London day; an instant means itself. */
function boundary(value: string | undefined, field: string, end: boolean): Date | undefined {
  if (value === undefined) return undefined;
  if (isCalendarDate(value)) return londonStartOfDay(end ? addDays(value, 1) : value);
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw invalid({ field, message: 'must be a date (YYYY-MM-DD) or an ISO 8601 instant' });
  return at;
}

/** The chronology, newest first, filtered and cursor-paged; others' drafts are left out. */
export async function listEntries(w: Work, childId: string, p: ChronologyParams): Promise<{ items: EntryView[]; nextCursor: string | null }> {
  const basis = await requireChildAccess(w, childId, 'entry.list', 'read', { grantScope: true });
  const from = boundary(p.from, 'from', false);
  const to = boundary(p.to, 'to', true);
  if (from !== undefined && to !== undefined && from > to) throw invalid({ field: 'to', message: 'must not be before from' });
  const after = decodeCursor(p.cursor, { o: 'instant', i: 'uuid' });
  const rows = await repo.chronology(w.db, {
    childId,
    visible: isScopedBasis(basis) ? sql<SqlBool>`(${entryVisibleSql(w.actor)} and ${entryInScopeSql(w, 'e')})` : entryVisibleSql(w.actor),
    ...(p.kind !== undefined ? { kinds: p.kind } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(after !== null ? { after: { occurredAt: new Date(after.o), id: after.i } } : {}),
    limit: p.limit + 1,
  });
  const page = rows.slice(0, p.limit);
  const docs = await repo.documentsOfEntries(w.db, page.map((r) => r.entry_id));
  const byEntry = new Map<string, DocumentRef[]>();
  for (const d of docs) byEntry.set(d.entry_id, [...(byEntry.get(d.entry_id) ?? []), docRef(d)]);
  w.audit({ action: 'entry.list', childIds: [childId], basis, detail: { returned: page.length } });
  const last = page.at(-1);
  return {
    items: page.map((r) => toView(r, byEntry.get(r.entry_id) ?? [], w.now)),
    nextCursor: rows.length > p.limit && last !== undefined ? encodeCursor({ o: last.occurred_at.toISOString(), i: last.entry_id }) : null,
  };
}
