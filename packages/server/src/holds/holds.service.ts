import { DomainError, HOLD_RELEASE_APPROVALS, hasRole, invalid, releaseRefusal, type HoldScope } from '@safekeep/core';
import { RECORDS_ROLES } from '../access/child-access.js';
import { requireRole } from '../access/roles.js';
import { actorRef, type Work } from '../db/work.js';
import * as repo from './holds.repository.js';

/**
 * Holds (R10). A hold is placed by someone accountable for records (records officer,
 * data protection officer, head of service) with a reason and the authority for it;
 * it is never edited; its release needs two different heads of service, each giving a
 * reason; a locked hold cannot be released through the application at all.
 */

const PLACING_ROLES = ['records-officer', 'dpo', 'head-of-service'] as const;
const LOCKING_ROLES = ['dpo', 'head-of-service'] as const;

export interface HoldView {
  id: string;
  name: string;
  scope: HoldScope;
  reason: string;
  authority: string;
  createdAt: string;
  createdBy: { id: string; displayName: string } | null;
  status: 'active' | 'release-pending' | 'released';
  locked: boolean;
  lock: { reason: string; lockedAt: string } | null;
  releaseApprovals: Array<{ approver: { id: string; displayName: string }; reason: string; approvedAt: string }>;
  releasedAt: string | null;
}

async function views(w: Work, rows: repo.HoldRow[]): Promise<HoldView[]> {
  const ids = rows.map((r) => r.id);
  const subjects = await repo.subjects(w.db, ids);
  const approvals = await repo.approvals(w.db, ids);
  return rows.map((r) => {
    const mine = subjects.filter((s) => s.hold_id === r.id);
    const scope: HoldScope =
      r.scope === 'all'
        ? { all: true }
        : r.scope === 'record-class'
          ? { recordClass: r.record_class ?? '' }
          : r.scope === 'children'
            ? { childIds: mine.flatMap((s) => (s.child_id === null ? [] : [s.child_id])) }
            : { carerIds: mine.flatMap((s) => (s.carer_id === null ? [] : [s.carer_id])) };
    const given = approvals.filter((a) => a.hold_id === r.id);
    return {
      id: r.id,
      name: r.name,
      scope,
      reason: r.reason,
      authority: r.authority,
      createdAt: r.created_at.toISOString(),
      createdBy: r.created_by === null ? null : { id: r.created_by, displayName: r.created_by_name ?? '' },
      status: r.released_at !== null ? 'released' : given.length > 0 ? 'release-pending' : 'active',
      locked: r.locked_at !== null,
      lock: r.locked_at === null ? null : { reason: r.lock_reason ?? '', lockedAt: r.locked_at.toISOString() },
      releaseApprovals: given.map((a) => ({ approver: { id: a.approver_id, displayName: a.display_name }, reason: a.reason, approvedAt: a.approved_at.toISOString() })),
      releasedAt: r.released_at?.toISOString() ?? null,
    };
  });
}

async function view(w: Work, id: string): Promise<HoldView> {
  const row = await repo.findHold(w.db, id);
  if (row === undefined) throw new DomainError('NOT_FOUND', 'There is no hold with that id.');
  return (await views(w, [row]))[0] as HoldView;
}

function scopeKind(scope: HoldScope): { scope: string; recordClass: string | null; childIds: string[]; carerIds: string[] } {
  if ('all' in scope) return { scope: 'all', recordClass: null, childIds: [], carerIds: [] };
  if ('recordClass' in scope) return { scope: 'record-class', recordClass: scope.recordClass, childIds: [], carerIds: [] };
  if ('childIds' in scope) return { scope: 'children', recordClass: null, childIds: [...new Set(scope.childIds.map((i) => i.toLowerCase()))], carerIds: [] };
  return { scope: 'carers', recordClass: null, childIds: [], carerIds: [...new Set(scope.carerIds.map((i) => i.toLowerCase()))] };
}

export async function placeHold(w: Work, input: { name: string; scope: HoldScope; reason: string; authority: string; lock?: { reason: string } }): Promise<HoldView> {
  requireRole(w, 'hold.create', PLACING_ROLES);
  if (input.lock !== undefined) requireRole(w, 'hold.lock', LOCKING_ROLES);
  const s = scopeKind(input.scope);
  for (const [field, ids, table] of [
    ['scope.childIds', s.childIds, 'case_record'],
    ['scope.carerIds', s.carerIds, 'carer'],
  ] as const) {
    const found = await repo.existing(w.db, table, ids);
    const missing = ids.findIndex((i) => !found.has(i));
    if (missing >= 0) throw invalid({ field: `${field}[${missing}]`, message: 'is not a record in this system' });
  }
  await repo.lockHolds(w.db);
  const id = await repo.insertHold(w.db, { ...s, name: input.name.trim(), reason: input.reason.trim(), authority: input.authority.trim(), at: w.now, by: actorRef(w) });
  if (input.lock !== undefined) await repo.insertLock(w.db, { holdId: id, reason: input.lock.reason.trim(), at: w.now, by: actorRef(w) });
  w.audit({ action: 'hold.create', childIds: s.childIds, entityType: 'hold', entityId: id, detail: { scope: s.scope, locked: input.lock !== undefined, ...(s.recordClass === null ? {} : { recordClass: s.recordClass }) } });
  return view(w, id);
}

export async function listHolds(w: Work, status: 'active' | 'released' | 'all'): Promise<{ items: HoldView[] }> {
  requireRole(w, 'hold.read', [...RECORDS_ROLES, 'team-manager']);
  return { items: await views(w, await repo.listHolds(w.db, status)) };
}

export async function getHold(w: Work, id: string): Promise<HoldView> {
  requireRole(w, 'hold.read', [...RECORDS_ROLES, 'team-manager']);
  return view(w, id);
}

export async function lockHold(w: Work, id: string, input: { reason: string }): Promise<HoldView> {
  requireRole(w, 'hold.lock', LOCKING_ROLES, { entityId: id });
  await repo.lockHolds(w.db);
  const hold = await view(w, id);
  if (hold.status === 'released') throw new DomainError('HOLD_RELEASED', 'That hold is already released.');
  if (hold.locked) throw new DomainError('ALREADY_DONE', 'That hold is already locked.');
  await repo.insertLock(w.db, { holdId: id, reason: input.reason.trim(), at: w.now, by: actorRef(w) });
  w.audit({ action: 'hold.lock', entityType: 'hold', entityId: id });
  return view(w, id);
}

const REFUSALS = {
  ROLE_REQUIRED: 'Only a head of service may approve the release of a hold.',
  HOLD_RELEASED: 'That hold is already released.',
  HOLD_LOCKED: 'That hold is locked: it cannot be released through the application.',
  SAME_APPROVER: 'You have already approved this release; a second head of service must approve it.',
} as const;

/**
 * One head of service's approval of a release; the second, by a different head of
 * service, releases the hold. Every refusal is audited.
 */
export async function approveRelease(w: Work, id: string, input: { reason: string }): Promise<HoldView> {
  await repo.lockHolds(w.db);
  const hold = await view(w, id);
  const given = hold.releaseApprovals.map((a) => a.approver.id);
  const refusal = releaseRefusal({ locked: hold.locked, releasedOn: hold.releasedAt }, given, { id: w.actor.userId, isHeadOfService: hasRole(w.actor, 'head-of-service') });
  if (refusal !== null) {
    w.auditDenied({ action: 'hold.release-approve', entityType: 'hold', entityId: id, detail: { reason: refusal } });
    throw new DomainError(refusal, REFUSALS[refusal]);
  }
  await repo.insertApproval(w.db, { holdId: id, approverId: w.actor.userId, reason: input.reason.trim(), at: w.now });
  w.audit({ action: 'hold.release-approve', entityType: 'hold', entityId: id, detail: { approval: given.length + 1 } });
  if (given.length + 1 >= HOLD_RELEASE_APPROVALS) {
    await repo.insertRelease(w.db, id, w.now);
    w.audit({ action: 'hold.release', entityType: 'hold', entityId: id, detail: { approvers: [...given, w.actor.userId] } });
  }
  return view(w, id);
}
