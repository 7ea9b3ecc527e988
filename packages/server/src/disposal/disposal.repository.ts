import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** Disposals: requests, approvals, and the one transaction that removes a child's rows (migration 0410). */

export interface DisposalRow {
  id: string;
  /** Exactly one of child_id and carer_id: the record to destroy. */
  child_id: string | null;
  carer_id: string | null;
  reason: string;
  requested_at: Date;
  requested_by: string;
  requested_by_name: string;
  executed_at: Date | null;
  audit_seq: number | null;
  certificate_sha256: string | null;
}

function base(db: Kysely<DB>) {
  return db
    .selectFrom('disposal as d')
    .innerJoin('app_user as u', 'u.id', 'd.requested_by')
    .leftJoin('disposal_execution as x', 'x.disposal_id', 'd.id')
    .select(['d.id', 'd.child_id', 'd.carer_id', 'd.reason', 'd.requested_at', 'd.requested_by', 'u.display_name as requested_by_name', 'x.executed_at', 'x.audit_seq', 'x.certificate_sha256']);
}

export async function findDisposal(db: Kysely<DB>, id: string): Promise<DisposalRow | undefined> {
  return base(db).where('d.id', '=', id).executeTakeFirst();
}

export async function listDisposals(db: Kysely<DB>, q: { childId?: string; carerId?: string; status: 'awaiting-approval' | 'executed' | 'all' }): Promise<DisposalRow[]> {
  let query = base(db);
  if (q.childId !== undefined) query = query.where('d.child_id', '=', q.childId);
  if (q.carerId !== undefined) query = query.where('d.carer_id', '=', q.carerId);
  if (q.status === 'executed') query = query.where('x.disposal_id', 'is not', null);
  if (q.status === 'awaiting-approval') query = query.where('x.disposal_id', 'is', null);
  return query.orderBy('d.requested_at', 'desc').limit(500).execute();
}

export async function approvalsOf(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('disposal_approval as a')
    .innerJoin('app_user as u', 'u.id', 'a.approver_id')
    .select(['a.disposal_id', 'a.approver_id', 'u.display_name', 'a.role', 'a.approved_at'])
    .where('a.disposal_id', 'in', ids)
    .orderBy('a.approved_at')
    .execute();
}

export async function insertDisposal(db: Kysely<DB>, d: { childId: string | null; carerId: string | null; reason: string; at: Date; by: string }): Promise<string> {
  const row = await db
    .insertInto('disposal')
    .values({ child_id: d.childId, carer_id: d.carerId, reason: d.reason, requested_at: d.at, requested_by: d.by })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertApproval(db: Kysely<DB>, a: { disposalId: string; approverId: string; role: string; at: Date }): Promise<void> {
  await db.insertInto('disposal_approval').values({ disposal_id: a.disposalId, approver_id: a.approverId, role: a.role, approved_at: a.at }).execute();
}

export async function recordStatus(db: Kysely<DB>, childId: string, lock = false): Promise<string | undefined> {
  const q = db.selectFrom('case_record').select('status').where('child_id', '=', childId);
  return (await (lock ? q.forUpdate() : q).executeTakeFirst())?.status;
}

export async function certificateOf(db: Kysely<DB>, id: string): Promise<{ certificate: Record<string, unknown>; sha256: string; auditSeq: number | null } | undefined> {
  const row = await db.selectFrom('disposal_execution').select(['certificate', 'certificate_sha256', 'audit_seq']).where('disposal_id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : { certificate: row.certificate, sha256: row.certificate_sha256, auditSeq: row.audit_seq };
}

/** What the record holds, counted, for the certificate: what was destroyed, without keeping it. */
export async function inventory(db: Kysely<DB>, childId: string) {
  const child = await db.selectFrom('child').select(['given_name', 'family_name', 'local_id']).where('id', '=', childId).executeTakeFirst();
  const kinds = await db.selectFrom('entry').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).where('child_id', '=', childId).groupBy('kind').orderBy('kind').execute();
  const versions = await sql<{ n: string }>`select count(*) as n from entry_version v join entry e on e.id = v.entry_id where e.child_id = ${childId}`.execute(db);
  const documents = await db.selectFrom('document').select(['id', 'sha256', 'size', 'content_type']).where('child_id', '=', childId).orderBy('id').execute();
  const involvements = await db.selectFrom('involvement').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).where('child_id', '=', childId).groupBy('kind').orderBy('kind').execute();
  const count = async (table: 'child_version' | 'allocation' | 'relationship' | 'duplicate_override') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', childId).executeTakeFirstOrThrow()).n);
  const paperFiles = await db
    .selectFrom('paper_file as f')
    .leftJoin('box as b', 'b.id', 'f.box_id')
    .select(['f.id', 'b.barcode', 'f.location'])
    .where('f.child_id', '=', childId)
    .where('f.destroyed_at', 'is', null)
    .orderBy('f.created_at')
    .execute();
  return {
    child,
    entriesByKind: Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)])),
    entries: kinds.reduce((s, k) => s + Number(k.n), 0),
    versions: Number(versions.rows[0]?.n ?? 0),
    documents: documents.map((d) => ({ id: d.id, sha256: d.sha256, size: Number(d.size), contentType: d.content_type })),
    involvementsByKind: Object.fromEntries(involvements.map((i) => [i.kind, Number(i.n)])),
    childVersions: await count('child_version'),
    allocations: await count('allocation'),
    relationships: await count('relationship'),
    duplicateOverrides: await count('duplicate_override'),
    paperFiles: paperFiles.map((f) => ({ id: f.id, boxBarcode: f.barcode, location: f.location })),
  };
}

/** A running SHA-256 over labelled rows, each as canonical JSON (a certificate's `contentSha256`). */
export function contentHash(): { add: (label: string, rows: unknown[]) => void; hex: () => string } {
  const hash = createHash('sha256');
  return {
    add: (label, rows) => {
      for (const r of rows) hash.update(`${label}\n${canonicalize(r) ?? ''}\n`);
    },
    hex: () => hash.digest('hex'),
  };
}

/**
 * SHA-256 over the canonical JSON of everything about to be removed, in a fixed order:
 * whoever kept a copy can show it is exactly what was destroyed, and nobody can claim
 * more or less was.
 */
export async function contentDigest(db: Kysely<DB>, childId: string): Promise<string> {
  const { add, hex } = contentHash();
  add('child_version', await db.selectFrom('child_version').selectAll().where('child_id', '=', childId).orderBy('version').execute());
  add('involvement', await db.selectFrom('involvement').selectAll().where('child_id', '=', childId).orderBy('id').execute());
  add('entry', await db.selectFrom('entry').selectAll().where('child_id', '=', childId).orderBy('id').execute());
  add(
    'entry_version',
    await db.selectFrom('entry_version as v').innerJoin('entry as e', 'e.id', 'v.entry_id').selectAll('v').where('e.child_id', '=', childId).orderBy('v.entry_id').orderBy('v.version').execute(),
  );
  add('document', await db.selectFrom('document').selectAll().where('child_id', '=', childId).orderBy('id').execute());
  return hex();
}

/** Holds that once covered the record, a child's or a carer's, and were released (the certificate names them). */
export async function releasedHoldsCovering(db: Kysely<DB>, subject: { childId: string } | { carerId: string }) {
  const classes =
    'childId' in subject
      ? sql`(select l.record_classes from retention_label l where l.child_id = ${subject.childId})`
      : sql`(select l.record_classes from carer_retention_label l where l.carer_id = ${subject.carerId})`;
  const named =
    'childId' in subject
      ? sql`h.scope = 'children' and exists (select 1 from hold_subject s where s.hold_id = h.id and s.child_id = ${subject.childId})`
      : sql`h.scope = 'carers' and exists (select 1 from hold_subject s where s.hold_id = h.id and s.carer_id = ${subject.carerId})`;
  const { rows } = await sql<{ id: string; name: string; released_at: Date }>`
    select h.id, h.name, r.released_at from hold h join hold_release r on r.hold_id = h.id
     where h.scope = 'all'
        or (h.scope = 'record-class' and h.record_class = any (coalesce(${classes}, '{}')))
        or (${named})
     order by r.released_at, h.name`.execute(db);
  return rows.map((r) => ({ id: r.id, name: r.name, releasedAt: r.released_at.toISOString() }));
}

export async function insertExecution(db: Kysely<DB>, x: { disposalId: string; childId: string | null; carerId: string | null; at: Date; certificate: Record<string, unknown>; sha256: string }): Promise<void> {
  await db
    .insertInto('disposal_execution')
    .values({ disposal_id: x.disposalId, child_id: x.childId, carer_id: x.carerId, executed_at: x.at, certificate: JSON.stringify(x.certificate), certificate_sha256: x.sha256 })
    .execute();
}

export async function setAuditSeq(db: Kysely<DB>, disposalId: string, seq: number): Promise<void> {
  await db.updateTable('disposal_execution').set({ audit_seq: seq }).where('disposal_id', '=', disposalId).execute();
}

/**
 * Removes every row of the child's record. Runs only in the transaction that inserted
 * the disposal's execution: the database refuses these deletes anywhere else. Returns
 * the stored files no document refers to any more.
 */
export async function removeRecord(db: Kysely<DB>, childId: string, at: Date, by: string, reason: string): Promise<string[]> {
  // Writers hold the record's key share while they add to it; this waits for them, and they for us.
  await sql`select 1 from case_record where child_id = ${childId} for update`.execute(db);
  await sql`select 1 from entry where child_id = ${childId} for update`.execute(db);
  const shas = (await db.selectFrom('document').select('sha256').distinct().where('child_id', '=', childId).execute()).map((d) => d.sha256);
  await db.deleteFrom('document').where('child_id', '=', childId).execute();
  await sql`delete from entry_version v using entry e where e.id = v.entry_id and e.child_id = ${childId}`.execute(db);
  await db.deleteFrom('entry_summary').where('child_id', '=', childId).execute();
  await db.deleteFrom('entry').where('child_id', '=', childId).execute();
  await db.deleteFrom('child_version').where('child_id', '=', childId).execute();
  await db.deleteFrom('child').where('id', '=', childId).execute();
  for (const table of ['involvement', 'allocation', 'relationship', 'duplicate_override'] as const) {
    await db.deleteFrom(table).where('child_id', '=', childId).execute();
  }
  // Replies kept for idempotent retries may quote the record.
  await sql`delete from idempotency_record where child_ids && array[${childId}]::uuid[]`.execute(db);
  const released: string[] = [];
  for (const sha of shas) {
    const used = await db.selectFrom('document').select('id').where('sha256', '=', sha).limit(1).executeTakeFirst();
    if (used === undefined) {
      await db.deleteFrom('blob').where('sha256', '=', sha).execute();
      released.push(sha);
    }
  }
  await sql`insert into paper_file_event (paper_file_id, event, note, at, by_user)
    select id, 'destroyed', 'Destroyed with the electronic record: shred it and keep the certificate.', ${at}, ${by}
      from paper_file where child_id = ${childId} and destroyed_at is null`.execute(db);
  await db.updateTable('paper_file').set({ destroyed_at: at }).where('child_id', '=', childId).where('destroyed_at', 'is', null).execute();
  await db.updateTable('case_record').set({ status: 'destroyed' }).where('child_id', '=', childId).execute();
  await db.insertInto('record_status_change').values({ child_id: childId, status: 'destroyed', reason, changed_at: at, changed_by: by }).execute();
  return released;
}
