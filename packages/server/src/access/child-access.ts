import { DomainError, hasRole, type AuditAction, type Role } from '@safekeep/core';
import type { Work } from '../db/work.js';
import { accessBases, recordExists, recordStatus } from './access.repository.js';

/** Roles that may add to a record they can see. Admins, inspectors and others only read, if that. */
export const WRITING_ROLES: readonly Role[] = ['social-worker', 'team-manager', 'head-of-service', 'iro'];

export type AccessMode = 'read' | 'write';

/**
 * Checks the actor may read (or write to) this child's record and returns the basis, to
 * be written on the audit event. A record that does not exist is NOT_FOUND; one the actor
 * may not see is ACCESS_DENIED, audited, and the reply never carries the child's name.
 */
export async function requireChildAccess(w: Work, childId: string, action: AuditAction, mode: AccessMode = 'read'): Promise<string> {
  const bases = await accessBases(w.db, w.actor, w.today, childId);
  const allowed = bases.length > 0 && (mode === 'read' || hasRole(w.actor, ...WRITING_ROLES));
  if (allowed) {
    if (mode === 'write') {
      const status = await recordStatus(w.db, childId);
      if (status === 'archived') throw new DomainError('RECORD_ARCHIVED', 'This record is archived and read-only. Reopen it to add to it.');
      if (status === 'destroyed') throw new DomainError('RECORD_DESTROYED', 'This record was destroyed under an approved disposal; only its certificate remains.');
    }
    w.touches(childId);
    return bases[0] ?? 'unknown';
  }
  const status = await recordStatus(w.db, childId);
  if (status === undefined) throw new DomainError('NOT_FOUND', 'There is no child record with that id.');
  if (status === 'destroyed') throw new DomainError('RECORD_DESTROYED', 'This record was destroyed under an approved disposal; only its certificate remains.');
  w.auditDenied({ action, childIds: [childId], detail: { reason: bases.length > 0 ? 'read-only' : 'no-basis', mode } });
  throw new DomainError(
    'ACCESS_DENIED',
    bases.length > 0 ? 'You can read this record but not add to it.' : 'You do not have access to this record. Access comes from allocation to the child or their team.',
  );
}

/**
 * Roles that manage records as records (retention, holds, disposal, paper files): they
 * see a record's retention facts, holds and paper files, never its content.
 */
export const RECORDS_ROLES: readonly Role[] = ['records-officer', 'business-support', 'dpo', 'head-of-service'];

/**
 * Access to a record's retention facts: a records role, or anyone who may read the
 * record. Returns the basis for the audit event.
 */
export async function requireRecordsAccess(w: Work, childId: string, action: AuditAction): Promise<string> {
  const role = RECORDS_ROLES.find((r) => hasRole(w.actor, r));
  if (role === undefined) return requireChildAccess(w, childId, action, 'read');
  if (!(await recordExists(w.db, childId))) throw new DomainError('NOT_FOUND', 'There is no child record with that id.');
  w.touches(childId);
  return `role:${role}`;
}
