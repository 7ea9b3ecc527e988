import { sql, type Kysely } from 'kysely';
import type { StoredSubtree, SubtreeId } from '@safekeep/core';
import type { DB } from '../db/schema.js';
import { MERKLE_STORED_FROM_LEVEL } from '../db/migrations/20261122_0600_audit_merkle.js';

export { MERKLE_STORED_FROM_LEVEL };

/** Events per lowest stored subtree (16). */
export const MERKLE_BLOCK = 2 ** MERKLE_STORED_FROM_LEVEL;

/** The leaf hashes of events [start, end), in order; refuses a gap (a missing event). */
export async function leafHashes(db: Kysely<DB>, start: number, end: number): Promise<Uint8Array[]> {
  if (end <= start) return [];
  const rows = await db.selectFrom('audit_event').select(['seq', 'leaf_hash']).where('seq', '>=', start).where('seq', '<', end).orderBy('seq').execute();
  if (rows.length !== end - start || rows.some((r, i) => r.seq !== start + i)) {
    throw new Error(`audit events ${start} to ${end - 1} are not all there (found ${rows.length}): run "safekeep audit verify"`);
  }
  return rows.map((r) => new Uint8Array(r.leaf_hash));
}

/** Stored subtree hashes, in the order asked; null for one not stored. */
export async function storedSubtreesIfAny(db: Kysely<DB>, ids: readonly SubtreeId[]): Promise<Array<Uint8Array | null>> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ level: number; idx: number; hash: Buffer }>`
    select n.level, n.idx, n.hash
      from audit_merkle_node n
      join unnest(${ids.map((i) => i.level)}::smallint[], ${ids.map((i) => i.index)}::bigint[]) as q(level, idx) using (level, idx)`.execute(db);
  const byKey = new Map(rows.map((r) => [`${r.level}:${Number(r.idx)}`, new Uint8Array(r.hash)]));
  return ids.map((id) => byKey.get(`${id.level}:${id.index}`) ?? null);
}

/** Stored subtree hashes, in the order asked; refuses one that is not stored. */
export async function storedSubtrees(db: Kysely<DB>, ids: readonly SubtreeId[]): Promise<Uint8Array[]> {
  const hashes = await storedSubtreesIfAny(db, ids);
  return hashes.map((hash, i) => {
    if (hash === null) throw new Error(`audit Merkle subtree (${ids[i]?.level}, ${ids[i]?.index}) is not stored`);
    return hash;
  });
}

/** How many events the stored subtrees cover from the start: every one below this is under a stored subtree. */
export async function storedUpTo(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('audit_merkle_node')
    .select((eb) => eb.fn.max('idx').as('last'))
    .where('level', '=', MERKLE_STORED_FROM_LEVEL)
    .executeTakeFirst();
  const last = row?.last;
  return last === null || last === undefined ? 0 : (Number(last) + 1) * MERKLE_BLOCK;
}

/** Stores completed subtrees; lower levels first, so the database's check finds each node's children. */
export async function insertSubtrees(db: Kysely<DB>, nodes: readonly StoredSubtree[]): Promise<void> {
  const levels = [...new Set(nodes.map((n) => n.level))].sort((a, b) => a - b);
  for (const level of levels) {
    const rows = nodes.filter((n) => n.level === level).map((n) => ({ level: n.level, idx: n.index, hash: Buffer.from(n.hash) }));
    await db.insertInto('audit_merkle_node').values(rows).execute();
  }
}

/** Serialises fillers of the tree for the rest of this transaction. */
export async function lockTree(db: Kysely<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended('safekeep:audit-merkle', 0))`.execute(db);
}
