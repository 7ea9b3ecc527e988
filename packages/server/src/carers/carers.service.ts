import { randomUUID } from 'node:crypto';
import { DomainError, hasRole, invalid, type AuditAction, type CarerEndReason } from '@safekeep/core';
import { requireRole } from '../access/roles.js';
import { RECORDS_ROLES } from '../access/child-access.js';
import { actorRef, type Work } from '../db/work.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { copiesFor, requireWritableChildren, type Copy } from '../entries/copies.service.js';
import { checkOccurredAt, insertNewEntry, type EntryView } from '../entries/entries.service.js';
import * as repo from './carers.repository.js';

export const CARER_KINDS = ['foster-carer', 'childrens-home', 'other-provider'] as const;
export const CARER_ROLES = ['supervising-social-worker', 'home-manager'] as const;
export const CARER_ENTRY_KINDS = ['visit', 'case-note', 'review', 'incident', 'correspondence', 'assessment', 'training', 'other'] as const;

export interface CarerView {
  id: string;
  kind: string;
  name: string;
  status: string;
  createdAt: string;
  allocations?: Array<{ id: string; userId: string; userDisplayName: string; role: string; createdAt: string; endedAt: string | null }>;
}

const toView = (c: { id: string; kind: string; name: string; status: string; created_at: Date }): CarerView => ({ id: c.id, kind: c.kind, name: c.name, status: c.status, createdAt: c.created_at.toISOString() });

/**
 * The actor may see this carer's record (or is refused, audited; a missing record is 404,
 * a destroyed one 410 RECORD_DESTROYED: only its certificate remains, as for a child's).
 */
export async function requireCarer(w: Work, carerId: string, action: AuditAction, write = false): Promise<{ carer: CarerView; basis: string }> {
  const carer = await repo.findCarer(w.db, carerId);
  if (carer === undefined) throw new DomainError('NOT_FOUND', 'There is no carer or home record with that id.');
  if (carer.status === 'destroyed') throw new DomainError('RECORD_DESTROYED', 'This carer’s or home’s record was destroyed under an approved disposal; only its certificate remains.');
  const bases = await repo.carerBases(w.db, w.actor, carerId);
  const allowed = bases.length > 0 && (!write || hasRole(w.actor, 'social-worker', 'team-manager', 'head-of-service'));
  if (!allowed) {
    w.auditDenied({ action, entityType: 'carer', entityId: carerId, detail: { reason: bases.length > 0 ? 'read-only' : 'no-basis' } });
    throw new DomainError('ACCESS_DENIED', 'You do not have access to this carer’s record. Access comes from being its supervising social worker or home manager, or in their team.');
  }
  return { carer: toView(carer), basis: bases.sort()[0] ?? 'unknown' };
}

/** A records role (retention, holds, paper files) or anyone who may read the carer's record; returns the basis. */
export async function requireCarerRecordsAccess(w: Work, carerId: string, action: AuditAction): Promise<string> {
  const role = RECORDS_ROLES.find((r) => hasRole(w.actor, r));
  if (role === undefined) return (await requireCarer(w, carerId, action)).basis;
  if ((await repo.findCarer(w.db, carerId)) === undefined) throw new DomainError('NOT_FOUND', 'There is no carer or home record with that id.');
  return `role:${role}`;
}

/** Ends a carer's or home's record, saying how: FSR 2011 reg 32 counts its retention from that ending. */
export async function closeCarer(w: Work, id: string, input: { endedOn: string; reason: CarerEndReason }): Promise<CarerView> {
  requireRole(w, 'carer.close', ['team-manager', 'head-of-service']);
  const { basis } = await requireCarer(w, id, 'carer.close', true);
  if (input.endedOn > w.today) throw invalid({ field: 'endedOn', message: 'must not be in the future' });
  if ((await repo.closeCarer(w.db, id, input)) === 0) throw new DomainError('ALREADY_DONE', 'This record is already closed.');
  w.audit({ action: 'carer.close', entityType: 'carer', entityId: id, basis, detail: { reason: input.reason } });
  return getCarerView(w, id);
}

export async function createCarer(w: Work, input: { kind: (typeof CARER_KINDS)[number]; name: string }): Promise<CarerView> {
  requireRole(w, 'carer.create', ['social-worker', 'team-manager', 'head-of-service']);
  const carer = await repo.insertCarer(w.db, { kind: input.kind, name: input.name.trim(), at: w.now, by: actorRef(w) });
  if (hasRole(w.actor, 'social-worker')) {
    await repo.insertCarerAllocation(w.db, { carerId: carer.id, userId: w.actor.userId, role: input.kind === 'childrens-home' ? 'home-manager' : 'supervising-social-worker', at: w.now, by: actorRef(w) });
  }
  w.audit({ action: 'carer.create', entityType: 'carer', entityId: carer.id, detail: { kind: input.kind } });
  return getCarerView(w, carer.id);
}

async function getCarerView(w: Work, id: string): Promise<CarerView> {
  const carer = await repo.findCarer(w.db, id);
  if (carer === undefined) throw new DomainError('NOT_FOUND', 'There is no carer or home record with that id.');
  const allocations = await repo.carerAllocations(w.db, id);
  return {
    ...toView(carer),
    allocations: allocations.map((a) => ({ id: a.id, userId: a.user_id, userDisplayName: a.display_name, role: a.role, createdAt: a.created_at.toISOString(), endedAt: a.ended_at?.toISOString() ?? null })),
  };
}

export async function getCarer(w: Work, id: string): Promise<CarerView> {
  const { basis } = await requireCarer(w, id, 'carer.read');
  w.audit({ action: 'carer.read', entityType: 'carer', entityId: id, basis });
  return getCarerView(w, id);
}

export async function listCarers(w: Work): Promise<{ items: CarerView[] }> {
  return { items: (await repo.listCarers(w.db, w.actor)).map(toView) };
}

export async function allocateCarer(w: Work, carerId: string, input: { userId: string; role: (typeof CARER_ROLES)[number] }): Promise<CarerView> {
  requireRole(w, 'carer.allocate', ['team-manager', 'head-of-service']);
  const { basis } = await requireCarer(w, carerId, 'carer.allocate', true);
  const user = await w.db.selectFrom('app_user').select(['id', 'roles', 'active']).where('id', '=', input.userId).executeTakeFirst();
  if (user === undefined || !user.active || !user.roles.some((r) => r === 'social-worker' || r === 'team-manager')) {
    throw invalid({ field: 'userId', message: 'must be an active social worker or team manager' });
  }
  const current = await repo.openCarerAllocation(w.db, carerId, input.role);
  if (current?.user_id === input.userId) throw new DomainError('ALREADY_ALLOCATED', 'That person already holds this role for the carer.');
  if (current !== undefined) await repo.endCarerAllocation(w.db, current.id, w.now, actorRef(w));
  await repo.insertCarerAllocation(w.db, { carerId, userId: input.userId, role: input.role, at: w.now, by: actorRef(w) });
  w.audit({ action: 'carer.allocate', entityType: 'carer', entityId: carerId, basis, detail: { role: input.role, userId: input.userId } });
  return getCarerView(w, carerId);
}

export interface CarerEntryView {
  id: string;
  carerId: string;
  kind: string;
  version: number;
  occurredAt: string;
  title: string;
  body: string;
  recordedAt: string;
  recordedBy: { id: string; displayName: string };
}

const entryView = (r: repo.CarerEntryRow): CarerEntryView => ({
  id: r.id,
  carerId: r.carer_id,
  kind: r.kind,
  version: r.version,
  occurredAt: r.occurred_at.toISOString(),
  title: r.title,
  body: r.body,
  recordedAt: r.recorded_at.toISOString(),
  recordedBy: { id: r.recorded_by, displayName: r.recorded_by_name },
});

export async function addCarerEntry(w: Work, carerId: string, input: { kind: string; occurredAt: string; title: string; body: string }): Promise<CarerEntryView> {
  const { basis } = await requireCarer(w, carerId, 'carer-entry.create', true);
  const id = randomUUID();
  await repo.insertCarerEntry(w.db, { id, carerId, kind: input.kind, occurredAt: checkOccurredAt(input.occurredAt, w.now), title: input.title.trim(), body: input.body, at: w.now, by: w.actor.userId });
  w.audit({ action: 'carer-entry.create', entityType: 'carer-entry', entityId: id, basis, detail: { carerId, kind: input.kind } });
  const row = await repo.findCarerEntry(w.db, id);
  if (row === undefined) throw new DomainError('INTERNAL_ERROR', 'The entry was not saved.');
  return entryView(row);
}

/** A correction to a carer record entry: a new version; copies already in children's records keep what they said. */
export async function correctCarerEntry(w: Work, carerId: string, entryId: string, input: { title?: string; body?: string; reason: string }): Promise<CarerEntryView> {
  const { basis } = await requireCarer(w, carerId, 'carer-entry.create', true);
  const current = await repo.findCarerEntry(w.db, entryId);
  if (current?.carer_id !== carerId) throw new DomainError('NOT_FOUND', 'There is no such entry in this carer’s record.');
  const reason = input.reason.trim();
  if (reason.length === 0) throw invalid({ field: 'reason', message: 'must say why the entry is being corrected' });
  const version = current.version + 1;
  await w.db
    .insertInto('carer_entry_version')
    .values({ entry_id: entryId, version, occurred_at: current.occurred_at, title: input.title?.trim() ?? current.title, body: input.body ?? current.body, reason, recorded_at: w.now, recorded_by: w.actor.userId })
    .execute();
  await w.db.updateTable('carer_entry').set({ current_version: version, updated_at: w.now }).where('id', '=', entryId).where('current_version', '=', current.version).execute();
  w.audit({ action: 'carer-entry.create', entityType: 'carer-entry', entityId: entryId, basis, detail: { carerId, version } });
  const row = await repo.findCarerEntry(w.db, entryId);
  if (row === undefined) throw new DomainError('INTERNAL_ERROR', 'The correction was not saved.');
  return entryView(row);
}

export async function listCarerEntries(w: Work, carerId: string, limit: number, cursor: string | undefined) {
  const { basis } = await requireCarer(w, carerId, 'carer-entry.read');
  const after = decodeCursor(cursor, { o: 'instant', i: 'uuid' });
  const rows = await repo.carerChronology(w.db, carerId, limit + 1, after === null ? null : { at: new Date(after.o), id: after.i });
  const page = rows.slice(0, limit);
  w.audit({ action: 'carer-entry.read', entityType: 'carer', entityId: carerId, basis, detail: { returned: page.length } });
  const last = page.at(-1);
  return { items: page.map(entryView), nextCursor: rows.length > limit && last !== undefined ? encodeCursor({ o: last.occurred_at.toISOString(), i: last.id }) : null };
}

async function prepareDuplicates(w: Work, carerId: string, entryId: string, childIds: string[]) {
  const { carer, basis } = await requireCarer(w, carerId, 'carer-entry.read');
  const source = await repo.findCarerEntry(w.db, entryId);
  if (source?.carer_id !== carerId) throw new DomainError('NOT_FOUND', 'There is no such entry in this carer’s record.');
  if (childIds.length === 0) throw invalid({ field: 'childIds', message: 'name at least one child' });
  const children = await requireWritableChildren(w, childIds, 'childIds');
  // Other children placed with this carer are named by initials too (R7: "other children in placement").
  const placed = (await repo.childrenPlacedWith(w.db, carerId)).map((c) => ({ id: c.id, givenName: c.given_name, familyName: c.family_name }));
  const copies = await copiesFor(w.db, children, source.title, source.body, placed);
  return { carer, basis, source, children, copies };
}

/** Each child's copy of a carer record entry, before saving. */
export async function previewDuplicates(w: Work, carerId: string, entryId: string, childIds: string[]): Promise<{ copies: Copy[] }> {
  const { copies, basis } = await prepareDuplicates(w, carerId, entryId, childIds);
  w.audit({ action: 'carer-entry.read', entityType: 'carer-entry', entityId: entryId, basis, detail: { preview: true } });
  return { copies };
}

/**
 * R8: what in a carer's or home's record concerns a child is duplicated into the child's
 * record as a `duplicate-entry`, linking back to its source. The copy holds the text as
 * it was, so it stays in the child's record whatever later happens to the source.
 */
export async function duplicateIntoChildren(w: Work, carerId: string, entryId: string, childIds: string[]): Promise<{ items: EntryView[] }> {
  const { carer, source, children, copies } = await prepareDuplicates(w, carerId, entryId, childIds);
  const basisOf = new Map(children.map((c) => [c.id, c.basis]));
  const items: EntryView[] = [];
  for (const copy of copies) {
    const view = await insertNewEntry(w, copy.childId, {
      kind: 'duplicate-entry',
      occurredAt: source.occurred_at.toISOString(),
      title: `From ${carer.name}: ${copy.title}`,
      body: copy.body,
      fields: { sourceEntryId: source.id, sourceVersion: source.version, sourceKind: source.kind, carerId, carerKind: carer.kind, carerName: carer.name },
    });
    w.audit({ action: 'entry.duplicate', childIds: [copy.childId], basis: basisOf.get(copy.childId) ?? null, entityType: 'entry', entityId: view.id, detail: { carerId, sourceEntryId: source.id } });
    items.push(view);
  }
  return { items };
}
