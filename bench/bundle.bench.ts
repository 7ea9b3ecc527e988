/**
 * Disclosure bundle benchmark (issue 5, subject access). For each engine: an authority
 * (bench/generate.ts) with one child whose record holds 5,000 entries that name a
 * sibling, foster carers and a parent (and what they said), and 50 uploaded documents.
 * Through the HTTP API, as business support and the DPO would: log the request, collate
 * every item with its redaction proposals (pages of 500), decide every proposal, approve,
 * and download the redacted bundle. Printed beside a baseline from the same run: the same
 * entries rendered unredacted by renderPdf directly (the PDF layout cost alone).
 * Target: the whole request ≤ 20 s.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { systemClock } from '@safekeep/core';
import { migrateToLatest } from '../packages/server/src/db/migrate.js';
import { BlobStore } from '../packages/server/src/documents/blob-store.js';
import { buildApp } from '../packages/server/src/http/app.js';
import { renderBundle } from '../packages/server/src/sars/bundle-pdf.js';
import { textFieldsOf } from '../packages/server/src/sars/collate.js';
import { entryVersions } from '../packages/server/src/sars/collation.repository.js';
import type { BundleContent } from '../packages/server/src/sars/disclosure.service.js';
import { hashPassword } from '../packages/server/src/users/passwords.js';
import { DEFAULT_SESSION_POLICY, hashToken } from '../packages/server/src/users/sessions.service.js';
import { generate } from './generate.js';
import { enginesFromArgs, openEngine, round, time, type Engine } from './lib.js';

// The big child's own 5,000 entries are written below (with names in them), so generate() gives it none.
const SHAPE = { children: 2_000, openChildren: 100, entriesPerOpenChild: 50, bigChildEntries: 0, teams: 1, workersPerTeam: 5 };
const ENTRIES = 5_000;
const DOCUMENTS = 50;
const FILLER = 'Notes continue with ordinary detail of the day: meals, school, friends and plans for the weekend. '.repeat(5);

interface Names {
  child: string;
  sibling: string;
  siblingFamily: string;
}

/** Entry k of the big child's record: most name someone the system knows. */
function entryText(k: number, n: Names): { kind: string; title: string; body: string; fields: Record<string, unknown> } {
  const { child: c, sibling: s, siblingFamily: sf } = n;
  if (k % 100 === 0) {
    return {
      kind: 'decision',
      title: 'Contact decision',
      body: 'Decided at the looked-after review.',
      fields: {
        decision: `Weekly contact with ${s} and monthly contact with Donna Pryce.`,
        rationale: `${c} asked to see ${s} more often.`,
        decidedBy: 'Review panel',
        childView: { view: 'I like living here and I want to see my brother.', howObtained: 'Talked at school' },
        parentViews: [{ name: 'Donna Pryce', relationship: 'mother', view: 'Wants more contact.' }],
      },
    };
  }
  const bodies = [
    `${c} was seen at home with Sarah and Tom Okonjo. Sarah said that ${c} had settled well and was sleeping better. ${c} showed me a drawing. ${FILLER}`,
    `Contact with ${s} ${sf} went well; ${c} and ${s} played in the park. Donna Pryce rang to say she would come to the review. ${FILLER}`,
    `${c} was seen alone at school. No concerns were raised. ${FILLER}`,
    `Tom Okonjo told me that ${c} had been upset after contact. According to Sarah, ${c} asked about ${s}. ${FILLER}`,
    `${c} talked about football and the new term. ${FILLER}`,
  ];
  return { kind: 'case-note', title: `Case note ${k}`, body: bodies[k % bodies.length] ?? '', fields: {} };
}

async function multipart(meta: Record<string, string>, bytes: Buffer, filename: string): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  form.set('meta', JSON.stringify(meta));
  form.set('file', new Blob([bytes]), filename);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type') ?? '' } };
}

async function run(engine: Engine) {
  const out: Record<string, unknown> = { engine, date: new Date().toISOString(), cpus: cpus().length, node: process.version, entries: ENTRIES, documents: DOCUMENTS };
  const { database, cleanup } = await openEngine(engine);
  const dir = await mkdtemp(join(tmpdir(), 'safekeep-bench-blobs-'));
  try {
    const db = database.db;
    await migrateToLatest(db);
    const hash = await hashPassword('bench password 123');
    const g = await generate(db, SHAPE, hash);
    const child = await db.selectFrom('child').select(['id', 'given_name', 'family_name']).where('id', '=', g.bigChildId).executeTakeFirstOrThrow();
    const sibling = await db.selectFrom('child').select(['id', 'given_name', 'family_name']).where('id', '<>', g.bigChildId).orderBy('id').limit(1).executeTakeFirstOrThrow();
    const worker = await db.selectFrom('allocation').select('user_id').where('child_id', '=', g.bigChildId).where('ended_at', 'is', null).executeTakeFirstOrThrow();
    const now = new Date();
    await db.insertInto('relationship').values([
      { child_id: child.id, related_child_id: sibling.id, kind: 'sibling', created_at: now },
      { child_id: sibling.id, related_child_id: child.id, kind: 'sibling', created_at: now },
    ]).execute();
    const carer = await db.insertInto('carer').values({ kind: 'foster-carer', name: 'Sarah and Tom Okonjo', created_at: now }).returning('id').executeTakeFirstOrThrow();
    const names = { child: child.given_name, sibling: sibling.given_name, siblingFamily: sibling.family_name };
    const [genMs] = await time(async () => {
      await db.transaction().execute(async (tx) => {
        for (let start = 0; start < ENTRIES; start += 500) {
          const rows = Array.from({ length: Math.min(500, ENTRIES - start) }, (_, i) => {
            const k = start + i;
            const at = new Date(now.getTime() - (ENTRIES - k) * 6 * 3_600_000);
            const e = k % 50 === 1 ? { kind: 'placement-plan', title: 'Placement plan', body: `${names.child} lives with Sarah and Tom Okonjo. ${FILLER}`, fields: { placementStart: '2024-01-10', carerId: carer.id } } : entryText(k, names);
            return { id: randomUUID(), at, ...e };
          });
          await tx.insertInto('entry').values(rows.map((r) => ({ id: r.id, child_id: child.id, kind: r.kind, current_version: 1, status: 'final', occurred_at: r.at, created_at: r.at, created_by: worker.user_id, updated_at: r.at, subtype: null, recording_due_by: null, finalised_at: r.at }))).execute();
          await tx.insertInto('entry_version').values(rows.map((r) => ({ entry_id: r.id, version: 1, occurred_at: r.at, title: r.title, body: r.body, fields: JSON.stringify(r.fields), status: 'final', reason: null, recorded_at: r.at, recorded_by: worker.user_id }))).execute();
        }
      });
      await sql`analyze`.execute(db);
    });
    out['generate'] = { ...g.counts, bigChildEntries: ENTRIES, seconds: round(genMs / 1000) };

    const blobs = new BlobStore(dir);
    await blobs.init();
    const app = await buildApp({ database, clock: systemClock, blobs, sessionPolicy: DEFAULT_SESSION_POLICY, limits: { jsonBodyBytes: 4 << 20, uploadBytes: 4 << 20 }, logger: false });
    const tokenFor = async (userId: string) => {
      const token = randomBytes(32).toString('base64url');
      await db.insertInto('session').values({ token_hash: hashToken(token), user_id: userId, created_at: new Date(), last_seen_at: new Date(), expires_at: new Date(Date.now() + 86_400_000) }).execute();
      return { authorization: `Bearer ${token}` };
    };
    const mkUser = async (username: string, role: string) =>
      (await db.insertInto('app_user').values({ username, display_name: username, password_hash: hash, roles: [role], created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
    const asWorker = await tokenFor(worker.user_id);
    const asSupport = await tokenFor(await mkUser('bench-support', 'business-support'));
    const asDpo = await tokenFor(await mkUser('bench-dpo', 'dpo'));
    const call = async (method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: unknown) => {
      const r = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
      if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body.slice(0, 400)}`);
      return r;
    };

    // 50 documents, uploaded as a worker would (real files in the blob store).
    for (let i = 0; i < DOCUMENTS; i++) {
      const upload = await multipart({ kind: 'correspondence', title: `Letter ${i}`, occurredAt: new Date(now.getTime() - i * 86_400_000).toISOString() }, Buffer.from(`Letter ${i} about ${names.child}. Sarah Okonjo will bring ${names.child} to the review. ${FILLER}`), `letter-${i}.txt`);
      await call('POST', `/api/v1/children/${child.id}/documents`, { ...asWorker, ...upload.headers }, upload.payload);
    }

    const total = performance.now();
    const created = await call('POST', '/api/v1/sars', asSupport, { childId: child.id, requester: `${child.given_name} ${child.family_name}`, relationship: 'the-child', receivedAt: now.toISOString(), identity: { method: 'known-to-the-service' } });
    const sarId = (JSON.parse(created.body) as { id: string }).id;

    // Collate: every page of items, with the proposals in each.
    const ids: string[] = [];
    const documentIds: string[] = [];
    let pages = 0;
    let firstPageMs = 0;
    const [collateMs] = await time(async () => {
      let cursor: string | null = null;
      do {
        const url = `/api/v1/sars/${sarId}/items?limit=500${cursor === null ? '' : `&cursor=${cursor}`}`;
        const [ms, r] = await time(() => call('GET', url, asSupport));
        if (pages === 0) firstPageMs = ms;
        pages += 1;
        const body = JSON.parse(r.body) as { items: Array<{ proposedRedactions: Array<{ id: string }>; documents: Array<{ id: string; proposedRedactions: Array<{ id: string }> }> }>; nextCursor: string | null };
        for (const item of body.items) {
          for (const p of item.proposedRedactions) ids.push(p.id);
          for (const d of item.documents) {
            documentIds.push(d.id);
            for (const p of d.proposedRedactions) ids.push(p.id);
          }
        }
        cursor = body.nextCursor;
      } while (cursor !== null);
    });
    const [decideMs] = await time(async () => {
      for (let i = 0; i < ids.length; i += 5_000) {
        await call('POST', `/api/v1/sars/${sarId}/redactions`, asSupport, { decisions: ids.slice(i, i + 5_000).map((id) => ({ id, accept: true, exemption: 'third-party' })) });
      }
    });
    const [documentsMs] = await time(() => call('POST', `/api/v1/sars/${sarId}/document-decisions`, asSupport, { decisions: documentIds.map((documentId) => ({ documentId, disclose: true })) }));
    const [approveMs] = await time(() => call('POST', `/api/v1/sars/${sarId}/approval`, asDpo));
    const [bundleMs, bundle] = await time(() => call('GET', `/api/v1/sars/${sarId}/bundle`, asSupport));
    const totalMs = performance.now() - total;
    const sar = JSON.parse((await call('GET', `/api/v1/sars/${sarId}`, asDpo)).body) as { disclosures: Array<{ pages: number; bytes: number }> };
    const bundlePages = sar.disclosures[0]?.pages ?? 0;

    // Baseline: the same approved entries, unredacted, straight through renderPdf.
    const schedule = JSON.parse((await call('GET', `/api/v1/sars/${sarId}/redaction-schedule`, asDpo)).body) as { markers: number };
    const versions = await entryVersions(db, child.id, (await db.selectFrom('sar_approval').select('entries').where('sar_id', '=', sarId).executeTakeFirstOrThrow()).entries);
    const plain: BundleContent = {
      sar: JSON.parse(created.body) as BundleContent['sar'],
      approvedAt: new Date().toISOString(),
      approvedBy: 'bench-dpo',
      markers: 0,
      schedule: [],
      documents: [],
      entries: versions.map((e) => {
        const texts = textFieldsOf(e);
        return { entryId: e.entry_id, version: e.version, kind: e.kind, occurredAt: e.occurred_at.toISOString(), recordedBy: e.recorded_by_name, title: e.title, body: e.body, fields: texts.slice(2).map((t) => ({ label: t.label, text: t.text })), documents: [] };
      }),
    };
    const [baselineMs, baseline] = await time(() => renderBundle(plain, blobs));

    Object.assign(out, {
      proposals: ids.length,
      markers: schedule.markers,
      itemPages: pages,
      documentsDecided: documentIds.length,
      ms: { collate: round(collateMs), firstItemsPage: round(firstPageMs), decide: round(decideMs), decideDocuments: round(documentsMs), approve: round(approveMs), bundle: round(bundleMs), total: round(totalMs) },
      bundle: { pages: bundlePages, bytes: bundle.rawPayload.length, msPerPage: round(bundleMs / bundlePages) },
      baseline: { ms: round(baselineMs), pages: baseline.pages, bytes: baseline.bytes.length, msPerPage: round(baselineMs / baseline.pages) },
    });
    await app.close();
  } finally {
    await cleanup();
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

const results = [];
for (const engine of enginesFromArgs()) {
  const r = await run(engine);
  results.push(r);
  const ms = r['ms'] as Record<string, number>;
  const b = r['bundle'] as Record<string, number>;
  const base = r['baseline'] as Record<string, number>;
  console.log(`\n=== ${engine} === (${ENTRIES} entries, ${DOCUMENTS} documents, ${String(r['proposals'])} proposals, ${String(r['markers'])} markers)`);
  console.log(`collate (${String(r['itemPages'])} pages of items)   ${round((ms['collate'] ?? 0) / 1000)} s   (first page ${ms['firstItemsPage']} ms)`);
  console.log(`decide every proposal          ${round((ms['decide'] ?? 0) / 1000)} s`);
  console.log(`disclose every document (${String(r['documentsDecided'])})   ${round((ms['decideDocuments'] ?? 0) / 1000)} s`);
  console.log(`approve                        ${round((ms['approve'] ?? 0) / 1000)} s`);
  console.log(`bundle (redacted, recorded)    ${round((ms['bundle'] ?? 0) / 1000)} s   ${b['pages']} pages   ${b['msPerPage']} ms/page`);
  console.log(`baseline: renderPdf unredacted ${round((base['ms'] ?? 0) / 1000)} s   ${base['pages']} pages   ${base['msPerPage']} ms/page`);
  console.log(`TOTAL request                  ${round((ms['total'] ?? 0) / 1000)} s   target ≤ 20 s`);
}
const file = join(import.meta.dirname, 'results', `bundle-${new Date().toISOString().slice(0, 10)}.json`);
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to ${file}`);
