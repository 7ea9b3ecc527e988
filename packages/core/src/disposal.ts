import { compareDates, type CalendarDate } from './dates.js';
import type { LabelStatus } from './retention.js';

/**
 * Disposal (R14): what stops a record being destroyed. Every blocker is reported at
 * once, so a records officer sees the whole picture; the database checks the same
 * conditions again when a disposal executes (migration 20261122_0400_retention).
 */

export type DisposalBlocker =
  | { code: 'HOLD_BLOCKS_DISPOSAL'; holds: Array<{ id: string; name: string }> }
  | { code: 'RETENTION_NOT_EXPIRED'; destructionDate: CalendarDate }
  | { code: 'RETENTION_UNDETERMINED'; status: Exclude<LabelStatus, 'determined'> }
  /** A carer's or home's record not yet ended: FSR 2011 reg 32 counts its retention from the ending. */
  | { code: 'RECORD_STILL_OPEN' }
  | { code: 'OPEN_INVOLVEMENT'; involvementIds: string[] }
  | { code: 'OPEN_ESCALATION'; escalationIds: string[] }
  | { code: 'OPEN_SUBJECT_ACCESS_REQUEST'; requestIds: string[] }
  | { code: 'DISPOSAL_PENDING'; disposalId: string };

export type DisposalBlockerCode = DisposalBlocker['code'];

export interface DisposalFacts {
  today: CalendarDate;
  label: { status: LabelStatus; destructionDate: CalendarDate | null };
  holds: Array<{ id: string; name: string }>;
  /** The record itself is still open (a carer or home still active). Children's records are open through involvements instead. */
  recordStillOpen?: boolean;
  openInvolvementIds: string[];
  openEscalationIds: string[];
  openRequestIds: string[];
  /** Another disposal of this record awaiting approval (excluded when approving that one). */
  pendingDisposalId: string | null;
}

export function disposalBlockers(f: DisposalFacts): DisposalBlocker[] {
  const blockers: DisposalBlocker[] = [];
  if (f.holds.length > 0) blockers.push({ code: 'HOLD_BLOCKS_DISPOSAL', holds: f.holds });
  if (f.label.status !== 'determined' || f.label.destructionDate === null) {
    blockers.push({ code: 'RETENTION_UNDETERMINED', status: f.label.status === 'determined' ? 'pending' : f.label.status });
  } else if (compareDates(f.today, f.label.destructionDate) < 0) {
    blockers.push({ code: 'RETENTION_NOT_EXPIRED', destructionDate: f.label.destructionDate });
  }
  if (f.recordStillOpen === true) blockers.push({ code: 'RECORD_STILL_OPEN' });
  if (f.openInvolvementIds.length > 0) blockers.push({ code: 'OPEN_INVOLVEMENT', involvementIds: f.openInvolvementIds });
  if (f.openEscalationIds.length > 0) blockers.push({ code: 'OPEN_ESCALATION', escalationIds: f.openEscalationIds });
  if (f.openRequestIds.length > 0) blockers.push({ code: 'OPEN_SUBJECT_ACCESS_REQUEST', requestIds: f.openRequestIds });
  if (f.pendingDisposalId !== null) blockers.push({ code: 'DISPOSAL_PENDING', disposalId: f.pendingDisposalId });
  return blockers;
}

/** The code a refusal answers with: a hold first (R10), then the date (R14), then the rest. */
export function refusalCode(blockers: readonly DisposalBlocker[]): DisposalBlockerCode {
  const order: DisposalBlockerCode[] = ['HOLD_BLOCKS_DISPOSAL', 'RETENTION_NOT_EXPIRED', 'RETENTION_UNDETERMINED', 'RECORD_STILL_OPEN', 'OPEN_INVOLVEMENT', 'OPEN_ESCALATION', 'OPEN_SUBJECT_ACCESS_REQUEST', 'DISPOSAL_PENDING'];
  return order.find((c) => blockers.some((b) => b.code === c)) ?? 'HOLD_BLOCKS_DISPOSAL';
}

/** The two roles whose holders must each approve a disposal, and never the person who asked. */
export const DISPOSAL_APPROVER_ROLES = ['records-officer', 'head-of-service'] as const;
export type DisposalApproverRole = (typeof DISPOSAL_APPROVER_ROLES)[number];
