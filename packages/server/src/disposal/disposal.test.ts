import { createHash, randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addYears, IICSA_HOLD_NAME } from '@safekeep/core';
import { childInput, createChild, createEntry, multipart, teamWithStaff } from '../../test/builders.js';
import { testEngine } from '../../test/engine.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { pdfPages } from '../../test/pdf.js';
import { verifyAuditTrail } from '../audit/audit.service.js';
import { DEFAULT_SESSION_POLICY } from '../users/sessions.service.js';
import type { DisposalView } from './disposal.service.js';

/**
 * Disposal (R14): destruction only when no hold applies and the date has passed, on the
 * authority of two people other than the one who asked (a records officer and a head of
 * service), leaving a tombstone and a permanent certificate; every attempt audited. The
 * database refuses the same things on its own.
 *
 * Every fresh database starts with the IICSA hold covering every record (R10). The
 * migration does not lock it: as the inquiry has reported (REGULATIONS.md section 2),
 * the designed way to destroy anything is for two heads of service to release it, each
 * with a reason. The tests below do that once, after showing that it blocks disposal.
 */

let h: Harness;
let worker: TestUser;
let ro1: TestUser;
let ro2: TestUser;
let ro3: TestUser;
let hos1: TestUser;
let hos2: TestUser;
let hos3: TestUser;
let dpo: TestUser;

beforeAll(async () => {
  // The clock moves by days here; sessions must outlive it.
  h = await startHarness({ sessionPolicy: { ...DEFAULT_SESSION_POLICY, idleMinutes: 60 * 24 * 365 } });
  ({ worker } = await teamWithStaff(h));
  ro1 = await h.user(['records-officer'], { displayName: 'Rita Records' });
  ro2 = await h.user(['records-officer'], { displayName: 'Rob Records' });
  ro3 = await h.user(['records-officer']);
  hos1 = await h.user(['head-of-service'], { displayName: 'Helen Head' });
  hos2 = await h.user(['head-of-service'], { displayName: 'David Head' });
  hos3 = await h.user(['head-of-service']);
  dpo = await h.user(['dpo']);
});
afterAll(async () => h.close());

type Blocker = { code: string; holds?: Array<{ id: string; name: string }>; destructionDate?: string; involvementIds?: string[]; escalationIds?: string[]; disposalId?: string };

const requestDisposal = (user: TestUser, childId: string, reason = 'Past its destruction date; no hold applies.') =>
  h.request<DisposalView & { code?: string; blockers?: Blocker[] }>('POST', '/api/v1/disposals', { user, body: { childId, reason } });
const approve = (user: TestUser, disposalId: string) => h.request<DisposalView & { code?: string }>('POST', `/api/v1/disposals/${disposalId}/approvals`, { user });

async function requested(user: TestUser, childId: string): Promise<DisposalView> {
  const res = await requestDisposal(user, childId);
  expect(res.status, res.raw).toBe(201);
  return res.body;
}

let born = 0;
/** A child born in the 1980s whose child-in-need involvement closed long ago: past its date (30 years from birth). */
async function pastItsDate(): Promise<{ id: string; dateOfBirth: string }> {
  born += 1;
  const dateOfBirth = `${1980 + (born % 10)}-${String(1 + (born % 12)).padStart(2, '0')}-${String(1 + (born % 28)).padStart(2, '0')}`;
  const child = await createChild(h, worker, { dateOfBirth });
  const year = Number(dateOfBirth.slice(0, 4));
  const inv = await h.request('POST', `/api/v1/children/${child.id}/involvements`, { user: worker, body: { kind: 'child-in-need', startDate: `${year + 5}-01-10`, endDate: `${year + 9}-07-20` } });
  expect(inv.status).toBe(201);
  return { id: child.id, dateOfBirth };
}

const pdfBytes = () => Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n'), randomBytes(3000)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function upload(childId: string, bytes: Buffer, title = 'Assessment report') {
  const body = await multipart({ meta: JSON.stringify({ kind: 'assessment', title, occurredAt: h.clock.now().toISOString() }), file: { bytes, filename: 'report.pdf' } });
  const res = await h.request<{ id: string; documentId: string }>('POST', `/api/v1/children/${childId}/documents`, { user: worker, payload: body.payload, headers: body.headers });
  expect(res.status, res.raw).toBe(201);
  return res.body;
}
const onDisk = async (sha256: string) =>
  access(h.blobs.pathOf(sha256)).then(
    () => true,
    () => false,
  );

/** How many rows of each kind the record has (all must go, and only them, on disposal). */
async function rowsOf(childId: string) {
  const { rows } = await sql<Record<string, number>>`select
      (select count(*)::int from child where id = ${childId}) as child,
      (select count(*)::int from child_version where child_id = ${childId}) as child_version,
      (select count(*)::int from entry where child_id = ${childId}) as entry,
      (select count(*)::int from entry_version v join entry e on e.id = v.entry_id where e.child_id = ${childId}) as entry_version,
      (select count(*)::int from entry_summary where child_id = ${childId}) as entry_summary,
      (select count(*)::int from document where child_id = ${childId}) as document,
      (select count(*)::int from involvement where child_id = ${childId}) as involvement,
      (select count(*)::int from allocation where child_id = ${childId}) as allocation,
      (select count(*)::int from relationship where child_id = ${childId}) as relationship`.execute(h.db);
  return rows[0] as Record<string, number>;
}
const recordStatus = async (childId: string) => (await h.db.selectFrom('case_record').select('status').where('child_id', '=', childId).executeTakeFirst())?.status;
const executions = async () => Number((await h.db.selectFrom('disposal_execution').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const disposalRows = async () => ({
  disposals: Number((await h.db.selectFrom('disposal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  approvals: Number((await h.db.selectFrom('disposal_approval').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  executions: await executions(),
});

describe(`while the IICSA hold stands (${testEngine()})`, () => {
  it('refuses with 409 and every blocker at once, audits the refused attempt and changes nothing else', async () => {
    const child = await createChild(h, worker, { dateOfBirth: '2015-04-20' });
    const inv = await h.request<{ id: string }>('POST', `/api/v1/children/${child.id}/involvements`, { user: worker, body: { kind: 'child-in-need', startDate: '2025-09-01' } });
    const esc = await h.request<{ id: string }>('POST', '/api/v1/escalations', { user: worker, body: { subject: { childId: child.id }, question: 'Should this record be kept longer?', to: 'manager' } });
    expect(esc.status).toBe(201);
    const local = await h.request<{ id: string; name: string }>('POST', '/api/v1/holds', {
      user: dpo,
      body: { name: 'Local CSE review 2026', scope: { childIds: [child.id] }, reason: 'Local review of exploitation cases.', authority: 'Director of Children’s Services' },
    });
    expect(local.status).toBe(201);
    const iicsaId = (await h.db.selectFrom('hold').select('id').where('name', '=', IICSA_HOLD_NAME).executeTakeFirstOrThrow()).id;
    const before = { rows: await disposalRows(), record: await rowsOf(child.id) };

    const res = await requestDisposal(ro1, child.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('HOLD_BLOCKS_DISPOSAL');
    const blockers = res.body.blockers ?? [];
    expect(blockers.map((b) => b.code)).toEqual(['HOLD_BLOCKS_DISPOSAL', 'RETENTION_NOT_EXPIRED', 'OPEN_INVOLVEMENT', 'OPEN_ESCALATION']);
    expect(blockers[0]?.holds?.map((x) => x.id).sort()).toEqual([iicsaId, local.body.id].sort());
    expect(blockers[0]?.holds?.map((x) => x.name).sort()).toEqual([IICSA_HOLD_NAME, 'Local CSE review 2026'].sort());
    // Child in need: 30 years from birth (child-in-need-record).
    expect(blockers[1]?.destructionDate).toBe(addYears('2015-04-20', 30));
    expect(blockers[2]?.involvementIds).toEqual([inv.body.id]);
    expect(blockers[3]?.escalationIds).toEqual([esc.body.id]);
    expect(String((res.body as unknown as { detail: string }).detail)).toMatch(/hold.*destruction date.*involvement.*escalation/);

    expect(await disposalRows()).toEqual(before.rows);
    expect(await rowsOf(child.id)).toEqual(before.record);
    expect(await recordStatus(child.id)).toBe('open');
    const last = (await h.auditFor(child.id)).at(-1);
    expect(last).toMatchObject({ action: 'disposal.request', outcome: 'denied', actor_id: ro1.id, detail: { blockers: ['HOLD_BLOCKS_DISPOSAL', 'RETENTION_NOT_EXPIRED', 'OPEN_INVOLVEMENT', 'OPEN_ESCALATION'] } });
  });

  it('refuses a record past its date while the IICSA hold covers it', async () => {
    const child = await pastItsDate();
    const res = await requestDisposal(ro1, child.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'HOLD_BLOCKS_DISPOSAL', blockers: [{ code: 'HOLD_BLOCKS_DISPOSAL', holds: [{ name: IICSA_HOLD_NAME }] }] });
  });
});

describe('asking for a disposal', () => {
  it('answers 404 for a child that does not exist, and 403 to anyone but a records officer or head of service', async () => {
    const before = await disposalRows();
    const missing = await requestDisposal(ro1, '00000000-0000-4000-8000-00000000beef');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND' });
    const child = await pastItsDate();
    for (const user of [worker, dpo]) expect((await requestDisposal(user, child.id)).status).toBe(403);
    expect((await h.request('POST', '/api/v1/disposals', { user: ro1, body: { childId: child.id, reason: ' ' } })).status).toBe(400);
    expect(await disposalRows()).toEqual(before);
  });
});

describe('once two heads of service have released the IICSA hold', () => {
  beforeAll(async () => {
    const { id } = await h.db.selectFrom('hold').select('id').where('name', '=', IICSA_HOLD_NAME).executeTakeFirstOrThrow();
    for (const user of [hos1, hos2]) {
      const res = await h.request('POST', `/api/v1/holds/${id}/release`, { user, body: { reason: 'IICSA reported in 2022; destruction may resume after review.' } });
      expect(res.status).toBe(200);
    }
  });

  it('reports a record with no destruction date yet as undetermined', async () => {
    const child = await createChild(h, worker);
    const res = await requestDisposal(ro1, child.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'RETENTION_UNDETERMINED', blockers: [{ code: 'RETENTION_UNDETERMINED' }] });
  });

  describe('a full disposal', () => {
    let child: { id: string; dateOfBirth: string };
    let sibling: { id: string };
    let disposal: DisposalView;
    let before: Record<string, number>;
    let siblingBefore: Record<string, number>;
    const own = pdfBytes();
    const shared = pdfBytes();

    beforeAll(async () => {
      child = await pastItsDate();
      sibling = await createChild(h, worker);
      const note = await createEntry(h, worker, child.id, { title: 'Home visit', body: 'Saw the child at home.' });
      await createEntry(h, worker, child.id, { title: 'School meeting', body: 'Met the head teacher.' });
      const corrected = await h.request('POST', `/api/v1/entries/${note.id}/versions`, { user: worker, body: { body: 'Saw the child and their mother at home.', reason: 'Mother was present.' } });
      expect(corrected.status).toBe(201);
      const details = await h.request('POST', `/api/v1/children/${child.id}/versions`, { user: worker, body: { familyName: 'Renamed', reason: 'Change of name by deed poll.' } });
      expect(details.status).toBe(201);
      await upload(child.id, own);
      await upload(child.id, shared, 'Joint assessment');
      await upload(sibling.id, shared, 'Joint assessment');
      expect((await h.request('POST', `/api/v1/children/${child.id}/relationships`, { user: worker, body: { relatedChildId: sibling.id, kind: 'sibling' } })).status).toBe(201);
      const paper = await h.request('POST', '/api/v1/paper-files', { user: ro1, body: { childId: child.id, description: 'Volume 1, 1985–1990', location: 'Basement, bay 4' } });
      expect(paper.status, paper.raw).toBe(201);
      before = await rowsOf(child.id);
      siblingBefore = await rowsOf(sibling.id);
    });

    it('is requested, approved by a records officer, and carried out on the head of service’s approval', async () => {
      disposal = await requested(ro1, child.id);
      expect(disposal).toMatchObject({ childId: child.id, status: 'awaiting-approval', requestedBy: { id: ro1.id }, approvals: [], executedAt: null });

      const first = await approve(ro2, disposal.id);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'awaiting-approval', approvals: [{ approver: { id: ro2.id }, role: 'records-officer' }] });
      expect(await rowsOf(child.id)).toEqual(before);

      h.clock.advance(3_600_000);
      const second = await approve(hos1, disposal.id);
      expect(second.status, second.raw).toBe(200);
      expect(second.body).toMatchObject({ status: 'executed', executedAt: h.clock.now().toISOString(), approvals: [{ role: 'records-officer' }, { approver: { id: hos1.id }, role: 'head-of-service' }] });
      expect(second.body.certificateSha256).toMatch(/^[0-9a-f]{64}$/);
      disposal = second.body;
    });

    it('removes every row of the record and nothing of anyone else’s, leaving the tombstone marked destroyed', async () => {
      expect(Object.values(before).every((n) => n > 0)).toBe(true);
      expect(await rowsOf(child.id)).toEqual(Object.fromEntries(Object.keys(before).map((k) => [k, 0])));
      expect(await recordStatus(child.id)).toBe('destroyed');
      const change = await h.db.selectFrom('record_status_change').selectAll().where('child_id', '=', child.id).execute();
      expect(change).toMatchObject([{ status: 'destroyed', changed_by: hos1.id }]);
      expect(await rowsOf(sibling.id)).toEqual(siblingBefore);
      const paper = await h.db.selectFrom('paper_file').select('destroyed_at').where('child_id', '=', child.id).execute();
      expect(paper).toEqual([{ destroyed_at: new Date(disposal.executedAt ?? '') }]);
    });

    it('removes the stored file no other record uses, and keeps the one another record shares', async () => {
      expect(await onDisk(sha(own))).toBe(false);
      expect(await h.db.selectFrom('blob').select('sha256').where('sha256', '=', sha(own)).execute()).toEqual([]);
      expect(await onDisk(sha(shared))).toBe(true);
      expect(await h.db.selectFrom('blob').select('sha256').where('sha256', '=', sha(shared)).execute()).toHaveLength(1);
      const doc = await h.db.selectFrom('document').select('id').where('child_id', '=', sibling.id).executeTakeFirstOrThrow();
      const download = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}/content`, headers: { authorization: `Bearer ${worker.token}` } });
      expect(download.statusCode).toBe(200);
      expect(download.rawPayload.equals(shared)).toBe(true);
    });

    it('answers 410 for the destroyed child, and refuses a second disposal of it clearly', async () => {
      for (const user of [worker, hos2]) {
        const res = await h.request('GET', `/api/v1/children/${child.id}`, { user });
        expect(res.status).toBe(410);
        expect(res.body).toMatchObject({ code: 'RECORD_DESTROYED' });
      }
      const entry = await createEntryRaw(child.id);
      expect(entry.status).toBe(410);
      const again = await requestDisposal(ro2, child.id);
      expect(again.status).toBe(410);
      expect(again.body).toMatchObject({ code: 'RECORD_DESTROYED' });
      expect((await h.db.selectFrom('disposal').select('id').where('child_id', '=', child.id).execute()).map((d) => d.id)).toEqual([disposal.id]);
      const search = await h.request<{ items: Array<{ id: string }> }>('GET', `/api/v1/children?q=${child.dateOfBirth}`, { user: hos2 });
      expect(search.body.items.map((c) => c.id)).not.toContain(child.id);
    });

    it('leaves the audit trail intact, with the request, approvals and execution of the disposal', async () => {
      expect(await verifyAuditTrail(h.db)).toMatchObject({ ok: true, firstBad: null });
      const events = (await h.auditFor(child.id)).filter((e) => e.action.startsWith('disposal.') && e.outcome === 'allowed');
      expect(events.map((e) => [e.action, e.actor_id])).toEqual([
        ['disposal.request', ro1.id],
        ['disposal.approve', ro2.id],
        ['disposal.approve', hos1.id],
        ['disposal.execute', hos1.id],
      ]);
    });

    it('keeps a certificate listing what was destroyed, under which rules, on whose authority and where in the audit trail', async () => {
      const res = await h.request<{ certificate: Record<string, unknown>; sha256: string; auditSeq: number }>('GET', `/api/v1/disposals/${disposal.id}/certificate?format=json`, { user: ro3 });
      expect(res.status).toBe(200);
      const { certificate, sha256: digest, auditSeq } = res.body;
      expect(digest).toBe(disposal.certificateSha256);
      expect(createHash('sha256').update(canonicalize(certificate) ?? '').digest('hex')).toBe(digest);
      const documents = 2;
      expect(certificate).toMatchObject({
        certificateId: disposal.id,
        record: { childId: child.id },
        destroyed: {
          entries: before['entry'],
          entryVersions: before['entry_version'],
          childDetailVersions: before['child_version'],
          allocations: before['allocation'],
          relationships: before['relationship'],
          involvementsByKind: { 'child-in-need': before['involvement'] },
          entriesByKind: { 'case-note': 2, assessment: documents },
          paperFilesToShred: [{ location: 'Basement, bay 4' }],
        },
        retention: { destructionDate: addYears(child.dateOfBirth, 30), recordClasses: ['child-in-need'], rules: [{ id: 'child-in-need-record', years: 30 }] },
        holds: { activeAtExecution: [], released: [{ name: IICSA_HOLD_NAME }] },
        requested: { by: { id: ro1.id, displayName: 'Rita Records' } },
        approvals: [
          { by: { id: ro2.id, displayName: 'Rob Records' }, role: 'records-officer' },
          { by: { id: hos1.id, displayName: 'Helen Head' }, role: 'head-of-service' },
        ],
        executedAt: disposal.executedAt,
      });
      expect((certificate['destroyed'] as { documents: Array<{ sha256: string }> }).documents.map((d) => d.sha256).sort()).toEqual([sha(own), sha(shared)].sort());
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
      expect(text).toContain(child.id);
      expect(text).toContain('child-in-need-record');
      expect(text).toContain(addYears(child.dateOfBirth, 30));
      for (const name of ['Rita Records', 'Rob Records', 'Helen Head']) expect(text).toContain(name);
      expect(text).toContain(String(disposal.auditSeq));
    });

    it('lists the disposal for records roles only', async () => {
      const one = await h.request<DisposalView>('GET', `/api/v1/disposals/${disposal.id}`, { user: dpo });
      expect(one.body).toMatchObject({ id: disposal.id, status: 'executed' });
      const list = await h.request<{ items: DisposalView[] }>('GET', `/api/v1/disposals?childId=${child.id}`, { user: hos3 });
      expect(list.body.items.map((d) => [d.id, d.status])).toEqual([[disposal.id, 'executed']]);
      const executed = await h.request<{ items: DisposalView[] }>('GET', '/api/v1/disposals?status=awaiting-approval', { user: hos3 });
      expect(executed.body.items.map((d) => d.id)).not.toContain(disposal.id);
      expect((await h.request('GET', `/api/v1/disposals/${disposal.id}`, { user: worker })).status).toBe(403);
      expect((await h.request('GET', `/api/v1/disposals/${disposal.id}/certificate?format=json`, { user: worker })).status).toBe(403);
    });
  });

  describe('approvals', () => {
    it('refuse the requester, a second approval by the same person, a role already filled and the wrong roles', async () => {
      const child = await pastItsDate();
      const disposal = await requested(ro1, child.id);
      const cases: Array<[TestUser, number, string]> = [
        [ro1, 403, 'OWN_REQUEST'],
        [worker, 403, 'ROLE_REQUIRED'],
        [dpo, 403, 'ROLE_REQUIRED'],
      ];
      for (const [user, status, code] of cases) {
        const res = await approve(user, disposal.id);
        expect([res.status, res.body.code]).toEqual([status, code]);
      }
      expect((await approve(ro2, disposal.id)).status).toBe(200);
      const twice = await approve(ro2, disposal.id);
      expect([twice.status, twice.body.code]).toEqual([409, 'SAME_APPROVER']);
      const filled = await approve(ro3, disposal.id);
      expect([filled.status, filled.body.code]).toEqual([403, 'ROLE_REQUIRED']);
      expect(await recordStatus(child.id)).toBe('open');
      expect((await h.db.selectFrom('disposal_approval').select('approver_id').where('disposal_id', '=', disposal.id).execute()).map((a) => a.approver_id)).toEqual([ro2.id]);
      const denied = (await h.auditFor(child.id)).filter((e) => e.action === 'disposal.approve' && e.outcome === 'denied');
      expect(denied.map((e) => [e.actor_id, e.detail['reason']])).toEqual([
        [ro1.id, 'own-request'],
        [worker.id, 'role'],
        [dpo.id, 'role'],
        [ro2.id, 'same-approver'],
        [ro3.id, 'role-filled'],
      ]);

      expect((await approve(hos3, disposal.id)).body.status).toBe('executed');
      const late = await approve(hos2, disposal.id);
      expect([late.status, late.body.code]).toEqual([409, 'ALREADY_DONE']);
    });

    it('may follow a request by a head of service: then a records officer and another head of service approve', async () => {
      const child = await pastItsDate();
      const disposal = await requested(hos1, child.id);
      expect((await approve(hos1, disposal.id)).body.code).toBe('OWN_REQUEST');
      expect((await approve(hos2, disposal.id)).status).toBe(200);
      h.clock.advance(60_000);
      const done = await approve(ro1, disposal.id);
      expect(done.body).toMatchObject({ status: 'executed', approvals: [{ role: 'head-of-service' }, { role: 'records-officer' }] });
      expect(await recordStatus(child.id)).toBe('destroyed');
    });

    it('are checked by the database too: not by the requester, only in a role the approver holds', async () => {
      const child = await pastItsDate();
      const disposal = await requested(ro1, child.id);
      await expect(sql`insert into disposal_approval (disposal_id, approver_id, role, approved_at) values (${disposal.id}, ${ro1.id}, 'records-officer', now())`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
      await expect(sql`insert into disposal_approval (disposal_id, approver_id, role, approved_at) values (${disposal.id}, ${ro2.id}, 'head-of-service', now())`.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
      // One approval is not enough for the database to let the record go.
      await sql`insert into disposal_approval (disposal_id, approver_id, role, approved_at) values (${disposal.id}, ${ro2.id}, 'records-officer', now())`.execute(h.db);
      await expect(
        sql`insert into disposal_execution (disposal_id, child_id, executed_at, txid, certificate, certificate_sha256) values (${disposal.id}, ${child.id}, now(), 0, '{}', ${'0'.repeat(64)})`.execute(h.db),
      ).rejects.toMatchObject({ code: 'SK001' });
      expect(await recordStatus(child.id)).toBe('open');
    });

    it('refuse a second request while one awaits approval', async () => {
      const child = await pastItsDate();
      const first = await requested(ro1, child.id);
      const second = await requestDisposal(hos2, child.id);
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({ code: 'DISPOSAL_PENDING', blockers: [{ code: 'DISPOSAL_PENDING', disposalId: first.id }] });
    });
  });

  it('is stopped by a hold placed between the request and the second approval, and nothing is deleted', async () => {
    const child = await pastItsDate();
    await createEntry(h, worker, child.id);
    const disposal = await requested(ro1, child.id);
    expect((await approve(ro2, disposal.id)).status).toBe(200);
    const hold = await h.request<{ id: string; name: string }>('POST', '/api/v1/holds', {
      user: dpo,
      body: { name: 'Subject access request 2026/117', scope: { childIds: [child.id] }, reason: 'The former child has asked for their file.', authority: 'UK GDPR Art 15' },
    });
    expect(hold.status).toBe(201);
    const rows = await rowsOf(child.id);
    const before = await disposalRows();

    const blocked = await approve(hos1, disposal.id);
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ code: 'HOLD_BLOCKS_DISPOSAL', blockers: [{ code: 'HOLD_BLOCKS_DISPOSAL', holds: [{ id: hold.body.id, name: hold.body.name }] }] });
    expect(await rowsOf(child.id)).toEqual(rows);
    expect(await disposalRows()).toEqual(before);
    expect(await recordStatus(child.id)).toBe('open');
    expect((await h.auditFor(child.id)).at(-1)).toMatchObject({ action: 'disposal.approve', outcome: 'denied', actor_id: hos1.id, detail: { blockers: ['HOLD_BLOCKS_DISPOSAL'] } });

    // The database refuses it too, even with both approvals in place.
    const sentinel = new Error('roll back');
    await expect(
      h.db.transaction().execute(async (tx) => {
        await sql`insert into disposal_approval (disposal_id, approver_id, role, approved_at) values (${disposal.id}, ${hos1.id}, 'head-of-service', now())`.execute(tx);
        await sql`insert into disposal_execution (disposal_id, child_id, executed_at, txid, certificate, certificate_sha256) values (${disposal.id}, ${child.id}, now(), 0, '{}', ${'0'.repeat(64)})`.execute(tx);
        throw sentinel;
      }),
    ).rejects.toMatchObject({ code: 'SK001', message: 'a hold covers this record' });
    expect(await disposalRows()).toEqual(before);

    // Once that hold is released, the same approval goes through.
    for (const user of [hos2, hos3]) expect((await h.request('POST', `/api/v1/holds/${hold.body.id}/release`, { user, body: { reason: 'Request answered.' } })).status).toBe(200);
    const done = await approve(hos1, disposal.id);
    expect(done.body.status).toBe('executed');
    expect(await rowsOf(child.id)).toMatchObject({ child: 0, entry: 0, entry_version: 0 });
  });

  it('waits for the destruction date: refused the day before, allowed on the day', async () => {
    const today = h.clock.now().toISOString().slice(0, 10);
    // Born 30 years ago tomorrow: the child-in-need rule's date is tomorrow.
    const dateOfBirth = addDays(addYears(today, -30), 1);
    const child = await createChild(h, worker, childInput({ dateOfBirth }));
    expect((await h.request('POST', `/api/v1/children/${child.id}/involvements`, { user: worker, body: { kind: 'child-in-need', startDate: '2000-01-04', endDate: '2004-02-02' } })).status).toBe(201);
    const early = await requestDisposal(ro1, child.id);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'RETENTION_NOT_EXPIRED', blockers: [{ code: 'RETENTION_NOT_EXPIRED', destructionDate: addYears(dateOfBirth, 30) }] });

    h.clock.set(`${addYears(dateOfBirth, 30)}T09:00:00Z`);
    const disposal = await requested(ro1, child.id);
    expect((await approve(ro2, disposal.id)).status).toBe(200);
    expect((await approve(hos1, disposal.id)).body.status).toBe('executed');
  });
});

describe('outside a disposal the database refuses to delete any part of a record', () => {
  it('refuses DELETE on entries, their versions, documents, the child and the rest, and refuses marking a record destroyed', async () => {
    const child = await createChild(h, worker);
    await createEntry(h, worker, child.id);
    const bytes = pdfBytes();
    await upload(child.id, bytes);
    const other = await createChild(h, worker);
    expect((await h.request('POST', `/api/v1/children/${child.id}/relationships`, { user: worker, body: { relatedChildId: other.id, kind: 'sibling' } })).status).toBe(201);
    expect((await h.request('POST', `/api/v1/children/${child.id}/involvements`, { user: worker, body: { kind: 'child-in-need', startDate: '2026-01-05' } })).status).toBe(201);
    const before = await rowsOf(child.id);
    const statements = [
      sql`delete from entry_version v using entry e where e.id = v.entry_id and e.child_id = ${child.id}`,
      sql`delete from document where child_id = ${child.id}`,
      sql`delete from entry where child_id = ${child.id}`,
      sql`delete from child_version where child_id = ${child.id}`,
      sql`delete from child where id = ${child.id}`,
      sql`delete from involvement where child_id = ${child.id}`,
      sql`delete from allocation where child_id = ${child.id}`,
      sql`delete from relationship where child_id = ${child.id}`,
      sql`delete from blob where sha256 = ${sha(bytes)}`,
      sql`update case_record set status = 'destroyed' where child_id = ${child.id}`,
    ];
    for (const statement of statements) await expect(statement.execute(h.db)).rejects.toMatchObject({ code: 'SK001' });
    expect(await rowsOf(child.id)).toEqual(before);
    expect(await onDisk(sha(bytes))).toBe(true);
    expect(await recordStatus(child.id)).toBe('open');
  });
});

/** Adds an entry, returning the raw reply (createEntry throws on anything but 201). */
function createEntryRaw(childId: string) {
  return h.request('POST', `/api/v1/children/${childId}/entries`, { user: worker, body: { kind: 'case-note', occurredAt: h.clock.now().toISOString(), title: 'Late note', body: 'After the end.' } });
}
