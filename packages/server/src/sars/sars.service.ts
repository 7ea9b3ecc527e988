import {
  compareDates,
  DomainError,
  hasRole,
  invalid,
  isCalendarDate,
  londonDate,
  needsAuthorityEvidence,
  RELATIONSHIPS_FOR_KIND,
  SAR_ACTIVE_STATUSES,
  SAR_MAX_EXTENSION_MONTHS,
  sarDueDate,
  sarFirstMonthEnds,
  type AuditAction,
  type Role,
  type FieldProblem,
  type SarKind,
  type SarRelationship,
  type SarStatus,
} from '@safekeep/core';
import { nameableChildren, RESTRICTED_LABEL } from '../access/access.repository.js';
import { requireRole } from '../access/roles.js';
import type { DisclosedDocument } from '../db/schema-sars.js';
import type { Work } from '../db/work.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import * as repo from './sars.repository.js';

/**
 * Subject access requests and court-ordered disclosure (R16, R17; REGULATIONS 5): the
 * register, the identity check, the clock (pauses, extensions) and refusal. Redaction
 * review and approval are in redactions.service.ts, the bundle in disclosure.service.ts.
 * Data protection officers and business support run requests; only a data protection
 * officer approves or refuses one. Every read and change is audited against the child.
 */

export const SAR_ROLES = ['dpo', 'business-support'] as const;
export const APPROVER_ROLES = ['dpo'] as const;

type Person = { id: string; displayName: string };

export interface SarView {
  id: string;
  childId: string;
  /** The child's record is restricted to named people and the caller is not one: the child's name, the requester and the note are withheld. */
  restricted: boolean;
  childName: string | null;
  kind: SarKind;
  requester: string;
  relationship: SarRelationship | null;
  court: string | null;
  orderReference: string | null;
  receivedOn: string;
  scope: { kinds: string[] | null; from: string | null; to: string | null };
  note: string;
  status: SarStatus;
  /** Null while the clock is stopped (awaiting ID or clarification) or after a refusal from a pause. */
  dueDate: string | null;
  /** The end of the first month, by which any extension must be decided and told (null for a court order). */
  firstMonthEnds: string | null;
  extensionMonths: number;
  identity: { method: string; authorityEvidence: string | null; note: string; verifiedOn: string; verifiedBy: Person } | null;
  pauses: Array<{ id: string; reason: string; note: string; pausedOn: string; pausedBy: Person; resumedOn: string | null; resumedBy: string | null }>;
  extensions: Array<{ months: number; reason: string; toldOn: string; extendedAt: string; extendedBy: Person }>;
  approval: {
    approvedAt: string;
    approvedBy: Person;
    entries: number;
    proposals: number;
    accepted: number;
    /** Null: approved before documents were reviewed. */
    documents: { disclosed: number; withheld: number } | null;
  } | null;
  refusal: { grounds: string; reason: string; refusedAt: string; refusedBy: Person } | null;
  disclosures: Array<{ id: string; disclosedAt: string; disclosedBy: Person; sha256: string; pages: number; bytes: number; documents: DisclosedDocument[] | null }>;
  createdAt: string;
  createdBy: Person;
}

/** The role a SAR handler acts under, for the audit trail. */
export function basisOf(w: Work): string {
  return `role:${SAR_ROLES.find((r) => hasRole(w.actor, r)) ?? 'none'}`;
}

export function requireSarRole(w: Work, action: AuditAction, detail?: { childIds?: string[]; entityId?: string }): void {
  requireRole(w, action, SAR_ROLES, detail);
}

/** The role check for work on one request: a refusal is audited against the request's child, so it shows in that record's access log. */
export async function requireSarRoleFor(w: Work, action: AuditAction, id: string, roles: readonly Role[] = SAR_ROLES): Promise<void> {
  if (hasRole(w.actor, ...roles)) return;
  const sar = await repo.findSar(w.db, id);
  requireRole(w, action, roles, { childIds: sar === undefined ? [] : [sar.child_id], entityId: id });
}

/**
 * Reading a request's content (its items, redactions, approval, bundle and schedule)
 * reads the child's record: a record restricted to named people is read by them alone,
 * so a handler not named is refused (audited) until the DPO names them on it.
 */
export async function requireSarContentAccess(w: Work, sar: { id: string; child_id: string }, action: AuditAction): Promise<void> {
  if ((await nameableChildren(w.db, w, [sar.child_id])).has(sar.child_id)) return;
  w.auditDenied({ action, childIds: [sar.child_id], entityType: 'sar', entityId: sar.id, detail: { reason: 'restricted' } });
  throw new DomainError('ACCESS_DENIED', 'This record is restricted to named people, and you are not one of them. The data protection officer can name you on it to answer this request.');
}

interface Clock {
  dueDate: string | null;
  firstMonthEnds: string | null;
  extensionMonths: number;
  paused: boolean;
}

/** The deadline as the events now stand (core/sar.ts). An open pause leaves no due date: the clock is stopped. */
async function clockOf(w: Work, sar: repo.SarRow, pauses: repo.PauseRow[], extensions: repo.ExtensionRow[]): Promise<Clock> {
  const extensionMonths = extensions.reduce((s, x) => s + x.months, 0);
  const open = pauses.find((p) => p.resumed_on === null);
  if (sar.kind === 'court-order') return { dueDate: sar.order_due_date, firstMonthEnds: null, extensionMonths: 0, paused: false };
  const calendar = await w.calendar();
  const closed = pauses.flatMap((p) => (p.resumed_on === null ? [] : [{ from: p.paused_on, to: p.resumed_on }]));
  // While paused, the first month runs on by every day of the pause so far.
  const asOfToday = open === undefined ? closed : [...closed, { from: open.paused_on, to: compareDates(w.today, open.paused_on) > 0 ? w.today : open.paused_on }];
  return {
    dueDate: open === undefined ? sarDueDate(sar.received_on, calendar, { pauses: closed, extensionMonths }) : null,
    firstMonthEnds: sarFirstMonthEnds(sar.received_on, calendar, { pauses: asOfToday }),
    extensionMonths,
    paused: open !== undefined,
  };
}

async function views(w: Work, rows: repo.SarRow[]): Promise<SarView[]> {
  const ids = rows.map((r) => r.id);
  const [identities, pauses, extensions, approvals, refusals, disclosures] = await Promise.all([
    repo.identities(w.db, ids),
    repo.pauses(w.db, ids),
    repo.extensions(w.db, ids),
    repo.approvalSummaries(w.db, ids),
    repo.refusals(w.db, ids),
    repo.disclosures(w.db, ids),
  ]);
  const nameable = await nameableChildren(
    w.db,
    w,
    rows.map((r) => r.child_id),
  );
  const out: SarView[] = [];
  for (const r of rows) {
    const restricted = !nameable.has(r.child_id);
    const myPauses = pauses.filter((p) => p.sar_id === r.id);
    const myExtensions = extensions.filter((x) => x.sar_id === r.id);
    const clock = await clockOf(w, r, myPauses, myExtensions);
    const identity = identities.find((i) => i.sar_id === r.id);
    const approval = approvals.find((a) => a.sar_id === r.id);
    const refusal = refusals.find((x) => x.sar_id === r.id);
    out.push({
      id: r.id,
      childId: r.child_id,
      restricted,
      childName: restricted ? RESTRICTED_LABEL : r.child_given_name === null ? null : `${r.child_given_name} ${r.child_family_name ?? ''}`.trim(),
      kind: r.kind as SarKind,
      requester: restricted ? RESTRICTED_LABEL : r.requester,
      relationship: r.relationship as SarRelationship | null,
      court: r.court,
      orderReference: r.order_reference,
      receivedOn: r.received_on,
      scope: { kinds: r.scope_kinds, from: r.scope_from, to: r.scope_to },
      note: restricted ? RESTRICTED_LABEL : r.note,
      status: r.status as SarStatus,
      dueDate: r.due_date,
      firstMonthEnds: clock.firstMonthEnds,
      extensionMonths: clock.extensionMonths,
      identity:
        identity === undefined
          ? null
          : { method: identity.method, authorityEvidence: identity.authority_evidence, note: identity.note, verifiedOn: identity.verified_on, verifiedBy: { id: identity.verified_by, displayName: identity.verified_by_name } },
      pauses: myPauses.map((p) => ({
        id: p.id,
        reason: p.reason,
        note: p.note,
        pausedOn: p.paused_on,
        pausedBy: { id: p.paused_by, displayName: p.paused_by_name },
        resumedOn: p.resumed_on,
        resumedBy: p.resumed_by_name,
      })),
      extensions: myExtensions.map((x) => ({ months: x.months, reason: x.reason, toldOn: x.told_on, extendedAt: x.extended_at.toISOString(), extendedBy: { id: x.extended_by, displayName: x.extended_by_name } })),
      approval:
        approval === undefined
          ? null
          : {
              approvedAt: approval.approved_at.toISOString(),
              approvedBy: { id: approval.approved_by, displayName: approval.approved_by_name },
              entries: approval.entry_count,
              proposals: approval.proposals,
              accepted: approval.accepted,
              documents: approval.documents_disclosed === null || approval.documents_withheld === null ? null : { disclosed: approval.documents_disclosed, withheld: approval.documents_withheld },
            },
      refusal: refusal === undefined ? null : { grounds: refusal.grounds, reason: refusal.reason, refusedAt: refusal.refused_at.toISOString(), refusedBy: { id: refusal.refused_by, displayName: refusal.refused_by_name } },
      disclosures: disclosures
        .filter((d) => d.sar_id === r.id)
        .map((d) => ({
          id: d.id,
          disclosedAt: d.disclosed_at.toISOString(),
          disclosedBy: { id: d.disclosed_by, displayName: d.disclosed_by_name },
          sha256: d.bundle_sha256,
          pages: d.pages,
          bytes: d.bytes,
          documents: d.documents,
        })),
      createdAt: r.created_at.toISOString(),
      createdBy: { id: r.created_by, displayName: r.created_by_name },
    });
  }
  return out;
}

export async function view(w: Work, id: string): Promise<SarView> {
  const row = await repo.findSar(w.db, id);
  if (row === undefined) throw new DomainError('NOT_FOUND', 'There is no subject access request with that id.');
  return (await views(w, [row]))[0] as SarView;
}

/** Loads a request to change it (locked for the rest of the transaction), refusing one already answered or refused. */
export async function loadForChange(w: Work, id: string, action: AuditAction): Promise<repo.SarRow> {
  await requireSarRoleFor(w, action, id);
  const sar = await repo.findSar(w.db, id, true);
  if (sar === undefined) throw new DomainError('NOT_FOUND', 'There is no subject access request with that id.');
  if (sar.status === 'disclosed' || sar.status === 'refused') throw new DomainError('SAR_CLOSED', `This request has been ${sar.status}; nothing more can be changed on it.`);
  return sar;
}

/** Re-derives the status and due date from the events, after one was added. */
async function refresh(w: Work, sar: repo.SarRow): Promise<void> {
  const [pauses, extensions] = await Promise.all([repo.pauses(w.db, [sar.id]), repo.extensions(w.db, [sar.id])]);
  const clock = await clockOf(w, sar, pauses, extensions);
  const status = sar.status === 'open' || sar.status === 'paused' ? (clock.paused ? 'paused' : 'open') : sar.status;
  await repo.setStatus(w.db, sar.id, status, clock.dueDate, w.now);
}

/** Requests still being answered for this child: each blocks the record's disposal (core/disposal.ts). */
export async function openSubjectAccessRequestIds(w: Work, childId: string): Promise<string[]> {
  return repo.openSarIds(w.db, childId);
}

// Register ----------------------------------------------------------------------------

export interface IdentityInput {
  method: string;
  authorityEvidence?: string;
  note?: string;
}

export interface NewSarInput {
  childId: string;
  kind?: SarKind;
  requester: string;
  relationship?: SarRelationship;
  court?: string;
  orderReference?: string;
  dueDate?: string;
  receivedAt: string;
  scope?: { kinds?: string[]; from?: string; to?: string };
  note?: string;
  identity?: IdentityInput;
}

/** A date, or an instant taken as its London date. */
function receivedOn(value: string): string | null {
  if (isCalendarDate(value)) return value;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : londonDate(new Date(t));
}

function checkIdentity(identity: IdentityInput, relationship: SarRelationship | null, prefix: string): FieldProblem[] {
  if (needsAuthorityEvidence(relationship) && (identity.authorityEvidence ?? '').trim() === '') {
    return [{ field: `${prefix}authorityEvidence`, message: 'someone asking on the child’s behalf must show their authority: say what was seen' }];
  }
  return [];
}

export async function createSar(w: Work, input: NewSarInput): Promise<SarView> {
  requireSarRole(w, 'sar.create', { childIds: [input.childId] });
  const kind: SarKind = input.kind ?? (input.relationship === 'care-leaver' ? 'care-leaver' : 'subject-access');
  const relationship = input.relationship ?? null;
  const problems: FieldProblem[] = [];
  if (kind === 'court-order') {
    if (relationship !== null) problems.push({ field: 'relationship', message: 'a court order has no relationship: the court asks' });
    if (input.court === undefined) problems.push({ field: 'court', message: 'is required for a court order' });
    if (input.orderReference === undefined) problems.push({ field: 'orderReference', message: 'is required for a court order' });
    if (input.dueDate === undefined) problems.push({ field: 'dueDate', message: 'is required for a court order: the date the order sets' });
  } else {
    if (relationship === null) problems.push({ field: 'relationship', message: 'is required: who is asking, in relation to the child' });
    else if (!RELATIONSHIPS_FOR_KIND[kind].includes(relationship)) problems.push({ field: 'relationship', message: `a ${kind} request is made by ${RELATIONSHIPS_FOR_KIND[kind].join(' or ')}` });
    for (const field of ['court', 'orderReference', 'dueDate'] as const) {
      if (input[field] !== undefined) problems.push({ field, message: 'is only for a court order (kind court-order); a subject access request’s date is set by law' });
    }
  }
  const received = receivedOn(input.receivedAt);
  if (received === null) problems.push({ field: 'receivedAt', message: 'must be a date (YYYY-MM-DD) or an instant with offset' });
  else if (compareDates(received, w.today) > 0) problems.push({ field: 'receivedAt', message: 'is in the future' });
  if (input.dueDate !== undefined && received !== null && compareDates(input.dueDate, received) < 0) problems.push({ field: 'dueDate', message: 'is before the order was received' });
  const scope = input.scope ?? {};
  if (scope.from !== undefined && scope.to !== undefined && compareDates(scope.from, scope.to) > 0) problems.push({ field: 'scope.to', message: 'is before scope.from' });
  if (input.identity !== undefined) problems.push(...checkIdentity(input.identity, relationship, 'identity.'));
  if (problems.length > 0) throw invalid(problems);

  const child = await repo.childOf(w.db, input.childId);
  if (child === undefined) throw new DomainError('NOT_FOUND', 'There is no child record with that id.');
  if (child.status === 'destroyed') throw new DomainError('RECORD_DESTROYED', 'This record was destroyed under an approved disposal; only its certificate remains.');
  w.touches(input.childId);

  const receivedDate = received as string;
  const dueDate = kind === 'court-order' ? (input.dueDate as string) : sarDueDate(receivedDate, await w.calendar());
  const id = await repo.insertSar(w.db, {
    childId: input.childId,
    kind,
    requester: input.requester.trim(),
    relationship,
    court: input.court?.trim() ?? null,
    orderReference: input.orderReference?.trim() ?? null,
    orderDueDate: kind === 'court-order' ? (input.dueDate ?? null) : null,
    receivedOn: receivedDate,
    scopeKinds: scope.kinds === undefined ? null : [...new Set(scope.kinds)],
    scopeFrom: scope.from ?? null,
    scopeTo: scope.to ?? null,
    note: input.note?.trim() ?? '',
    dueDate,
    at: w.now,
    by: w.actor.userId,
  });
  if (input.identity !== undefined) await insertIdentity(w, id, input.identity);
  w.audit({ action: 'sar.create', childIds: [input.childId], basis: basisOf(w), entityType: 'sar', entityId: id, detail: { kind, relationship, identityVerified: input.identity !== undefined } });
  return view(w, id);
}

async function insertIdentity(w: Work, sarId: string, identity: IdentityInput): Promise<void> {
  await repo.insertIdentity(w.db, { sarId, method: identity.method, authorityEvidence: identity.authorityEvidence?.trim() || null, note: identity.note?.trim() ?? '', on: w.today, at: w.now, by: w.actor.userId });
}

export async function getSar(w: Work, id: string): Promise<SarView> {
  await requireSarRoleFor(w, 'sar.read', id);
  const sar = await view(w, id);
  w.audit({ action: 'sar.read', childIds: [sar.childId], basis: basisOf(w), entityType: 'sar', entityId: id });
  return sar;
}

export const STATUS_FILTERS = ['active', 'all', 'open', 'paused', 'approved', 'disclosed', 'refused'] as const;

export async function listSars(
  w: Work,
  q: { status?: (typeof STATUS_FILTERS)[number]; childId?: string; dueBefore?: string; limit: number; cursor?: string },
): Promise<{ items: SarView[]; nextCursor: string | null }> {
  requireSarRole(w, 'sar.list');
  const after = decodeCursor(q.cursor, { due: 'text', id: 'uuid' });
  if (after !== null && !isCalendarDate(after.due)) throw invalid({ field: 'cursor', message: 'is not a cursor this list gave out' });
  const status = q.status ?? 'active';
  const rows = await repo.listSars(w.db, {
    ...(status === 'all' ? {} : { statuses: status === 'active' ? SAR_ACTIVE_STATUSES : [status] }),
    ...(q.childId === undefined ? {} : { childId: q.childId }),
    ...(q.dueBefore === undefined ? {} : { dueBefore: q.dueBefore }),
    ...(after === null ? {} : { after: { due: after.due, id: after.id } }),
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const items = await views(w, page);
  w.audit({ action: 'sar.list', childIds: [...new Set(page.map((r) => r.child_id))], basis: basisOf(w), detail: { status, count: page.length } });
  return { items, nextCursor: rows.length > q.limit && last !== undefined ? encodeCursor({ due: last.due_date ?? '9999-12-31', id: last.id }) : null };
}

// The clock -------------------------------------------------------------------------

export async function recordIdentity(w: Work, id: string, input: IdentityInput): Promise<SarView> {
  const sar = await loadForChange(w, id, 'sar.identity');
  if (sar.kind === 'court-order') throw new DomainError('CONFLICT', 'A court order needs no identity check: the order is the authority.');
  const problems = checkIdentity(input, sar.relationship as SarRelationship | null, '');
  if (problems.length > 0) throw invalid(problems);
  if ((await repo.identities(w.db, [id])).length > 0) throw new DomainError('ALREADY_DONE', 'The requester’s identity is already recorded as checked.');
  await insertIdentity(w, id, input);
  // Art 12A: the clock restarts when what it waited for arrives.
  const open = (await repo.pauses(w.db, [id])).find((p) => p.resumed_on === null && p.reason === 'awaiting-id');
  if (open !== undefined) await repo.insertResume(w.db, { pauseId: open.id, note: 'Identity checked', on: w.today, at: w.now, by: w.actor.userId });
  await refresh(w, sar);
  w.audit({ action: 'sar.identity', childIds: [sar.child_id], basis: basisOf(w), entityType: 'sar', entityId: id, detail: { method: input.method, resumed: open !== undefined } });
  return view(w, id);
}

export async function pauseSar(w: Work, id: string, input: { reason: string; note?: string }): Promise<SarView> {
  const sar = await loadForChange(w, id, 'sar.pause');
  if (sar.kind === 'court-order') throw new DomainError('CONFLICT', 'A court sets the date of its own order: its clock is not paused here.');
  if (sar.status === 'paused') throw new DomainError('ALREADY_DONE', 'The clock is already stopped on this request.');
  if (sar.status !== 'open') throw new DomainError('SAR_CLOSED', 'This request is approved; its clock no longer runs.');
  await repo.insertPause(w.db, { sarId: id, reason: input.reason, note: input.note?.trim() ?? '', on: w.today, at: w.now, by: w.actor.userId });
  await refresh(w, sar);
  w.audit({ action: 'sar.pause', childIds: [sar.child_id], basis: basisOf(w), entityType: 'sar', entityId: id, detail: { reason: input.reason } });
  return view(w, id);
}

export async function resumeSar(w: Work, id: string, input: { note?: string }): Promise<SarView> {
  const sar = await loadForChange(w, id, 'sar.resume');
  const open = (await repo.pauses(w.db, [id])).find((p) => p.resumed_on === null);
  if (open === undefined) throw new DomainError('CONFLICT', 'The clock is not stopped on this request.');
  await repo.insertResume(w.db, { pauseId: open.id, note: input.note?.trim() ?? '', on: w.today, at: w.now, by: w.actor.userId });
  await refresh(w, sar);
  w.audit({ action: 'sar.resume', childIds: [sar.child_id], basis: basisOf(w), entityType: 'sar', entityId: id, detail: { pausedOn: open.paused_on } });
  return view(w, id);
}

/** UK GDPR Art 12(3): up to two further months in all, decided and told within the first month, with the reason. */
export async function extendSar(w: Work, id: string, input: { months: number; reason: string; toldOn?: string }): Promise<SarView> {
  const sar = await loadForChange(w, id, 'sar.extend');
  if (sar.kind === 'court-order') throw new DomainError('EXTENSION_NOT_ALLOWED', 'A court sets the date of its own order; ask the court to vary it.');
  if (sar.status === 'approved') throw new DomainError('SAR_CLOSED', 'This request is approved and ready to disclose; it needs no extension.');
  const [pauses, extensions] = await Promise.all([repo.pauses(w.db, [id]), repo.extensions(w.db, [id])]);
  const clock = await clockOf(w, sar, pauses, extensions);
  const firstMonthEnds = clock.firstMonthEnds as string;
  const left = SAR_MAX_EXTENSION_MONTHS - clock.extensionMonths;
  if (compareDates(w.today, firstMonthEnds) > 0) {
    w.auditDenied({ action: 'sar.extend', childIds: [sar.child_id], entityType: 'sar', entityId: id, detail: { reason: 'after-first-month' } });
    throw new DomainError('EXTENSION_NOT_ALLOWED', `An extension must be decided and told within the first month, which ended on ${firstMonthEnds}.`, { extra: { firstMonthEnds } });
  }
  const problems: FieldProblem[] = [];
  if (input.months > left) {
    problems.push({ field: 'months', message: left === 0 ? 'this request already has the full two further months' : `at most ${left} further month${left === 1 ? '' : 's'}: three months from receipt in all` });
  }
  const toldOn = input.toldOn ?? w.today;
  if (compareDates(toldOn, w.today) > 0) problems.push({ field: 'toldOn', message: 'is in the future: record the extension once the requester has been told' });
  else if (compareDates(toldOn, sar.received_on) < 0) problems.push({ field: 'toldOn', message: 'is before the request was received' });
  if (problems.length > 0) throw invalid(problems);
  await repo.insertExtension(w.db, { sarId: id, months: input.months, reason: input.reason.trim(), toldOn, at: w.now, by: w.actor.userId });
  await refresh(w, sar);
  w.audit({ action: 'sar.extend', childIds: [sar.child_id], basis: basisOf(w), entityType: 'sar', entityId: id, detail: { months: input.months, total: clock.extensionMonths + input.months } });
  return view(w, id);
}

/** UK GDPR Art 12(5): manifestly unfounded or excessive; the reply must say why and give the right to complain to the ICO. */
export async function refuseSar(w: Work, id: string, input: { grounds: string; reason: string }): Promise<SarView> {
  await requireSarRoleFor(w, 'sar.refuse', id, APPROVER_ROLES);
  const sar = await loadForChange(w, id, 'sar.refuse');
  if (sar.status === 'approved') throw new DomainError('SAR_CLOSED', 'This request is already approved for disclosure.');
  await repo.insertRefusal(w.db, { sarId: id, grounds: input.grounds, reason: input.reason.trim(), at: w.now, by: w.actor.userId });
  await repo.setStatus(w.db, id, 'refused', sar.due_date, w.now);
  w.audit({ action: 'sar.refuse', childIds: [sar.child_id], basis: 'role:dpo', entityType: 'sar', entityId: id, detail: { grounds: input.grounds } });
  return view(w, id);
}
