/**
 * Retention benchmark (issue 4: retention that cannot destroy what must be kept).
 * Generates an authority of N children set-based in SQL (case records, 1–3 involvements
 * each, court orders for some, deaths for a few), labels them, then measures on the
 * same rows:
 *   - baseline: a bare one-column UPDATE of every label row (`computed_at = now()`);
 *   - relabelling every child after a schedule change (`select sk_relabel_all_children()`
 *     with a new version whose periods differ: every label is rewritten);
 *   - relabelling when nothing changed (every label recomputed and compared, none written);
 *   - publishing a new version through the API (POST /api/v1/retention/schedules), which
 *     relabels every child and carer in the request's transaction.
 * A sample of the labels is checked against core/retention.ts, so the timings are of
 * correct work. Target (PostgreSQL): relabelling 1,000,000 children ≤ 60 s.
 *
 *   npm run bench:retention                     PostgreSQL, 1,000,000 children
 *   npm run bench:retention -- pglite           PGlite, 100,000 children
 *   npm run bench:retention -- both             both, at those sizes
 *   npm run bench:retention -- postgres --children=200000
 *   … --keep                                    leave the PostgreSQL database for inspection
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { childRetentionLabel, systemClock, type SeedRule } from '@safekeep/core';
import { migrateToLatest } from '../packages/server/src/db/migrate.js';
import type { DB } from '../packages/server/src/db/schema.js';
import { BlobStore } from '../packages/server/src/documents/blob-store.js';
import { buildApp } from '../packages/server/src/http/app.js';
import { childFacts, rulesOf } from '../packages/server/src/retention/retention.repository.js';
import { DEFAULT_SESSION_POLICY, hashToken } from '../packages/server/src/users/sessions.service.js';
import { openEngine, round, time, type Engine } from './lib.js';

const DEFAULT_CHILDREN: Record<Engine, number> = { postgres: 1_000_000, pglite: 100_000 };
const TARGET_SECONDS = 60;
const SAMPLE = 200;

function parseArgs(): { engines: Engine[]; children: number | null; keep: boolean } {
  let engines: Engine[] = ['postgres'];
  let children: number | null = null;
  let keep = false;
  for (const arg of process.argv.slice(2)) {
    if (arg === 'postgres' || arg === 'pglite') engines = [arg];
    else if (arg === '--keep') keep = true;
    else if (arg === 'both') engines = ['postgres', 'pglite'];
    else if (arg.startsWith('--children=')) children = Number(arg.slice('--children='.length));
    else throw new Error(`unknown argument ${arg}: use postgres | pglite | both, --children=N, and --keep`);
  }
  if (children !== null && !(Number.isInteger(children) && children > 0)) throw new Error('--children must be a positive whole number');
  return { engines, children, keep };
}

const seed = JSON.parse(await readFile(new URL('../packages/server/data/retention-schedule.json', import.meta.url), 'utf8')) as SeedRule[];

/** The label triggers are switched off for the bulk load; the labels are then made in one statement. */
const LOAD_TRIGGERS: Array<[string, string]> = [
  ['child', 'child_relabel_insert'],
  ['involvement', 'involvement_relabel_insert'],
  ['entry', 'entry_court_order_relabel'],
  ['entry', 'entry_summary_refresh'],
];

async function generate(db: Kysely<DB>, n: number): Promise<{ involvements: number; orders: number; deaths: number }> {
  const user = await db
    .insertInto('app_user')
    .values({ username: 'bench', display_name: 'Bench Worker', password_hash: 'x', roles: ['social-worker'], created_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [table, trigger] of LOAD_TRIGGERS) await sql.raw(`alter table ${table} disable trigger ${trigger}`).execute(db);
  // Children born 1950–2023; one in 97 died, some before 18.
  await sql`create table bench_child as
    select g as n, gen_random_uuid() as id, date '1950-01-01' + ((g * 37) % 27000) as dob
      from generate_series(1, ${n}::int) g`.execute(db);
  await sql`alter table bench_child add primary key (n)`.execute(db);
  await sql`insert into case_record (child_id, status, opened_at) select id, 'open', now() from bench_child`.execute(db);
  await sql`insert into child (id, version, given_name, family_name, search_name, sort_name, date_of_birth, date_of_death, created_at, updated_at)
    select id, 1, 'Child', 'B' || n, 'child b' || n, 'b' || n || ' child', dob,
           case when n % 97 = 0 then least(dob + (n % 9000), current_date) end, now(), now()
      from bench_child`.execute(db);
  // Every child has one involvement of one of the eight built-in kinds (closed for two in three);
  // one in three also had child protection, closed; one in eleven a second, open, looked-after episode.
  const kinds = sql.raw(`array['child-in-need','child-protection','looked-after','care-leaver','education-welfare','private-fostering','adoption','fostering']`);
  await sql`insert into involvement (child_id, kind, start_date, end_date, created_at)
    select id, (${kinds})[1 + n % 8], dob + 400, case when n % 3 <> 0 then least(dob + 400 + (n % 3000), current_date) end, now() from bench_child`.execute(db);
  await sql`insert into involvement (child_id, kind, start_date, end_date, created_at)
    select id, 'child-protection', dob + 200, least(dob + 300 + (n % 2000), current_date), now() from bench_child where n % 3 = 0`.execute(db);
  await sql`insert into involvement (child_id, kind, start_date, created_at)
    select id, 'looked-after', least(dob + 2000, current_date), now() from bench_child where n % 11 = 0`.execute(db);
  // Court orders: adoption orders (1 in 17; some before 30 December 2005), supervision (1 in 41),
  // secure accommodation (1 in 53), and care orders (1 in 29), which change no class.
  await sql`create table bench_order as
    select gen_random_uuid() as id, c.id as child_id, o.order_type, least(c.dob + 1000 + (c.n % 900), current_date) as made_on
      from bench_child c
      join (values ('adoption-order', 17), ('supervision-order', 41), ('secure-accommodation-order', 53), ('care-order', 29)) o (order_type, every) on c.n % o.every = 0`.execute(db);
  await db.transaction().execute(async (tx) => {
    await sql`set constraints all deferred`.execute(tx);
    await sql`insert into entry (id, child_id, kind, current_version, status, occurred_at, created_at, created_by, updated_at, subtype, finalised_at)
      select id, child_id, 'court-order', 1, 'final', made_on + time '10:00', now(), ${user.id}, now(), order_type, now() from bench_order`.execute(tx);
    await sql`insert into entry_version (entry_id, version, occurred_at, title, body, fields, status, recorded_at, recorded_by)
      select id, 1, made_on + time '10:00', 'Order', '', jsonb_build_object('orderType', order_type, 'court', 'Northmoor Family Court', 'madeOn', made_on), 'final', now(), ${user.id}
        from bench_order`.execute(tx);
  });
  for (const [table, trigger] of LOAD_TRIGGERS) await sql.raw(`alter table ${table} enable trigger ${trigger}`).execute(db);
  const count = async (q: string) => Number((await sql<{ n: string }>`${sql.raw(q)}`.execute(db)).rows[0]?.n ?? 0);
  return {
    involvements: await count('select count(*) as n from involvement'),
    orders: await count('select count(*) as n from entry'),
    deaths: await count('select count(*) as n from child where date_of_death is not null'),
  };
}

/** A new schedule version, straight in SQL: the current one with every period five years longer (the seed's longest is 100). */
async function lengthenPeriods(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ v: number }>`select max(version) + 1 as v from retention_schedule`.execute(db);
  const v = rows[0]?.v ?? 2;
  await sql`insert into retention_schedule (version, note, published_at) values (${v}, 'Benchmark: every period five years longer', now())`.execute(db);
  await sql`insert into retention_rule (schedule_version, rule_id, record_class, description, trigger, years, death_years, minimum, basis, verified, source, notes, applies_to, condition, active)
    select ${v}, rule_id, record_class, description, trigger, years + 5, death_years + 5, minimum, basis, verified, source, notes, applies_to, condition, active
      from retention_rule where schedule_version = ${v} - 1`.execute(db);
  return v;
}

async function vacuum(db: Kysely<DB>) {
  await sql`vacuum analyze retention_label`.execute(db);
}

async function run(engine: Engine, n: number) {
  const out: Record<string, unknown> = { engine, date: new Date().toISOString(), cpus: cpus().length, node: process.version, children: n };
  const { database, cleanup } = await openEngine(engine);
  const db = database.db;
  try {
    await migrateToLatest(db);
    const [genMs, counts] = await time(() => generate(db, n));
    await sql`vacuum analyze`.execute(db);
    out['generate'] = { seconds: round(genMs / 1000), children: n, ...counts };
    console.log(`[${engine}] generated ${n} children, ${counts.involvements} involvements, ${counts.orders} court orders in ${round(genMs / 1000)} s`);

    // First labels: every row inserted.
    const [firstMs, first] = await time(() => sql<{ n: string }>`select sk_relabel_all_children() as n`.execute(db));
    out['firstLabelling'] = { seconds: round(firstMs / 1000), labels: Number(first.rows[0]?.n) };
    console.log(`[${engine}] first labelling: ${first.rows[0]?.n} labels in ${round(firstMs / 1000)} s`);
    await vacuum(db);

    // Baseline: the cheapest statement that rewrites every label row.
    const [baseMs, base] = await time(() => sql`update retention_label set computed_at = now()`.execute(db));
    out['baselineUpdate'] = { seconds: round(baseMs / 1000), rows: Number(base.numAffectedRows ?? 0) };
    await vacuum(db);

    // A schedule change: every label's version (and most dates) change, so every row is rewritten.
    const version = await lengthenPeriods(db);
    const [relabelMs, relabel] = await time(() => sql<{ n: string }>`select sk_relabel_all_children() as n`.execute(db));
    const relabelled = Number(relabel.rows[0]?.n);
    if (relabelled !== n) throw new Error(`relabelled ${relabelled} of ${n} children`);
    out['relabelAfterChange'] = { seconds: round(relabelMs / 1000), rows: relabelled, scheduleVersion: version };
    await vacuum(db);

    // Nothing changed: every label recomputed and compared, none written.
    const [noopMs, noop] = await time(() => sql<{ n: string }>`select sk_relabel_all_children() as n`.execute(db));
    out['relabelUnchanged'] = { seconds: round(noopMs / 1000), rows: Number(noop.rows[0]?.n) };

    // A sample checked against core/retention.ts (the same facts, read as the API reads them).
    const rules = await rulesOf(db, version);
    const sample = await sql<{ child_id: string; status: string; destruction_date: string | null; rule_ids: string[] }>`
      select child_id, status, destruction_date, rule_ids from retention_label order by md5(child_id::text) limit ${SAMPLE}`.execute(db);
    const statuses: Record<string, number> = {};
    for (const row of sample.rows) {
      const facts = await childFacts(db, row.child_id);
      if (facts === null) throw new Error(`no facts for ${row.child_id}`);
      const expected = childRetentionLabel(rules, facts);
      if (expected.status !== row.status || expected.destructionDate !== row.destruction_date || expected.ruleIds.join() !== row.rule_ids.join()) {
        throw new Error(`label of ${row.child_id} is ${JSON.stringify(row)}, core says ${JSON.stringify({ status: expected.status, date: expected.destructionDate, ruleIds: expected.ruleIds })}`);
      }
      statuses[row.status] = (statuses[row.status] ?? 0) + 1;
    }
    out['sampleChecked'] = { labels: sample.rows.length, statuses };
    await vacuum(db);

    // The real path: a records officer publishes a new version through the API.
    const dir = await mkdtemp(join(tmpdir(), 'safekeep-bench-blobs-'));
    const blobs = new BlobStore(dir);
    await blobs.init();
    const app = await buildApp({ database, clock: systemClock, blobs, sessionPolicy: DEFAULT_SESSION_POLICY, limits: { jsonBodyBytes: 1 << 20, uploadBytes: 1 << 20 }, logger: false });
    try {
      const officer = await db.insertInto('app_user').values({ username: 'ro', display_name: 'Records Officer', password_hash: 'x', roles: ['records-officer'], created_at: new Date() }).returning('id').executeTakeFirstOrThrow();
      const token = randomBytes(32).toString('base64url');
      await db.insertInto('session').values({ token_hash: hashToken(token), user_id: officer.id, created_at: new Date(), last_seen_at: new Date(), expires_at: new Date(Date.now() + 86_400_000) }).execute();
      const body = { note: 'Benchmark: child protection records kept 40 years.', rules: seed.map((r) => (r.id === 'child-protection-record' ? { ...r, years: 40 } : r)) };
      const [publishMs, res] = await time(() => app.inject({ method: 'POST', url: '/api/v1/retention/schedules', headers: { authorization: `Bearer ${token}` }, payload: body }));
      if (res.statusCode !== 201) throw new Error(`publish failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
      out['publishViaApi'] = { seconds: round(publishMs / 1000), ...(JSON.parse(res.body) as Record<string, unknown>) };
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    if (keep && engine === 'postgres') {
      const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
      await database.close();
      console.log(`[${engine}] kept database ${rows[0]?.name ?? '?'} (drop it when done)`);
    } else {
      await cleanup();
    }
  }
  return out;
}

const { engines, children, keep } = parseArgs();
const results = [];
for (const engine of engines) {
  const n = children ?? DEFAULT_CHILDREN[engine];
  const r = await run(engine, n);
  results.push(r);
  const s = (k: string) => (r[k] as { seconds: number }).seconds;
  const ratio = (k: string) => round(s(k) / s('baselineUpdate'));
  console.log(`\n=== ${engine}: ${n.toLocaleString('en-GB')} children ===`);
  console.log(`bare UPDATE of every label row (baseline)      ${s('baselineUpdate')} s`);
  console.log(`first labelling (insert every label)           ${s('firstLabelling')} s   ×${ratio('firstLabelling')} of baseline`);
  console.log(`relabel all after a schedule change            ${s('relabelAfterChange')} s   ×${ratio('relabelAfterChange')} of baseline   target ≤ ${TARGET_SECONDS} s for 1,000,000 (PostgreSQL)`);
  console.log(`relabel all, nothing changed                   ${s('relabelUnchanged')} s   ×${ratio('relabelUnchanged')} of baseline`);
  console.log(`publish a version via the API (all relabelled) ${s('publishViaApi')} s   ×${ratio('publishViaApi')} of baseline`);
}
const file = join(import.meta.dirname, 'results', `retention-${new Date().toISOString().slice(0, 10)}.json`);
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to ${file}`);
// A kept database leaves the admin connection open (bench/lib.ts drops the database with it).
if (keep) process.exit(0);
