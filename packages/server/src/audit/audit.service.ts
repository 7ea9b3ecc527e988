import { sql, type Kysely } from 'kysely';
import {
  addDays,
  type AuditRecord,
  bytesEqual,
  checkAuditRow,
  DomainError,
  GENESIS_HASH,
  hasRole,
  invalid,
  isCalendarDate,
  londonStartOfDay,
  MerkleFrontier,
  toHex,
  type AuditRowProblem,
  type Role,
  type StoredSubtree,
} from '@safekeep/core';
import { recordExists } from '../access/access.repository.js';
import { requireChildAccess } from '../access/child-access.js';
import { requireRole } from '../access/roles.js';
import type { DB } from '../db/schema.js';
import type { Work } from '../db/work.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import * as repo from './audit.repository.js';
import { MERKLE_STORED_FROM_LEVEL } from './merkle.repository.js';

export interface AccessLogItem {
  seq: number;
  at: string;
  action: string;
  outcome: string;
  basis: string | null;
  actor: { id: string; username: string; displayName: string } | null;
  entityType: string | null;
  entityId: string | null;
  requestId: string | null;
  detail: Record<string, unknown>;
}

/**
 * Who read or changed this record, when, and on what basis. Anyone who may see the
 * record may see its access log (transparency about who has looked); so may the data
 * protection officer, who oversees access.
 */
export async function accessLog(w: Work, childId: string, limit: number, cursor: string | undefined) {
  let basis: string;
  if (hasRole(w.actor, 'dpo')) {
    if (!(await recordExists(w.db, childId))) throw new DomainError('NOT_FOUND', 'There is no child record with that id.');
    basis = 'role:dpo';
  } else {
    basis = await requireChildAccess(w, childId, 'access-log.read');
  }
  const after = decodeCursor(cursor, { s: 'integer' });
  const rows = await repo.listAuditEvents(w.db, { childId, limit: limit + 1, ...(after !== null ? { beforeSeq: Number(after.s) } : {}) });
  const page = rows.slice(0, limit);
  const actorIds = [...new Set(page.map((r) => r.actor_id).filter((id): id is string => id !== null))];
  const actors = actorIds.length === 0 ? [] : await w.db.selectFrom('app_user').select(['id', 'username', 'display_name']).where('id', 'in', actorIds).execute();
  const byId = new Map(actors.map((a) => [a.id, a]));
  w.audit({ action: 'access-log.read', childIds: [childId], basis });
  const last = page.at(-1);
  return {
    items: page.map((r): AccessLogItem => {
      const a = r.actor_id === null ? undefined : byId.get(r.actor_id);
      return {
        seq: r.seq,
        at: r.at.toISOString(),
        action: r.action,
        outcome: r.outcome,
        basis: r.basis,
        actor: a === undefined ? null : { id: a.id, username: a.username, displayName: a.display_name },
        entityType: r.entity_type,
        entityId: r.entity_id,
        requestId: r.request_id,
        detail: r.detail,
      };
    }),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor({ s: String(last.seq) }) : null,
  };
}

export interface VerifyResult {
  ok: boolean;
  size: number;
  /** The chain hash of the last intact event (hex). */
  head: string | null;
  /** The RFC 9162 tree head over every event, recomputed from the rows (when intact). */
  treeHead: { treeSize: number; rootHash: string } | null;
  firstBad: { seq: number; problem: AuditRowProblem | 'head-mismatch' | 'merkle-node-mismatch' } | null;
}

/** Stored Merkle subtrees among these, compared with what the rows give; the first that differs, and how many matched. */
async function compareStoredSubtrees(db: Kysely<DB>, computed: readonly StoredSubtree[]): Promise<{ bad: StoredSubtree | null; matched: number }> {
  if (computed.length === 0) return { bad: null, matched: 0 };
  const { rows } = await sql<{ level: number; idx: number; hash: Buffer }>`
    select n.level, n.idx, n.hash
      from audit_merkle_node n
      join unnest(${computed.map((c) => c.level)}::smallint[], ${computed.map((c) => c.index)}::bigint[]) as q(level, idx) using (level, idx)`.execute(db);
  const stored = new Map(rows.map((r) => [`${r.level}:${Number(r.idx)}`, new Uint8Array(r.hash)]));
  for (const c of computed) {
    const s = stored.get(`${c.level}:${c.index}`);
    if (s !== undefined && !bytesEqual(s, c.hash)) return { bad: c, matched: 0 };
  }
  return { bad: null, matched: stored.size };
}

/**
 * Walks the whole trail in order and checks every link: positions without gaps, each
 * payload matching its columns, each leaf hash, each back-link and chain hash. Stops at
 * the first bad row and says where. On the way it rebuilds the Merkle tree from the leaf
 * hashes, checks each stored subtree against it (and that none is stored beyond the
 * log), and gives the tree head. It only reads.
 */
export async function verifyAuditTrail(db: Kysely<DB>, onProgress?: (checked: number) => void, batchSize = 5000): Promise<VerifyResult> {
  let prev = GENESIS_HASH;
  let expected = 0;
  const tree = new MerkleFrontier();
  // Subtrees stored before the walk all cover events the walk will reach, so each must be met.
  const storedBefore = Number((await db.selectFrom('audit_merkle_node').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  let storedMatched = 0;
  const failed = (seq: number, problem: NonNullable<VerifyResult['firstBad']>['problem']): VerifyResult => ({
    ok: false,
    size: expected,
    head: expected === 0 ? null : toHex(prev),
    treeHead: null,
    firstBad: { seq, problem },
  });
  for (;;) {
    const rows = await repo.auditBatch(db, expected, batchSize);
    if (rows.length === 0) break;
    const completed: StoredSubtree[] = [];
    for (const row of rows) {
      const problem = checkAuditRow(repo.toStoredRow(row), expected, prev);
      if (problem !== null) return failed(expected, problem);
      for (const s of tree.append(new Uint8Array(row.leaf_hash))) if (s.level >= MERKLE_STORED_FROM_LEVEL) completed.push(s);
      prev = new Uint8Array(row.chain_hash);
      expected += 1;
    }
    const { bad, matched } = await compareStoredSubtrees(db, completed);
    if (bad !== null) return failed(bad.index * 2 ** bad.level, 'merkle-node-mismatch');
    storedMatched += matched;
    onProgress?.(expected);
    if (rows.length < batchSize) break;
  }
  // Rows removed from the end leave a shorter chain that is intact in itself; the head
  // row still counts them, and a published checkpoint covers an attacker who rewrites
  // the head too.
  const head = await repo.auditHead(db);
  if (head.size !== expected || !bytesEqual(head.lastChain, prev)) return failed(Math.min(head.size, expected), 'head-mismatch');
  // One stored beyond what the events give (a forged row) was never met on the walk.
  if (storedMatched < storedBefore) return failed(expected, 'merkle-node-mismatch');
  return { ok: true, size: expected, head: expected === 0 ? null : toHex(prev), treeHead: { treeSize: expected, rootHash: toHex(tree.root()) }, firstBad: null };
}

/* ----- GET /api/v1/audit ----- */

/** Who may list the whole trail. */
export const AUDIT_READERS: readonly Role[] = ['dpo', 'head-of-service'];

export interface AuditListParams {
  childId?: string;
  userId?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/** An audit record as listed: the actor named rather than by id, and the leaf hash its proofs start from. */
export type AuditListItem = Omit<AuditRecord, 'actorId'> & {
  actor: { id: string; username: string; displayName: string } | null;
  leafHash: string;
};

/** A date means the whole London day (from its start, to its end); an instant means itself (from inclusive, to exclusive). */
function boundary(value: string | undefined, end: boolean): Date | undefined {
  if (value === undefined) return undefined;
  return isCalendarDate(value) ? londonStartOfDay(end ? addDays(value, 1) : value) : new Date(value);
}

/**
 * The whole audit trail, newest first, for those who oversee it: filtered by child, by
 * acting user and by time, keyset-paged on the position. Reading it is itself audited
 * (naming the child when filtered by one, so it shows in that child's access log).
 */
export async function listAudit(w: Work, p: AuditListParams): Promise<{ items: AuditListItem[]; nextCursor: string | null }> {
  requireRole(w, 'audit.read', AUDIT_READERS, p.childId !== undefined ? { childIds: [p.childId] } : undefined);
  const from = boundary(p.from, false);
  const to = boundary(p.to, true);
  if (from !== undefined && to !== undefined && from >= to) throw invalid({ field: 'from', message: 'must be before to' });
  const after = decodeCursor(p.cursor, { s: 'integer' });
  const rows = await repo.listAuditEvents(w.db, {
    ...(p.childId !== undefined ? { childId: p.childId } : {}),
    ...(p.userId !== undefined ? { actorId: p.userId } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(after !== null ? { beforeSeq: Number(after.s) } : {}),
    limit: p.limit + 1,
  });
  const page = rows.slice(0, p.limit);
  const actorIds = [...new Set(page.map((r) => r.actor_id).filter((id): id is string => id !== null))];
  const actors = actorIds.length === 0 ? [] : await w.db.selectFrom('app_user').select(['id', 'username', 'display_name']).where('id', 'in', actorIds).execute();
  const byId = new Map(actors.map((a) => [a.id, a]));
  const role = AUDIT_READERS.find((r) => hasRole(w.actor, r)) ?? 'dpo';
  w.audit({
    action: 'audit.read',
    childIds: p.childId !== undefined ? [p.childId] : [],
    basis: `role:${role}`,
    detail: { userId: p.userId ?? null, from: p.from ?? null, to: p.to ?? null, returned: page.length },
  });
  const last = page.at(-1);
  return {
    items: page.map((r): AuditListItem => {
      const a = r.actor_id === null ? undefined : byId.get(r.actor_id);
      const { actorId: _actorId, ...record } = repo.toAuditRecord(r);
      return { ...record, actor: a === undefined ? null : { id: a.id, username: a.username, displayName: a.display_name }, leafHash: toHex(new Uint8Array(r.leaf_hash)) };
    }),
    nextCursor: rows.length > p.limit && last !== undefined ? encodeCursor({ s: String(last.seq) }) : null,
  };
}
