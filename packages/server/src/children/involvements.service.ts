import { compareDates, DomainError, invalid } from '@safekeep/core';
import { requireChildAccess } from '../access/child-access.js';
import { actorRef, type Work } from '../db/work.js';
import * as repo from './involvements.repository.js';

function checkDates(startDate: string, endDate: string | null | undefined, today: string, endField = 'endDate'): void {
  if (compareDates(startDate, today) > 0) throw invalid({ field: 'startDate', message: 'must not be in the future' });
  if (endDate != null) {
    if (compareDates(endDate, startDate) < 0) throw invalid({ field: endField, message: 'must not be before the start date' });
    if (compareDates(endDate, today) > 0) throw invalid({ field: endField, message: 'must not be in the future' });
  }
}

/** An episode of service (R11): child in need, child protection, looked after, … */
export async function addInvolvement(w: Work, childId: string, input: { kind: string; startDate: string; endDate?: string | null }): Promise<repo.Involvement> {
  const basis = await requireChildAccess(w, childId, 'involvement.create', 'write');
  if (!(await repo.involvementKindExists(w.db, input.kind))) {
    const kinds = (await repo.listInvolvementKinds(w.db)).map((k) => k.code);
    throw invalid({ field: 'kind', message: `must be one of: ${kinds.join(', ')}` });
  }
  checkDates(input.startDate, input.endDate, w.today);
  const closed = input.endDate != null;
  const row = await repo.insertInvolvement(w.db, {
    child_id: childId,
    kind: input.kind,
    start_date: input.startDate,
    end_date: input.endDate ?? null,
    created_at: w.now,
    created_by: actorRef(w),
    closed_at: closed ? w.now : null,
    closed_by: closed ? actorRef(w) : null,
  });
  w.audit({ action: 'involvement.create', childIds: [childId], basis, entityType: 'involvement', entityId: row.id, detail: { kind: input.kind } });
  return repo.toInvolvement(row);
}

export async function closeInvolvement(w: Work, id: string, endDate: string): Promise<repo.Involvement> {
  const existing = await repo.findInvolvement(w.db, id);
  if (existing === undefined) throw new DomainError('NOT_FOUND', 'There is no involvement with that id.');
  const basis = await requireChildAccess(w, existing.child_id, 'involvement.close', 'write');
  if (existing.end_date !== null) throw new DomainError('INVOLVEMENT_CLOSED', `This involvement already ended on ${existing.end_date}.`);
  checkDates(existing.start_date, endDate, w.today);
  const row = await repo.closeInvolvement(w.db, id, endDate, w.now, actorRef(w));
  if (row === undefined) throw new DomainError('INVOLVEMENT_CLOSED', 'This involvement was closed by someone else a moment ago.');
  w.audit({ action: 'involvement.close', childIds: [existing.child_id], basis, entityType: 'involvement', entityId: id });
  return repo.toInvolvement(row);
}
