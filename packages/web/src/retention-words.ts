import type { DisposalBlocker, LabelStatus, RetentionTrigger } from '@safekeep/core';
import { formatDate } from './format';

/** How the retention schedule's terms read to a person (core/retention.ts defines them). */

export function triggerText(trigger: RetentionTrigger): string {
  switch (trigger) {
    case 'dateOfBirth':
      return 'from the date of birth';
    case 'closure':
      return 'from the date the case closes';
    case 'adoptionOrder':
      return 'from the date of the adoption order';
    case 'approvalEnded':
      return 'from the date approval ended';
    case 'placementEnded':
      return 'from the date the placement ended';
    case 'applicationRefusedOrWithdrawn':
      return 'from the date the application was refused or withdrawn';
    case 'lastEntry':
      return 'from the last entry';
    default:
      // A trigger added to the schedule after this page was written.
      return `from ${String(trigger)}`;
  }
}

/** A rule whose period has not started: what it waits for. */
export function waitingText(trigger: RetentionTrigger | null): string {
  if (trigger === null) return 'Not started yet';
  return `Not started yet: runs ${triggerText(trigger)}`;
}

/** "75 years from the date of birth" or, with no period, a review. */
export function periodText(rule: { years: number | null; trigger: RetentionTrigger }): string {
  if (rule.years === null) return `No fixed period: review ${triggerText(rule.trigger)}`;
  return `${rule.years} ${rule.years === 1 ? 'year' : 'years'} ${triggerText(rule.trigger)}`;
}

export function deathRuleText(years: number | null | undefined): string | null {
  return years === null || years === undefined ? null : `If the child dies before 18: ${years} years from the date of death`;
}

export function labelStatusText(status: LabelStatus, destructionDate: string | null): string {
  switch (status) {
    case 'determined':
      return destructionDate === null ? 'Determined' : `Destroy from ${formatDate(destructionDate)}`;
    case 'pending':
      return 'Not set yet: a rule’s period starts from an event that has not happened (such as the case closing)';
    case 'review':
      return 'Needs a decision: a rule that applies has no fixed period';
    case 'no-rule':
      return 'No rule in the schedule applies: escalate before doing anything with this record';
  }
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Why this record cannot be destroyed now (the same list a disposal request would be refused with). */
export function blockerText(blocker: DisposalBlocker): string {
  switch (blocker.code) {
    case 'HOLD_BLOCKS_DISPOSAL':
      return `A hold applies: ${blocker.holds.map((h) => h.name).join(', ')}`;
    case 'RETENTION_NOT_EXPIRED':
      return `The destruction date, ${formatDate(blocker.destructionDate)}, has not passed`;
    case 'RETENTION_UNDETERMINED':
      return blocker.status === 'pending' ? 'The destruction date is not set yet' : blocker.status === 'review' ? 'A rule needs a decision before a date can be set' : 'No retention rule applies';
    case 'RECORD_STILL_OPEN':
      return 'The record has not ended yet: its retention runs from the end of approval or placement';
    case 'OPEN_INVOLVEMENT':
      return `${plural(blocker.involvementIds.length, 'involvement is', 'involvements are')} still open`;
    case 'OPEN_ESCALATION':
      return `${plural(blocker.escalationIds.length, 'escalation is', 'escalations are')} waiting for a decision`;
    case 'OPEN_SUBJECT_ACCESS_REQUEST':
      return `${plural(blocker.requestIds.length, 'subject access request is', 'subject access requests are')} open`;
    case 'DISPOSAL_PENDING':
      return 'A disposal of this record is already waiting for approval';
  }
}
