import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IICSA_HOLD_NAME } from '@safekeep/core';
import { createChild, teamWithStaff } from '../../test/builders.js';
import { testEngine } from '../../test/engine.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { pdfPages } from '../../test/pdf.js';
import { verifyAuditTrail } from '../audit/audit.service.js';
import { reportRows } from '../retention/report.js';
import { linkedCarers } from '../sars/collation.repository.js';
import { DEFAULT_SESSION_POLICY } from '../users/sessions.service.js';
import type { DisposalView } from './disposal.service.js';

/**
 * Disposal of foster carers', children's homes' and other providers' records (R8, R14):
 * the same blockers, two-person rule and certificate as a child's record, computed for
 * the carer's record (FSR 2011 reg 32 sets its period). What a child's record copied
 * from it (`duplicate-entry`) stays in the child's record. The database refuses the
 * same things on its own.
 */

let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
let ro1: TestUser;
let ro2: TestUser;
let ro3: TestUser;
let hos1: TestUser;
let hos2: TestUser;
let hos3: TestUser;
let dpo: TestUser;

beforeAll(async () => {
  h = await startHarness({ sessionPolicy: { ...DEFAULT_SESSION_POLICY, idleMinutes: 60 * 24 * 365 } });
  team = await teamWithStaff(h);
  ro1 = await h.user(['records-officer'], { displayName: 'Rita Records' });
  ro2 = await h.user(['records-officer'], { displayName: 'Rob Records' });
  ro3 = await h.user(['records-officer']);
  hos1 = await h.user(['head-of-service'], { displayName: 'Helen Head' });
  hos2 = await h.user(['head-of-service'], { displayName: 'David Head' });
  hos3 = await h.user(['head-of-service']);
  dpo = await h.user(['dpo']);
});
afterAll(async () => h.close());

type Blocker = { code: string; holds?: Array<{ id: string; name: string }>; destructionDate?: string; escalationIds?: string[]; disposalId?: string };
type Refusal = DisposalView & { code?: string; blockers?: Blocker[]; errors?: Array<{ field: string }> };

const requestDisposal = (user: TestUser, carerId: string, reason = 'Approval ended long ago; past its destruction date.') =>
  h.request<Refusal>('POST', '/api/v1/disposals', { user, body: { carerId, reason } });
const approve = (user: TestUser, disposalId: string) => h.request<Refusal>('POST', `/api/v1/disposals/${disposalId}/approvals`, { user });

async function requested(user: TestUser, carerId: string): Promise<DisposalView> {
  const res = await requestDisposal(user, carerId);
  expect(res.status, res.raw).toBe(201);
  return res.body;
}

async function newCarer(name = 'Mr and Mrs Hall', kind = 'foster-carer'): Promise<string> {
  const res = await h.request<{ id: string }>('POST', '/api/v1/carers', { user: team.worker, body: { kind, name } });
  expect(res.status, res.raw).toBe(201);
  return res.body.id;
}

async function carerEntry(carerId: string, occurredAt: string, kind = 'visit', title = 'Supervisory visit', body = 'The carers said the house is settled.'): Promise<string> {
  const res = await h.request<{ id: string }>('POST', `/api/v1/carers/${carerId}/entries`, { user: team.worker, body: { kind, occurredAt, title, body } });
  expect(res.status, res.raw).toBe(201);
  return res.body.id;
}

async function closeCarer(carerId: string, endedOn: string, reason = 'approval-ended'): Promise<void> {
  const res = await h.request('POST', `/api/v1/carers/${carerId}/close`, { user: team.manager, body: { endedOn, reason } });
  expect(res.status, res.raw).toBe(200);
}

/** A foster carer whose approval ended on 31 March 2001: FSR 2011 reg 32(1) keeps the record 10 years from then, to 2011. */
async function pastItsDate(name = 'Mr and Mrs Hall'): Promise<string> {
  const id = await newCarer(name);
  await carerEntry(id, '2000-05-01T10:00:00Z');
  await closeCarer(id, '2001-03-31');
  return id;
}

/** How many rows the carer's record has in each table a disposal empties. */
async function rowsOf(carerId: string) {
  const { rows } = await sql<Record<string, number>>`select
      (select count(*)::int from carer_entry where carer_id = ${carerId}) as carer_entry,
      (select count(*)::int from carer_entry_version v join carer_entry e on e.id = v.entry_id where e.carer_id = ${carerId}) as carer_entry_version,
      (select count(*)::int from carer_allocation where carer_id = ${carerId}) as carer_allocation`.execute(h.db);
  return rows[0] as Record<string, number>;
}
const carerRow = async (carerId: string) => h.db.selectFrom('carer').select(['status', 'name', 'kind', 'ended_on']).where('id', '=', carerId).executeTakeFirstOrThrow();
const disposalRows = async () => ({
  disposals: Number((await h.db.selectFrom('disposal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  approvals: Number((await h.db.selectFrom('disposal_approval').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  executions: Number((await h.db.selectFrom('disposal_execution').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
});
/** Audit events about disposals of this carer's record, oldest first. */
const disposalAudit = async (carerId: string) =>
  h.db
    .selectFrom('audit_event')
    .select(['seq', 'action', 'outcome', 'actor_id', 'detail', 'entity_id'])
    .where('action', 'like', 'disposal.%')
    .where(sql<boolean>`detail ->> 'carerId' = ${carerId}`)
    .orderBy('seq')
    .execute();
async function releaseHold(id: string, heads: TestUser[] = [hos2, hos3]): Promise<void> {
  for (const user of heads) expect((await h.request('POST', `/api/v1/holds/${id}/release`, { user, body: { reason: 'No longer needed.' } })).status).toBe(200);
}
async function placeHold(name: string, scope: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const res = await h.request<{ id: string; name: string }>('POST', '/api/v1/holds', { user: dpo, body: { name, scope, reason: 'Generated for a test.', authority: 'Director of Children’s Services' } });
  expect(res.status, res.raw).toBe(201);
  return res.body;
}

describe(`while the IICSA hold stands (${testEngine()})`, () => {
  it('refuses a carer record with 409 and every blocker at once, audits the refused attempt and writes nothing', async () => {
    const carerId = await newCarer('Mrs Blocked');
    const esc = await h.request<{ id: string }>('POST', '/api/v1/escalations', { user: ro1, body: { subject: { carerId }, question: 'Is this file still needed?', to: 'business-services' } });
    expect(esc.status).toBe(201);
    const local = await placeHold('Fostering inquiry 2026', { carerIds: [carerId] });
    const iicsaId = (await h.db.selectFrom('hold').select('id').where('name', '=', IICSA_HOLD_NAME).executeTakeFirstOrThrow()).id;
    const before = { rows: await disposalRows(), record: await rowsOf(carerId) };

    const res = await requestDisposal(ro1, carerId);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('HOLD_BLOCKS_DISPOSAL');
    const blockers = res.body.blockers ?? [];
    // Still approved: no destruction date yet (FSR reg 32 counts from the end), and the record is open.
    expect(blockers.map((b) => b.code)).toEqual(['HOLD_BLOCKS_DISPOSAL', 'RETENTION_UNDETERMINED', 'RECORD_STILL_OPEN', 'OPEN_ESCALATION']);
    expect(blockers[0]?.holds?.map((x) => x.id).sort()).toEqual([iicsaId, local.id].sort());
    expect(blockers[3]?.escalationIds).toEqual([esc.body.id]);
    expect(String((res.body as unknown as { detail: string }).detail)).toMatch(/hold.*destruction date.*not ended.*escalation/);

    expect(await disposalRows()).toEqual(before.rows);
    expect(await rowsOf(carerId)).toEqual(before.record);
    expect((await carerRow(carerId)).status).toBe('active');
    expect((await disposalAudit(carerId)).at(-1)).toMatchObject({
      action: 'disposal.request',
      outcome: 'denied',
      actor_id: ro1.id,
      detail: { carerId, blockers: ['HOLD_BLOCKS_DISPOSAL', 'RETENTION_UNDETERMINED', 'RECORD_STILL_OPEN', 'OPEN_ESCALATION'] },
    });
  });

  it('refuses a carer record past its date while the IICSA hold covers it', async () => {
    const carerId = await pastItsDate('Mr Held');
    const res = await requestDisposal(ro1, carerId);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'HOLD_BLOCKS_DISPOSAL', blockers: [{ code: 'HOLD_BLOCKS_DISPOSAL', holds: [{ name: IICSA_HOLD_NAME }] }] });
  });
});

describe('asking for a disposal', () => {
  it('takes exactly one of childId and carerId (400 naming the field), answers 404 for an unknown carer and 403 to other roles, writing nothing', async () => {
    const carerId = await pastItsDate('Mr Input');
    const child = await createChild(h, team.worker);
    const before = await disposalRows();
    const both = await h.request<Refusal>('POST', '/api/v1/disposals', { user: ro1, body: { childId: child.id, carerId, reason: 'Both.' } });
    expect([both.status, both.body.code, both.body.errors?.map((e) => e.field)]).toEqual([400, 'VALIDATION_FAILED', ['carerId']]);
    const neither = await h.request<Refusal>('POST', '/api/v1/disposals', { user: ro1, body: { reason: 'Neither.' } });
    expect([neither.status, neither.body.code, neither.body.errors?.map((e) => e.field)]).toEqual([400, 'VALIDATION_FAILED', ['childId']]);
    expect((await h.request('POST', '/api/v1/disposals', { user: ro1, body: { carerId: 'not-a-uuid', reason: 'Bad.' } })).status).toBe(400);
    expect((await h.request('POST', '/api/v1/disposals', { user: ro1, body: { carerId, reason: ' ' } })).status).toBe(400);
    const missing = await requestDisposal(ro1, '00000000-0000-4000-8000-00000000beef');
    expect([missing.status, missing.body.code]).toEqual([404, 'NOT_FOUND']);
    for (const user of [team.worker, team.manager, dpo]) expect((await requestDisposal(user, carerId)).status).toBe(403);
    expect(await disposalRows()).toEqual(before);
  });
});

describe('once two heads of service have released the IICSA hold', () => {
  beforeAll(async () => {
    const { id } = await h.db.selectFrom('hold').select('id').where('name', '=', IICSA_HOLD_NAME).executeTakeFirstOrThrow();
    await releaseHold(id, [hos1, hos2]);
  });

  it('refuses an active carer: its record has not ended and has no date yet', async () => {
    const carerId = await newCarer('Ms Active');
    await carerEntry(carerId, '2001-01-10T10:00:00Z');
    const res = await requestDisposal(ro1, carerId);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'RETENTION_UNDETERMINED', blockers: [{ code: 'RETENTION_UNDETERMINED' }, { code: 'RECORD_STILL_OPEN' }] });
    const view = await h.request<{ recordStatus: string; blockers: Blocker[] }>('GET', `/api/v1/carers/${carerId}/retention`, { user: ro1 });
    expect(view.body).toMatchObject({ recordStatus: 'open', blockers: [{ code: 'RETENTION_UNDETERMINED' }, { code: 'RECORD_STILL_OPEN' }] });
  });

  it('waits for the date: a carer whose approval ended this year is refused until 10 years on', async () => {
    const carerId = await newCarer('Mrs Recent');
    await closeCarer(carerId, '2026-03-31');
    const res = await requestDisposal(ro1, carerId);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'RETENTION_NOT_EXPIRED', blockers: [{ code: 'RETENTION_NOT_EXPIRED', destructionDate: '2036-03-31' }] });
  });

  it('is refused while a hold covers its record class, and goes ahead once the hold is released', async () => {
    const carerId = await pastItsDate('Mr Classed');
    const hold = await placeHold('Fostering records review', { recordClass: 'fostering' });
    const res = await requestDisposal(ro1, carerId);
    expect(res.body).toMatchObject({ code: 'HOLD_BLOCKS_DISPOSAL', blockers: [{ code: 'HOLD_BLOCKS_DISPOSAL', holds: [{ id: hold.id }] }] });
    await releaseHold(hold.id);
    expect((await requestDisposal(ro1, carerId)).status).toBe(201);
  });

  it('is refused while an escalation about the carer is undecided', async () => {
    const carerId = await pastItsDate('Ms Escalated');
    const esc = await h.request<{ id: string }>('POST', '/api/v1/escalations', { user: ro1, body: { subject: { carerId }, question: 'Keep for the inquiry?', to: 'head-of-service' } });
    const res = await requestDisposal(ro2, carerId);
    expect(res.body).toMatchObject({ code: 'OPEN_ESCALATION', blockers: [{ code: 'OPEN_ESCALATION', escalationIds: [esc.body.id] }] });
    expect((await h.request('POST', `/api/v1/escalations/${esc.body.id}/decision`, { user: hos1, body: { decision: 'Follow the schedule.' } })).status).toBe(200);
    expect((await requestDisposal(ro2, carerId)).status).toBe(201);
  });

  describe('a full disposal', () => {
    let carerId: string;
    let otherCarerId: string;
    let child: { id: string };
    let copyId: string;
    let copyBefore: Record<string, unknown>;
    let disposal: DisposalView;
    let before: Record<string, number>;
    let otherBefore: Record<string, number>;

    beforeAll(async () => {
      carerId = await newCarer('Mr and Mrs Hall');
      const visit = await carerEntry(carerId, '2000-05-01T10:00:00Z', 'visit', 'Supervisory visit', 'Priya is settled with the Halls.');
      await carerEntry(carerId, '2000-06-01T10:00:00Z', 'case-note', 'Training', 'Completed safer caring training.');
      const corrected = await h.request('POST', `/api/v1/carers/${carerId}/entries/${visit}/versions`, { user: team.worker, body: { body: 'Priya is settled with Mr and Mrs Hall.', reason: 'Named both carers.' } });
      expect(corrected.status).toBe(201);
      child = await createChild(h, team.worker, { givenName: 'Priya', familyName: 'Nandakumar' });
      const copies = await h.request<{ items: Array<{ id: string }> }>('POST', `/api/v1/carers/${carerId}/entries/${visit}/duplicates`, { user: team.worker, body: { childIds: [child.id] } });
      expect(copies.status, copies.raw).toBe(201);
      copyId = copies.body.items[0]?.id ?? '';
      copyBefore = (await h.request<Record<string, unknown>>('GET', `/api/v1/entries/${copyId}`, { user: team.worker })).body;
      expect(copyBefore).toMatchObject({ kind: 'duplicate-entry', sourceEntryId: visit, carerId, title: 'From Mr and Mrs Hall: Supervisory visit' });
      const paper = await h.request('POST', '/api/v1/paper-files', { user: ro1, body: { carerId, description: 'Carer file 1995–2001', location: 'Basement, bay 7' } });
      expect(paper.status, paper.raw).toBe(201);
      await closeCarer(carerId, '2001-03-31');
      otherCarerId = await pastItsDate('Mr Bystander');
      before = await rowsOf(carerId);
      otherBefore = await rowsOf(otherCarerId);
    });

    it('is requested, approved by a records officer, and carried out on the head of service’s approval', async () => {
      disposal = await requested(ro1, carerId);
      expect(disposal).toMatchObject({ carerId, childId: null, status: 'awaiting-approval', requestedBy: { id: ro1.id }, approvals: [], executedAt: null });
      const own = await approve(ro1, disposal.id);
      expect([own.status, own.body.code]).toEqual([403, 'OWN_REQUEST']);
      const again = await requestDisposal(hos2, carerId);
      expect(again.body).toMatchObject({ code: 'DISPOSAL_PENDING', blockers: [{ code: 'DISPOSAL_PENDING', disposalId: disposal.id }] });

      const first = await approve(ro2, disposal.id);
      expect(first.body).toMatchObject({ status: 'awaiting-approval', approvals: [{ approver: { id: ro2.id }, role: 'records-officer' }] });
      expect((await approve(ro3, disposal.id)).body.code).toBe('ROLE_REQUIRED');
      expect(await rowsOf(carerId)).toEqual(before);

      h.clock.advance(3_600_000);
      const second = await approve(hos1, disposal.id);
      expect(second.status, second.raw).toBe(200);
      expect(second.body).toMatchObject({ carerId, childId: null, status: 'executed', executedAt: h.clock.now().toISOString(), approvals: [{ role: 'records-officer' }, { approver: { id: hos1.id }, role: 'head-of-service' }] });
      expect(second.body.certificateSha256).toMatch(/^[0-9a-f]{64}$/);
      disposal = second.body;
    });

    it('removes the entries, every version and the allocations, leaving a nameless tombstone; nobody else’s rows change', async () => {
      expect(before).toEqual({ carer_entry: 2, carer_entry_version: 3, carer_allocation: 1 });
      expect(await rowsOf(carerId)).toEqual({ carer_entry: 0, carer_entry_version: 0, carer_allocation: 0 });
      expect(await carerRow(carerId)).toEqual({ status: 'destroyed', name: 'Destroyed record', kind: 'foster-carer', ended_on: '2001-03-31' });
      expect(await rowsOf(otherCarerId)).toEqual(otherBefore);
      expect((await carerRow(otherCarerId)).name).toBe('Mr Bystander');
      const paper = await h.db.selectFrom('paper_file').select('destroyed_at').where('carer_id', '=', carerId).execute();
      expect(paper).toEqual([{ destroyed_at: new Date(disposal.executedAt ?? '') }]);
    });

    it('leaves the child’s duplicate entry untouched and readable, its link kept as plain ids', async () => {
      const after = await h.request<Record<string, unknown>>('GET', `/api/v1/entries/${copyId}`, { user: team.worker });
      expect(after.status).toBe(200);
      expect(after.body).toEqual(copyBefore);
      const chronology = await h.request<{ items: Array<{ id: string }> }>('GET', `/api/v1/children/${child.id}/entries`, { user: team.worker });
      expect(chronology.body.items.map((i) => i.id)).toContain(copyId);
      expect(await h.db.selectFrom('entry_version').select('version').where('entry_id', '=', copyId).execute()).toEqual([{ version: 1 }]);
      // A subject access request still finds the carer's name the copy carries, to propose its redaction.
      expect(await linkedCarers(h.db, child.id)).toEqual([{ id: carerId, kind: 'foster-carer', name: 'Mr and Mrs Hall' }]);
    });

    it('answers 410 for the destroyed record, refuses anything new in it (the database too) and a second disposal', async () => {
      for (const [user, path] of [
        [team.worker, `/api/v1/carers/${carerId}`],
        [hos2, `/api/v1/carers/${carerId}`],
        [team.worker, `/api/v1/carers/${carerId}/entries`],
      ] as const) {
        const res = await h.request<{ code?: string }>('GET', path, { user });
        expect([res.status, res.body.code]).toEqual([410, 'RECORD_DESTROYED']);
      }
      const entry = await h.request<{ code?: string }>('POST', `/api/v1/carers/${carerId}/entries`, { user: team.worker, body: { kind: 'visit', occurredAt: h.clock.now().toISOString(), title: 'Late', body: 'After the end.' } });
      expect([entry.status, entry.body.code]).toEqual([410, 'RECORD_DESTROYED']);
      const allocation = await h.request('POST', `/api/v1/carers/${carerId}/allocations`, { user: team.manager, body: { userId: team.worker.id, role: 'supervising-social-worker' } });
      expect(allocation.status).toBe(410);
      const list = await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/carers', { user: hos2 });
      expect(list.body.items.map((c) => c.id)).not.toContain(carerId);
      expect(list.body.items.map((c) => c.id)).toContain(otherCarerId);
      const twice = await requestDisposal(ro2, carerId);
      expect([twice.status, twice.body.code]).toEqual([410, 'RECORD_DESTROYED']);

      const now = h.clock.now();
      await expect(
        h.db.transaction().execute(async (tx) => {
          const id = '7d1b7a30-0000-4000-8000-0000000000aa';
          await tx.insertInto('carer_entry').values({ id, carer_id: carerId, kind: 'visit', current_version: 1, occurred_at: now, created_at: now, created_by: team.worker.id, updated_at: now }).execute();
          await tx.insertInto('carer_entry_version').values({ entry_id: id, version: 1, occurred_at: now, title: 't', body: 'b', recorded_at: now, recorded_by: team.worker.id }).execute();
        }),
      ).rejects.toMatchObject({ code: 'SK003' });
      await expect(h.db.insertInto('carer_allocation').values({ carer_id: carerId, user_id: team.worker.id, role: 'supervising-social-worker', created_at: now }).execute()).rejects.toMatchObject({ code: 'SK003' });
      for (const statement of [
        sql`update carer set name = 'Mr and Mrs Hall' where id = ${carerId}`,
        sql`update carer set status = 'closed' where id = ${carerId}`,
        sql`delete from carer where id = ${carerId}`,
      ]) {
        await expect(statement.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
      }
      expect((await carerRow(carerId)).status).toBe('destroyed');
    });

    it('shows the record as destroyed in its retention view and the retention report', async () => {
      const view = await h.request<{ recordStatus: string; disposable: boolean; blockers: unknown[]; destructionDate: string }>('GET', `/api/v1/carers/${carerId}/retention`, { user: ro3 });
      expect(view.body).toMatchObject({ recordStatus: 'destroyed', blockers: [], destructionDate: '2011-03-31' });
      const rows = [];
      for await (const row of reportRows(h.db, { actor: ro3, today: h.clock.now().toISOString().slice(0, 10), now: h.clock.now() })) if (row.type === 'carer' && [carerId, otherCarerId].includes(row.id)) rows.push(row);
      expect(rows.find((r) => r.id === carerId)).toMatchObject({ recordStatus: 'destroyed', labelStatus: 'determined', destructionDate: '2011-03-31', blockers: [] });
      expect(rows.find((r) => r.id === otherCarerId)).toMatchObject({ recordStatus: 'closed', blockers: [] });
      // A new schedule relabels every record, but not the tombstone: it keeps the label it was destroyed under.
      const label = await h.db.selectFrom('carer_retention_label').selectAll().where('carer_id', '=', carerId).executeTakeFirstOrThrow();
      await sql`select sk_relabel_carers(null)`.execute(h.db);
      expect(await h.db.selectFrom('carer_retention_label').selectAll().where('carer_id', '=', carerId).executeTakeFirstOrThrow()).toEqual(label);
    });

    it('leaves the audit trail intact, with the request, approvals and execution naming the carer', async () => {
      expect(await verifyAuditTrail(h.db)).toMatchObject({ ok: true, firstBad: null });
      const events = (await disposalAudit(carerId)).filter((e) => e.outcome === 'allowed' && e.action !== 'disposal.read');
      expect(events.map((e) => [e.action, e.actor_id, e.entity_id])).toEqual([
        ['disposal.request', ro1.id, disposal.id],
        ['disposal.approve', ro2.id, disposal.id],
        ['disposal.approve', hos1.id, disposal.id],
        ['disposal.execute', hos1.id, disposal.id],
      ]);
    });

    it('keeps a certificate of what was destroyed, under which rules, on whose authority, and where in the audit trail, without the carer’s name', async () => {
      const res = await h.request<{ certificate: Record<string, unknown>; sha256: string; auditSeq: number }>('GET', `/api/v1/disposals/${disposal.id}/certificate?format=json`, { user: ro3 });
      expect(res.status).toBe(200);
      const { certificate, sha256: digest, auditSeq } = res.body;
      expect(digest).toBe(disposal.certificateSha256);
      expect(createHash('sha256').update(canonicalize(certificate) ?? '').digest('hex')).toBe(digest);
      expect(certificate).toMatchObject({
        certificateId: disposal.id,
        record: { carerId, kind: 'foster-carer', endedOn: '2001-03-31', endReason: 'approval-ended' },
        destroyed: { nameRemoved: true, entries: 2, entryVersions: 3, entriesByKind: { visit: 1, 'case-note': 1 }, allocations: 1, paperFilesToShred: [{ location: 'Basement, bay 7' }] },
        kept: { childCopies: 1 },
        retention: { destructionDate: '2011-03-31', recordClasses: ['fostering'], rules: [{ id: 'foster-carer-record', years: 10 }] },
        holds: { activeAtExecution: [] },
        requested: { by: { id: ro1.id, displayName: 'Rita Records' } },
        approvals: [
          { by: { id: ro2.id, displayName: 'Rob Records' }, role: 'records-officer' },
          { by: { id: hos1.id, displayName: 'Helen Head' }, role: 'head-of-service' },
        ],
        executedAt: disposal.executedAt,
      });
      // Every hold that ever covered it, released before: the inquiry's, and the one on its record class.
      const released = (certificate['holds'] as { released: Array<{ name: string }> }).released.map((x) => x.name);
      expect(released.sort()).toEqual(['Fostering records review', IICSA_HOLD_NAME].sort());
      expect(JSON.stringify(certificate)).not.toContain('Hall');
      const event = await h.db.selectFrom('audit_event').select(['action', 'entity_id']).where('seq', '=', auditSeq).executeTakeFirstOrThrow();
      expect(event).toEqual({ action: 'disposal.execute', entity_id: disposal.id });
      expect(auditSeq).toBe(disposal.auditSeq);
    });

    it('prints the certificate as a PDF naming the record, the rules and the people who authorised it', async () => {
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/disposals/${disposal.id}/certificate`, headers: { authorization: `Bearer ${ro3.token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const text = (await pdfPages(res.rawPayload)).join('\n');
      expect(text).toContain('Certificate of destruction');
      expect(text).toContain(carerId);
      expect(text).toContain('foster-carer');
      expect(text).toContain('foster-carer-record');
      expect(text).toContain('2011-03-31');
      expect(text).toMatch(/Copies kept in children/);
      for (const name of ['Rita Records', 'Rob Records', 'Helen Head']) expect(text).toContain(name);
      expect(text).toContain(String(disposal.auditSeq));
      expect(text).not.toContain('Hall');
    });

    it('lists the disposal by carer for records roles only', async () => {
      const list = await h.request<{ items: DisposalView[] }>('GET', `/api/v1/disposals?carerId=${carerId}`, { user: hos3 });
      expect(list.body.items.map((d) => [d.id, d.carerId, d.childId, d.status])).toEqual([[disposal.id, carerId, null, 'executed']]);
      expect((await h.request('GET', `/api/v1/disposals/${disposal.id}`, { user: team.worker })).status).toBe(403);
    });
  });

  it('is stopped by a hold naming the carer placed before the second approval; the database refuses it too', async () => {
    const carerId = await pastItsDate('Mrs Late Hold');
    const disposal = await requested(ro1, carerId);
    expect((await approve(ro2, disposal.id)).status).toBe(200);
    const hold = await placeHold('Allegation review 2026/9', { carerIds: [carerId] });
    const rows = await rowsOf(carerId);
    const before = await disposalRows();

    const blocked = await approve(hos1, disposal.id);
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ code: 'HOLD_BLOCKS_DISPOSAL', blockers: [{ code: 'HOLD_BLOCKS_DISPOSAL', holds: [{ id: hold.id, name: hold.name }] }] });
    expect(await rowsOf(carerId)).toEqual(rows);
    expect(await disposalRows()).toEqual(before);
    expect((await disposalAudit(carerId)).at(-1)).toMatchObject({ action: 'disposal.approve', outcome: 'denied', actor_id: hos1.id, detail: { carerId, blockers: ['HOLD_BLOCKS_DISPOSAL'] } });

    // With both approvals in place, the database still refuses while the hold stands.
    const sentinel = new Error('roll back');
    await expect(
      h.db.transaction().execute(async (tx) => {
        await sql`insert into disposal_approval (disposal_id, approver_id, role, approved_at) values (${disposal.id}, ${hos1.id}, 'head-of-service', now())`.execute(tx);
        await sql`insert into disposal_execution (disposal_id, carer_id, executed_at, txid, certificate, certificate_sha256) values (${disposal.id}, ${carerId}, now(), 0, '{}', ${'0'.repeat(64)})`.execute(tx);
        throw sentinel;
      }),
    ).rejects.toMatchObject({ code: 'SK001', message: 'a hold covers this record' });
    expect(await disposalRows()).toEqual(before);

    await releaseHold(hold.id);
    expect((await approve(hos1, disposal.id)).body.status).toBe('executed');
    expect(await rowsOf(carerId)).toEqual({ carer_entry: 0, carer_entry_version: 0, carer_allocation: 0 });
  });

  it('is refused by the database for an active carer, even with two approvals', async () => {
    const carerId = await newCarer('Mr Still Approved');
    const before = await disposalRows();
    const sentinel = new Error('roll back');
    const refused: unknown = await h.db
      .transaction()
      .execute(async (tx) => {
        const { id } = await tx.insertInto('disposal').values({ carer_id: carerId, reason: 'Direct.', requested_at: h.clock.now(), requested_by: ro1.id }).returning('id').executeTakeFirstOrThrow();
        await sql`insert into disposal_approval (disposal_id, approver_id, role, approved_at) values (${id}, ${ro2.id}, 'records-officer', now()), (${id}, ${hos1.id}, 'head-of-service', now())`.execute(tx);
        // Pretend the date has come: the ended-record check must still refuse.
        await sql`update carer_retention_label set status = 'determined', destruction_date = '2000-01-01' where carer_id = ${carerId}`.execute(tx);
        await sql`insert into disposal_execution (disposal_id, carer_id, executed_at, txid, certificate, certificate_sha256) values (${id}, ${carerId}, now(), 0, '{}', ${'0'.repeat(64)})`.execute(tx);
        throw sentinel;
      })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'SK001' });
    expect(String(refused)).toMatch(/has ended/);
    expect(await disposalRows()).toEqual(before);
  });
});

describe('outside a disposal the database refuses to delete any part of a carer record', () => {
  it('refuses DELETE on its entries, their versions, its allocations and the carer, TRUNCATE, and marking it destroyed', async () => {
    const carerId = await pastItsDate('Mrs Guarded');
    const before = await rowsOf(carerId);
    expect(before).toEqual({ carer_entry: 1, carer_entry_version: 1, carer_allocation: 1 });
    const statements = [
      sql`delete from carer_entry_version v using carer_entry e where e.id = v.entry_id and e.carer_id = ${carerId}`,
      sql`delete from carer_entry where carer_id = ${carerId}`,
      sql`delete from carer_allocation where carer_id = ${carerId}`,
      sql`delete from carer where id = ${carerId}`,
      sql`truncate carer cascade`,
      sql`update carer set status = 'destroyed', name = 'Destroyed record' where id = ${carerId}`,
      sql`update carer set created_at = created_at + interval '1 day' where id = ${carerId}`,
    ];
    for (const statement of statements) await expect(statement.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    expect(await rowsOf(carerId)).toEqual(before);
    expect(await carerRow(carerId)).toMatchObject({ status: 'closed', name: 'Mrs Guarded' });
    // A destroyed record keeps no name: the database would refuse one even inside a disposal.
    const named: unknown = await h.db
      .transaction()
      .execute(async (tx) => {
        await sql`alter table carer disable trigger carer_guard`.execute(tx);
        await sql`update carer set status = 'destroyed' where id = ${carerId}`.execute(tx);
      })
      .catch((e: unknown) => e);
    expect(named).toMatchObject({ code: '23514' });
    expect(await carerRow(carerId)).toMatchObject({ status: 'closed', name: 'Mrs Guarded' });
  });
});
