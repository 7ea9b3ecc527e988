import { sql, type Kysely, type RawBuilder } from 'kysely';
import { auditPayload, leafHash, type AuditRecord, type StoredAuditRow } from '@safekeep/core';
import type { DB, Row } from '../db/schema.js';

/**
 * Appends events to the chain, one statement each: the statement moves the head row
 * (next position, chain hash computed in SQL as SHA-256(prev ‖ leaf)) and inserts the
 * event from what the head returns. The head's row lock orders concurrent writers
 * until their commit, and a waiting writer re-reads the head the winner left, so
 * positions never repeat or skip and the chain never forks. The leaf hash is computed
 * here, from the canonical payload.
 */
export async function appendAuditRecords(tx: Kysely<DB>, records: ReadonlyArray<Omit<AuditRecord, 'seq'>>): Promise<number> {
  let last = -1;
  for (const r of records) {
    const payload = auditPayload(r);
    const leaf = Buffer.from(leafHash(payload));
    const { rows } = await sql<{ seq: number }>`
      with head as (
        update audit_head
           set next_seq = next_seq + 1, prev_chain = last_chain, last_chain = sha256(last_chain || ${leaf})
         where id = 1
        returning next_seq - 1 as seq, prev_chain, last_chain
      )
      insert into audit_event (seq, id, at, actor_id, action, outcome, basis, child_ids, entity_type, entity_id, request_id, detail, payload, leaf_hash, prev_hash, chain_hash)
      select head.seq, ${r.id}, ${r.at}, ${r.actorId}, ${r.action}, ${r.outcome}, ${r.basis}, ${r.childIds}::uuid[], ${r.entityType}, ${r.entityId},
             ${r.requestId}, ${JSON.stringify(r.detail)}::jsonb, ${payload}, ${leaf}, head.prev_chain, head.last_chain
        from head
      returning seq`.execute(tx);
    last = rows[0]?.seq ?? last;
  }
  return last;
}

/** Stands in the payload for a basis the statement itself decides (JSON-escaped, it cannot clash). */
const BASIS_SLOT = '\u0001basis\u0001';

/**
 * The audit event for a change made in a single statement, as CTEs to place after the
 * change's own: `when` says whether the change happened, `basis` is the access basis the
 * statement found. The payload is canonical JSON built here with a slot for the basis,
 * which SQL fills (`to_json` escapes the plain ASCII bases exactly as RFC 8785 does);
 * the leaf hash is then SHA-256(0x00 ‖ payload) computed by the database, the same
 * formula as core's leafHash, which `audit verify` recomputes for every row.
 * Produces CTEs `audit_move` and `audit_row` (its `seq`).
 */
export function auditEventCtes(record: Omit<AuditRecord, 'seq' | 'basis'>, basis: RawBuilder<string | null>, when: RawBuilder<boolean>): RawBuilder<unknown> {
  const template = auditPayload({ ...record, basis: BASIS_SLOT });
  const slot = JSON.stringify(BASIS_SLOT);
  return sql`
    audit_payload as (select replace(${template}::text, ${slot}::text, to_json((${basis})::text)::text) as payload),
    audit_leaf as (select payload, sha256('\\x00'::bytea || convert_to(payload, 'UTF8')) as leaf from audit_payload),
    audit_move as (
      update audit_head
         set next_seq = next_seq + 1, prev_chain = last_chain, last_chain = sha256(last_chain || (select leaf from audit_leaf))
       where id = 1 and (${when})
      returning next_seq - 1 as seq, prev_chain, last_chain
    ),
    audit_row as (
      insert into audit_event (seq, id, at, actor_id, action, outcome, basis, child_ids, entity_type, entity_id, request_id, detail, payload, leaf_hash, prev_hash, chain_hash)
      select m.seq, ${record.id}, ${record.at}, ${record.actorId}, ${record.action}, ${record.outcome}, (${basis}), ${record.childIds}::uuid[], ${record.entityType},
             ${record.entityId}, ${record.requestId}, ${JSON.stringify(record.detail)}::jsonb, l.payload, l.leaf, m.prev_chain, m.last_chain
        from audit_move m, audit_leaf l
      returning seq
    )`;
}

export function toAuditRecord(row: Row<'audit_event'>): AuditRecord {
  return {
    seq: row.seq,
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actor_id,
    action: row.action,
    outcome: row.outcome as AuditRecord['outcome'],
    basis: row.basis,
    childIds: row.child_ids,
    entityType: row.entity_type,
    entityId: row.entity_id,
    requestId: row.request_id,
    detail: row.detail,
  };
}

export function toStoredRow(row: Row<'audit_event'>): StoredAuditRow {
  return {
    record: toAuditRecord(row),
    payload: row.payload,
    leafHash: new Uint8Array(row.leaf_hash),
    prevHash: new Uint8Array(row.prev_hash),
    chainHash: new Uint8Array(row.chain_hash),
  };
}

/** Rows in seq order from `fromSeq`, a batch at a time (audit verify streams the whole trail). */
export async function auditBatch(db: Kysely<DB>, fromSeq: number, size: number): Promise<Array<Row<'audit_event'>>> {
  return db.selectFrom('audit_event').selectAll().where('seq', '>=', fromSeq).orderBy('seq').limit(size).execute();
}

export interface AuditQuery {
  childId?: string;
  actorId?: string;
  /** Events at or after this instant. */
  from?: Date;
  /** Events before this instant. */
  to?: Date;
  beforeSeq?: number;
  limit: number;
}

/** Newest first, keyset-paged on seq. */
export async function listAuditEvents(db: Kysely<DB>, q: AuditQuery): Promise<Array<Row<'audit_event'>>> {
  let query = db.selectFrom('audit_event').selectAll();
  if (q.childId !== undefined) query = query.where(sql<boolean>`child_ids @> array[${q.childId}]::uuid[]`);
  if (q.actorId !== undefined) query = query.where('actor_id', '=', q.actorId);
  if (q.from !== undefined) query = query.where('at', '>=', q.from);
  if (q.to !== undefined) query = query.where('at', '<', q.to);
  if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
  return query.orderBy('seq', 'desc').limit(q.limit).execute();
}

/** The head of the chain: how many events there should be, and the last chain hash. */
export async function auditHead(db: Kysely<DB>): Promise<{ size: number; lastChain: Uint8Array }> {
  const row = await db.selectFrom('audit_head').select(['next_seq', 'last_chain']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { size: row.next_seq, lastChain: new Uint8Array(row.last_chain) };
}
