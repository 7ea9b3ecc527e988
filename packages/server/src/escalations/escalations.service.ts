import { DomainError, hasRole, type Role } from '@safekeep/core';
import { canSeeChild, nameableChildren, RESTRICTED_LABEL } from '../access/access.repository.js';
import { requireRecordsAccess } from '../access/child-access.js';
import { requireCarerRecordsAccess } from '../carers/carers.service.js';
import type { Work } from '../db/work.js';
import * as repo from './escalations.repository.js';

/**
 * Escalation (R12): whoever is unsure what to do with a record asks instead of acting.
 * An open escalation blocks the record's disposal until someone with the right role
 * decides; the decision is kept with the question, and both are audited.
 */

export const ESCALATION_TARGETS = ['manager', 'head-of-service', 'business-services'] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

/** Who answers each kind of escalation. */
const DECIDERS: Record<EscalationTarget, readonly Role[]> = {
  manager: ['team-manager'],
  'head-of-service': ['head-of-service'],
  'business-services': ['business-support', 'records-officer'],
};

export type EscalationSubject = { childId: string } | { carerId: string };

export interface EscalationView {
  id: string;
  subject: { childId: string } | { carerId: string };
  /** A restricted child's, and the caller is not named: the question and decision (text about the record) are withheld. */
  restricted: boolean;
  question: string;
  to: string;
  status: 'open' | 'decided';
  raisedAt: string;
  raisedBy: { id: string; displayName: string };
  decision: { text: string; decidedAt: string; decidedBy: { id: string; displayName: string } } | null;
}

function toView(r: repo.EscalationRow, nameable: ReadonlySet<string>): EscalationView {
  // The question and the decision are written about the record: shown only to those who may name the child.
  const restricted = r.child_id !== null && !nameable.has(r.child_id);
  return {
    id: r.id,
    subject: r.child_id !== null ? { childId: r.child_id } : { carerId: r.carer_id ?? '' },
    restricted,
    question: restricted ? RESTRICTED_LABEL : r.question,
    to: r.to_role,
    status: r.decision === null ? 'open' : 'decided',
    raisedAt: r.raised_at.toISOString(),
    raisedBy: { id: r.raised_by, displayName: r.raised_by_name },
    decision:
      r.decision === null || r.decided_at === null || r.decided_by === null
        ? null
        : { text: restricted ? RESTRICTED_LABEL : r.decision, decidedAt: r.decided_at.toISOString(), decidedBy: { id: r.decided_by, displayName: r.decided_by_name ?? '' } },
  };
}

async function views(w: Work, rows: repo.EscalationRow[]): Promise<EscalationView[]> {
  const nameable = await nameableChildren(w.db, w, rows.map((r) => r.child_id));
  return rows.map((r) => toView(r, nameable));
}

async function viewOf(w: Work, id: string): Promise<EscalationView> {
  return (await views(w, [(await repo.findEscalation(w.db, id)) as repo.EscalationRow]))[0] as EscalationView;
}

async function subjectBasis(w: Work, subject: EscalationSubject, action: 'escalation.raise' | 'escalation.decide' | 'escalation.read'): Promise<string> {
  return 'childId' in subject ? requireRecordsAccess(w, subject.childId, action) : requireCarerRecordsAccess(w, subject.carerId, action);
}

export async function raiseEscalation(w: Work, input: { subject: EscalationSubject; question: string; to: EscalationTarget }): Promise<EscalationView> {
  const basis = await subjectBasis(w, input.subject, 'escalation.raise');
  const childId = 'childId' in input.subject ? input.subject.childId : null;
  const carerId = 'carerId' in input.subject ? input.subject.carerId : null;
  const id = await repo.insertEscalation(w.db, { childId, carerId, question: input.question.trim(), toRole: input.to, at: w.now, by: w.actor.userId });
  w.audit({ action: 'escalation.raise', childIds: childId === null ? [] : [childId], basis, entityType: 'escalation', entityId: id, detail: { to: input.to, ...(carerId === null ? {} : { carerId }) } });
  return viewOf(w, id);
}

export async function decideEscalation(w: Work, id: string, input: { decision: string }): Promise<EscalationView> {
  const row = await repo.findEscalation(w.db, id);
  if (row === undefined) throw new DomainError('NOT_FOUND', 'There is no escalation with that id.');
  const target = row.to_role as EscalationTarget;
  const childIds = row.child_id === null ? [] : [row.child_id];
  if (!hasRole(w.actor, ...DECIDERS[target])) {
    w.auditDenied({ action: 'escalation.decide', childIds, entityType: 'escalation', entityId: id, detail: { reason: 'role', needs: DECIDERS[target].join('|') } });
    throw new DomainError('ROLE_REQUIRED', `This escalation is for ${target === 'business-services' ? 'business services' : `a ${target.replace('-', ' ')}`} to decide.`);
  }
  if (row.raised_by === w.actor.userId) {
    w.auditDenied({ action: 'escalation.decide', childIds, entityType: 'escalation', entityId: id, detail: { reason: 'own-escalation' } });
    throw new DomainError('OWN_REQUEST', 'Someone other than the person who asked decides an escalation.');
  }
  if (row.decision !== null) throw new DomainError('ALREADY_DECIDED', 'This escalation has already been decided.');
  const basis = await subjectBasis(w, row.child_id !== null ? { childId: row.child_id } : { carerId: row.carer_id ?? '' }, 'escalation.decide');
  // Two people deciding at once: the database keeps the first; the second is told so.
  if (!(await repo.insertDecision(w.db, { id, decision: input.decision.trim(), at: w.now, by: w.actor.userId }))) {
    throw new DomainError('ALREADY_DECIDED', 'This escalation has just been decided by someone else.');
  }
  w.audit({ action: 'escalation.decide', childIds, basis, entityType: 'escalation', entityId: id, detail: { to: target } });
  return viewOf(w, id);
}

/** Escalations the actor may decide, or raised: open ones first-class, newest first. */
export async function listEscalations(w: Work, status: 'open' | 'decided' | 'all'): Promise<{ items: EscalationView[] }> {
  const toRoles = (Object.keys(DECIDERS) as EscalationTarget[]).filter((t) => hasRole(w.actor, ...DECIDERS[t]));
  const rows = await repo.listEscalations(w.db, { toRoles, raisedBy: w.actor.userId, open: status === 'all' ? null : status === 'open' });
  // A manager answers for the children they manage: others' questions stay with them.
  const managerChildren = rows.filter((r) => r.to_role === 'manager' && r.raised_by !== w.actor.userId && r.child_id !== null).map((r) => r.child_id as string);
  const visible = new Set<string>();
  if (managerChildren.length > 0) {
    const seen = await w.db.selectFrom('case_record').select('child_id').where('child_id', 'in', managerChildren).where(canSeeChild(w, 'case_record.child_id')).execute();
    for (const s of seen) visible.add(s.child_id);
  }
  const items = await views(
    w,
    rows.filter((r) => r.to_role !== 'manager' || r.raised_by === w.actor.userId || r.child_id === null || visible.has(r.child_id)),
  );
  w.audit({ action: 'escalation.read', childIds: [...new Set(items.flatMap((i) => ('childId' in i.subject ? [i.subject.childId] : [])))], detail: { returned: items.length, status } });
  return { items };
}

/** Open escalations about a record: each blocks its disposal. */
export async function openEscalationIds(w: Work, subject: { childId?: string; carerId?: string }): Promise<string[]> {
  return repo.openEscalationIds(w.db, subject);
}
