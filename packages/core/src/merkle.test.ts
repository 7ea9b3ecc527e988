import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHash } from './audit.js';
import {
  consistencyPathRanges,
  consistencyProof,
  EMPTY_TREE_HASH,
  floorLog2,
  inclusionPathRanges,
  inclusionProof,
  memorySource,
  MerkleError,
  MerkleFrontier,
  merkleRoot,
  nodeHash,
  perfectSubtreeHash,
  perfectSubtrees,
  rootFromInclusionProof,
  splitPoint,
  tieredSource,
  treeHead,
  verifyConsistency,
  verifyInclusion,
  type StoredSubtree,
  type SubtreeId,
  type SubtreeSource,
} from './merkle.js';

// Third-party vectors (Apache-2.0, transparency-dev/merkle): test-data/oracle/README.md.
const oracle = (name: string): string => readFileSync(fileURLToPath(new URL(`../../../test-data/oracle/${name}`, import.meta.url)), 'utf8');
const reference = JSON.parse(oracle('rfc6962-reference-tree.json')) as {
  hasher: { emptyRoot: string; emptyLeafHash: string; leafHash_L123456: string; nodeHash_N123_N456: string };
  leafInputsHex: string[];
  leafHashesHex: string[];
  rootHashByTreeSizeHex: Record<string, string>;
};
interface InclusionCase {
  case: string;
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyCase {
  case: string;
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
const proofVectors = JSON.parse(oracle('rfc6962-proof-vectors.json')) as { inclusion: InclusionCase[]; consistency: ConsistencyCase[] };

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const hex = (b: Uint8Array): string => bytesToHex(b);
const rawLeafHash = (data: Uint8Array): Uint8Array => sha256(new Uint8Array([0, ...data]));
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

const refLeaves = reference.leafInputsHex.map((h) => rawLeafHash(hexToBytes(h)));
const refRoot = (size: number): string | undefined => reference.rootHashByTreeSizeHex[String(size)];

/** MTH exactly as RFC 9162 §2.1.1 writes it, recursively: the check the iterative code is held to. */
function rfcTreeHash(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(rfcTreeHash(leaves.slice(0, k)), rfcTreeHash(leaves.slice(k)));
}

/** n distinct leaf hashes, different for each salt. */
const leavesOf = (n: number, salt: number): Uint8Array[] => Array.from({ length: n }, (_, i) => sha256(ascii(`leaf ${salt} ${i}`)));
const flipBit = (h: Uint8Array, bit = 0): Uint8Array => {
  const copy = new Uint8Array(h);
  copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return copy;
};

describe('RFC 6962/9162 reference tree (transparency-dev/merkle constants)', () => {
  it('hashes leaves and nodes as the reference hasher does', () => {
    expect(hex(EMPTY_TREE_HASH)).toBe(reference.hasher.emptyRoot);
    expect(hex(rawLeafHash(new Uint8Array(0)))).toBe(reference.hasher.emptyLeafHash);
    expect(hex(leafHash('L123456'))).toBe(reference.hasher.leafHash_L123456);
    expect(hex(nodeHash(ascii('N123'), ascii('N456')))).toBe(reference.hasher.nodeHash_N123_N456);
    expect(refLeaves.map(hex)).toEqual(reference.leafHashesHex);
  });

  it.each(Object.keys(reference.rootHashByTreeSizeHex).map(Number))('root of the first %i leaves', async (size) => {
    expect(hex(merkleRoot(refLeaves.slice(0, size)))).toBe(refRoot(size));
    expect(hex(await treeHead(size, memorySource(refLeaves)))).toBe(refRoot(size));
  });
});

describe('inclusion proof vectors (transparency-dev/merkle testdata)', () => {
  it.each(proofVectors.inclusion)('$case: $desc → valid: !$wantErr', (v) => {
    const ok = verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
    expect(ok).toBe(!v.wantErr);
  });

  // Every valid case over the reference leaves: the proof generated here is the vector's, hash for hash.
  const generated = proofVectors.inclusion.filter((v) => !v.wantErr && hex(b64(v.root)) === refRoot(v.treeSize) && hex(b64(v.leafHash)) === hex(refLeaves[v.leafIdx] ?? new Uint8Array()));
  it.each(generated)('$case: generates the same proof for leaf $leafIdx of $treeSize', async (v) => {
    const proof = await inclusionProof(v.leafIdx, v.treeSize, memorySource(refLeaves));
    expect(proof.map(hex)).toEqual((v.proof ?? []).map((p) => hex(b64(p))));
  });

  it('covers the reference tree (the filter above is not empty)', () => {
    expect(generated.length).toBeGreaterThanOrEqual(4);
  });
});

describe('consistency proof vectors (transparency-dev/merkle testdata)', () => {
  it.each(proofVectors.consistency)('$case: $desc → valid: !$wantErr', (v) => {
    const ok = verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
    expect(ok).toBe(!v.wantErr);
  });

  const generated = proofVectors.consistency.filter((v) => !v.wantErr && v.size1 > 0 && hex(b64(v.root1)) === refRoot(v.size1) && hex(b64(v.root2)) === refRoot(v.size2));
  it.each(generated)('$case: generates the same proof from $size1 to $size2', async (v) => {
    const proof = await consistencyProof(v.size1, v.size2, memorySource(refLeaves));
    expect(proof.map(hex)).toEqual((v.proof ?? []).map((p) => hex(b64(p))));
  });

  it('covers the reference tree (the filter above is not empty)', () => {
    expect(generated.length).toBeGreaterThanOrEqual(4);
  });
});

describe('tree arithmetic', () => {
  it('splits at the largest power of two below n, beyond 32 bits too', () => {
    expect([2, 3, 4, 5, 8, 9].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8]);
    expect(splitPoint(2 ** 40 + 1)).toBe(2 ** 40);
    expect(splitPoint(2 ** 40)).toBe(2 ** 39);
    expect([1, 2, 3, 2 ** 32 - 1, 2 ** 32, 2 ** 40 - 1, Number.MAX_SAFE_INTEGER].map(floorLog2)).toEqual([0, 1, 1, 31, 32, 39, 52]);
    expect(() => splitPoint(1)).toThrow(MerkleError);
  });

  it('decomposes a tree into one perfect subtree per set bit of its size, largest first', () => {
    expect(perfectSubtrees(0, 13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(perfectSubtrees(0, 0)).toEqual([]);
    expect(perfectSubtrees(8, 14)).toEqual([
      { level: 2, index: 2 },
      { level: 1, index: 6 },
    ]);
    expect(() => perfectSubtrees(3, 7)).toThrow(/not a node/);
  });

  it('refuses proofs that do not exist', () => {
    expect(() => inclusionPathRanges(5, 5)).toThrow(MerkleError);
    expect(() => inclusionPathRanges(-1, 5)).toThrow(MerkleError);
    expect(() => consistencyPathRanges(0, 5)).toThrow(MerkleError);
    expect(() => consistencyPathRanges(6, 5)).toThrow(MerkleError);
    expect(consistencyPathRanges(5, 5)).toEqual([]);
    expect(() => perfectSubtreeHash(leavesOf(3, 0))).toThrow(MerkleError);
  });

  it('proves membership in a tree of more than 2^40 leaves (every leaf equal, so every subtree hash is known)', async () => {
    const leaf = sha256(ascii('same'));
    const perfect: Uint8Array[] = [leaf];
    for (let l = 1; l <= 52; l++) perfect.push(nodeHash(perfect[l - 1] as Uint8Array, perfect[l - 1] as Uint8Array));
    const uniform: SubtreeSource = { subtreeHashes: (ids) => ids.map((id) => perfect[id.level] as Uint8Array) };
    const size = 2 ** 41 + 2 ** 33 + 12_345;
    const root = await treeHead(size, uniform);
    for (const index of [0, 2 ** 32 + 7, 2 ** 41 + 2 ** 33 + 5, size - 1]) {
      const proof = await inclusionProof(index, size, uniform);
      expect(verifyInclusion(index, size, leaf, proof, root)).toBe(true);
      expect(verifyInclusion(index, size, flipBit(leaf), proof, root)).toBe(false);
    }
    const from = 2 ** 40 + 3;
    const fromRoot = await treeHead(from, uniform);
    expect(verifyConsistency(from, size, fromRoot, root, await consistencyProof(from, size, uniform))).toBe(true);
  });
});

describe('properties', () => {
  const tree = fc.record({ n: fc.integer({ min: 1, max: 200 }), salt: fc.nat() });

  it('the tree head equals the RFC’s recursive definition, however it is computed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 200 }), fc.nat(), async (n, salt) => {
        const leaves = leavesOf(n, salt);
        const expected = hex(rfcTreeHash(leaves));
        expect(hex(merkleRoot(leaves))).toBe(expected);
        expect(hex(await treeHead(n, memorySource(leaves)))).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('every generated inclusion proof verifies; a tampered leaf, another index or a wrong size does not', async () => {
    await fc.assert(
      fc.asyncProperty(tree, fc.nat(), fc.integer({ min: 0, max: 255 }), async ({ n, salt }, pick, bit) => {
        const leaves = leavesOf(n, salt);
        const index = pick % n;
        const root = rfcTreeHash(leaves);
        const proof = await inclusionProof(index, n, memorySource(leaves));
        const leaf = leaves[index] as Uint8Array;
        expect(verifyInclusion(index, n, leaf, proof, root)).toBe(true);
        expect(verifyInclusion(index, n, flipBit(leaf, bit), proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion((index + 1) % n, n, leaf, proof, root)).toBe(false);
        // A wrong size, checked (as a verifier would) against that size's own root.
        const longer = [...leaves, sha256(ascii(`extra ${salt}`))];
        expect(verifyInclusion(index, n + 1, leaf, proof, rfcTreeHash(longer))).toBe(false);
        if (index < n - 1) expect(verifyInclusion(index, n - 1, leaf, proof, rfcTreeHash(leaves.slice(0, n - 1)))).toBe(false);
        if (proof.length > 0) {
          expect(verifyInclusion(index, n, leaf, proof.slice(0, -1), root)).toBe(false);
          expect(verifyInclusion(index, n, leaf, [...proof, root], root)).toBe(false);
          const p = pick % proof.length;
          expect(verifyInclusion(index, n, leaf, proof.map((h, i) => (i === p ? flipBit(h, bit) : h)), root)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('every generated consistency proof verifies; a rewritten old leaf, wrong roots or wrong sizes do not', async () => {
    await fc.assert(
      fc.asyncProperty(tree, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), async ({ n, salt }, a, b, bit) => {
        const leaves = leavesOf(n, salt);
        const from = 1 + (a % n);
        const fromRoot = rfcTreeHash(leaves.slice(0, from));
        const toRoot = rfcTreeHash(leaves);
        const proof = await consistencyProof(from, n, memorySource(leaves));
        expect(verifyConsistency(from, n, fromRoot, toRoot, proof)).toBe(true);
        // History rewritten: one leaf of the old tree changed, the log grown as before.
        const victim = b % from;
        const rewritten = leaves.map((l, i) => (i === victim ? flipBit(l, bit) : l));
        const rewrittenRoot = rfcTreeHash(rewritten);
        expect(verifyConsistency(from, n, fromRoot, rewrittenRoot, await consistencyProof(from, n, memorySource(rewritten)))).toBe(false);
        if (from < n) {
          expect(verifyConsistency(from, n, flipBit(fromRoot, bit), toRoot, proof)).toBe(false);
          expect(verifyConsistency(from, n, fromRoot, flipBit(toRoot, bit), proof)).toBe(false);
          expect(verifyConsistency(from, n + 1, fromRoot, rfcTreeHash([...leaves, sha256(ascii(`extra ${salt}`))]), proof)).toBe(false);
          expect(verifyConsistency(from, n, fromRoot, toRoot, proof.slice(0, -1))).toBe(false);
          expect(verifyConsistency(from, n, fromRoot, toRoot, [...proof, toRoot])).toBe(false);
          const p = b % proof.length;
          expect(verifyConsistency(from, n, fromRoot, toRoot, proof.map((h, i) => (i === p ? flipBit(h, bit) : h)))).toBe(false);
        }
        if (from > 1 && from < n) expect(verifyConsistency(from - 1, n, rfcTreeHash(leaves.slice(0, from - 1)), toRoot, proof)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('a frontier resumed part-way reports every completed subtree and the same root', () => {
    fc.assert(
      fc.property(tree, fc.nat(), (({ n, salt }, cut) => {
        const leaves = leavesOf(n, salt);
        const at = cut % (n + 1);
        const head = new MerkleFrontier();
        for (const l of leaves.slice(0, at)) head.append(l);
        const border = perfectSubtrees(0, at).map((id) => perfectSubtreeHash(leaves.slice(id.index * 2 ** id.level, (id.index + 1) * 2 ** id.level)));
        const resumed = MerkleFrontier.resume(at, border);
        expect(hex(resumed.root())).toBe(hex(head.root()));
        const completed: StoredSubtree[] = [];
        for (const l of leaves.slice(at)) completed.push(...resumed.append(l));
        expect(resumed.size).toBe(n);
        expect(hex(resumed.root())).toBe(hex(rfcTreeHash(leaves)));
        for (const s of completed) {
          expect(hex(s.hash)).toBe(hex(perfectSubtreeHash(leaves.slice(s.index * 2 ** s.level, (s.index + 1) * 2 ** s.level))));
        }
        // Each perfect subtree ending after the cut is reported exactly once.
        const expected = new Set<string>();
        for (let level = 0; 2 ** level <= n; level++) {
          for (let i = 0; (i + 1) * 2 ** level <= n; i++) if ((i + 1) * 2 ** level > at) expected.add(`${level}:${i}`);
        }
        expect(completed.map((s) => `${s.level}:${s.index}`).sort()).toEqual([...expected].sort());
      })),
      { numRuns: 100 },
    );
  });

  it('stored subtrees and leaves together (as the server keeps them) give the same heads and proofs as leaves alone', async () => {
    await fc.assert(
      fc.asyncProperty(tree, fc.integer({ min: 1, max: 5 }), fc.nat(), async ({ n, salt }, storedFrom, pick) => {
        const leaves = leavesOf(n, salt);
        const stored = new Map<string, Uint8Array>();
        const frontier = new MerkleFrontier();
        const block = 2 ** storedFrom;
        for (let i = 0; i + block <= n; i += block) {
          for (const s of frontier.append(perfectSubtreeHash(leaves.slice(i, i + block)), storedFrom)) stored.set(`${s.level}:${s.index}`, s.hash);
        }
        const asked: SubtreeId[] = [];
        const source = tieredSource({
          storedFrom,
          stored: (ids) => {
            asked.push(...ids);
            return ids.map((id) => stored.get(`${id.level}:${id.index}`) ?? new Uint8Array());
          },
          leaves: (start, end) => leaves.slice(start, end),
        });
        const plain = memorySource(leaves);
        const index = pick % n;
        expect(hex(await treeHead(n, source))).toBe(hex(await treeHead(n, plain)));
        expect((await inclusionProof(index, n, source)).map(hex)).toEqual((await inclusionProof(index, n, plain)).map(hex));
        const from = 1 + (pick % n);
        expect((await consistencyProof(from, n, source)).map(hex)).toEqual((await consistencyProof(from, n, plain)).map(hex));
        expect(asked.every((id) => id.level >= storedFrom)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses inclusion proofs with malformed parts rather than computing a root', () => {
    const leaves = leavesOf(5, 1);
    const root = rfcTreeHash(leaves);
    expect(rootFromInclusionProof(0, 0, leaves[0] as Uint8Array, [])).toBeNull();
    expect(rootFromInclusionProof(0, 1, new Uint8Array(31), [])).toBeNull();
    expect(rootFromInclusionProof(0.5, 5, leaves[0] as Uint8Array, [])).toBeNull();
    expect(verifyInclusion(0, 5, leaves[0] as Uint8Array, [new Uint8Array(32), new Uint8Array(31)], root)).toBe(false);
  });
});
