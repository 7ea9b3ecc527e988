/**
 * Foundation benchmark (issue: one case record per child). For each engine:
 *   - entries created per second through the HTTP layer, in-process (inject) and over
 *     loopback, beside bare single-row INSERT transactions on the same engine;
 *   - chronology read latency for a child with 5,000 entries, beside the same SQL;
 *   - partial-name search latency over 100,000 children, beside the same SQL.
 * Targets: API writes ≥ 30% of bare INSERTs; chronology p95 ≤ 25 ms and search
 * p95 ≤ 50 ms on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { systemClock } from '@safekeep/core';
import { migrateToLatest } from '../packages/server/src/db/migrate.js';
import { BlobStore } from '../packages/server/src/documents/blob-store.js';
import { buildApp } from '../packages/server/src/http/app.js';
import { DEFAULT_SESSION_POLICY, hashToken } from '../packages/server/src/users/sessions.service.js';
import { hashPassword } from '../packages/server/src/users/passwords.js';
import { generate, DEFAULT_SHAPE } from './generate.js';
import { enginesFromArgs, openEngine, round, stats, time, type Engine } from './lib.js';

const engines = enginesFromArgs();

async function pool<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await task(next++);
  }));
}

async function run(engine: Engine) {
  const out: Record<string, unknown> = { engine, date: new Date().toISOString(), cpus: cpus().length, node: process.version };
  const { database, cleanup } = await openEngine(engine);
  try {
    await migrateToLatest(database.db);
    const [genMs, g] = await time(async () => generate(database.db, DEFAULT_SHAPE, await hashPassword('bench password 123')));
    out['generate'] = { seconds: round(genMs / 1000), ...g.counts };
    console.log(`[${engine}] generated ${g.counts.children} children, ${g.counts.entries} entries in ${round(genMs / 1000)} s`);

    const dir = await mkdtemp(join(tmpdir(), 'safekeep-bench-blobs-'));
    const blobs = new BlobStore(dir);
    await blobs.init();
    const app = await buildApp({ database, clock: systemClock, blobs, sessionPolicy: DEFAULT_SESSION_POLICY, limits: { jsonBodyBytes: 1 << 20, uploadBytes: 1 << 20 }, logger: false });
    const token = async (userId: string) => {
      const t = randomBytes(32).toString('base64url');
      await database.db.insertInto('session').values({ token_hash: hashToken(t), user_id: userId, created_at: new Date(), last_seen_at: new Date(), expires_at: new Date(Date.now() + 86_400_000) }).execute();
      return t;
    };
    const worker = g.workerIds[0] ?? '';
    const workerToken = await token(worker);
    const hosToken = await token(g.headOfServiceId);
    const auth = (t: string) => ({ authorization: `Bearer ${t}` });
    const writeChild = (await sql<{ child_id: string }>`select child_id from allocation where user_id = ${worker} and ended_at is null limit 1`.execute(database.db)).rows[0]?.child_id ?? '';

    // --- Baseline: bare single-row INSERT transactions (autocommit) on this engine.
    await sql`create table bench_baseline (id uuid primary key default gen_random_uuid(), child_id uuid, body text, at timestamptz)`.execute(database.db);
    const N = engine === 'pglite' ? 1000 : 1500;
    const ROUNDS = 5;
    const body = 'Visited at home. The child talked about school and their friends. No concerns were seen.';
    const bare = () => sql`insert into bench_baseline (child_id, body, at) values (${writeChild}, ${body}, now())`.execute(database.db);
    const payload = (i: number) => ({ kind: 'case-note', occurredAt: new Date().toISOString(), title: `Bench note ${i}`, body });
    const inject = async (i: number) => {
      const r = await app.inject({ method: 'POST', url: `/api/v1/children/${writeChild}/entries`, headers: auth(workerToken), payload: payload(i) });
      if (r.statusCode !== 201) throw new Error(`write failed ${r.statusCode} ${r.body}`);
    };
    // A plain keep-alive HTTP/1.1 client over loopback: the measure is the server, not fetch's overhead.
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const target = new URL(`${address}/api/v1/children/${writeChild}/entries`);
    const post = (i: number) =>
      new Promise<void>((resolve, reject) => {
        const data = JSON.stringify(payload(i));
        const req = http.request(
          { agent, hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...auth(workerToken), 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
          (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`loopback write failed ${res.statusCode}`))));
          },
        );
        req.on('error', reject);
        req.end(data);
      });
    const concurrency = engine === 'pglite' ? 1 : 8;
    const rate = async (task: (i: number) => Promise<unknown>, parallel = 1) => {
      const [ms] = await time(() => (parallel === 1 ? (async () => { for (let i = 0; i < N; i++) await task(i); })() : pool(N, parallel, task)));
      return (N / ms) * 1000;
    };
    // Warm every path, then alternate baseline and API in rounds: each ratio compares runs
    // taken moments apart (checkpoints, autovacuum and the machine's other work fall on both),
    // and the figures reported are the medians over the rounds.
    for (let i = 0; i < 200; i++) await bare();
    for (let i = 0; i < 100; i++) await inject(i);
    for (let i = 0; i < 100; i++) await post(i);
    const rounds: Array<Record<string, number>> = [];
    for (let r = 0; r < ROUNDS; r++) {
      const bareRate = await rate(bare);
      const injRate = await rate(inject);
      const loopRate = await rate(post);
      const bareConcRate = await rate(bare, concurrency);
      const loopConcRate = await rate(post, concurrency);
      rounds.push({ bareRate, injRate, loopRate, bareConcRate, loopConcRate, ratioInProcess: injRate / bareRate, ratioLoopback: loopRate / bareRate, ratioLoopbackConcurrent: loopConcRate / bareConcRate });
      console.log(`[${engine}] writes round ${r + 1}/${ROUNDS}: bare ${Math.round(bareRate)}/s, API in-process ${Math.round(injRate)}/s (${Math.round((injRate / bareRate) * 100)}%), loopback ${Math.round(loopRate)}/s (${Math.round((loopRate / bareRate) * 100)}%), ×${concurrency} ${Math.round(loopConcRate)}/s of ${Math.round(bareConcRate)}/s (${Math.round((loopConcRate / bareConcRate) * 100)}%)`);
    }
    const median = (k: string) => {
      const xs = rounds.map((x) => x[k] ?? NaN).sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)] ?? NaN;
    };
    out['writes'] = {
      n: N,
      rounds: ROUNDS,
      bareInsertPerSecond: Math.round(median('bareRate')),
      bareInsertConcurrentPerSecond: Math.round(median('bareConcRate')),
      apiInProcessPerSecond: Math.round(median('injRate')),
      apiLoopbackPerSecond: Math.round(median('loopRate')),
      apiLoopbackConcurrentPerSecond: Math.round(median('loopConcRate')),
      concurrency,
      ratioInProcess: round(median('ratioInProcess')),
      ratioLoopback: round(median('ratioLoopback')),
      ratioLoopbackConcurrent: round(median('ratioLoopbackConcurrent')),
      perRound: rounds.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, k.startsWith('ratio') ? round(v) : Math.round(v)]))),
    };

    // --- Chronology for the child with 5,000 entries (head of service: no allocation needed).
    const R = 400;
    const chronoUrls = (i: number) =>
      i % 4 === 0 ? `/api/v1/children/${g.bigChildId}/entries` : i % 4 === 1 ? `/api/v1/children/${g.bigChildId}/entries?kind=visit` : i % 4 === 2 ? `/api/v1/children/${g.bigChildId}/entries?from=2024-01-01&to=2024-12-31` : `/api/v1/children/${g.bigChildId}/entries?limit=100`;
    const httpChrono: number[] = [];
    for (let i = 0; i < R + 50; i++) {
      const [ms, r] = await time(() => app.inject({ method: 'GET', url: chronoUrls(i), headers: auth(hosToken) }));
      if (r.statusCode !== 200) throw new Error(`chronology ${r.statusCode}`);
      if (i >= 50) httpChrono.push(ms);
    }
    const sqlChrono: number[] = [];
    for (let i = 0; i < R + 50; i++) {
      const [ms] = await time(() => sql`select e.id, v.title, v.body, v.occurred_at from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version
          where e.child_id = ${g.bigChildId} order by e.occurred_at desc, e.id desc limit 51`.execute(database.db));
      if (i >= 50) sqlChrono.push(ms);
    }
    out['chronology'] = { entries: DEFAULT_SHAPE.bigChildEntries, http: stats(httpChrono), sqlOnly: stats(sqlChrono) };

    // --- Search by partial name over 100,000 children.
    const fragments = ['smi', 'okaf', 'patel', 'jon', 'ahm', 'whitf', 'amelia', 'leo', 'kow', 'novak', 'ell', 'rossi ol'];
    const searchAs = async (t: string) => {
      const samples: number[] = [];
      for (let i = 0; i < R + 50; i++) {
        const [ms, r] = await time(() => app.inject({ method: 'GET', url: `/api/v1/children?q=${encodeURIComponent(fragments[i % fragments.length] ?? 'smi')}`, headers: auth(t) }));
        if (r.statusCode !== 200) throw new Error(`search ${r.statusCode}`);
        if (i >= 50) samples.push(ms);
      }
      return stats(samples);
    };
    // The same search in bare SQL: the shape the service sends (trigram matches, then
    // sort), and the naive ORDER BY … LIMIT the planner may walk the name index for.
    const sqlSearch: number[] = [];
    const naiveSearch: number[] = [];
    for (let i = 0; i < R + 50; i++) {
      const words = (fragments[i % fragments.length] ?? 'smi').split(' ');
      const where = sql.join(words.map((w) => sql`search_name like ${`%${w}%`}`), sql` and `);
      const [ms] = await time(() => sql`with m as materialized (select * from child where ${where}) select * from m order by sort_name, id limit 51`.execute(database.db));
      const [naive] = await time(() => sql`select * from child where ${where} order by sort_name, id limit 51`.execute(database.db));
      if (i >= 50) {
        sqlSearch.push(ms);
        naiveSearch.push(naive);
      }
    }
    out['search'] = { children: DEFAULT_SHAPE.children, headOfService: await searchAs(hosToken), socialWorker: await searchAs(workerToken), sqlOnly: stats(sqlSearch), sqlNaivePlan: stats(naiveSearch) };

    agent.destroy();
    await app.close();
    await rm(dir, { recursive: true, force: true });
  } finally {
    await cleanup();
  }
  return out;
}

const results = [];
for (const engine of engines) {
  const r = await run(engine);
  results.push(r);
  const w = r['writes'] as Record<string, number>;
  const c = r['chronology'] as { http: Record<string, number>; sqlOnly: Record<string, number> };
  const s = r['search'] as { headOfService: Record<string, number>; socialWorker: Record<string, number>; sqlOnly: Record<string, number>; sqlNaivePlan: Record<string, number> };
  console.log(`\n=== ${engine} ===`);
  console.log(`writes/s (median of ${w['rounds']} alternating rounds)  bare INSERT ${w['bareInsertPerSecond']} | API in-process ${w['apiInProcessPerSecond']} (${Math.round((w['ratioInProcess'] ?? 0) * 100)}%) | API loopback ${w['apiLoopbackPerSecond']} (${Math.round((w['ratioLoopback'] ?? 0) * 100)}%)`);
  console.log(`          concurrent ×${w['concurrency']}: bare INSERT ${w['bareInsertConcurrentPerSecond']} | API loopback ${w['apiLoopbackConcurrentPerSecond']} (${Math.round((w['ratioLoopbackConcurrent'] ?? 0) * 100)}%)   target ≥ 30%`);
  console.log(`chronology (5,000 entries) ms  HTTP p50 ${c.http['p50']} p95 ${c.http['p95']} | SQL only p50 ${c.sqlOnly['p50']} p95 ${c.sqlOnly['p95']}   target p95 ≤ 25 ms (PostgreSQL)`);
  console.log(`search (100,000 children) ms   HTTP p95 head of service ${s.headOfService['p95']}, social worker ${s.socialWorker['p95']} | SQL only p95 ${s.sqlOnly['p95']} (naive plan ${s.sqlNaivePlan['p95']})   target p95 ≤ 50 ms (PostgreSQL)`);
}
const file = join(import.meta.dirname, 'results', `foundation-${new Date().toISOString().slice(0, 10)}.json`);
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to ${file}`);
