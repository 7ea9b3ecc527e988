import { DISPOSAL_APPROVER_ROLES, DomainError, hasRole, invalid, type DisposalApproverRole } from '@safekeep/core';
import { RECORDS_ROLES } from '../access/child-access.js';
import { actorRef, type Work } from '../db/work.js';
import { lockHolds } from '../holds/holds.repository.js';
import * as repo from './notebooks.repository.js';

/**
 * Practitioners' notebooks and diaries (R18): registered per person and period,
 * disposed of only once marked transcribed into the record, only while no hold covers
 * notebooks, and only with two approvals (a records officer and a head of service,
 * neither of them the notebook's owner). The database checks the same (migration 0420).
 */

export interface NotebookView {
  id: string;
  owner: { id: string; displayName: string };
  from: string;
  to: string;
  description: string | null;
  registeredAt: string;
  status: 'in-use' | 'transcribed' | 'disposed';
  transcribed: { at: string; by: string | null; note: string | null } | null;
  disposalApprovals: Array<{ approver: { id: string; displayName: string }; role: string; reason: string; approvedAt: string }>;
  disposedAt: string | null;
  holds: Array<{ id: string; name: string }>;
  doNotDestroy: boolean;
}

async function view(w: Work, row: repo.NotebookRow): Promise<NotebookView> {
  const approvals = await repo.approvals(w.db, row.id);
  const holds = row.disposed_at === null ? await repo.notebookHolds(w.db) : [];
  return {
    id: row.id,
    owner: { id: row.owner_user_id, displayName: row.owner_name },
    from: row.from_date,
    to: row.to_date,
    description: row.description,
    registeredAt: row.registered_at.toISOString(),
    status: row.disposed_at !== null ? 'disposed' : row.transcribed_at !== null ? 'transcribed' : 'in-use',
    transcribed: row.transcribed_at === null ? null : { at: row.transcribed_at.toISOString(), by: row.transcribed_by_name, note: row.transcription_note },
    disposalApprovals: approvals.map((a) => ({ approver: { id: a.approver_id, displayName: a.display_name }, role: a.role, reason: a.reason, approvedAt: a.approved_at.toISOString() })),
    disposedAt: row.disposed_at?.toISOString() ?? null,
    holds,
    doNotDestroy: holds.length > 0,
  };
}

/** The owner, their team manager, and records roles may see and manage a notebook. */
function mayManage(w: Work, row: { owner_user_id: string; owner_team_id: string | null }): boolean {
  if (row.owner_user_id === w.actor.userId || hasRole(w.actor, ...RECORDS_ROLES)) return true;
  return hasRole(w.actor, 'team-manager') && w.actor.teamId !== null && row.owner_team_id === w.actor.teamId;
}

async function load(w: Work, id: string, action: 'notebook.read' | 'notebook.transcribed' | 'notebook.disposal-approve'): Promise<repo.NotebookRow> {
  const row = await repo.findNotebook(w.db, id);
  if (row === undefined) throw new DomainError('NOT_FOUND', 'There is no notebook with that id.');
  if (!mayManage(w, row)) {
    w.auditDenied({ action, entityType: 'notebook', entityId: id, detail: { reason: 'not-owner-or-manager' } });
    throw new DomainError('ACCESS_DENIED', 'Only the notebook’s owner, their team manager or records staff may see it.');
  }
  return row;
}

export async function registerNotebook(w: Work, input: { ownerUserId: string; from: string; to: string; description?: string }): Promise<NotebookView> {
  if (input.to < input.from) throw invalid({ field: 'to', message: 'must not be before from' });
  const owner = await w.db.selectFrom('app_user').select(['id', 'team_id', 'active']).where('id', '=', input.ownerUserId).executeTakeFirst();
  if (owner === undefined) throw invalid({ field: 'ownerUserId', message: 'is not a user' });
  if (!mayManage(w, { owner_user_id: owner.id, owner_team_id: owner.team_id })) {
    w.auditDenied({ action: 'notebook.register', entityType: 'user', entityId: owner.id, detail: { reason: 'not-owner-or-manager' } });
    throw new DomainError('ACCESS_DENIED', 'You may register your own notebooks, or your team’s if you manage it.');
  }
  const id = await repo.insertNotebook(w.db, { ownerUserId: owner.id, from: input.from, to: input.to, description: input.description?.trim() || null, at: w.now, by: actorRef(w) });
  w.audit({ action: 'notebook.register', entityType: 'notebook', entityId: id, detail: { ownerUserId: owner.id } });
  return view(w, (await repo.findNotebook(w.db, id)) as repo.NotebookRow);
}

export async function listNotebooks(w: Work, q: { ownerUserId?: string }): Promise<{ items: NotebookView[] }> {
  const filter = hasRole(w.actor, ...RECORDS_ROLES)
    ? q
    : hasRole(w.actor, 'team-manager') && w.actor.teamId !== null && q.ownerUserId === undefined
      ? { teamId: w.actor.teamId }
      : { ownerUserId: q.ownerUserId ?? w.actor.userId };
  const rows = (await repo.listNotebooks(w.db, filter)).filter((r) => mayManage(w, r));
  const items: NotebookView[] = [];
  for (const r of rows) items.push(await view(w, r));
  w.audit({ action: 'notebook.read', detail: { returned: items.length } });
  return { items };
}

export async function getNotebook(w: Work, id: string): Promise<NotebookView> {
  const row = await load(w, id, 'notebook.read');
  w.audit({ action: 'notebook.read', entityType: 'notebook', entityId: id });
  return view(w, row);
}

/** The owner (or their manager) says everything in it is now in the children's records. */
export async function markTranscribed(w: Work, id: string, input: { note?: string }): Promise<NotebookView> {
  const row = await load(w, id, 'notebook.transcribed');
  if (row.owner_user_id !== w.actor.userId && !(hasRole(w.actor, 'team-manager') && row.owner_team_id === w.actor.teamId)) {
    w.auditDenied({ action: 'notebook.transcribed', entityType: 'notebook', entityId: id, detail: { reason: 'not-owner-or-manager' } });
    throw new DomainError('ACCESS_DENIED', 'Only the notebook’s owner or their team manager can say it has been transcribed.');
  }
  if (row.transcribed_at !== null) throw new DomainError('ALREADY_DONE', 'This notebook is already marked transcribed.');
  await repo.insertTranscription(w.db, { id, note: input.note?.trim() || null, at: w.now, by: w.actor.userId });
  w.audit({ action: 'notebook.transcribed', entityType: 'notebook', entityId: id });
  return view(w, (await repo.findNotebook(w.db, id)) as repo.NotebookRow);
}

/** One approval of a notebook's disposal; the second, by the other role, records it as disposed of. */
export async function approveNotebookDisposal(w: Work, id: string, input: { reason: string }): Promise<NotebookView> {
  // One approval at a time, and no hold placed meanwhile: two approvals arriving together
  // would otherwise each see none given, and neither would record the disposal.
  await lockHolds(w.db);
  const row = await load(w, id, 'notebook.disposal-approve');
  const deny = (reason: string, code: 'ROLE_REQUIRED' | 'OWN_REQUEST' | 'SAME_APPROVER' | 'ALREADY_DONE' | 'NOT_TRANSCRIBED', message: string): never => {
    w.auditDenied({ action: 'notebook.disposal-approve', entityType: 'notebook', entityId: id, detail: { reason } });
    throw new DomainError(code, message);
  };
  if (!hasRole(w.actor, ...DISPOSAL_APPROVER_ROLES)) deny('role', 'ROLE_REQUIRED', 'Only a records officer or a head of service may approve a notebook’s disposal.');
  if (row.disposed_at !== null) deny('disposed', 'ALREADY_DONE', 'This notebook has already been disposed of.');
  if (row.owner_user_id === w.actor.userId) deny('own-notebook', 'OWN_REQUEST', 'Someone other than the notebook’s owner approves its disposal.');
  if (row.transcribed_at === null) deny('not-transcribed', 'NOT_TRANSCRIBED', 'A notebook is disposed of only once it is marked transcribed into the record.');
  const given = await repo.approvals(w.db, id);
  if (given.some((a) => a.approver_id === w.actor.userId)) deny('same-approver', 'SAME_APPROVER', 'You have already approved; the other approval must come from someone else.');
  const role: DisposalApproverRole | undefined = DISPOSAL_APPROVER_ROLES.find((r) => hasRole(w.actor, r) && !given.some((g) => g.role === r));
  if (role === undefined) deny('role-filled', 'ROLE_REQUIRED', 'A notebook’s disposal needs one records officer and one head of service; your role has already approved.');
  const holds = await repo.notebookHolds(w.db);
  if (holds.length > 0) {
    w.auditDenied({ action: 'notebook.disposal-approve', entityType: 'notebook', entityId: id, detail: { reason: 'held', holds: holds.map((h) => h.name) } });
    throw new DomainError('HOLD_BLOCKS_DISPOSAL', `A hold covers notebooks: ${holds.map((h) => h.name).join(', ')}.`, { extra: { blockers: [{ code: 'HOLD_BLOCKS_DISPOSAL', holds }] } });
  }
  await repo.insertApproval(w.db, { id, approverId: w.actor.userId, role: role as DisposalApproverRole, reason: input.reason.trim(), at: w.now });
  w.audit({ action: 'notebook.disposal-approve', entityType: 'notebook', entityId: id, detail: { role: role as DisposalApproverRole } });
  if (given.length + 1 >= DISPOSAL_APPROVER_ROLES.length) {
    await repo.insertDisposal(w.db, id, w.now);
    w.audit({ action: 'notebook.dispose', entityType: 'notebook', entityId: id });
  }
  return view(w, (await repo.findNotebook(w.db, id)) as repo.NotebookRow);
}
