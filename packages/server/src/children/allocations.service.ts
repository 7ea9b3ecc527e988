import { ALLOCATION_NEEDS_ROLE, compareDates, DomainError, invalid, type AllocationRole } from '@safekeep/core';
import { requireChildAccess } from '../access/child-access.js';
import { requireRole } from '../access/roles.js';
import { actorRef, type Work } from '../db/work.js';
import { findUserById } from '../users/users.repository.js';
import * as repo from './allocations.repository.js';

/**
 * Allocation decides who may see a child. Team managers and heads of service allocate;
 * a new allocated worker (or manager, or IRO) replaces the current one in the same
 * transaction, so a child is never without one by accident nor with two.
 */
export async function allocate(w: Work, childId: string, input: { userId: string; role: AllocationRole; from?: string }): Promise<repo.Allocation> {
  requireRole(w, 'allocation.create', ['team-manager', 'head-of-service'], { childIds: [childId] });
  const basis = await requireChildAccess(w, childId, 'allocation.create', 'write');
  const user = await findUserById(w.db, input.userId);
  if (user === undefined || !user.active) throw invalid({ field: 'userId', message: 'no active user with that id' });
  const needs = ALLOCATION_NEEDS_ROLE[input.role];
  if (!user.roles.includes(needs)) throw invalid({ field: 'userId', message: `must hold the ${needs} role to be allocated as ${input.role}` });
  // A future start would end the current allocation now and leave a gap: refuse it.
  if (input.from !== undefined && compareDates(input.from, w.today) > 0) throw invalid({ field: 'from', message: 'must not be in the future' });
  const current = await repo.openAllocation(w.db, childId, input.role);
  if (current?.user_id === input.userId) throw new DomainError('ALREADY_ALLOCATED', `That person is already the child's ${input.role}.`);
  if (current !== undefined) {
    await repo.endAllocation(w.db, current.id, w.now, actorRef(w));
    w.audit({ action: 'allocation.end', childIds: [childId], basis, entityType: 'allocation', entityId: current.id, detail: { replacedBy: input.userId } });
  }
  const row = await repo.insertAllocation(w.db, {
    child_id: childId,
    user_id: input.userId,
    role: input.role,
    starts_on: input.from ?? w.today,
    created_at: w.now,
    created_by: actorRef(w),
  });
  w.audit({ action: 'allocation.create', childIds: [childId], basis, entityType: 'allocation', entityId: row.id, detail: { role: input.role, userId: input.userId } });
  return repo.toAllocation({ ...row, display_name: user.display_name }, w.today);
}

export async function endAllocation(w: Work, id: string): Promise<repo.Allocation> {
  const existing = await repo.findAllocation(w.db, id);
  if (existing === undefined) throw new DomainError('NOT_FOUND', 'There is no allocation with that id.');
  requireRole(w, 'allocation.end', ['team-manager', 'head-of-service'], { childIds: [existing.child_id] });
  const basis = await requireChildAccess(w, existing.child_id, 'allocation.end', 'write');
  if (existing.ended_at !== null) throw new DomainError('ALLOCATION_ENDED', 'This allocation has already ended.');
  const row = await repo.endAllocation(w.db, id, w.now, actorRef(w));
  if (row === undefined) throw new DomainError('ALLOCATION_ENDED', 'This allocation was ended by someone else a moment ago.');
  w.audit({ action: 'allocation.end', childIds: [existing.child_id], basis, entityType: 'allocation', entityId: id });
  return repo.toAllocation({ ...row, display_name: existing.display_name }, w.today);
}
