import type { Kysely } from 'kysely';
import { bytesEqual, checkAuditRow, DomainError, GENESIS_HASH, hasRole, toHex, type AuditRowProblem } from '@safekeep/core';
import { recordExists } from '../access/access.repository.js';
import { requireChildAccess } from '../access/child-access.js';
import type { DB } from '../db/schema.js';
import type { Work } from '../db/work.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import * as repo from './audit.repository.js';

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
  firstBad: { seq: number; problem: AuditRowProblem | 'head-mismatch' } | null;
}

/**
 * Walks the whole trail in order and checks every link: positions without gaps, each
 * payload matching its columns, each leaf hash, each back-link and chain hash. Stops at
 * the first bad row and says where.
 */
export async function verifyAuditTrail(db: Kysely<DB>, onProgress?: (checked: number) => void, batchSize = 5000): Promise<VerifyResult> {
  let prev = GENESIS_HASH;
  let expected = 0;
  for (;;) {
    const rows = await repo.auditBatch(db, expected, batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      const problem = checkAuditRow(repo.toStoredRow(row), expected, prev);
      if (problem !== null) return { ok: false, size: expected, head: expected === 0 ? null : toHex(prev), firstBad: { seq: expected, problem } };
      prev = new Uint8Array(row.chain_hash);
      expected += 1;
    }
    onProgress?.(expected);
    if (rows.length < batchSize) break;
  }
  // Rows removed from the end leave a shorter chain that is intact in itself; the head
  // row still counts them. (A published checkpoint, a later capability, covers an
  // attacker who rewrites the head too.)
  const head = await repo.auditHead(db);
  if (head.size !== expected || !bytesEqual(head.lastChain, prev)) {
    return { ok: false, size: expected, head: expected === 0 ? null : toHex(prev), firstBad: { seq: Math.min(head.size, expected), problem: 'head-mismatch' } };
  }
  return { ok: true, size: expected, head: expected === 0 ? null : toHex(prev), firstBad: null };
}
