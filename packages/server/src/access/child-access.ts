import { DomainError, hasRole, type AuditAction, type Role } from '@safekeep/core';
import type { Work } from '../db/work.js';
import { accessBases, entryInScopeSql, isFullBasis, RECORDS_ROLES, recordExists, recordStatus } from './access.repository.js';

/** Roles that may add to a record they can see. Admins, inspectors and others only read, if that. */
export const WRITING_ROLES: readonly Role[] = ['social-worker', 'team-manager', 'head-of-service', 'iro'];

export type AccessMode = 'read' | 'write';

/**
 * Checks the actor may read (or write to) this child's record and returns the basis, to
 * be written on the audit event. A record that does not exist is NOT_FOUND; one the actor
 * may not see is ACCESS_DENIED, audited, and the reply never carries the child's name.
 *
 * A grant (court order, subject access, care leaver, inspection) is read-only and shows
 * only its scope, so it counts only where the caller says it filters by scope
 * (`grantScope`: the child's details, chronology, entries and documents) and never for
 * writing. The returned basis then starts with `grant:`; see isScopedBasis.
 */
export async function requireChildAccess(w: Work, childId: string, action: AuditAction, mode: AccessMode = 'read', options: { grantScope?: boolean } = {}): Promise<string> {
  const bases = await accessBases(w.db, w, childId);
  const usable = mode === 'write' ? (hasRole(w.actor, ...WRITING_ROLES) ? bases.filter(isFullBasis) : []) : options.grantScope === true ? bases : bases.filter(isFullBasis);
  const basis = usable[0];
  if (basis !== undefined) {
    if (mode === 'write' && (await requireRecord(w, childId)) === 'archived') {
      throw new DomainError('RECORD_ARCHIVED', 'This record is archived and read-only. Reopen it to add to it.');
    }
    w.touches(childId);
    return basis;
  }
  await requireRecord(w, childId);
  const onlyGrants = bases.length > 0 && !bases.some(isFullBasis);
  const reason = bases.length === 0 ? 'no-basis' : onlyGrants ? 'grant-scope' : 'read-only';
  w.auditDenied({ action, childIds: [childId], detail: { reason, mode } });
  throw new DomainError(
    'ACCESS_DENIED',
    reason === 'no-basis'
      ? 'You do not have access to this record. Access comes from allocation to the child or their team, or a recorded legal basis.'
      : reason === 'grant-scope'
        ? mode === 'write'
          ? 'Your access to this record is through a grant, which is read-only.'
          : 'Your access to this record is through a grant, which shows the child’s details, chronology, entries and documents within its scope.'
        : 'You can read this record but not add to it.',
  );
}

/**
 * The record's status, once it is known to exist and not to have been destroyed: a
 * missing record is NOT_FOUND, a destroyed one RECORD_DESTROYED (410, only its
 * certificate remains).
 */
export async function requireRecord(w: Work, childId: string): Promise<string> {
  const status = await recordStatus(w.db, childId);
  if (status === undefined) throw new DomainError('NOT_FOUND', 'There is no child record with that id.');
  if (status === 'destroyed') throw new DomainError('RECORD_DESTROYED', 'This record was destroyed under an approved disposal; only its certificate remains.');
  return status;
}

/** The basis is a grant's: reads must be limited to the grant's scope (entryInScopeSql). */
export const isScopedBasis = (basis: string): boolean => !isFullBasis(basis);

/** For a read on a grant's basis: is this entry within the viewer's scope? (The same SQL the chronology filters by.) */
export async function entryWithinScope(w: Work, entryId: string): Promise<boolean> {
  const row = await w.db.selectFrom('entry as e').select('e.id').where('e.id', '=', entryId).where(entryInScopeSql(w, 'e')).executeTakeFirst();
  return row !== undefined;
}

/** Roles that manage records as records (defined with the access decision, which names records to them). */
export { RECORDS_ROLES };

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
