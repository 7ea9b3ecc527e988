import { DISPOSAL_APPROVER_ROLES, DomainError, hasRole, initials, invalid, refusalCode, type AuditEventInput, type DisposalApproverRole, type DisposalBlocker } from '@safekeep/core';
import { nameableChildren, RESTRICTED_LABEL } from '../access/access.repository.js';
import { RECORDS_ROLES } from '../access/child-access.js';
import { requireRole } from '../access/roles.js';
import type { Work } from '../db/work.js';
import type { BlobStore } from '../documents/blob-store.js';
import { removeReleasedBlobs } from '../documents/documents.service.js';
import { lockHolds } from '../holds/holds.repository.js';
import { childLabel } from '../retention/retention.repository.js';
import { carerRetentionStatus, childRetentionStatus } from '../retention/retention.service.js';
import { carerStatus } from './carer-disposal.repository.js';
import { executeCarerDisposal } from './carer-disposal.service.js';
import { issueCertificate, requireDestructionDate } from './certificate.js';
import * as repo from './disposal.repository.js';

/**
 * Disposal (R14): destruction is exceptional and accountable. A records officer or head
 * of service asks; every blocker is reported at once and the refused attempt audited;
 * two more people, a records officer and a head of service, neither of them the one who
 * asked, approve; the second approval executes it in the same transaction, leaving a
 * tombstone and a permanent certificate. The database re-checks every condition.
 *
 * The record is a child's or a carer's or home's (R8: those records are separate, and
 * kept no longer than their own schedule allows); carer-disposal.service.ts destroys
 * the latter.
 */

const REQUEST_ROLES = ['records-officer', 'head-of-service'] as const;

/** The record a disposal destroys: exactly one of a child's or a carer's. */
export type DisposalSubject = { childId: string } | { carerId: string };

export interface DisposalView {
  id: string;
  /** The child whose record it destroys, or null for a carer's or home's record. */
  childId: string | null;
  carerId: string | null;
  /** A restricted child's record and the caller is not named: the reason (text about the record) is withheld. */
  restricted: boolean;
  reason: string;
  status: 'awaiting-approval' | 'executed';
  requestedAt: string;
  requestedBy: { id: string; displayName: string };
  approvals: Array<{ approver: { id: string; displayName: string }; role: string; approvedAt: string }>;
  executedAt: string | null;
  certificateSha256: string | null;
  auditSeq: number | null;
}

async function views(w: Work, rows: repo.DisposalRow[]): Promise<DisposalView[]> {
  const approvals = await repo.approvalsOf(
    w.db,
    rows.map((r) => r.id),
  );
  const nameable = await nameableChildren(
    w.db,
    w,
    rows.map((r) => r.child_id),
  );
  return rows.map((r) => ({
    id: r.id,
    childId: r.child_id,
    carerId: r.carer_id,
    restricted: r.child_id !== null && !nameable.has(r.child_id),
    reason: r.child_id === null || nameable.has(r.child_id) ? r.reason : RESTRICTED_LABEL,
    status: r.executed_at === null ? 'awaiting-approval' : 'executed',
    requestedAt: r.requested_at.toISOString(),
    requestedBy: { id: r.requested_by, displayName: r.requested_by_name },
    approvals: approvals
      .filter((a) => a.disposal_id === r.id)
      .map((a) => ({ approver: { id: a.approver_id, displayName: a.display_name }, role: a.role, approvedAt: a.approved_at.toISOString() })),
    executedAt: r.executed_at?.toISOString() ?? null,
    certificateSha256: r.certificate_sha256,
    auditSeq: r.audit_seq,
  }));
}

async function view(w: Work, id: string): Promise<DisposalView> {
  const row = await repo.findDisposal(w.db, id);
  if (row === undefined) throw new DomainError('NOT_FOUND', 'There is no disposal with that id.');
  return (await views(w, [row]))[0] as DisposalView;
}

const BLOCKER_TEXT: Record<DisposalBlocker['code'], string> = {
  HOLD_BLOCKS_DISPOSAL: 'a hold covers it',
  RETENTION_NOT_EXPIRED: 'its destruction date has not come',
  RETENTION_UNDETERMINED: 'its destruction date is not yet known',
  RECORD_STILL_OPEN: 'the carer’s or home’s record has not ended',
  OPEN_INVOLVEMENT: 'an involvement is still open',
  OPEN_ESCALATION: 'an escalation about it is undecided',
  OPEN_SUBJECT_ACCESS_REQUEST: 'a subject access request is open',
  DISPOSAL_PENDING: 'another disposal of it is awaiting approval',
};

/** Exactly one of childId and carerId: anything else is a 400 naming the field, before anything is read or written. */
export function disposalSubject(input: { childId?: string | undefined; carerId?: string | undefined }): DisposalSubject {
  if (input.childId !== undefined && input.carerId !== undefined) throw invalid({ field: 'carerId', message: 'give either childId or carerId, not both' });
  if (input.childId !== undefined) return { childId: input.childId.toLowerCase() };
  if (input.carerId !== undefined) return { carerId: input.carerId.toLowerCase() };
  throw invalid({ field: 'childId', message: 'name the record to destroy: childId or carerId' });
}

const subjectOf = (d: DisposalView): DisposalSubject => (d.childId !== null ? { childId: d.childId } : { carerId: d.carerId ?? '' });

/** Who an audit event about this disposal concerns: the child, or the carer in its detail. */
function about(s: DisposalSubject): { childIds: string[]; detail: Record<string, string> } {
  return 'childId' in s ? { childIds: [s.childId], detail: {} } : { childIds: [], detail: { carerId: s.carerId } };
}

function refuse(w: Work, action: 'disposal.request' | 'disposal.approve', subject: DisposalSubject, disposalId: string | null, blockers: DisposalBlocker[]): never {
  const { childIds, detail } = about(subject);
  w.auditDenied({ action, childIds, entityType: 'disposal', entityId: disposalId, detail: { ...detail, blockers: blockers.map((b) => b.code) } });
  const code = refusalCode(blockers);
  throw new DomainError(code, `This record cannot be destroyed: ${blockers.map((b) => BLOCKER_TEXT[b.code]).join('; ')}.`, { extra: { blockers } });
}

async function requireLiveRecord(w: Work, subject: DisposalSubject, lock = false): Promise<void> {
  const status = 'childId' in subject ? await repo.recordStatus(w.db, subject.childId, lock) : await carerStatus(w.db, subject.carerId, lock);
  if (status === undefined) throw new DomainError('NOT_FOUND', 'childId' in subject ? 'There is no child record with that id.' : 'There is no carer or home record with that id.');
  if (status === 'destroyed') throw new DomainError('RECORD_DESTROYED', 'This record has already been destroyed; its certificate is kept.');
}

async function blockersOf(w: Work, subject: DisposalSubject, excludeDisposalId?: string): Promise<DisposalBlocker[]> {
  const options = excludeDisposalId === undefined ? {} : { excludeDisposalId };
  return 'childId' in subject ? (await childRetentionStatus(w, subject.childId, options)).blockers : (await carerRetentionStatus(w, subject.carerId, options)).blockers;
}

export async function requestDisposal(w: Work, input: { childId?: string | undefined; carerId?: string | undefined; reason: string }): Promise<DisposalView> {
  const subject = disposalSubject(input);
  const { childIds, detail } = about(subject);
  requireRole(w, 'disposal.request', REQUEST_ROLES, { childIds, ...('carerId' in subject ? { entityId: subject.carerId } : {}) });
  await requireLiveRecord(w, subject);
  await lockHolds(w.db);
  const blockers = await blockersOf(w, subject);
  if (blockers.length > 0) refuse(w, 'disposal.request', subject, null, blockers);
  const id = await repo.insertDisposal(w.db, {
    childId: 'childId' in subject ? subject.childId : null,
    carerId: 'carerId' in subject ? subject.carerId : null,
    reason: input.reason.trim(),
    at: w.now,
    by: w.actor.userId,
  });
  w.audit({ action: 'disposal.request', childIds, basis: 'role', entityType: 'disposal', entityId: id, ...(childIds.length === 0 ? { detail } : {}) });
  return view(w, id);
}

/** Which role this approval is given as: the one of the two still missing that the approver holds. */
function approvingRole(w: Work, given: DisposalView['approvals']): DisposalApproverRole | null {
  return DISPOSAL_APPROVER_ROLES.find((r) => hasRole(w.actor, r) && !given.some((g) => g.role === r)) ?? null;
}

export async function approveDisposal(w: Work, id: string, blobs: BlobStore): Promise<DisposalView> {
  const disposal = await view(w, id);
  const subject = subjectOf(disposal);
  const { childIds, detail } = about(subject);
  const deny = (reason: string, code: 'OWN_REQUEST' | 'SAME_APPROVER' | 'ROLE_REQUIRED' | 'ALREADY_DONE', message: string): never => {
    w.auditDenied({ action: 'disposal.approve', childIds, entityType: 'disposal', entityId: id, detail: { ...detail, reason } });
    throw new DomainError(code, message);
  };
  if (!hasRole(w.actor, ...DISPOSAL_APPROVER_ROLES)) deny('role', 'ROLE_REQUIRED', 'Only a records officer or a head of service may approve a disposal.');
  if (disposal.status === 'executed') deny('executed', 'ALREADY_DONE', 'This disposal has already been carried out.');
  if (disposal.requestedBy.id === w.actor.userId) deny('own-request', 'OWN_REQUEST', 'You asked for this disposal: two other people must approve it.');
  if (disposal.approvals.some((a) => a.approver.id === w.actor.userId)) deny('same-approver', 'SAME_APPROVER', 'You have already approved this disposal; the other approval must come from someone else.');
  const role = approvingRole(w, disposal.approvals);
  if (role === null) deny('role-filled', 'ROLE_REQUIRED', 'A disposal needs one records officer and one head of service; your role has already approved it.');
  await requireLiveRecord(w, subject, true);
  await lockHolds(w.db);
  const blockers = await blockersOf(w, subject, id);
  if (blockers.length > 0) refuse(w, 'disposal.approve', subject, id, blockers);
  await repo.insertApproval(w.db, { disposalId: id, approverId: w.actor.userId, role: role as DisposalApproverRole, at: w.now });
  const approved: AuditEventInput = { action: 'disposal.approve', childIds, basis: 'role', entityType: 'disposal', entityId: id, detail: { ...detail, role } };
  if (disposal.approvals.length + 1 >= DISPOSAL_APPROVER_ROLES.length) {
    // The approval goes into the audit trail before the execution it causes.
    await w.auditNow(approved);
    if ('childId' in subject) await execute(w, id, subject.childId, blobs);
    else await executeCarerDisposal(w, await view(w, id), subject.carerId);
  } else {
    w.audit(approved);
  }
  return view(w, id);
}

/** The second approval: certificate, audit event, then every row of the child's record, in one transaction. */
async function execute(w: Work, id: string, childId: string, blobs: BlobStore): Promise<void> {
  const disposal = await view(w, id);
  const label = requireDestructionDate(await childLabel(w.db, childId));
  const inv = await repo.inventory(w.db, childId);
  const sha256 = await issueCertificate(w, disposal, { childId, carerId: null }, label, {
    record: {
      childId,
      caseReference: inv.child?.local_id ?? null,
      initials: inv.child === undefined ? null : initials(inv.child.given_name, inv.child.family_name),
    },
    destroyed: {
      entries: inv.entries,
      entriesByKind: inv.entriesByKind,
      entryVersions: inv.versions,
      childDetailVersions: inv.childVersions,
      documents: inv.documents,
      documentBytes: inv.documents.reduce((s, d) => s + d.size, 0),
      involvementsByKind: inv.involvementsByKind,
      allocations: inv.allocations,
      relationships: inv.relationships,
      duplicateOverrides: inv.duplicateOverrides,
      paperFilesToShred: inv.paperFiles,
      contentSha256: await repo.contentDigest(w.db, childId),
    },
    releasedHolds: await repo.releasedHoldsCovering(w.db, { childId }),
    // As asked, whoever approves: the view withholds it from those who may not name the child.
    reason: (await repo.findDisposal(w.db, id))?.reason ?? disposal.reason,
  });
  const seq = await w.auditNow({ action: 'disposal.execute', childIds: [childId], basis: 'role', entityType: 'disposal', entityId: id, detail: { certificateSha256: sha256, entries: inv.entries, documents: inv.documents.length } });
  await repo.setAuditSeq(w.db, id, seq);
  const released = await repo.removeRecord(w.db, childId, w.now, w.actor.userId, `Destroyed under disposal ${id}`);
  w.afterCommit((db) => removeReleasedBlobs(db, blobs, released));
}

export async function listDisposals(w: Work, q: { childId?: string; carerId?: string; status: 'awaiting-approval' | 'executed' | 'all' }): Promise<{ items: DisposalView[] }> {
  requireRole(w, 'disposal.read', RECORDS_ROLES);
  const items = await views(w, await repo.listDisposals(w.db, q));
  w.audit({ action: 'disposal.read', childIds: [...new Set(items.flatMap((i) => (i.childId === null ? [] : [i.childId])))], basis: 'role', detail: { returned: items.length } });
  return { items };
}

export async function getDisposal(w: Work, id: string): Promise<DisposalView> {
  requireRole(w, 'disposal.read', RECORDS_ROLES);
  const v = await view(w, id);
  const { childIds, detail } = about(subjectOf(v));
  w.audit({ action: 'disposal.read', childIds, basis: 'role', entityType: 'disposal', entityId: id, ...(childIds.length === 0 ? { detail } : {}) });
  return v;
}

export async function certificate(w: Work, id: string) {
  requireRole(w, 'disposal.read', RECORDS_ROLES);
  const found = await repo.certificateOf(w.db, id);
  if (found === undefined) throw new DomainError('NOT_FOUND', 'That disposal has not been carried out, so it has no certificate.');
  const record = found.certificate['record'] as { childId?: string; carerId?: string; caseReference?: string | null; initials?: string | null };
  const { childIds, detail } = about(record.childId !== undefined ? { childId: record.childId } : { carerId: String(record.carerId) });
  w.audit({ action: 'disposal.read', childIds, basis: 'role', entityType: 'disposal', entityId: id, detail: { ...detail, part: 'certificate' } });
  if (record.childId === undefined || (await nameableChildren(w.db, w, [record.childId])).has(record.childId)) return { ...found, withheld: [] as string[] };
  // A restricted record's certificate, for someone not named: what was destroyed, when and
  // on whose authority, without who it was (the case reference and initials) or the
  // reason given. The SHA-256 stays that of the whole certificate, as issued.
  const withheld = ['record.caseReference', 'record.initials', 'reason'];
  return {
    ...found,
    certificate: { ...found.certificate, record: { ...record, caseReference: RESTRICTED_LABEL, initials: RESTRICTED_LABEL }, reason: RESTRICTED_LABEL },
    withheld,
  };
}
