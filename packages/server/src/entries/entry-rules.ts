import { compareDates, ENTRY_KIND_INFO, invalid, recordingDueBy, subtypeOf, type EntryKind, type FieldProblem } from '@safekeep/core';
import { accessBases, entryInScopeSql, entryVisibleSql } from '../access/access.repository.js';
import type { Work } from '../db/work.js';
import { compileBody } from '../http/validation.js';
import { fieldProblemsFromValidation } from '../http/problem.js';
import type { HeadColumns, NewVersion } from './entries.repository.js';
import { FIELDS_SCHEMA, type WritableKind } from './kinds.schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its plain form, any case: safe to compare with a uuid column. */
export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * Text that is surely a mistyped id rather than a name: a UUID's shape with a wrong
 * character, or a long run of hex digits and hyphens (a UUID cut short or run on).
 */
function looksLikeId(value: string): boolean {
  return /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/i.test(value) || (/^[0-9a-f-]{20,}$/i.test(value) && /[0-9]/.test(value) && value.includes('-'));
}

/** Kinds whose rules read the record (a decision's sources, a cross-reference): access is checked first. */
export const KINDS_WITH_RECORD_RULES: ReadonlySet<EntryKind> = new Set<EntryKind>(['decision', 'cross-reference']);

/** Fields the system keeps on an entry (a group's cross-references): never written by hand. */
export const SYSTEM_FIELDS = ['group'] as const;

/** A kind's fields must pass its schema (used for corrections, merged with the current version). */
export function checkFieldsSchema(kind: EntryKind, fields: Record<string, unknown>): void {
  if (!(kind in FIELDS_SCHEMA)) throw invalid({ field: 'kind', message: 'entries of this kind are made only by duplicating a carer record entry' });
  const own = Object.fromEntries(Object.entries(fields).filter(([k]) => !(SYSTEM_FIELDS as readonly string[]).includes(k)));
  const validate = compileBody(FIELDS_SCHEMA[kind as WritableKind]);
  if (!validate(own)) throw invalid(fieldProblemsFromValidation(validate.errors ?? [], 'body'));
}

/**
 * The rules of each kind that a schema cannot say: dates in order and not in the
 * future, a decision's decider and the entries that informed it, a cross-reference to a
 * child the author may see. All problems are reported together; nothing is written.
 */
export async function checkKindRules(w: Work, childId: string, kind: EntryKind, fields: Record<string, unknown>): Promise<void> {
  const problems: FieldProblem[] = [];
  if (!ENTRY_KIND_INFO[kind].writable) problems.push({ field: 'kind', message: 'entries of this kind are made only by duplicating a carer record entry' });
  if (kind === 'court-order') {
    const madeOn = String(fields['madeOn']);
    if (compareDates(madeOn, w.today) > 0) problems.push({ field: 'madeOn', message: 'must not be in the future' });
    const endsOn = fields['endsOn'];
    if (typeof endsOn === 'string' && compareDates(endsOn, madeOn) < 0) problems.push({ field: 'endsOn', message: 'must not be before madeOn' });
  }
  if (kind === 'decision') {
    const decidedBy = String(fields['decidedBy']).trim();
    if (isUuid(decidedBy)) {
      const user = await w.db.selectFrom('app_user').select('id').where('id', '=', decidedBy.toLowerCase()).executeTakeFirst();
      if (user === undefined) problems.push({ field: 'decidedBy', message: 'no user has that id: give a user id, or the name of the person or body who decided' });
    } else if (looksLikeId(decidedBy)) {
      problems.push({ field: 'decidedBy', message: 'is not a valid user id: give a user id, or the name of the person or body who decided' });
    }
    const parentViews = fields['parentViews'];
    const reason = fields['noParentViewsReason'];
    if (Array.isArray(parentViews) && parentViews.length === 0 && !(typeof reason === 'string' && reason.trim().length > 0)) {
      problems.push({ field: 'parentViews', message: 'give each parent’s view (or why it was not obtained), or say in noParentViewsReason why there are none' });
    }
    // Only entries the author may see: a colleague's draft is as if it did not exist.
    const informedBy = ((fields['informedBy'] as string[] | undefined) ?? []).map((id) => id.toLowerCase());
    if (informedBy.length > 0) {
      const found = await w.db.selectFrom('entry as e').select('e.id').where('e.id', 'in', informedBy).where('e.child_id', '=', childId).where(entryVisibleSql(w.actor, 'e')).execute();
      const known = new Set(found.map((f) => f.id));
      informedBy.forEach((id, i) => {
        if (!known.has(id)) problems.push({ field: `informedBy.${i}`, message: 'is not an entry in this child’s record' });
      });
    }
  }
  if (kind === 'cross-reference') {
    const other = String(fields['referencedChildId']).toLowerCase();
    if (other === childId.toLowerCase()) problems.push({ field: 'referencedChildId', message: 'must be another child' });
    else if ((await accessBases(w.db, w, other)).length === 0) problems.push({ field: 'referencedChildId', message: 'is not a child whose record you may see' });
    const entryId = fields['referencedEntryId'];
    if (typeof entryId === 'string') {
      const e = await w.db.selectFrom('entry as e').select('e.child_id').where('e.id', '=', entryId.toLowerCase()).where(entryVisibleSql(w.actor, 'e')).where(entryInScopeSql(w, 'e')).executeTakeFirst();
      if (e?.child_id !== other) problems.push({ field: 'referencedEntryId', message: 'is not an entry in the referenced child’s record' });
    }
  }
  if (problems.length > 0) throw invalid(problems);
}

/**
 * The head's derived columns for a version: sub-type, recording deadline (visits), first
 * finalised. Once an entry has been finalised its deadline is fixed: a correction (of
 * the text, the visit's type, even when it happened) or a later calendar never changes
 * whether it was recorded late. Until then the deadline follows the draft.
 */
export async function headColumns(w: Work, kind: EntryKind, v: NewVersion, previous: { finalisedAt: Date | null; recordingDueBy: Date | null } | null): Promise<HeadColumns> {
  const subtype = subtypeOf(kind, v.fields);
  if (previous?.finalisedAt != null) return { subtype, recordingDueBy: previous.recordingDueBy, finalisedAt: previous.finalisedAt };
  const visitType = kind === 'visit' ? v.fields['visitType'] : undefined;
  return {
    subtype,
    recordingDueBy: visitType === 'statutory' || visitType === 'other' ? recordingDueBy(v.occurredAt, visitType, await w.calendar()) : null,
    finalisedAt: v.status === 'final' ? v.at : null,
  };
}
