import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual } from './audit.js';

/**
 * RFC 9162 §2.1 Merkle trees over the audit trail's leaf hashes (audit.ts: leaf `i` is
 * event `seq` i, its hash SHA-256(0x00 ‖ payload)). Tree heads, inclusion proofs (§2.1.3)
 * and consistency proofs (§2.1.4), with their verifiers.
 *
 * Generation never needs the whole log in memory. Every hash a tree head or a proof is
 * made of is the hash of a range of leaves that is a node of the tree, and every node is
 * a run of *perfect* subtrees — 2^level leaves starting at a multiple of 2^level — one per
 * set bit of its width, largest first (the RFC splits at the largest power of two below
 * the width, so the left part is always perfect). The generators work out which perfect
 * subtrees they need and ask a SubtreeSource for them all at once: the source may hash
 * leaves it fetches by range (leafRangeSource), read hashes it stored earlier, or both
 * (tieredSource).
 *
 * Sizes and indices are non-negative safe integers; arithmetic avoids 32-bit bitwise
 * operators so trees beyond 2^32 leaves work too.
 */

export const MERKLE_HASH_BYTES = 32;

/** MTH({}) = SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_TREE_HASH: Uint8Array = sha256(new Uint8Array(0));

/** An interior node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** A perfect subtree: the 2^level leaves from index × 2^level. */
export interface SubtreeId {
  level: number;
  index: number;
}

export interface StoredSubtree extends SubtreeId {
  hash: Uint8Array;
}

/** Leaves [start, end) that form one node of the tree. */
export interface LeafRange {
  start: number;
  end: number;
}

/** Supplies the hashes of perfect subtrees, in the order asked. */
export interface SubtreeSource {
  subtreeHashes(ids: readonly SubtreeId[]): Promise<readonly Uint8Array[]> | readonly Uint8Array[];
}

export class MerkleError extends Error {
  override readonly name = 'MerkleError';
}

const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

function requireSize(n: number, what: string): void {
  if (!isSize(n)) throw new MerkleError(`${what} must be a non-negative safe integer`);
}

/** floor(log2(n)) for a safe integer n ≥ 1. */
export function floorLog2(n: number): number {
  let high = 0;
  let rest = n;
  while (rest >= 2 ** 32) {
    rest = Math.floor(rest / 2 ** 32);
    high += 32;
  }
  return high + 31 - Math.clz32(rest);
}

/** The largest power of two strictly smaller than n (n ≥ 2): where the RFC splits a node. */
export function splitPoint(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) throw new MerkleError('only a node of two or more leaves is split');
  return 2 ** floorLog2(n - 1);
}

export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && 2 ** floorLog2(n) === n;
}

const subtreeKey = (id: SubtreeId): string => `${id.level}:${id.index}`;

/** The leaves a perfect subtree covers. */
export function subtreeRange(id: SubtreeId): LeafRange {
  const width = 2 ** id.level;
  return { start: id.index * width, end: (id.index + 1) * width };
}

/**
 * The perfect subtrees a node [start, end) is made of, largest first. For [0, n) they
 * are the tree head's ingredients: one per set bit of n. The node must be aligned as
 * tree nodes are (each piece starts at a multiple of its width).
 */
export function perfectSubtrees(start: number, end: number): SubtreeId[] {
  requireSize(start, 'start');
  requireSize(end, 'end');
  if (end < start) throw new MerkleError('a range must not end before it starts');
  const out: SubtreeId[] = [];
  let pos = start;
  while (pos < end) {
    const level = floorLog2(end - pos);
    const width = 2 ** level;
    if (pos % width !== 0) throw new MerkleError(`[${start}, ${end}) is not a node of the tree`);
    out.push({ level, index: pos / width });
    pos += width;
  }
  return out;
}

/** The hash of a run of perfect subtrees, largest first: H(p1, H(p2, … H(pk−1, pk))). */
export function foldSubtrees(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return EMPTY_TREE_HASH;
  let root = hashes[hashes.length - 1] as Uint8Array;
  for (let i = hashes.length - 2; i >= 0; i--) root = nodeHash(hashes[i] as Uint8Array, root);
  return root;
}

/** The hash of a perfect subtree from its 2^level leaf hashes, in order. */
export function perfectSubtreeHash(leaves: readonly Uint8Array[]): Uint8Array {
  if (!isPowerOfTwo(leaves.length)) throw new MerkleError('a perfect subtree has a power-of-two number of leaves');
  let level = [...leaves];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array));
    level = next;
  }
  return level[0] as Uint8Array;
}

/** MTH(D[n]) of leaf hashes held in memory. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  const frontier = new MerkleFrontier();
  for (const leaf of leaves) frontier.append(leaf);
  return frontier.root();
}

/**
 * The right border of a growing tree (a "compact range" from leaf 0): one hash per
 * perfect subtree of [0, size), largest first. Appending a leaf, or a whole perfect
 * subtree aligned at the current size, merges equal neighbours and reports every perfect
 * subtree that became complete, so a caller can store them as the log grows.
 */
export class MerkleFrontier {
  #border: Array<{ level: number; hash: Uint8Array }> = [];
  #size = 0;

  /** Resumes at `size` from the hashes of perfectSubtrees(0, size), largest first. */
  static resume(size: number, border: readonly Uint8Array[]): MerkleFrontier {
    const ids = perfectSubtrees(0, size);
    if (border.length !== ids.length) throw new MerkleError(`a tree of ${size} leaves has ${ids.length} border subtrees, not ${border.length}`);
    const f = new MerkleFrontier();
    f.#border = ids.map((id, i) => ({ level: id.level, hash: border[i] as Uint8Array }));
    f.#size = size;
    return f;
  }

  get size(): number {
    return this.#size;
  }

  /** Appends a perfect subtree of 2^level leaves (a leaf hash at level 0); returns what it completed, smallest first. */
  append(hash: Uint8Array, level = 0): StoredSubtree[] {
    if (hash.length !== MERKLE_HASH_BYTES) throw new MerkleError('a hash is 32 bytes');
    const width = 2 ** level;
    if (this.#size % width !== 0) throw new MerkleError(`a subtree of ${width} leaves cannot start at ${this.#size}`);
    let h = hash;
    let l = level;
    let index = this.#size / width;
    const done: StoredSubtree[] = [{ level: l, index, hash: h }];
    for (let last = this.#border.at(-1); last !== undefined && last.level === l; last = this.#border.at(-1)) {
      this.#border.pop();
      h = nodeHash(last.hash, h);
      l += 1;
      index = Math.floor(index / 2);
      done.push({ level: l, index, hash: h });
    }
    this.#border.push({ level: l, hash: h });
    this.#size += width;
    return done;
  }

  root(): Uint8Array {
    return foldSubtrees(this.#border.map((b) => b.hash));
  }
}

/* ----- which nodes a proof is made of (RFC 9162 §2.1.3.1 PATH, §2.1.4.1 SUBPROOF) ----- */

/** PATH(index, D[size]): the sibling nodes from the leaf up to the root. Needs 0 ≤ index < size. */
export function inclusionPathRanges(index: number, size: number): LeafRange[] {
  requireSize(index, 'index');
  requireSize(size, 'size');
  if (index >= size) throw new MerkleError('the index must be below the tree size');
  const topDown: LeafRange[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const mid = start + splitPoint(end - start);
    if (index < mid) {
      topDown.push({ start: mid, end });
      end = mid;
    } else {
      topDown.push({ start, end: mid });
      start = mid;
    }
  }
  return topDown.reverse();
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true): the nodes proving D[0:m] is a prefix of D[0:n]. Needs 0 < m ≤ n. */
export function consistencyPathRanges(m: number, n: number): LeafRange[] {
  requireSize(m, 'from');
  requireSize(n, 'to');
  if (m < 1 || m > n) throw new MerkleError('a consistency proof needs 0 < from ≤ to');
  if (m === n) return [];
  const topDown: LeafRange[] = [];
  let start = 0;
  let end = n;
  let wholeTreeKnown = true; // the RFC's b: the verifier already has MTH(D[0:m]) for this subtree
  for (;;) {
    if (m - start === end - start) {
      if (!wholeTreeKnown) topDown.push({ start, end });
      break;
    }
    const mid = start + splitPoint(end - start);
    if (m <= mid) {
      topDown.push({ start: mid, end });
      end = mid;
    } else {
      topDown.push({ start, end: mid });
      start = mid;
      wholeTreeKnown = false;
    }
  }
  return topDown.reverse();
}

/** The hashes of these nodes, asking the source once for every perfect subtree they need. */
export async function rangeHashes(ranges: readonly LeafRange[], source: SubtreeSource): Promise<Uint8Array[]> {
  const pieces = ranges.map((r) => perfectSubtrees(r.start, r.end));
  const unique = new Map<string, SubtreeId>();
  for (const id of pieces.flat()) unique.set(subtreeKey(id), id);
  const ids = [...unique.values()];
  const hashes = ids.length === 0 ? [] : await source.subtreeHashes(ids);
  if (hashes.length !== ids.length) throw new MerkleError(`the source gave ${hashes.length} hashes for ${ids.length} subtrees`);
  const byKey = new Map<string, Uint8Array>();
  ids.forEach((id, i) => {
    const h = hashes[i] as Uint8Array;
    if (h.length !== MERKLE_HASH_BYTES) throw new MerkleError(`the source gave a ${h.length}-byte hash for subtree ${subtreeKey(id)}`);
    byKey.set(subtreeKey(id), h);
  });
  return pieces.map((p) => foldSubtrees(p.map((id) => byKey.get(subtreeKey(id)) as Uint8Array)));
}

/** MTH(D[0:size]). */
export async function treeHead(size: number, source: SubtreeSource): Promise<Uint8Array> {
  requireSize(size, 'size');
  if (size === 0) return EMPTY_TREE_HASH;
  const [root] = await rangeHashes([{ start: 0, end: size }], source);
  return root as Uint8Array;
}

/** The inclusion proof of leaf `index` in the tree of the first `size` leaves, bottom up. */
export async function inclusionProof(index: number, size: number, source: SubtreeSource): Promise<Uint8Array[]> {
  return rangeHashes(inclusionPathRanges(index, size), source);
}

/** The consistency proof between the trees of the first `from` and the first `to` leaves. */
export async function consistencyProof(from: number, to: number, source: SubtreeSource): Promise<Uint8Array[]> {
  return rangeHashes(consistencyPathRanges(from, to), source);
}

/* ----- sources ----- */

/** Merges ranges that touch or overlap, so each run of leaves is fetched once. */
function coalesce(ranges: readonly LeafRange[]): LeafRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: LeafRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last !== undefined && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/**
 * A source that hashes leaves fetched by range: `fetch(start, end)` returns the leaf
 * hashes of [start, end) in order. Touching ranges are fetched together.
 */
export function leafRangeSource(fetch: (start: number, end: number) => Promise<readonly Uint8Array[]> | readonly Uint8Array[]): SubtreeSource {
  return {
    async subtreeHashes(ids) {
      const runs = coalesce(ids.map(subtreeRange));
      const fetched = await Promise.all(
        runs.map(async (run) => {
          const leaves = await fetch(run.start, run.end);
          if (leaves.length !== run.end - run.start) throw new MerkleError(`asked for leaves [${run.start}, ${run.end}), got ${leaves.length}`);
          return { run, leaves };
        }),
      );
      return ids.map((id) => {
        const r = subtreeRange(id);
        const found = fetched.find((f) => f.run.start <= r.start && r.end <= f.run.end);
        if (found === undefined) throw new MerkleError('internal: leaves not fetched');
        return perfectSubtreeHash(found.leaves.slice(r.start - found.run.start, r.end - found.run.start));
      });
    },
  };
}

/** Leaf hashes held in memory as a source. */
export function memorySource(leaves: readonly Uint8Array[]): SubtreeSource {
  return leafRangeSource((start, end) => leaves.slice(start, end));
}

/**
 * Stored hashes for subtrees of 2^storedFrom leaves and up, leaves for the smaller ones
 * (the few below the lowest stored level, and the tail past the last stored subtree).
 */
export function tieredSource(options: {
  storedFrom: number;
  stored: (ids: readonly SubtreeId[]) => Promise<readonly Uint8Array[]> | readonly Uint8Array[];
  leaves: (start: number, end: number) => Promise<readonly Uint8Array[]> | readonly Uint8Array[];
}): SubtreeSource {
  const fromLeaves = leafRangeSource(options.leaves);
  return {
    async subtreeHashes(ids) {
      const high = ids.filter((id) => id.level >= options.storedFrom);
      const low = ids.filter((id) => id.level < options.storedFrom);
      const [highHashes, lowHashes] = await Promise.all([high.length > 0 ? options.stored(high) : [], low.length > 0 ? fromLeaves.subtreeHashes(low) : []]);
      if (highHashes.length !== high.length) throw new MerkleError(`the store gave ${highHashes.length} hashes for ${high.length} subtrees`);
      let h = 0;
      let l = 0;
      return ids.map((id) => (id.level >= options.storedFrom ? highHashes[h++] : lowHashes[l++]) as Uint8Array);
    },
  };
}

/* ----- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ----- */

const half = (n: number): number => Math.floor(n / 2);
const odd = (n: number): boolean => n % 2 === 1;

/**
 * The root an inclusion proof leads to from `leafHash` at `index` in a tree of `size`
 * leaves, or null when the proof cannot be one (wrong length, index out of range,
 * malformed hashes).
 */
export function rootFromInclusionProof(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[]): Uint8Array | null {
  if (!isSize(index) || !isSize(size) || index >= size) return null;
  if (leafHash.length !== MERKLE_HASH_BYTES || proof.some((p) => p.length !== MERKLE_HASH_BYTES)) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/** Whether `proof` shows the leaf with `leafHash` at `index` in the tree of `size` leaves with `root`. */
export function verifyInclusion(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const computed = rootFromInclusionProof(index, size, leafHash, proof);
  return computed !== null && bytesEqual(computed, root);
}

/**
 * Whether `proof` shows the tree of `from` leaves with `fromRoot` is a prefix of the tree
 * of `to` leaves with `toRoot`. Equal sizes need an empty proof and equal roots; a proof
 * from the empty tree proves nothing and is refused, as RFC 9162 defines proofs only for
 * 0 < from.
 */
export function verifyConsistency(from: number, to: number, fromRoot: Uint8Array, toRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!isSize(from) || !isSize(to) || from > to || from === 0) return false;
  if (from === to) return proof.length === 0 && bytesEqual(fromRoot, toRoot);
  if (proof.length === 0 || proof.some((p) => p.length !== MERKLE_HASH_BYTES)) return false;
  if (fromRoot.length !== MERKLE_HASH_BYTES || toRoot.length !== MERKLE_HASH_BYTES) return false;
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, fromRoot) && bytesEqual(sr, toRoot);
}
