import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, createEntry, multipart, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness } from '../../test/harness.js';
import { testEngine } from '../../test/engine.js';
import { migrateToLatest, pendingMigrations } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { APPEND_ONLY_TABLES as FOUNDATION_APPEND_ONLY } from './migrations/20261122_0100_foundation.js';
import { APPEND_ONLY_TABLES_2, GUARDED_TABLES } from './migrations/20261122_0200_recording.js';

const APPEND_ONLY_TABLES = [...FOUNDATION_APPEND_ONLY, ...APPEND_ONLY_TABLES_2];

/**
 * The database guards its own invariants: whatever code runs against it, rows of the
 * append-only tables cannot be updated, deleted or truncated. Proved on each engine.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const { worker } = await teamWithStaff(h);
  const child = await createChild(h, worker);
  const entry = await createEntry(h, worker, child.id);
  await h.request('POST', `/api/v1/entries/${entry.id}/versions`, { user: worker, body: { body: 'Corrected.', reason: 'typo' } });
  const upload = await multipart({
    meta: JSON.stringify({ kind: 'correspondence', title: 'Letter', occurredAt: h.clock.now().toISOString() }),
    file: { bytes: Buffer.from('Dear parent, this confirms the meeting.'), filename: 'letter.txt' },
  });
  const res = await h.request('POST', `/api/v1/children/${child.id}/documents`, { user: worker, ...upload });
  expect(res.status).toBe(201);
  const other = await createChild(h, worker);
  await h.request('POST', `/api/v1/children/${child.id}/relationships`, { user: worker, body: { relatedChildId: other.id, kind: 'sibling' } });
  const inv = await h.request<{ id: string }>('POST', `/api/v1/children/${child.id}/involvements`, { user: worker, body: { kind: 'child-in-need', startDate: '2026-01-05' } });
  await h.request('POST', `/api/v1/involvements/${inv.body.id}/close`, { user: worker, body: { endDate: '2026-02-01' } });
  await h.db.insertInto('carer').values({ kind: 'foster-carer', name: 'Guard test carer', created_at: h.clock.now() }).execute();
  const carer = await h.db.selectFrom('carer').select('id').executeTakeFirstOrThrow();
  await h.db.insertInto('carer_allocation').values({ carer_id: carer.id, user_id: worker.id, role: 'supervising-social-worker', created_at: h.clock.now() }).execute();
  await h.db.transaction().execute(async (tx) => {
    const id = '7d1b7a30-0000-4000-8000-000000000001';
    await tx.insertInto('carer_entry').values({ id, carer_id: carer.id, kind: 'case-note', current_version: 1, occurred_at: h.clock.now(), created_at: h.clock.now(), created_by: worker.id, updated_at: h.clock.now() }).execute();
    await tx.insertInto('carer_entry_version').values({ entry_id: id, version: 1, occurred_at: h.clock.now(), title: 't', body: 'b', recorded_at: h.clock.now(), recorded_by: worker.id }).execute();
  });
  await h.runner.db.insertInto('duplicate_override').values({ child_id: child.id, candidate_ids: [child.id], reason: 'test row', decided_by: worker.id, decided_at: h.clock.now() }).execute();
});
afterAll(async () => h.close());

describe(`append-only tables on ${testEngine()}`, () => {
  it.each(APPEND_ONLY_TABLES)('%s has rows to protect', async (table) => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(h.db);
    expect(rows[0]?.n).toBeGreaterThan(0);
  });

  it.each(APPEND_ONLY_TABLES)('%s refuses UPDATE', async (table) => {
    const column = table === 'blob' ? 'content_type' : table === 'audit_event' ? 'action' : table === 'document' ? 'filename' : table === 'relationship' ? 'kind' : table === 'carer_entry_version' ? 'title' : 'reason';
    await expect(sql`update ${sql.table(table)} set ${sql.ref(column)} = ${'tampered'}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
  });

  it.each(APPEND_ONLY_TABLES)('%s refuses DELETE', async (table) => {
    await expect(sql`delete from ${sql.table(table)}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
  });

  it.each(APPEND_ONLY_TABLES)('%s refuses TRUNCATE', async (table) => {
    await expect(sql`truncate ${sql.table(table)} cascade`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
  });

  it.each(GUARDED_TABLES)('%s refuses DELETE, TRUNCATE and changes to what a row is', async (table) => {
    await expect(sql`delete from ${sql.table(table)}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`truncate ${sql.table(table)} cascade`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    const stamp = table === 'case_record' ? 'opened_at' : 'created_at';
    await expect(sql`update ${sql.table(table)} set ${sql.ref(stamp)} = ${sql.ref(stamp)} + interval '1 day'`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
  });

  it('refuses moving an entry to another child, changing its kind or going back a version; allows the head to advance', async () => {
    const entry = await h.db.selectFrom('entry').select(['id', 'current_version']).where('current_version', '>', 1).executeTakeFirstOrThrow();
    await expect(sql`update entry set child_id = (select id from child where id <> entry.child_id limit 1) where id = ${entry.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update entry set kind = 'court-order' where id = ${entry.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update entry set current_version = 1 where id = ${entry.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update entry set updated_at = now() where id = ${entry.id}`.execute(h.db)).resolves.toBeDefined();
  });

  it('lets an involvement or allocation be closed once, never reopened or redated', async () => {
    const inv = await h.db.selectFrom('involvement').select('id').where('end_date', 'is not', null).executeTakeFirstOrThrow();
    await expect(sql`update involvement set end_date = null where id = ${inv.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update involvement set start_date = start_date - 1 where id = ${inv.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    const alloc = await h.db.selectFrom('allocation').select('id').where('ended_at', 'is', null).executeTakeFirstOrThrow();
    await expect(sql`update allocation set user_id = (select id from app_user limit 1) where id = ${alloc.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update allocation set ended_at = now() where id = ${alloc.id}`.execute(h.db)).resolves.toBeDefined();
    await expect(sql`update allocation set ended_at = now() + interval '1 day' where id = ${alloc.id}`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
  });

  it('lets the audit head only move forward, one event at a time', async () => {
    await expect(sql`delete from audit_head`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update audit_head set next_seq = 0`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`update audit_head set next_seq = next_seq + 1`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    await expect(sql`truncate audit_head`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
  });

  it('refuses an entry head that points at a version that does not exist', async () => {
    const entry = await h.db.selectFrom('entry').select(['id', 'current_version']).executeTakeFirstOrThrow();
    await expect(h.db.transaction().execute((tx) => tx.updateTable('entry').set({ current_version: 99 }).where('id', '=', entry.id).execute())).rejects.toMatchObject({
      code: '23503',
    });
  });

  it('allows one case record per child: a second for the same child is refused', async () => {
    const child = await h.db.selectFrom('child').select('id').executeTakeFirstOrThrow();
    await expect(h.db.insertInto('case_record').values({ child_id: child.id, status: 'open', opened_at: new Date(), opened_by: null }).execute()).rejects.toMatchObject({ code: '23505' });
  });
});

describe('migrations', () => {
  it('are applied, current, and a second run does nothing', async () => {
    expect(await pendingMigrations(h.db)).toEqual([]);
    expect(await migrateToLatest(h.db)).toEqual([]);
    const res = await h.request('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', engine: testEngine() });
  });

  it('are named in order, each with a timestamp, never reused', () => {
    const names = Object.keys(MIGRATIONS);
    expect(names).toEqual([...names].sort());
    for (const name of names) expect(name).toMatch(/^\d{8}_\d{4}_[a-z0-9_]+$/);
    expect(new Set(names).size).toBe(names.length);
  });
});
