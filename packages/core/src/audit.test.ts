import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditPayload, chainHash, checkAuditRow, GENESIS_HASH, leafHash, sealAuditRecords, toHex, type AuditRecord } from './audit.js';

// RFC 6962/9162 reference values from transparency-dev/merkle (Apache-2.0): test-data/oracle/README.md.
const reference = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../test-data/oracle/rfc6962-reference-tree.json', import.meta.url)), 'utf8'),
) as Record<string, unknown>;

const record = (seq: number, overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  seq,
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  at: '2026-06-15T10:00:00.000Z',
  actorId: null,
  action: 'child.read',
  outcome: 'allowed',
  basis: 'allocation:allocated-worker',
  childIds: ['11111111-1111-4111-8111-111111111111'],
  entityType: 'child',
  entityId: null,
  requestId: null,
  detail: {},
  ...overrides,
});

describe('audit leaf hash (RFC 9162 §2.1.1)', () => {
  const hasher = reference['hasher'] as Record<string, string>;
  it('matches the reference leaf hashes', () => {
    expect(toHex(leafHash(''))).toBe(hasher['emptyLeafHash']);
    expect(toHex(leafHash('L123456'))).toBe(hasher['leafHash_L123456']);
  });
});

describe('audit chain', () => {
  it('payload is canonical: key order does not matter', () => {
    const a = record(0, { detail: { b: 1, a: 2 } });
    const b = record(0, { detail: { a: 2, b: 1 } });
    expect(auditPayload(a)).toBe(auditPayload(b));
  });

  it('verifies a sealed chain and finds the first altered row', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.nat(), (n, pick) => {
        const sealed = sealAuditRecords(GENESIS_HASH, Array.from({ length: n }, (_, i) => record(i, { detail: { i } })));
        let prev = GENESIS_HASH;
        sealed.forEach((row, i) => {
          expect(checkAuditRow(row, i, prev)).toBeNull();
          prev = row.chainHash;
        });
        const bad = pick % n;
        const tampered = { ...sealed[bad]!, record: { ...sealed[bad]!.record, action: 'child.create' } };
        expect(checkAuditRow(tampered, bad, bad === 0 ? GENESIS_HASH : sealed[bad - 1]!.chainHash)).toBe('payload-mismatch');
      }),
      { numRuns: 50 },
    );
  });

  it('notices a row rewritten with a fresh hash: the next link breaks', () => {
    const sealed = sealAuditRecords(GENESIS_HASH, [record(0), record(1), record(2)]);
    const forged = sealAuditRecords(sealed[0]!.chainHash, [record(1, { outcome: 'denied' })])[0]!;
    expect(checkAuditRow(forged, 1, sealed[0]!.chainHash)).toBeNull();
    expect(checkAuditRow(sealed[2]!, 2, forged.chainHash)).toBe('prev-hash-mismatch');
  });

  it('chains as SHA-256(prev ‖ leaf)', () => {
    const leaf = leafHash('x');
    expect(toHex(chainHash(GENESIS_HASH, leaf))).toHaveLength(64);
    expect(toHex(chainHash(GENESIS_HASH, leaf))).not.toBe(toHex(chainHash(leaf, GENESIS_HASH)));
  });
});
