import { DomainError, hasRole, type AuditAction, type Role } from '@safekeep/core';
import type { Work } from '../db/work.js';

/**
 * Refuses work the actor's roles do not allow, auditing the refusal. Used for functions
 * that belong to a role (admin manages users); access to a child's record is decided by
 * access/child-access.ts instead.
 */
export function requireRole(w: Work, action: AuditAction, roles: readonly Role[], detail?: { childIds?: string[]; entityId?: string }): void {
  if (hasRole(w.actor, ...roles)) return;
  w.auditDenied({
    action,
    childIds: detail?.childIds ?? [],
    entityId: detail?.entityId ?? null,
    detail: { reason: 'role', needs: roles.join('|') },
  });
  throw new DomainError('ACCESS_DENIED', `Only ${roles.join(' or ')} may do this.`);
}
