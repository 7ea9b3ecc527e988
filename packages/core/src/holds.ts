import type { CalendarDate } from './dates.js';

/**
 * Holds (R10): named, dated objects that stop destruction. A hold is never edited; it
 * is released when two different heads of service have each approved its release
 * with a reason, and a locked hold cannot be released through the application at all
 * (REGULATIONS.md section 2, design implications 2 and 3).
 */

export const HOLD_SCOPES = ['all', 'record-class', 'children', 'carers'] as const;
export type HoldScopeKind = (typeof HOLD_SCOPES)[number];

export type HoldScope = { all: true } | { recordClass: string } | { childIds: string[] } | { carerIds: string[] };

/** The standing inquiry hold every installation starts with (IICSA, 2015: "retain until further notice"). */
export const IICSA_HOLD_NAME = 'iicsa';

/** Paper notebooks and diaries are their own class of record for holds (R18). */
export const NOTEBOOK_RECORD_CLASS = 'practitioner-notebook';

/** How many different heads of service must approve a release. */
export const HOLD_RELEASE_APPROVALS = 2;

export interface HoldFacts {
  id: string;
  name: string;
  scope: HoldScope;
  locked: boolean;
  releasedOn: CalendarDate | null;
}

/** What a record is, for deciding whether a hold covers it. */
export type HeldRecord =
  | { type: 'child'; id: string; recordClasses: readonly string[] }
  | { type: 'carer'; id: string; recordClasses: readonly string[] }
  | { type: 'notebook'; id: string };

export function holdCovers(scope: HoldScope, record: HeldRecord): boolean {
  if ('all' in scope) return true;
  if ('recordClass' in scope) {
    return record.type === 'notebook' ? scope.recordClass === NOTEBOOK_RECORD_CLASS : record.recordClasses.includes(scope.recordClass);
  }
  if ('childIds' in scope) return record.type === 'child' && scope.childIds.includes(record.id);
  return record.type === 'carer' && scope.carerIds.includes(record.id);
}

/** The active holds covering a record. */
export function holdsCovering<H extends HoldFacts>(holds: readonly H[], record: HeldRecord): H[] {
  return holds.filter((h) => h.releasedOn === null && holdCovers(h.scope, record));
}

export type ReleaseRefusal = 'HOLD_LOCKED' | 'HOLD_RELEASED' | 'SAME_APPROVER' | 'ROLE_REQUIRED';

/** Whether this approver may approve the release now, given the approvals so far. */
export function releaseRefusal(hold: Pick<HoldFacts, 'locked' | 'releasedOn'>, approverIds: readonly string[], approver: { id: string; isHeadOfService: boolean }): ReleaseRefusal | null {
  if (!approver.isHeadOfService) return 'ROLE_REQUIRED';
  if (hold.releasedOn !== null) return 'HOLD_RELEASED';
  if (hold.locked) return 'HOLD_LOCKED';
  if (approverIds.includes(approver.id)) return 'SAME_APPROVER';
  return null;
}
