import { DomainError } from '@safekeep/core';

/**
 * What the two disposal property tests (children's records and carers') share: the
 * people who ask and approve, how a refusal is read, and the two-person rule as the
 * model predicts it.
 */
export const APPROVERS = ['ro1', 'ro2', 'hos1', 'hos2', 'hos3'] as const;
export type Approver = (typeof APPROVERS)[number];
export const roleOf = (u: Approver) => (u.startsWith('ro') ? 'records-officer' : 'head-of-service');

/** A disposal awaiting approval, in the model. */
export interface PendingDisposal {
  requestedBy: Approver;
  approvals: Approver[];
}

/** Runs a step: null, or the code it was refused with (and the blockers, if any). */
export async function attempt(fn: () => Promise<unknown>): Promise<{ code: string | null; blockers: string[] }> {
  try {
    await fn();
    return { code: null, blockers: [] };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const list = (e.extra['blockers'] as Array<{ code: string }> | undefined) ?? [];
    return { code: e.code, blockers: list.map((b) => b.code) };
  }
}

/** What an approval by `by` should meet: a two-person refusal, the record's blockers, or success (null). */
export function expectedApproval(p: PendingDisposal, by: Approver, blockers: readonly string[]): 'OWN_REQUEST' | 'SAME_APPROVER' | 'ROLE_REQUIRED' | 'blocked' | null {
  if (p.requestedBy === by) return 'OWN_REQUEST';
  if (p.approvals.includes(by)) return 'SAME_APPROVER';
  if (p.approvals.some((a) => roleOf(a) === roleOf(by))) return 'ROLE_REQUIRED';
  return blockers.length > 0 ? 'blocked' : null;
}
