import { randomUUID } from 'node:crypto';
import {
  DomainError,
  findDuplicateCandidates,
  hasRole,
  initials,
  invalid,
  isCalendarDate,
  normaliseName,
  normaliseNhsNumber,
  normaliseUpn,
  searchName,
  sortName,
  validateChildDetails,
  type ChildDetails,
  type ChildDetailsInput,
  type DuplicateReason,
} from '@safekeep/core';
import { accessBases, RESTRICTED_LABEL, restrictedFrom } from '../access/access.repository.js';
import { requireChildAccess } from '../access/child-access.js';
import { requireRole } from '../access/roles.js';
import type { Row } from '../db/schema.js';
import { actorRef, type Work } from '../db/work.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import * as allocations from './allocations.repository.js';
import { retentionSummary } from '../retention/retention.service.js';
import * as repo from './children.repository.js';
import * as involvements from './involvements.repository.js';
import * as relationships from './relationships.repository.js';

export interface ChildSummary {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: string | null;
  dateOfDeath: string | null;
  identifiers: { nhsNumber: string | null; upn: string | null; localId: string | null };
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface RelationshipView {
  id: string;
  kind: string;
  relatedChildId: string;
  /** The related child's name if the reader may see that child; otherwise initials only (R7), or "Restricted record" if a restriction keeps the reader out of that child's record. */
  relatedChildName: string;
  relatedChildVisible: boolean;
}

export interface ChildView extends ChildSummary {
  recordStatus: string;
  /** R13: when the record may be destroyed, and DO NOT DESTROY while a hold covers it. */
  retention: { destructionDate: string | null; status: string; doNotDestroy: boolean };
  involvements: involvements.Involvement[];
  allocations: allocations.Allocation[];
  relationships: RelationshipView[];
}

export function toSummary(r: Row<'child'>): ChildSummary {
  return {
    id: r.id,
    givenName: r.given_name,
    familyName: r.family_name,
    dateOfBirth: r.date_of_birth,
    sex: r.sex,
    dateOfDeath: r.date_of_death,
    identifiers: { nhsNumber: r.nhs_number, upn: r.upn, localId: r.local_id },
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function headColumns(d: ChildDetails) {
  return {
    given_name: d.givenName,
    family_name: d.familyName,
    search_name: searchName(d.givenName, d.familyName),
    sort_name: sortName(d.givenName, d.familyName),
    date_of_birth: d.dateOfBirth,
    sex: d.sex,
    date_of_death: d.dateOfDeath,
    nhs_number: d.identifiers.nhsNumber,
    upn: d.identifiers.upn,
    local_id: d.identifiers.localId,
  };
}

function identityKeys(d: ChildDetails): string[] {
  const ids = d.identifiers;
  return [
    `dob:${d.dateOfBirth}`,
    ...(ids.nhsNumber !== null ? [`nhs:${ids.nhsNumber}`] : []),
    ...(ids.upn !== null ? [`upn:${ids.upn}`] : []),
    ...(ids.localId !== null ? [`local:${ids.localId}`] : []),
  ];
}

export interface CreateChildInput extends ChildDetailsInput {
  /** A team manager's decision that a suspected duplicate is a different child. */
  duplicateOverride?: { reason: string };
}

/**
 * Creates a child and its one case record (R1). A likely duplicate is refused with
 * DUPLICATE_CHILD_SUSPECTED, listing the candidates: names only of those the caller may
 * see, ids and what matched for the rest. A team manager may go ahead with a reason,
 * which is kept. The creator is allocated so the new record is not lost to them.
 */
export async function createChild(w: Work, input: CreateChildInput): Promise<ChildView> {
  requireRole(w, 'child.create', ['social-worker', 'team-manager', 'head-of-service']);
  const details = validateChildDetails(input, w.today);
  await repo.lockForDuplicateCheck(w.db, identityKeys(details));
  const candidates = findDuplicateCandidates(details, await repo.findDuplicatePool(w.db, details));
  const childId = randomUUID();

  if (candidates.length > 0) {
    if (input.duplicateOverride === undefined) {
      const { shown, hidden } = await describeCandidates(w, candidates);
      w.auditDenied({
        action: 'child.create',
        childIds: candidates.map((c) => c.id),
        detail: { reason: 'duplicate-suspected', matchedOn: [...new Set(candidates.flatMap((c) => c.reasons))].sort() },
      });
      throw new DomainError(
        'DUPLICATE_CHILD_SUSPECTED',
        hidden
          ? 'A record for this child may already exist, including one you cannot see. Ask your team manager: they can confirm this is a different child, giving a reason.'
          : 'A record for this child may already exist. Check the candidates; a team manager can confirm this is a different child, giving a reason.',
        { extra: { candidates: shown, hiddenCandidates: hidden } },
      );
    }
    await recordOverride(w, childId, candidates.map((c) => c.id), input.duplicateOverride.reason, true);
  } else {
    await repo.insertCaseRecord(w.db, childId, w.now, actorRef(w));
  }

  await repo.insertChild(w.db, { id: childId, version: 1, ...headColumns(details), created_at: w.now, created_by: actorRef(w), updated_at: w.now });
  await repo.insertChildVersion(w.db, { childId, version: 1, details, reason: null, at: w.now, by: actorRef(w) });

  const selfRole = hasRole(w.actor, 'social-worker') ? 'allocated-worker' : hasRole(w.actor, 'team-manager') ? 'team-manager' : null;
  if (selfRole !== null) {
    await allocations.insertAllocation(w.db, { child_id: childId, user_id: w.actor.userId, role: selfRole, starts_on: w.today, created_at: w.now, created_by: w.actor.userId });
  }
  w.audit({ action: 'child.create', childIds: [childId], entityType: 'child', entityId: childId, basis: 'creator', detail: { allocatedAs: selfRole } });
  return loadChildView(w, childId);
}

/** A team manager's decision that the suspected duplicates are other children, kept with the reason. */
async function recordOverride(w: Work, childId: string, candidateIds: string[], rawReason: string, creating: boolean): Promise<void> {
  if (!hasRole(w.actor, 'team-manager', 'head-of-service')) {
    w.auditDenied({ action: 'child.duplicate-override', childIds: candidateIds, detail: { reason: 'role' } });
    throw new DomainError('ACCESS_DENIED', 'Only a team manager or head of service can confirm that a suspected duplicate is a different child.');
  }
  const reason = rawReason.trim();
  if (reason.length === 0) throw invalid({ field: 'duplicateOverride.reason', message: 'must say why this is a different child' });
  if (creating) await repo.insertCaseRecord(w.db, childId, w.now, actorRef(w));
  await repo.insertDuplicateOverride(w.db, { childId, candidateIds, reason, by: w.actor.userId, at: w.now });
  w.audit({ action: 'child.duplicate-override', childIds: [childId, ...candidateIds], entityType: 'child', entityId: childId });
}

/**
 * Candidates the caller may see are shown with their names; those they may not see are
 * not described at all (not even their number or ids), only that some exist.
 */
async function describeCandidates(w: Work, candidates: Array<{ id: string; reasons: DuplicateReason[] }>) {
  const shown = [];
  let hidden = false;
  for (const c of candidates) {
    const child = (await accessBases(w.db, w, c.id)).length > 0 ? await repo.findChild(w.db, c.id) : undefined;
    if (child === undefined) {
      hidden = true;
      continue;
    }
    shown.push({ id: c.id, matchedOn: c.reasons, visible: true, givenName: child.given_name, familyName: child.family_name, dateOfBirth: child.date_of_birth });
  }
  return { shown, hidden };
}

export async function getChild(w: Work, id: string): Promise<ChildView> {
  const basis = await requireChildAccess(w, id, 'child.read', 'read', { grantScope: true });
  w.audit({ action: 'child.read', childIds: [id], basis, entityType: 'child', entityId: id });
  return loadChildView(w, id);
}

async function loadChildView(w: Work, id: string): Promise<ChildView> {
  const child = await repo.findChild(w.db, id);
  if (child === undefined) {
    if ((await repo.findRecordStatus(w.db, id)) === 'destroyed') throw new DomainError('RECORD_DESTROYED', 'This record was destroyed under an approved disposal; only its certificate remains.');
    throw new DomainError('NOT_FOUND', 'There is no child record with that id.');
  }
  const [inv, alloc, rels, status, retention] = await Promise.all([
    involvements.listInvolvements(w.db, id),
    allocations.listAllocations(w.db, id),
    relationships.listRelationships(w.db, id),
    repo.findRecordStatus(w.db, id),
    retentionSummary(w, id),
  ]);
  return {
    ...toSummary(child),
    recordStatus: status ?? 'open',
    retention,
    involvements: inv.map(involvements.toInvolvement),
    allocations: alloc.map((a) => allocations.toAllocation(a, w.today)),
    relationships: await relationshipViews(w, rels),
  };
}

async function relationshipViews(w: Work, rels: Array<Row<'relationship'>>): Promise<RelationshipView[]> {
  const names = await repo.childNames(w.db, rels.map((r) => r.related_child_id));
  // A sibling restricted to named people is not even initialled: the restriction is about who they are.
  const restricted = await restrictedFrom(
    w.db,
    w,
    rels.map((r) => r.related_child_id),
  );
  const out: RelationshipView[] = [];
  for (const r of rels) {
    const visible = (await accessBases(w.db, w, r.related_child_id)).length > 0;
    const name = names.get(r.related_child_id);
    out.push({
      id: r.id,
      kind: r.kind,
      relatedChildId: r.related_child_id,
      relatedChildName: name === undefined ? '' : visible ? `${name.givenName} ${name.familyName}` : restricted.has(r.related_child_id) ? RESTRICTED_LABEL : initials(name.givenName, name.familyName),
      relatedChildVisible: visible,
    });
  }
  return out;
}

/** Reads the query as an NHS number, a UPN, a date of birth, or words of a name. */
export function parseSearch(q: string | undefined): repo.SearchTerm {
  const raw = (q ?? '').trim();
  if (raw === '') return { kind: 'all' };
  const nhs = normaliseNhsNumber(raw);
  if (nhs !== null) return { kind: 'nhsNumber', value: nhs, raw };
  const upn = normaliseUpn(raw);
  if (upn !== null && /\d{11}/.test(upn)) return { kind: 'upn', value: upn, raw };
  if (isCalendarDate(raw)) return { kind: 'dateOfBirth', value: raw, raw };
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw);
  if (uk !== null) {
    const iso = `${uk[3]}-${uk[2]?.padStart(2, '0')}-${uk[1]?.padStart(2, '0')}`;
    if (isCalendarDate(iso)) return { kind: 'dateOfBirth', value: iso, raw };
  }
  const tokens = normaliseName(raw).split(' ').filter((t) => t.length > 0);
  if (tokens.length === 0) throw invalid({ field: 'q', message: 'must contain a name, an identifier or a date of birth' });
  return { kind: 'name', tokens, raw };
}

/** Search and list: only children the caller may see, in name order. Audited with the ids shown. */
export async function searchChildren(w: Work, q: string | undefined, limit: number, cursor: string | undefined) {
  if (hasRole(w.actor, 'admin') && w.actor.roles.length === 1) {
    w.auditDenied({ action: 'child.search', detail: { reason: 'admin-reads-no-child-content' } });
    throw new DomainError('ACCESS_DENIED', 'Administrators manage users and do not read children’s records.');
  }
  const term = parseSearch(q);
  const after = decodeCursor(cursor, { s: 'text', i: 'uuid' });
  const rows = await repo.searchChildren(w.db, w, term, after === null ? null : { sortName: after.s, id: after.i }, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  w.audit({ action: 'child.search', childIds: page.map((r) => r.id), detail: { searchedBy: term.kind, results: page.length } });
  return {
    items: page.map(toSummary),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor({ s: last.sort_name, i: last.id }) : null,
  };
}

/** A correction of the child's details: a new version with a reason; every version is kept. */
export async function correctChild(w: Work, id: string, input: Partial<ChildDetailsInput> & { reason: string; duplicateOverride?: { reason: string } }): Promise<ChildView> {
  const basis = await requireChildAccess(w, id, 'child.correct', 'write');
  const current = await repo.findChild(w.db, id, { forUpdate: w.transactional });
  if (current === undefined) throw new DomainError('NOT_FOUND', 'There is no child record with that id.');
  const reason = input.reason.trim();
  if (reason.length === 0) throw invalid({ field: 'reason', message: 'must say why the details are being corrected' });
  const merged: ChildDetailsInput = {
    givenName: input.givenName ?? current.given_name,
    familyName: input.familyName ?? current.family_name,
    dateOfBirth: input.dateOfBirth ?? current.date_of_birth,
    sex: input.sex !== undefined ? input.sex : (current.sex as ChildDetailsInput['sex']),
    dateOfDeath: input.dateOfDeath !== undefined ? input.dateOfDeath : current.date_of_death,
    identifiers: {
      nhsNumber: input.identifiers?.nhsNumber !== undefined ? input.identifiers.nhsNumber : current.nhs_number,
      upn: input.identifiers?.upn !== undefined ? input.identifiers.upn : current.upn,
      localId: input.identifiers?.localId !== undefined ? input.identifiers.localId : current.local_id,
    },
  };
  const details = validateChildDetails(merged, w.today);
  const version = current.version + 1;
  // A correction must not make this record a duplicate of another (R1).
  await repo.lockForDuplicateCheck(w.db, identityKeys(details));
  const candidates = findDuplicateCandidates(details, await repo.findDuplicatePool(w.db, details, id));
  if (candidates.length > 0) {
    if (input.duplicateOverride === undefined) {
      const { shown, hidden } = await describeCandidates(w, candidates);
      w.auditDenied({ action: 'child.correct', childIds: [id, ...candidates.map((c) => c.id)], detail: { reason: 'duplicate-suspected' } });
      throw new DomainError('DUPLICATE_CHILD_SUSPECTED', 'With these details this record may duplicate another. A team manager can confirm they are different children, giving a reason.', {
        extra: { candidates: shown, hiddenCandidates: hidden },
      });
    }
    await recordOverride(w, id, candidates.map((c) => c.id), input.duplicateOverride.reason, false);
  }
  await repo.insertChildVersion(w.db, { childId: id, version, details, reason, at: w.now, by: actorRef(w) });
  await repo.updateChildHead(w.db, id, { ...headColumns(details), version, updated_at: w.now });
  w.audit({ action: 'child.correct', childIds: [id], basis, entityType: 'child', entityId: id, detail: { version } });
  return loadChildView(w, id);
}

export async function childVersions(w: Work, id: string) {
  const basis = await requireChildAccess(w, id, 'child.read');
  w.audit({ action: 'child.read', childIds: [id], basis, entityType: 'child', entityId: id, detail: { part: 'versions' } });
  const rows = await repo.listChildVersions(w.db, id);
  return rows.map((r) => ({ version: r.version, details: r.details as ChildDetails, reason: r.reason, recordedAt: r.recorded_at.toISOString(), recordedBy: r.recorded_by }));
}

