import { sql, type Kysely, type Selectable } from 'kysely';
import { SAR_ACTIVE_STATUSES } from '@safekeep/core';
import type { DB } from '../db/schema.js';
import type { ApprovedDocument, DisclosedDocument, SarDocumentDecisionTable, SarRedactionDecisionTable, SarTable } from '../db/schema-sars.js';

/**
 * SQL for subject access requests: the register and its event rows (migration 0510),
 * and the reads that collate a child's record for disclosure. Rows become the shapes
 * below here; nothing outside this file writes SQL for these tables.
 */

/** A register row with the child's and creator's names joined in. */
export type SarRow = Selectable<SarTable> & {
  child_given_name: string | null;
  child_family_name: string | null;
  created_by_name: string;
};

function sars(db: Kysely<DB>) {
  return db
    .selectFrom('sar as s')
    .leftJoin('child as c', 'c.id', 's.child_id')
    .innerJoin('app_user as u', 'u.id', 's.created_by')
    .selectAll('s')
    .select(['c.given_name as child_given_name', 'c.family_name as child_family_name', 'u.display_name as created_by_name']);
}

export async function findSar(db: Kysely<DB>, id: string, lock = false): Promise<SarRow | undefined> {
  // The lock serialises changes to one request (pause, extension, approval…) without holding its readers.
  if (lock) await db.selectFrom('sar').select('id').where('id', '=', id).forUpdate().execute();
  return sars(db).where('s.id', '=', id).executeTakeFirst();
}

export interface ListQuery {
  statuses?: readonly string[];
  childId?: string;
  dueBefore?: string;
  after?: { due: string; id: string };
  limit: number;
}

/** The register, soonest due first; a paused request (no due date) after every dated one. */
export async function listSars(db: Kysely<DB>, q: ListQuery): Promise<SarRow[]> {
  const due = sql<string>`coalesce(s.due_date, '9999-12-31'::date)`;
  let query = sars(db);
  if (q.statuses !== undefined) query = query.where('s.status', 'in', [...q.statuses]);
  if (q.childId !== undefined) query = query.where('s.child_id', '=', q.childId);
  if (q.dueBefore !== undefined) query = query.where('s.due_date', '<=', q.dueBefore);
  if (q.after !== undefined) {
    const after = q.after;
    query = query.where(sql<boolean>`(${due}, s.id) > (${after.due}::date, ${after.id}::uuid)`);
  }
  return query.orderBy(due).orderBy('s.id').limit(q.limit).execute();
}

export interface NewSar {
  childId: string;
  kind: string;
  requester: string;
  relationship: string | null;
  court: string | null;
  orderReference: string | null;
  orderDueDate: string | null;
  receivedOn: string;
  scopeKinds: string[] | null;
  scopeFrom: string | null;
  scopeTo: string | null;
  note: string;
  dueDate: string;
  at: Date;
  by: string;
}

export async function insertSar(db: Kysely<DB>, s: NewSar): Promise<string> {
  const row = await db
    .insertInto('sar')
    .values({
      child_id: s.childId,
      kind: s.kind,
      requester: s.requester,
      relationship: s.relationship,
      court: s.court,
      order_reference: s.orderReference,
      order_due_date: s.orderDueDate,
      received_on: s.receivedOn,
      scope_kinds: s.scopeKinds,
      scope_from: s.scopeFrom,
      scope_to: s.scopeTo,
      note: s.note,
      status: 'open',
      due_date: s.dueDate,
      created_at: s.at,
      created_by: s.by,
      updated_at: s.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setStatus(db: Kysely<DB>, id: string, status: string, dueDate: string | null, at: Date): Promise<void> {
  await db.updateTable('sar').set({ status, due_date: dueDate, updated_at: at }).where('id', '=', id).execute();
}

export async function childOf(db: Kysely<DB>, childId: string): Promise<{ status: string; given_name: string | null; family_name: string | null } | undefined> {
  return db
    .selectFrom('case_record as r')
    .leftJoin('child as c', 'c.id', 'r.child_id')
    .select(['r.status', 'c.given_name', 'c.family_name'])
    .where('r.child_id', '=', childId)
    .executeTakeFirst();
}

/** Requests still being answered for this child (they block its disposal). */
export async function openSarIds(db: Kysely<DB>, childId: string): Promise<string[]> {
  const rows = await db.selectFrom('sar').select('id').where('child_id', '=', childId).where('status', 'in', [...SAR_ACTIVE_STATUSES]).orderBy('received_on').orderBy('id').execute();
  return rows.map((r) => r.id);
}

// Events ------------------------------------------------------------------------------

export interface IdentityRow {
  sar_id: string;
  method: string;
  authority_evidence: string | null;
  note: string;
  verified_on: string;
  verified_at: Date;
  verified_by: string;
  verified_by_name: string;
}

export async function identities(db: Kysely<DB>, ids: string[]): Promise<IdentityRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('sar_identity as i').innerJoin('app_user as u', 'u.id', 'i.verified_by').selectAll('i').select('u.display_name as verified_by_name').where('i.sar_id', 'in', ids).execute();
}

export async function insertIdentity(db: Kysely<DB>, r: { sarId: string; method: string; authorityEvidence: string | null; note: string; on: string; at: Date; by: string }): Promise<void> {
  await db
    .insertInto('sar_identity')
    .values({ sar_id: r.sarId, method: r.method, authority_evidence: r.authorityEvidence, note: r.note, verified_on: r.on, verified_at: r.at, verified_by: r.by })
    .execute();
}

export interface PauseRow {
  id: string;
  sar_id: string;
  reason: string;
  note: string;
  paused_on: string;
  paused_at: Date;
  paused_by: string;
  paused_by_name: string;
  resumed_on: string | null;
  resumed_at: Date | null;
  resume_note: string | null;
  resumed_by_name: string | null;
}

export async function pauses(db: Kysely<DB>, ids: string[]): Promise<PauseRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('sar_pause as p')
    .innerJoin('app_user as u', 'u.id', 'p.paused_by')
    .leftJoin('sar_resume as r', 'r.pause_id', 'p.id')
    .leftJoin('app_user as ru', 'ru.id', 'r.resumed_by')
    .selectAll('p')
    .select(['u.display_name as paused_by_name', 'r.resumed_on', 'r.resumed_at', 'r.note as resume_note', 'ru.display_name as resumed_by_name'])
    .where('p.sar_id', 'in', ids)
    .orderBy('p.paused_at')
    .orderBy('p.id')
    .execute();
}

export async function insertPause(db: Kysely<DB>, r: { sarId: string; reason: string; note: string; on: string; at: Date; by: string }): Promise<void> {
  await db.insertInto('sar_pause').values({ sar_id: r.sarId, reason: r.reason, note: r.note, paused_on: r.on, paused_at: r.at, paused_by: r.by }).execute();
}

export async function insertResume(db: Kysely<DB>, r: { pauseId: string; note: string; on: string; at: Date; by: string }): Promise<void> {
  await db.insertInto('sar_resume').values({ pause_id: r.pauseId, note: r.note, resumed_on: r.on, resumed_at: r.at, resumed_by: r.by }).execute();
}

export interface ExtensionRow {
  id: string;
  sar_id: string;
  months: number;
  reason: string;
  told_on: string;
  extended_at: Date;
  extended_by: string;
  extended_by_name: string;
}

export async function extensions(db: Kysely<DB>, ids: string[]): Promise<ExtensionRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('sar_extension as x')
    .innerJoin('app_user as u', 'u.id', 'x.extended_by')
    .selectAll('x')
    .select('u.display_name as extended_by_name')
    .where('x.sar_id', 'in', ids)
    .orderBy('x.extended_at')
    .orderBy('x.id')
    .execute();
}

export async function insertExtension(db: Kysely<DB>, r: { sarId: string; months: number; reason: string; toldOn: string; at: Date; by: string }): Promise<void> {
  await db.insertInto('sar_extension').values({ sar_id: r.sarId, months: r.months, reason: r.reason, told_on: r.toldOn, extended_at: r.at, extended_by: r.by }).execute();
}

/** A redaction decision with the decider's name (the sar id is the caller's). */
export type DecisionRow = Omit<Selectable<SarRedactionDecisionTable>, 'sar_id'> & { decided_by_name: string };

/** The standing (latest) decision on each redaction of a request. */
export async function latestDecisions(db: Kysely<DB>, sarId: string): Promise<Map<string, DecisionRow>> {
  const { rows } = await sql<DecisionRow>`
    select distinct on (d.redaction_id) d.seq, d.redaction_id, d.source, d.entry_id, d.entry_version, d.field, d.start_offset, d.end_offset,
           d.reason, d.accept, d.exemption, d.note, d.decided_at, d.decided_by, u.display_name as decided_by_name
      from sar_redaction_decision d join app_user u on u.id = d.decided_by
     where d.sar_id = ${sarId}
     order by d.redaction_id, d.seq desc`.execute(db);
  return new Map(rows.map((r) => [r.redaction_id, { ...r, seq: Number(r.seq) }]));
}

export interface NewDecision {
  redactionId: string;
  source: 'proposed' | 'manual';
  entryId: string;
  version: number;
  field: string;
  start: number;
  end: number;
  reason: string;
  accept: boolean;
  exemption: string | null;
  note: string;
}

/** Runs `write` over `rows` in batches small enough for PostgreSQL's 65,535 parameters per statement. */
async function inBatches<T>(rows: readonly T[], write: (batch: readonly T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += 2_000) await write(rows.slice(i, i + 2_000));
}

export async function insertDecisions(db: Kysely<DB>, sarId: string, decisions: readonly NewDecision[], at: Date, by: string): Promise<void> {
  await inBatches(decisions, (batch) =>
    db
      .insertInto('sar_redaction_decision')
      .values(
        batch.map((d) => ({
          sar_id: sarId,
          redaction_id: d.redactionId,
          source: d.source,
          entry_id: d.entryId,
          entry_version: d.version,
          field: d.field,
          start_offset: d.start,
          end_offset: d.end,
          reason: d.reason,
          accept: d.accept,
          exemption: d.exemption,
          note: d.note,
          decided_at: at,
          decided_by: by,
        })),
      )
      .execute(),
  );
}

/** A document decision with the decider's name (the sar id is the caller's). */
export type DocumentDecisionRow = Omit<Selectable<SarDocumentDecisionTable>, 'sar_id'> & { decided_by_name: string };

/** The standing (latest) decision on each document of a request, by document id. */
export async function latestDocumentDecisions(db: Kysely<DB>, sarId: string): Promise<Map<string, DocumentDecisionRow>> {
  const { rows } = await sql<DocumentDecisionRow>`
    select distinct on (d.document_id) d.seq, d.document_id, d.entry_id, d.sha256, d.disclose, d.exemption, d.note, d.decided_at, d.decided_by, u.display_name as decided_by_name
      from sar_document_decision d join app_user u on u.id = d.decided_by
     where d.sar_id = ${sarId}
     order by d.document_id, d.seq desc`.execute(db);
  return new Map(rows.map((r) => [r.document_id, { ...r, seq: Number(r.seq) }]));
}

export interface NewDocumentDecision {
  documentId: string;
  entryId: string;
  sha256: string;
  disclose: boolean;
  exemption: string | null;
  note: string;
}

export async function insertDocumentDecisions(db: Kysely<DB>, sarId: string, decisions: readonly NewDocumentDecision[], at: Date, by: string): Promise<void> {
  await inBatches(decisions, (batch) =>
    db
      .insertInto('sar_document_decision')
      .values(
        batch.map((d) => ({
          sar_id: sarId,
          document_id: d.documentId,
          entry_id: d.entryId,
          sha256: d.sha256,
          disclose: d.disclose,
          exemption: d.exemption,
          note: d.note,
          decided_at: at,
          decided_by: by,
        })),
      )
      .execute(),
  );
}

export interface ApprovalRow {
  sar_id: string;
  entries: Array<{ entryId: string; version: number }>;
  redaction_ids: string[];
  /** Null: approved before documents were reviewed (migration 0700). */
  documents: ApprovedDocument[] | null;
  proposals: number;
  accepted: number;
  approved_at: Date;
  approved_by: string;
  approved_by_name: string;
}

export async function approval(db: Kysely<DB>, sarId: string): Promise<ApprovalRow | undefined> {
  return db
    .selectFrom('sar_approval as a')
    .innerJoin('app_user as u', 'u.id', 'a.approved_by')
    .selectAll('a')
    .select('u.display_name as approved_by_name')
    .where('a.sar_id', '=', sarId)
    .executeTakeFirst();
}

export async function approvalSummaries(
  db: Kysely<DB>,
  ids: string[],
): Promise<Array<Omit<ApprovalRow, 'entries' | 'redaction_ids' | 'documents'> & { entry_count: number; documents_disclosed: number | null; documents_withheld: number | null }>> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('sar_approval as a')
    .innerJoin('app_user as u', 'u.id', 'a.approved_by')
    .select([
      'a.sar_id',
      'a.proposals',
      'a.accepted',
      'a.approved_at',
      'a.approved_by',
      'u.display_name as approved_by_name',
      sql<number>`jsonb_array_length(a.entries)`.as('entry_count'),
      sql<number | null>`case when a.documents is not null then (select count(*)::int from jsonb_array_elements(a.documents) d where (d ->> 'disclose')::boolean) end`.as('documents_disclosed'),
      sql<number | null>`case when a.documents is not null then (select count(*)::int from jsonb_array_elements(a.documents) d where not (d ->> 'disclose')::boolean) end`.as('documents_withheld'),
    ])
    .where('a.sar_id', 'in', ids)
    .execute();
}

export async function insertApproval(
  db: Kysely<DB>,
  r: { sarId: string; entries: Array<{ entryId: string; version: number }>; redactionIds: string[]; documents: ApprovedDocument[]; proposals: number; accepted: number; at: Date; by: string },
): Promise<void> {
  await db
    .insertInto('sar_approval')
    .values({
      sar_id: r.sarId,
      entries: JSON.stringify(r.entries),
      redaction_ids: r.redactionIds,
      documents: JSON.stringify(r.documents),
      proposals: r.proposals,
      accepted: r.accepted,
      approved_at: r.at,
      approved_by: r.by,
    })
    .execute();
}

export async function refusals(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('sar_refusal as r').innerJoin('app_user as u', 'u.id', 'r.refused_by').selectAll('r').select('u.display_name as refused_by_name').where('r.sar_id', 'in', ids).execute();
}

export async function insertRefusal(db: Kysely<DB>, r: { sarId: string; grounds: string; reason: string; at: Date; by: string }): Promise<void> {
  await db.insertInto('sar_refusal').values({ sar_id: r.sarId, grounds: r.grounds, reason: r.reason, refused_at: r.at, refused_by: r.by }).execute();
}

export async function disclosures(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('sar_disclosure as d')
    .innerJoin('app_user as u', 'u.id', 'd.disclosed_by')
    .selectAll('d')
    .select('u.display_name as disclosed_by_name')
    .where('d.sar_id', 'in', ids)
    .orderBy('d.disclosed_at')
    .orderBy('d.id')
    .execute();
}

export async function insertDisclosure(db: Kysely<DB>, r: { sarId: string; sha256: string; pages: number; bytes: number; documents: DisclosedDocument[] | null; at: Date; by: string }): Promise<string> {
  const row = await db
    .insertInto('sar_disclosure')
    .values({ sar_id: r.sarId, bundle_sha256: r.sha256, pages: r.pages, bytes: r.bytes, documents: r.documents === null ? null : JSON.stringify(r.documents), disclosed_at: r.at, disclosed_by: r.by })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
