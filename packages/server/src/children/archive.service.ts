import { DomainError, hasRole } from '@safekeep/core';
import { RECORDS_ROLES, requireChildAccess } from '../access/child-access.js';
import { requireRole } from '../access/roles.js';
import { actorRef, type Work } from '../db/work.js';
import { retentionSummary } from '../retention/retention.service.js';

/**
 * Closing and archiving: a record whose involvements have all closed can be archived.
 * It is then read-only (the database refuses additions), still found by those with
 * access, and shows its destruction date. Reopening it (a new referral) is recorded too.
 */

const ARCHIVING_ROLES = ['team-manager', ...RECORDS_ROLES] as const;

async function basisFor(w: Work, childId: string, action: 'record.archive' | 'record.reopen'): Promise<string> {
  requireRole(w, action, ARCHIVING_ROLES, { childIds: [childId] });
  // A team manager archives the records of their own children; records roles any record.
  if (!hasRole(w.actor, ...RECORDS_ROLES)) return requireChildAccess(w, childId, action, 'read');
  const exists = await w.db.selectFrom('case_record').select('child_id').where('child_id', '=', childId).executeTakeFirst();
  if (exists === undefined) throw new DomainError('NOT_FOUND', 'There is no child record with that id.');
  return 'role';
}

export async function archiveRecord(w: Work, childId: string, input: { reason: string }) {
  const basis = await basisFor(w, childId, 'record.archive');
  const record = await w.db.selectFrom('case_record').select('status').where('child_id', '=', childId).forUpdate().executeTakeFirstOrThrow();
  if (record.status === 'destroyed') throw new DomainError('RECORD_DESTROYED', 'This record was destroyed; only its certificate remains.');
  if (record.status === 'archived') throw new DomainError('ALREADY_DONE', 'This record is already archived.');
  const open = await w.db.selectFrom('involvement').select('id').where('child_id', '=', childId).where('end_date', 'is', null).execute();
  if (open.length > 0) {
    throw new DomainError('OPEN_INVOLVEMENT', 'Close every involvement before archiving the record.', { extra: { involvementIds: open.map((o) => o.id) } });
  }
  const drafts = await w.db.selectFrom('entry').select('id').where('child_id', '=', childId).where('status', '=', 'draft').execute();
  if (drafts.length > 0) {
    throw new DomainError('CONFLICT', `Finalise the ${drafts.length} draft entr${drafts.length === 1 ? 'y' : 'ies'} before archiving: an archived record cannot be changed.`, { extra: { draftIds: drafts.map((d) => d.id) } });
  }
  return changeStatus(w, childId, 'archived', input.reason, basis);
}

export async function reopenRecord(w: Work, childId: string, input: { reason: string }) {
  const basis = await basisFor(w, childId, 'record.reopen');
  const record = await w.db.selectFrom('case_record').select('status').where('child_id', '=', childId).forUpdate().executeTakeFirstOrThrow();
  if (record.status === 'destroyed') throw new DomainError('RECORD_DESTROYED', 'This record was destroyed; only its certificate remains.');
  if (record.status === 'open') throw new DomainError('ALREADY_DONE', 'This record is open.');
  return changeStatus(w, childId, 'open', input.reason, basis);
}

async function changeStatus(w: Work, childId: string, status: 'open' | 'archived', reason: string, basis: string) {
  await w.db.updateTable('case_record').set({ status }).where('child_id', '=', childId).execute();
  await w.db.insertInto('record_status_change').values({ child_id: childId, status, reason: reason.trim(), changed_at: w.now, changed_by: actorRef(w) }).execute();
  w.audit({ action: status === 'archived' ? 'record.archive' : 'record.reopen', childIds: [childId], basis, entityType: 'child', entityId: childId });
  const history = await w.db
    .selectFrom('record_status_change as c')
    .leftJoin('app_user as u', 'u.id', 'c.changed_by')
    .select(['c.status', 'c.reason', 'c.changed_at', 'u.display_name'])
    .where('c.child_id', '=', childId)
    .orderBy('c.changed_at')
    .execute();
  return {
    childId,
    recordStatus: status,
    retention: await retentionSummary(w, childId),
    history: history.map((h) => ({ status: h.status, reason: h.reason, changedAt: h.changed_at.toISOString(), changedBy: h.display_name })),
  };
}
