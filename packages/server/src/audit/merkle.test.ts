import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPayload, leafHash, merkleRoot, perfectSubtreeHash, verifyConsistency, verifyInclusion, type Role } from '@safekeep/core';
import { join } from 'node:path';
import { ManualClock, SYSTEM_ACTOR } from '@safekeep/core';
import { createChild, createEntry, teamWithStaff } from '../../test/builders.js';
import { freshDatabaseFlags, runCli } from '../../test/cli.js';
import { testEngine } from '../../test/engine.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { openPglite, openPostgres } from '../db/connect.js';
import { WorkRunner } from '../db/work.js';
import { verifyAuditTrail } from './audit.service.js';

/**
 * The RFC 9162 tree over the audit trail, through the API, on a real database: tree heads
 * match a root computed here from the rows, proofs verify with core's verifiers, stored
 * subtrees cannot be changed, and rewriting history shows.
 */

interface Head {
  treeSize: number;
  rootHash: string;
}
interface ProblemBody {
  code: string;
  errors?: Array<{ field: string }>;
}
interface Item {
  seq: number;
  id: string;
  at: string;
  actor: { id: string } | null;
  action: string;
  outcome: string;
  basis: string | null;
  childIds: string[];
  entityType: string | null;
  entityId: string | null;
  requestId: string | null;
  detail: Record<string, unknown>;
  leafHash: string;
}

const unhex = (s: string): Uint8Array => hexToBytes(s);

async function leaves(h: Harness): Promise<Uint8Array[]> {
  const rows = await h.db.selectFrom('audit_event').select(['seq', 'leaf_hash']).orderBy('seq').execute();
  rows.forEach((r, i) => expect(r.seq).toBe(i));
  return rows.map((r) => new Uint8Array(r.leaf_hash));
}

async function checkpoint(h: Harness, user: TestUser): Promise<Head> {
  const res = await h.request<Head>('GET', '/api/v1/audit/checkpoint', { user });
  expect(res.status, res.raw).toBe(200);
  return res.body;
}

/** Real work: children, entries, reads; about 2 + 2·entries events per child. */
async function activity(h: Harness, team: Awaited<ReturnType<typeof teamWithStaff>>, children: number, entries: number): Promise<string[]> {
  const ids: string[] = [];
  for (let c = 0; c < children; c++) {
    const child = await createChild(h, team.worker);
    ids.push(child.id);
    for (let e = 0; e < entries; e++) {
      const entry = await createEntry(h, team.worker, child.id, { title: `note ${c}.${e}` });
      await h.request('GET', `/api/v1/entries/${entry.id}`, { user: team.colleague });
    }
    await h.request('GET', `/api/v1/children/${child.id}`, { user: team.manager });
  }
  return ids;
}

/** Perfect subtrees of 16 events and up inside the first n events: what the table should hold. */
const storedCount = (n: number): number => {
  let count = 0;
  for (let width = 16; width <= n; width *= 2) count += Math.floor(n / width);
  return count;
};

/** Bypasses the append-only triggers as a superuser would. */
async function tamper(h: Harness, statement: ReturnType<typeof sql>) {
  await h.db.transaction().execute(async (tx) => {
    await sql`set local session_replication_role = replica`.execute(tx);
    await statement.execute(tx);
  });
}

describe(`audit Merkle tree on ${testEngine()}`, () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof teamWithStaff>>;
  let dpo: TestUser;
  let head: TestUser;
  let admin: TestUser;
  beforeAll(async () => {
    h = await startHarness();
    team = await teamWithStaff(h);
    dpo = await h.user(['dpo']);
    head = await h.user(['head-of-service']);
    admin = await h.user(['admin']);
    await activity(h, team, 6, 6);
  });
  afterAll(async () => h.close());

  it('gives a tree head whose root is the one computed here from every leaf_hash row, storing each complete subtree of 16+ events once', async () => {
    const all = await leaves(h);
    expect(all.length).toBeGreaterThan(64);
    const cp = await checkpoint(h, dpo);
    expect(cp.treeSize).toBe(all.length); // reading a checkpoint is not itself an event
    expect(cp.rootHash).toBe(bytesToHex(merkleRoot(all)));

    const stored = await h.db.selectFrom('audit_merkle_node').selectAll().orderBy('level').orderBy('idx').execute();
    expect(stored).toHaveLength(storedCount(all.length));
    for (const node of stored) {
      const width = 2 ** node.level;
      expect(bytesToHex(node.hash)).toBe(bytesToHex(perfectSubtreeHash(all.slice(node.idx * width, (node.idx + 1) * width))));
    }
    // Asking again stores nothing new and gives the same head.
    expect(await checkpoint(h, head)).toEqual(cp);
    expect(await h.db.selectFrom('audit_merkle_node').select('level').execute()).toHaveLength(stored.length);
  });

  it('gives inclusion proofs that verify against the checkpoint with core’s verifier, for the leaf as stored', async () => {
    const cp = await checkpoint(h, dpo);
    const all = await leaves(h);
    const n = cp.treeSize;
    for (const index of [0, 1, 7, 15, 16, 31, 32, Math.floor(n / 2), n - 17, n - 2, n - 1]) {
      const res = await h.request<{ index: number; treeSize: number; leafHash: string; rootHash: string; proof: string[] }>(
        'GET',
        `/api/v1/audit/proof/inclusion?index=${index}&treeSize=${n}`,
        { user: admin },
      );
      expect(res.status, res.raw).toBe(200);
      expect(res.body).toMatchObject({ index, treeSize: n, leafHash: bytesToHex(all[index] as Uint8Array), rootHash: cp.rootHash });
      const leaf = all[index] as Uint8Array;
      expect(verifyInclusion(index, n, leaf, res.body.proof.map(unhex), unhex(cp.rootHash))).toBe(true);
      expect(verifyInclusion(index, n, sha256(leaf), res.body.proof.map(unhex), unhex(cp.rootHash))).toBe(false);
    }
    // Against an earlier, smaller tree too (the default is the current size).
    const small = await h.request<{ rootHash: string; proof: string[] }>('GET', '/api/v1/audit/proof/inclusion?index=3&treeSize=21', { user: dpo });
    expect(small.body.rootHash).toBe(bytesToHex(merkleRoot(all.slice(0, 21))));
    expect(verifyInclusion(3, 21, all[3] as Uint8Array, small.body.proof.map(unhex), merkleRoot(all.slice(0, 21)))).toBe(true);
    const latest = await h.request<{ treeSize: number }>('GET', '/api/v1/audit/proof/inclusion?index=0', { user: dpo });
    expect(latest.body.treeSize).toBe(n);
  });

  it('proves a later checkpoint consistent with an earlier one after more activity, also while writers and checkpoints race', async () => {
    const before = await checkpoint(h, dpo);
    await activity(h, team, 2, 3);
    const after = await checkpoint(h, head);
    expect(after.treeSize).toBeGreaterThan(before.treeSize);
    expect(after.rootHash).toBe(bytesToHex(merkleRoot(await leaves(h))));

    const res = await h.request<{ from: number; to: number; fromRootHash: string; toRootHash: string; proof: string[] }>(
      'GET',
      `/api/v1/audit/proof/consistency?from=${before.treeSize}&to=${after.treeSize}`,
      { user: admin },
    );
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toMatchObject({ from: before.treeSize, to: after.treeSize, fromRootHash: before.rootHash, toRootHash: after.rootHash });
    expect(verifyConsistency(before.treeSize, after.treeSize, unhex(before.rootHash), unhex(after.rootHash), res.body.proof.map(unhex))).toBe(true);
    expect(verifyConsistency(before.treeSize, after.treeSize, sha256(unhex(before.rootHash)), unhex(after.rootHash), res.body.proof.map(unhex))).toBe(false);

    // Equal sizes: the empty proof.
    const same = await h.request<{ proof: string[] }>('GET', `/api/v1/audit/proof/consistency?from=${after.treeSize}&to=${after.treeSize}`, { user: dpo });
    expect(same.body.proof).toEqual([]);
    expect(verifyConsistency(after.treeSize, after.treeSize, unhex(after.rootHash), unhex(after.rootHash), [])).toBe(true);

    // Checkpoints taken while entries are written: each is a prefix of the final log.
    const child = await createChild(h, team.worker);
    const heads = await Promise.all([
      ...Array.from({ length: 4 }, () => checkpoint(h, dpo)),
      ...Array.from({ length: 12 }, (_, i) => createEntry(h, team.worker, child.id, { title: `race ${i}` }).then(() => null)),
      ...Array.from({ length: 4 }, () => checkpoint(h, head)),
    ]);
    const final = await checkpoint(h, dpo);
    const finalLeaves = await leaves(h);
    expect(final.rootHash).toBe(bytesToHex(merkleRoot(finalLeaves)));
    for (const cp of heads.filter((x): x is Head => x !== null)) {
      expect(cp.rootHash).toBe(bytesToHex(merkleRoot(finalLeaves.slice(0, cp.treeSize))));
      const proof = await h.request<{ proof: string[] }>('GET', `/api/v1/audit/proof/consistency?from=${cp.treeSize}`, { user: dpo });
      expect(verifyConsistency(cp.treeSize, final.treeSize, unhex(cp.rootHash), unhex(final.rootHash), proof.body.proof.map(unhex))).toBe(true);
    }
    expect(await h.db.selectFrom('audit_merkle_node').select('level').execute()).toHaveLength(storedCount(final.treeSize));
  });

  it('keeps stored subtrees append-only, and takes a new one only if its hash follows from the events', async () => {
    await checkpoint(h, dpo);
    await expect(sql`update audit_merkle_node set hash = sha256(hash) where level = 4 and idx = 0`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`delete from audit_merkle_node where level = 4 and idx = 0`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`truncate audit_merkle_node`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });

    // Grow the log by two whole blocks nobody has stored yet, then try to store them by hand.
    const { n } = (await sql<{ n: number }>`select count(*)::int as n from audit_event`.execute(h.db)).rows[0] as { n: number };
    const block = Math.floor(n / 16); // the first block not stored
    expect(await h.db.selectFrom('audit_merkle_node').select('idx').where('level', '=', 4).where('idx', '>=', block).execute()).toEqual([]);
    const child = await createChild(h, team.worker);
    for (let i = 0; i < 33; i++) await createEntry(h, team.worker, child.id);
    const all = await leaves(h);
    const blockHash = (b: number) => perfectSubtreeHash(all.slice(b * 16, b * 16 + 16));
    const insert = (level: number, idx: number, hash: Uint8Array) => sql`insert into audit_merkle_node (level, idx, hash) values (${level}, ${idx}, ${Buffer.from(hash)})`.execute(h.db);
    await expect(insert(4, block, sha256(blockHash(block)))).rejects.toMatchObject({ code: 'SK004' }); // a hash the events do not give
    await expect(insert(4, block + 1, blockHash(block + 1))).rejects.toMatchObject({ code: 'SK004' }); // out of order
    await expect(insert(4, block + 1000, blockHash(block))).rejects.toMatchObject({ code: 'SK004' }); // events that do not exist
    await expect(insert(3, 0, blockHash(0))).rejects.toMatchObject({ code: 'SK004' }); // below the lowest stored level (the trigger refuses before the check does)
    await expect(insert(4, 0, blockHash(0))).rejects.toMatchObject({ code: '23505' }); // already there
    // The right hashes are taken, without the parents they complete; filling rebuilds those and carries on.
    await insert(4, block, blockHash(block));
    await insert(4, block + 1, blockHash(block + 1));
    const cp = await checkpoint(h, dpo);
    expect(await h.db.selectFrom('audit_merkle_node').select('level').execute()).toHaveLength(storedCount(cp.treeSize));
    expect(cp.rootHash).toBe(bytesToHex(merkleRoot(await leaves(h))));
    expect(await verifyAuditTrail(h.db)).toMatchObject({ ok: true, treeHead: cp });
  });

  it('answers 400 naming the field for bad proof requests, never a 500', async () => {
    const { treeSize } = await checkpoint(h, dpo);
    const cases: Array<[string, string]> = [
      ['inclusion', 'index'],
      ['inclusion?index=abc', 'index'],
      ['inclusion?index=1.5', 'index'],
      ['inclusion?index=-1', 'index'],
      ['inclusion?index=2147483648', 'index'],
      ['inclusion?index=99999999999999999999999', 'index'],
      ['inclusion?index=1&index=2', 'index'],
      [`inclusion?index=${treeSize}`, 'index'],
      ['inclusion?index=5&treeSize=5', 'index'],
      [`inclusion?index=0&treeSize=${treeSize + 1}`, 'treeSize'],
      ['inclusion?index=0&treeSize=0', 'treeSize'],
      ['inclusion?index=0&treeSize=2147483648', 'treeSize'],
      ['inclusion?index=0&treeSize=x', 'treeSize'],
      ['inclusion?index=0&size=3', 'size'],
      ['consistency', 'from'],
      ['consistency?from=0', 'from'],
      ['consistency?from=-3', 'from'],
      ['consistency?from=5&to=4', 'from'],
      [`consistency?from=${treeSize + 1}`, 'from'],
      [`consistency?from=1&to=${treeSize + 1}`, 'to'],
      ['consistency?from=1&to=2147483648', 'to'],
      ['consistency?from=1e40', 'from'],
      ['consistency?from=2.5&to=3', 'from'],
      ['consistency?from=1&to=', 'to'],
    ];
    for (const [query, field] of cases) {
      const res = await h.request<ProblemBody>('GET', `/api/v1/audit/proof/${query}`, { user: dpo });
      expect(res.status, `${query}: ${res.raw}`).toBe(400);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect((res.body.errors ?? []).map((e) => e.field), query).toContain(field);
    }
  });

  it('lets the dpo, head of service and admin see tree heads and proofs, and nobody else (refusals audited)', async () => {
    const roles: Array<[Role[], number]> = [
      [['dpo'], 200],
      [['head-of-service'], 200],
      [['admin'], 200],
      [['social-worker'], 403],
      [['team-manager'], 403],
      [['records-officer'], 403],
      [['inspector'], 403],
      [['iro'], 403],
    ];
    for (const [r, status] of roles) {
      const user = await h.user(r);
      for (const path of ['/api/v1/audit/checkpoint', '/api/v1/audit/proof/inclusion?index=0', '/api/v1/audit/proof/consistency?from=1']) {
        const res = await h.request<ProblemBody>('GET', path, { user });
        expect(res.status, `${r.join()} ${path}`).toBe(status);
        if (status === 403) expect(res.body.code).toBe('ACCESS_DENIED');
      }
      if (status === 403) {
        const refused = await h.db.selectFrom('audit_event').select(['action', 'outcome']).where('actor_id', '=', user.id).orderBy('seq').execute();
        expect(refused).toEqual([
          { action: 'audit.checkpoint', outcome: 'denied' },
          { action: 'audit.proof', outcome: 'denied' },
          { action: 'audit.proof', outcome: 'denied' },
        ]);
      }
    }
    expect((await h.request('GET', '/api/v1/audit/checkpoint', { user: null })).status).toBe(401);
  });
});

describe(`GET /api/v1/audit on ${testEngine()}`, () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof teamWithStaff>>;
  let dpo: TestUser;
  let childIds: string[];
  let dayTwo: string;
  beforeAll(async () => {
    h = await startHarness({ now: '2026-06-15T10:00:00Z' });
    team = await teamWithStaff(h);
    dpo = await h.user(['dpo']);
    childIds = await activity(h, team, 2, 2);
    h.clock.set('2026-06-16T09:00:00Z');
    dayTwo = h.clock.now().toISOString();
    childIds.push(...(await activity(h, team, 1, 2)));
  });
  afterAll(async () => h.close());

  const list = (query: string, user: TestUser) => h.request<{ items: Item[]; nextCursor: string | null }>('GET', `/api/v1/audit${query}`, { user });

  it('lists a child’s events, newest first, in pages that neither repeat nor skip', async () => {
    const child = childIds[0] as string;
    const expected = (await h.auditFor(child)).map((e) => e.seq).reverse();
    expect(expected.length).toBeGreaterThan(4);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?childId=${child}&limit=3${cursor !== null ? `&cursor=${cursor}` : ''}`, dpo);
      expect(res.status, res.raw).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      for (const item of res.body.items) expect(item.childIds).toContain(child);
      seen.push(...res.body.items.map((i) => i.seq));
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(expected);
    // Each page read is audited against the child, so it shows in the child's access log.
    const reads = (await h.auditFor(child)).filter((e) => e.action === 'audit.read');
    expect(reads.length).toBe(Math.ceil(expected.length / 3));
    expect(reads[0]).toMatchObject({ actor_id: dpo.id, outcome: 'allowed', basis: 'role:dpo' });
  });

  it('filters by acting user and by time (instants exclusive at the end, dates as whole London days)', async () => {
    const byColleague = await list(`?userId=${team.colleague.id}&limit=500`, dpo);
    expect(byColleague.body.items.length).toBeGreaterThan(0);
    expect(byColleague.body.items.every((i) => i.actor?.id === team.colleague.id && i.action === 'entry.read')).toBe(true);

    const late = await list(`?from=${dayTwo}&limit=500`, dpo);
    const early = await list(`?to=${dayTwo}&limit=500`, dpo);
    expect(late.body.items.length).toBeGreaterThan(0);
    expect(early.body.items.length).toBeGreaterThan(0);
    expect(late.body.items.every((i) => i.at >= dayTwo)).toBe(true);
    expect(early.body.items.every((i) => i.at < dayTwo)).toBe(true);
    const onDayOne = await list('?from=2026-06-15&to=2026-06-15&limit=500', dpo);
    expect(onDayOne.body.items.map((i) => i.seq)).toEqual(early.body.items.map((i) => i.seq));
    const both = await list(`?childId=${childIds[2]}&userId=${team.worker.id}&from=2026-06-16`, dpo);
    expect(both.body.items.map((i) => i.action).sort()).toEqual(['child.create', 'entry.create', 'entry.create']);
  });

  it('gives each event’s leaf hash, which an auditor can recompute from the listed fields and prove against a checkpoint', async () => {
    const page = await list(`?childId=${childIds[1]}&limit=10`, dpo);
    const cp = await checkpoint(h, dpo);
    for (const item of page.body.items) {
      const payload = auditPayload({
        id: item.id,
        at: item.at,
        actorId: item.actor?.id ?? null,
        action: item.action,
        outcome: item.outcome as 'allowed' | 'denied',
        basis: item.basis,
        childIds: item.childIds,
        entityType: item.entityType,
        entityId: item.entityId,
        requestId: item.requestId,
        detail: item.detail,
      });
      expect(bytesToHex(leafHash(payload))).toBe(item.leafHash);
      const proof = await h.request<{ proof: string[] }>('GET', `/api/v1/audit/proof/inclusion?index=${item.seq}&treeSize=${cp.treeSize}`, { user: dpo });
      expect(verifyInclusion(item.seq, cp.treeSize, unhex(item.leafHash), proof.body.proof.map(unhex), unhex(cp.rootHash))).toBe(true);
    }
  });

  it('is for the dpo and head of service only', async () => {
    expect((await list('', await h.user(['head-of-service']))).status).toBe(200);
    for (const roles of [['admin'], ['social-worker'], ['team-manager'], ['inspector']] as Role[][]) {
      const user = await h.user(roles);
      const res = await list(`?childId=${childIds[0]}`, user);
      expect(res.status).toBe(403);
      const [refusal] = await h.db.selectFrom('audit_event').select(['action', 'outcome', 'child_ids']).where('actor_id', '=', user.id).execute();
      expect(refusal).toEqual({ action: 'audit.read', outcome: 'denied', child_ids: [childIds[0]] });
    }
  });

  it('answers 400 naming the field for bad filters', async () => {
    const cases: Array<[string, string]> = [
      ['?childId=nope', 'childId'],
      ['?userId=123', 'userId'],
      ['?from=2026-13-01', 'from'],
      ['?to=yesterday', 'to'],
      ['?from=2026-06-16&to=2026-06-15', 'from'],
      ['?limit=0', 'limit'],
      ['?limit=501', 'limit'],
      ['?limit=ten', 'limit'],
      ['?cursor=not-a-cursor', 'cursor'],
      [`?cursor=${Buffer.from(JSON.stringify({ s: '1e99' })).toString('base64url')}`, 'cursor'],
      ['?action=child.read', 'action'],
    ];
    for (const [query, field] of cases) {
      const res = await h.request<ProblemBody>('GET', `/api/v1/audit${query}`, { user: dpo });
      expect(res.status, `${query}: ${res.raw}`).toBe(400);
      expect((res.body.errors ?? []).map((e) => e.field), query).toContain(field);
    }
  });
});

describe(`rewriting audited history on ${testEngine()}`, () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof teamWithStaff>>;
  let dpo: TestUser;
  beforeAll(async () => {
    h = await startHarness();
    team = await teamWithStaff(h);
    dpo = await h.user(['dpo']);
    await activity(h, team, 3, 5);
  });
  afterAll(async () => h.close());

  it('shows: the event’s proof fails, verify names it, and rewriting the stored subtrees too changes the root so the old consistency proof fails', async () => {
    const old = await checkpoint(h, dpo);
    expect(await verifyAuditTrail(h.db)).toMatchObject({ ok: true, treeHead: old });
    const victim = 5;
    const [row] = await h.db.selectFrom('audit_event').selectAll().where('seq', '=', victim).execute();
    expect(row).toBeDefined();

    // An attacker with the database changes who did it, and recomputes the leaf hash to match.
    const forged = JSON.parse(row?.payload ?? '{}') as Record<string, unknown>;
    forged['actorId'] = null;
    const forgedPayload = auditPayload(forged as Parameters<typeof auditPayload>[0]);
    const forgedLeaf = leafHash(forgedPayload);
    await tamper(h, sql`update audit_event set actor_id = null, payload = ${forgedPayload}, leaf_hash = ${Buffer.from(forgedLeaf)} where seq = ${victim}`);

    // Whoever kept the old checkpoint sees it: the rows no longer give its root, and the event's proof fails.
    const rows = await leaves(h);
    expect(bytesToHex(merkleRoot(rows.slice(0, old.treeSize)))).not.toBe(old.rootHash);
    const proof = await h.request<{ proof: string[] }>('GET', `/api/v1/audit/proof/inclusion?index=${victim}&treeSize=${old.treeSize}`, { user: dpo });
    expect(verifyInclusion(victim, old.treeSize, forgedLeaf, proof.body.proof.map(unhex), unhex(old.rootHash))).toBe(false);
    expect(await verifyAuditTrail(h.db)).toMatchObject({ ok: false, firstBad: { seq: victim, problem: 'chain-hash-mismatch' } });

    // A thorough attacker also rewrites every stored subtree above the event...
    for (let level = 4; 2 ** level <= old.treeSize; level++) {
      const idx = Math.floor(victim / 2 ** level);
      const width = 2 ** level;
      if ((idx + 1) * width > old.treeSize) break;
      await tamper(h, sql`update audit_merkle_node set hash = ${Buffer.from(perfectSubtreeHash(rows.slice(idx * width, (idx + 1) * width)))} where level = ${level} and idx = ${idx}`);
    }
    await activity(h, team, 1, 2);
    // ...so the server's new head follows the forged rows, and cannot be shown consistent with the old one.
    const now = await checkpoint(h, dpo);
    expect(now.rootHash).toBe(bytesToHex(merkleRoot(await leaves(h))));
    const consistency = await h.request<{ proof: string[] }>('GET', `/api/v1/audit/proof/consistency?from=${old.treeSize}&to=${now.treeSize}`, { user: dpo });
    expect(consistency.status).toBe(200);
    expect(verifyConsistency(old.treeSize, now.treeSize, unhex(old.rootHash), unhex(now.rootHash), consistency.body.proof.map(unhex))).toBe(false);
  });

  it('verify names a stored subtree rewritten on its own (events intact)', async () => {
    // A log of its own: the one above is already forged at event 5, where verify stops.
    const fresh = await startHarness();
    try {
      await activity(fresh, await teamWithStaff(fresh), 3, 5); // 36 events: subtrees (4, 0), (4, 1), (5, 0)
      await checkpoint(fresh, await fresh.user(['dpo']));
      expect(await verifyAuditTrail(fresh.db, undefined, 7)).toMatchObject({ ok: true });
      await tamper(fresh, sql`update audit_merkle_node set hash = sha256(hash) where level = 4 and idx = 1`);
      expect(await verifyAuditTrail(fresh.db, undefined, 7)).toMatchObject({ ok: false, treeHead: null, firstBad: { seq: 16, problem: 'merkle-node-mismatch' } });
    } finally {
      await fresh.close();
    }
  });
});

describe(`safekeep audit verify and audit checkpoint on ${testEngine()}`, () => {
  it('verify prints the tree head after a clean check; checkpoint prints it as JSON and stores the subtrees', async () => {
    const target = await freshDatabaseFlags();
    expect((await runCli(['migrate', ...target.flags])).code).toBe(0);
    const open = () => (target.url !== null ? openPostgres(target.url, { max: 1 }) : openPglite({ dataDir: join(target.dir, 'pglite') }));
    // 40 events written as the server writes them (one unit of work each).
    let database = await open();
    const runner = new WorkRunner(database.db, new ManualClock('2026-06-15T10:00:00Z'));
    for (let i = 0; i < 40; i++) await runner.run({ actor: SYSTEM_ACTOR, requestId: `cli-${i}` }, async (w) => w.audit({ action: 'calendar.import', detail: { n: i } }));
    const rows = await database.db.selectFrom('audit_event').select('leaf_hash').orderBy('seq').execute();
    await database.close();
    const expected = { treeSize: rows.length, rootHash: bytesToHex(merkleRoot(rows.map((r) => new Uint8Array(r.leaf_hash)))) };

    const verified = await runCli(['audit', 'verify', ...target.flags]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`intact: ${rows.length} events`);
    expect(verified.stdout).toContain(`Tree head: ${JSON.stringify(expected)}`);

    const cp = await runCli(['audit', 'checkpoint', ...target.flags]);
    expect(cp.code, cp.stderr).toBe(0);
    expect(JSON.parse(cp.stdout)).toEqual(expected);

    database = await open();
    try {
      expect(await database.db.selectFrom('audit_merkle_node').select(['level', 'idx']).orderBy('level').orderBy('idx').execute()).toEqual([
        { level: 4, idx: 0 },
        { level: 4, idx: 1 },
        { level: 5, idx: 0 },
      ]);
    } finally {
      await database.close();
    }
  });
});
