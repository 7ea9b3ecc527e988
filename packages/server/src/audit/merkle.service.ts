import type { Kysely } from 'kysely';
import {
  consistencyProof,
  inclusionProof,
  invalid,
  MerkleFrontier,
  nodeHash,
  perfectSubtreeHash,
  perfectSubtrees,
  tieredSource,
  toHex,
  treeHead,
  type Role,
  type StoredSubtree,
  type SubtreeId,
  type SubtreeSource,
} from '@safekeep/core';
import { requireRole } from '../access/roles.js';
import type { DB } from '../db/schema.js';
import type { Work } from '../db/work.js';
import { auditHead } from './audit.repository.js';
import * as repo from './merkle.repository.js';

/**
 * The RFC 9162 tree over the audit trail (audit/README.md). Leaf i is event seq i's
 * leaf_hash. Complete perfect subtrees of 16 events and up are stored as the log grows,
 * lazily: each checkpoint or proof first brings them up to the log's size, then reads
 * what it needs — O(log N) stored rows and at most a few blocks of 16 leaf hashes.
 */

/** Who may see tree heads and proofs (hashes only, nothing about anyone). */
export const TREE_ROLES: readonly Role[] = ['dpo', 'head-of-service', 'admin'];

/** Events per transaction when filling (a multiple of the 16-event block). */
const FILL_CHUNK = 65_536;
/** Events fetched per query when filling. */
const FILL_BATCH = 4_096;

export interface TreeHead {
  treeSize: number;
  rootHash: Uint8Array;
}

/** The tree as stored: subtrees of 16 events and up from the table, smaller ones hashed from the events. */
export function auditTreeSource(db: Kysely<DB>): SubtreeSource {
  return tieredSource({
    storedFrom: repo.MERKLE_STORED_FROM_LEVEL,
    stored: (ids) => repo.storedSubtrees(db, ids),
    leaves: (start, end) => repo.leafHashes(db, start, end),
  });
}

/** Stores every complete subtree (16 events and up) the log has grown since the last fill, up to `limit` events; returns the log's size. */
async function fill(db: Kysely<DB>, limit: number): Promise<{ size: number; done: boolean }> {
  await repo.lockTree(db);
  // The head moves only when its writer commits, and writers commit in order: every event below it is there.
  const { size } = await auditHead(db);
  const target = Math.floor(size / repo.MERKLE_BLOCK) * repo.MERKLE_BLOCK;
  const from = await repo.storedUpTo(db);
  // Also when there is nothing to add: it is what makes every subtree below `from` stored.
  const border = await borderOf(db, from);
  if (from >= target) return { size, done: true };
  const until = Math.min(target, from + limit);
  const frontier = MerkleFrontier.resume(from, border);
  for (let pos = from; pos < until; pos += FILL_BATCH) {
    const end = Math.min(pos + FILL_BATCH, until);
    const leaves = await repo.leafHashes(db, pos, end);
    const completed: StoredSubtree[] = [];
    for (let i = 0; i < leaves.length; i += repo.MERKLE_BLOCK) {
      completed.push(...frontier.append(perfectSubtreeHash(leaves.slice(i, i + repo.MERKLE_BLOCK)), repo.MERKLE_STORED_FROM_LEVEL));
    }
    await repo.insertSubtrees(db, completed);
  }
  return { size, done: until === target };
}

/**
 * The stored hashes of the perfect subtrees that make up the first `size` events (a
 * multiple of 16, all of it stored at level 4). The fill always stores a subtree with
 * every parent it completes; should a parent be missing all the same (a level-4 row
 * stored by hand), it is rebuilt from its children and stored now. A stored node's
 * children are always stored (the database checks), so once the border is whole every
 * subtree of 16+ events below `size` is.
 */
async function borderOf(db: Kysely<DB>, size: number): Promise<Uint8Array[]> {
  const ids = perfectSubtrees(0, size);
  const found = await repo.storedSubtreesIfAny(db, ids);
  const built: StoredSubtree[] = [];
  const build = async (id: SubtreeId): Promise<Uint8Array> => {
    const [stored] = await repo.storedSubtreesIfAny(db, [id]);
    if (stored !== undefined && stored !== null) return stored;
    if (id.level <= repo.MERKLE_STORED_FROM_LEVEL) throw new Error(`audit Merkle subtree (${id.level}, ${id.index}) is missing: run "safekeep audit verify"`);
    const left = await build({ level: id.level - 1, index: id.index * 2 });
    const right = await build({ level: id.level - 1, index: id.index * 2 + 1 });
    const hash = nodeHash(left, right);
    built.push({ ...id, hash });
    return hash;
  };
  const hashes: Uint8Array[] = [];
  for (const [i, id] of ids.entries()) hashes.push(found[i] ?? (await build(id)));
  await repo.insertSubtrees(db, built);
  return hashes;
}

/**
 * Brings the stored subtrees up to the log's current size and returns that size. In a
 * transaction it fills there; otherwise it commits a chunk of 65,536 events at a time, so
 * a first fill over a long log never holds one huge transaction.
 */
export async function syncAuditTree(db: Kysely<DB>, inTransaction: boolean): Promise<number> {
  if (inTransaction) return (await fill(db, Number.MAX_SAFE_INTEGER)).size;
  for (;;) {
    const step = await db.transaction().execute((tx) => fill(tx, FILL_CHUNK));
    if (step.done) return step.size;
  }
}

/** The tree head over the whole log as it is now. */
export async function currentTreeHead(db: Kysely<DB>, inTransaction: boolean): Promise<TreeHead> {
  const treeSize = await syncAuditTree(db, inTransaction);
  return { treeSize, rootHash: await treeHead(treeSize, auditTreeSource(db)) };
}

const hexAll = (hashes: readonly Uint8Array[]) => hashes.map(toHex);

export async function checkpoint(w: Work): Promise<{ treeSize: number; rootHash: string }> {
  requireRole(w, 'audit.checkpoint', TREE_ROLES);
  const head = await currentTreeHead(w.db, w.transactional);
  return { treeSize: head.treeSize, rootHash: toHex(head.rootHash) };
}

export interface InclusionProofView {
  index: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
}

/** RFC 9162 §2.1.3: the proof that event `index` is in the tree of the first `treeSize` events (default: all). */
export async function inclusion(w: Work, index: number, treeSize?: number): Promise<InclusionProofView> {
  requireRole(w, 'audit.proof', TREE_ROLES);
  const size = await syncAuditTree(w.db, w.transactional);
  const n = treeSize ?? size;
  if (n > size) throw invalid({ field: 'treeSize', message: `must not be more than the log's current size, ${size}` });
  if (index >= n) throw invalid({ field: 'index', message: n === 0 ? 'cannot be proved: the log is empty' : `must be less than treeSize (${n})` });
  const source = auditTreeSource(w.db);
  const [proof, root, leaves] = await Promise.all([inclusionProof(index, n, source), treeHead(n, source), repo.leafHashes(w.db, index, index + 1)]);
  return { index, treeSize: n, leafHash: toHex(leaves[0] as Uint8Array), rootHash: toHex(root), proof: hexAll(proof) };
}

export interface ConsistencyProofView {
  from: number;
  to: number;
  fromRootHash: string;
  toRootHash: string;
  proof: string[];
}

/** RFC 9162 §2.1.4: the proof that the tree of the first `from` events is a prefix of the tree of the first `to` (default: all). */
export async function consistency(w: Work, from: number, to?: number): Promise<ConsistencyProofView> {
  requireRole(w, 'audit.proof', TREE_ROLES);
  const size = await syncAuditTree(w.db, w.transactional);
  const n = to ?? size;
  if (n > size) throw invalid({ field: 'to', message: `must not be more than the log's current size, ${size}` });
  if (from > n) throw invalid({ field: 'from', message: `must not be more than to (${n})` });
  if (from < 1) throw invalid({ field: 'from', message: 'must be at least 1: every log is consistent with the empty one' });
  const source = auditTreeSource(w.db);
  const [proof, fromRoot, toRoot] = await Promise.all([consistencyProof(from, n, source), treeHead(from, source), treeHead(n, source)]);
  return { from, to: n, fromRootHash: toHex(fromRoot), toRootHash: toHex(toRoot), proof: hexAll(proof) };
}
