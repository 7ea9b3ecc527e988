import { DomainError } from '@safekeep/core';
import { requireChildAccess } from '../access/child-access.js';
import { isUniqueViolation } from '../db/errors.js';
import { actorRef, type Work } from '../db/work.js';
import { childNames } from './children.repository.js';
import * as repo from './relationships.repository.js';

export const RELATIONSHIP_KINDS = ['sibling', 'half-sibling', 'step-sibling', 'foster-sibling', 'other'] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

/**
 * Records that two children are related (R9). Records are never merged: each keeps its
 * own record and the relationship is kept both ways. The author must be able to see both.
 */
export async function relate(w: Work, childId: string, input: { relatedChildId: string; kind: RelationshipKind }) {
  const basis = await requireChildAccess(w, childId, 'relationship.create', 'write');
  if (input.relatedChildId === childId) throw new DomainError('VALIDATION_FAILED', 'A child cannot be related to themself.', { fields: [{ field: 'relatedChildId', message: 'must be another child' }] });
  await requireChildAccess(w, input.relatedChildId, 'relationship.create', 'read');
  try {
    const row = await repo.insertRelationshipPair(w.db, { childId, relatedChildId: input.relatedChildId, kind: input.kind, at: w.now, by: actorRef(w) });
    w.audit({ action: 'relationship.create', childIds: [childId, input.relatedChildId], basis, entityType: 'relationship', entityId: row.id, detail: { kind: input.kind } });
    const name = (await childNames(w.db, [input.relatedChildId])).get(input.relatedChildId);
    return {
      id: row.id,
      kind: row.kind,
      relatedChildId: row.related_child_id,
      relatedChildName: name === undefined ? '' : `${name.givenName} ${name.familyName}`,
      relatedChildVisible: true,
    };
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError('RELATIONSHIP_EXISTS', 'These children are already recorded as related in that way.');
    throw e;
  }
}
