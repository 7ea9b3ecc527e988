/**
 * Recording benchmark (issue: recording the child's life). For each engine, over a team
 * of 300 children with 5 years of entries (about 1,000 each) and one child with 5,000:
 *   - the team's worklist (team manager), p50/p95;
 *   - compliance for the child with 5,000 entries, p50/p95;
 * each printed beside the foundation's chronology read of that child, in the same run.
 * Targets (PostgreSQL): worklist p95 ≤ 100 ms; compliance p95 ≤ 30 ms.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@safekeep/core';
import { migrateToLatest } from '../packages/server/src/db/migrate.js';
import { BlobStore } from '../packages/server/src/documents/blob-store.js';
import { buildApp } from '../packages/server/src/http/app.js';
import { DEFAULT_SESSION_POLICY, hashToken } from '../packages/server/src/users/sessions.service.js';
import { hashPassword } from '../packages/server/src/users/passwords.js';
import { generate } from './generate.js';
import { enginesFromArgs, openEngine, round, stats, time, type Engine } from './lib.js';

const SHAPE = { children: 5_000, openChildren: 300, entriesPerOpenChild: 1_000, bigChildEntries: 5_000, teams: 1, workersPerTeam: 10 };
const R = 200;

async function run(engine: Engine) {
  const out: Record<string, unknown> = { engine, date: new Date().toISOString(), cpus: cpus().length, node: process.version, shape: SHAPE };
  const { database, cleanup } = await openEngine(engine);
  try {
    await migrateToLatest(database.db);
    const [genMs, g] = await time(async () => generate(database.db, SHAPE, await hashPassword('bench password 123')));
    out['generate'] = { seconds: round(genMs / 1000), ...g.counts };
    console.log(`[${engine}] generated ${g.counts.children} children, ${g.counts.entries} entries in ${round(genMs / 1000)} s`);
    const dir = await mkdtemp(join(tmpdir(), 'safekeep-bench-blobs-'));
    const blobs = new BlobStore(dir);
    await blobs.init();
    const app = await buildApp({ database, clock: systemClock, blobs, sessionPolicy: DEFAULT_SESSION_POLICY, limits: { jsonBodyBytes: 1 << 20, uploadBytes: 1 << 20 }, logger: false });
    const token = randomBytes(32).toString('base64url');
    await database.db.insertInto('session').values({ token_hash: hashToken(token), user_id: g.teamManagerId, created_at: new Date(), last_seen_at: new Date(), expires_at: new Date(Date.now() + 86_400_000) }).execute();
    const headers = { authorization: `Bearer ${token}` };
    const measure = async (url: string, check: (body: string) => void) => {
      const samples: number[] = [];
      for (let i = 0; i < R + 20; i++) {
        const [ms, r] = await time(() => app.inject({ method: 'GET', url, headers }));
        if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
        if (i === 0) check(r.body);
        if (i >= 20) samples.push(ms);
      }
      return stats(samples);
    };
    const chronology = await measure(`/api/v1/children/${g.bigChildId}/entries`, () => {});
    const compliance = await measure(`/api/v1/children/${g.bigChildId}/compliance`, (body) => {
      const c = JSON.parse(body) as { contents: unknown[]; timescales: unknown[] };
      out['complianceShape'] = { contents: c.contents.length, timescales: c.timescales.length };
    });
    const worklist = await measure(`/api/v1/worklist?teamId=${g.teamId}&groupBy=sibling-group`, (body) => {
      const w = JSON.parse(body) as { children: number; items: unknown[] };
      out['worklistShape'] = { children: w.children, items: w.items.length };
    });
    Object.assign(out, { chronology, compliance, worklist });
    await app.close();
    await rm(dir, { recursive: true, force: true });
  } finally {
    await cleanup();
  }
  return out;
}

const results = [];
for (const engine of enginesFromArgs()) {
  const r = await run(engine);
  results.push(r);
  const c = r['chronology'] as Record<string, number>;
  const k = r['compliance'] as Record<string, number>;
  const w = r['worklist'] as Record<string, number>;
  const ws = r['worklistShape'] as Record<string, number>;
  console.log(`\n=== ${engine} ===`);
  console.log(`chronology (5,000 entries)       p50 ${c['p50']} ms  p95 ${c['p95']} ms   (baseline)`);
  console.log(`compliance (5,000 entries)       p50 ${k['p50']} ms  p95 ${k['p95']} ms   ×${round((k['p95'] ?? 0) / (c['p95'] ?? 1))} of chronology   target p95 ≤ 30 ms (PostgreSQL)`);
  console.log(`worklist (team of ${ws['children']}, ${ws['items']} items) p50 ${w['p50']} ms  p95 ${w['p95']} ms   ×${round((w['p95'] ?? 0) / (c['p95'] ?? 1))} of chronology   target p95 ≤ 100 ms (PostgreSQL)`);
}
const file = join(import.meta.dirname, 'results', `recording-${new Date().toISOString().slice(0, 10)}.json`);
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to ${file}`);
