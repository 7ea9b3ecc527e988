import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IICSA_HOLD_NAME } from '@safekeep/core';
import { createChild, teamWithStaff } from '../../test/builders.js';
import { testEngine } from '../../test/engine.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { pdfPages } from '../../test/pdf.js';
import { reportRows } from '../retention/report.js';
import type { PaperFileView } from '../paper/paper.service.js';
import { RESTRICTED_LABEL } from './access.repository.js';

/**
 * Issue 5: a record restricted to named people keeps its child's name out of every list
 * outside the child's own routes, for everyone not named: records officers, DPOs, heads of
 * service. They still act on the record as a record (barcodes, file ids, locations,
 * destruction dates, holds), seeing the child's id and "Restricted record". The same
 * replies carry the name for someone the restriction names. Each check searches the raw
 * reply (JSON or PDF text) for the family name.
 */

let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
let otherTeam: Awaited<ReturnType<typeof teamWithStaff>>;
/** Named on the restriction. */
let inside: { worker: TestUser; records: TestUser; head: TestUser; dpo: TestUser };
/** Not named: each would see an unrestricted record's name in these lists. */
let outside: { records: TestUser; head: TestUser; dpo: TestUser; support: TestUser };
let restricted: { id: string };
let sibling: { id: string };
let plain: { id: string };

const FAMILY = 'Quillfeather';
const LOCAL_ID = 'NBC-2011-4471';

const get = <T = unknown>(user: TestUser, url: string) => h.request<T>('GET', url, { user });
const ok = async <T = { id: string }>(user: TestUser, method: string, url: string, body?: unknown) => {
  const res = await h.request<T>(method, url, { user, ...(body === undefined ? {} : { body }) });
  expect(res.status, `${method} ${url}: ${res.raw}`).toBeLessThan(300);
  return res;
};

/** The reply is 200 and tells this user the restricted child's name, or not. */
async function names(user: TestUser, url: string, word = FAMILY): Promise<boolean> {
  const res = await get(user, url);
  expect(res.status, `${url}: ${res.raw}`).toBe(200);
  return res.raw.includes(word);
}

async function pdfText(user: TestUser, url: string): Promise<string> {
  const res = await h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${user.token}` } });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toContain('application/pdf');
  return (await pdfPages(res.rawPayload)).join(' ').replace(/\s+/g, ' ');
}

beforeAll(async () => {
  h = await startHarness();
  team = await teamWithStaff(h);
  otherTeam = await teamWithStaff(h);
  inside = { worker: team.worker, records: await h.user(['records-officer']), head: await h.user(['head-of-service']), dpo: await h.user(['dpo']) };
  outside = { records: await h.user(['records-officer']), head: await h.user(['head-of-service']), dpo: await h.user(['dpo']), support: await h.user(['business-support']) };
  // Looked after since 2012: a determined destruction date, and the IICSA hold on it.
  restricted = await createChild(h, team.worker, { givenName: 'Xanthe', familyName: FAMILY, dateOfBirth: '2009-02-11', identifiers: { localId: LOCAL_ID } });
  await ok(team.worker, 'POST', `/api/v1/children/${restricted.id}/involvements`, { kind: 'looked-after', startDate: '2012-03-01' });
  plain = await createChild(h, team.worker, { givenName: 'Ivo', familyName: 'Plainsong' });
  await ok(team.worker, 'POST', `/api/v1/children/${plain.id}/involvements`, { kind: 'looked-after', startDate: '2013-05-01' });
  sibling = await createChild(h, otherTeam.worker, { givenName: 'Wren', familyName: 'Siblingham' });
  await ok(inside.head, 'POST', `/api/v1/children/${sibling.id}/relationships`, { relatedChildId: restricted.id, kind: 'half-sibling' });
  // An emergency opening, made before the restriction, stays on the review list.
  const edt = await h.user(['social-worker']);
  await ok(edt, 'POST', `/api/v1/children/${restricted.id}/break-glass`, { reason: `Police called out of hours about the ${FAMILY} children.` });
  await ok(outside.dpo, 'POST', `/api/v1/children/${restricted.id}/restriction`, {
    allowedUserIds: [inside.worker.id, inside.records.id, inside.head.id, inside.dpo.id],
    reason: 'A staff member’s relative.',
  });
});
afterAll(async () => h.close());

describe(`a restricted child's name in lists outside the record (${testEngine()})`, () => {
  let box: { id: string; barcode: string };
  let file: { id: string };

  it('paper files and boxes: the description and notes are withheld from a records officer outside the restriction; barcode, place and date are not', async () => {
    box = (await ok<{ id: string; barcode: string }>(outside.records, 'POST', '/api/v1/boxes', { barcode: 'NBC/OS 990001-R', location: 'Northmoor Records Store, Bay 3' })).body;
    const created = await h.request<PaperFileView>('POST', '/api/v1/paper-files', { user: outside.records, body: { childId: restricted.id, description: `${FAMILY}: care file 2012–2020`, boxId: box.id } });
    expect(created.status).toBe(201);
    expect(created.raw).not.toContain(FAMILY);
    expect(created.body).toMatchObject({ subject: { childId: restricted.id }, description: RESTRICTED_LABEL, restricted: true, box: { id: box.id, barcode: box.barcode }, doNotDestroy: true });
    expect(created.body.destructionDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    file = created.body;
    await ok(outside.records, 'POST', '/api/v1/paper-files', { childId: plain.id, description: 'Plainsong: education file', boxId: box.id });
    await ok(inside.records, 'POST', `/api/v1/paper-files/${file.id}/check-out`, { toUserId: inside.worker.id, note: `For the ${FAMILY} review meeting` });
    const returned = await h.request('POST', `/api/v1/paper-files/${file.id}/return`, { user: outside.records, body: {} });
    expect(returned.status).toBe(200);
    expect(returned.raw).not.toContain(FAMILY);

    for (const user of [outside.records, outside.support, outside.head, outside.dpo]) expect(await names(user, '/api/v1/boxes'), user.username).toBe(false);
    for (const url of [`/api/v1/boxes/${box.id}`, `/api/v1/paper-files?childId=${restricted.id}`, `/api/v1/paper-files/${file.id}`]) {
      for (const user of [outside.records, outside.support, outside.head, outside.dpo]) expect(await names(user, url), `${user.username} ${url}`).toBe(false);
      expect(await names(inside.records, url), url).toBe(true);
    }
    const seen = (await get(outside.records, `/api/v1/boxes/${box.id}`)).body as { files: number; contents: Array<{ id: string; description: string; restricted: boolean }> };
    // The box is still counted whole (it is about the box), and the other child's file reads as usual.
    expect(seen.files).toBe(2);
    expect(seen.contents.map((c) => [c.description, c.restricted]).sort()).toEqual([
      ['Plainsong: education file', false],
      [RESTRICTED_LABEL, true],
    ]);
    const detail = (await get(outside.records, `/api/v1/paper-files/${file.id}`)).body as { events: Array<{ event: string; note: string | null }> };
    expect(detail.events.find((e) => e.event === 'checked-out')?.note).toBe(RESTRICTED_LABEL);
    const named = (await get(inside.records, `/api/v1/paper-files/${file.id}`)).body as { description: string; restricted: boolean; events: Array<{ event: string; note: string | null }> };
    expect(named).toMatchObject({ description: `${FAMILY}: care file 2012–2020`, restricted: false });
    expect(named.events.find((e) => e.event === 'checked-out')?.note).toBe(`For the ${FAMILY} review meeting`);
  });

  it('the box label prints the box, DO NOT DESTROY and the destruction date, never the name, whoever prints it', async () => {
    const { destroyFrom } = (await get(outside.records, `/api/v1/boxes/${box.id}`)).body as { destroyFrom: string | null };
    expect(destroyFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const user of [outside.records, inside.records]) {
      const text = await pdfText(user, `/api/v1/boxes/${box.id}/label`);
      expect(text).toContain('DO NOT DESTROY');
      expect(text).toContain(box.barcode);
      expect(text).toContain(`Destroy from ${String(destroyFrom)}`);
      for (const word of [FAMILY, 'Xanthe', 'Plainsong', 'care file', LOCAL_ID]) expect(text, user.username).not.toContain(word);
    }
  });

  it('escalations: the question and decision are withheld from deciders outside the restriction', async () => {
    const raised = await h.request<{ id: string }>('POST', '/api/v1/escalations', { user: inside.worker, body: { subject: { childId: restricted.id }, question: `Can the ${FAMILY} file go off-site?`, to: 'business-services' } });
    expect(raised.status, raised.raw).toBe(201);
    expect(raised.body).toMatchObject({ restricted: false, question: `Can the ${FAMILY} file go off-site?` });
    const toHead = await h.request('POST', '/api/v1/escalations', { user: inside.worker, body: { subject: { childId: restricted.id }, question: `Keep the ${FAMILY} record longer?`, to: 'head-of-service' } });
    expect(toHead.status).toBe(201);
    expect(await names(outside.records, '/api/v1/escalations')).toBe(false);
    expect(await names(outside.head, '/api/v1/escalations')).toBe(false);
    expect(await names(inside.records, '/api/v1/escalations')).toBe(true);
    expect(await names(inside.head, '/api/v1/escalations')).toBe(true);
    const listed = (await get(outside.records, '/api/v1/escalations')).body as { items: Array<{ id: string; subject: { childId: string }; question: string; restricted: boolean }> };
    expect(listed.items.find((i) => i.id === raised.body.id)).toMatchObject({ subject: { childId: restricted.id }, question: RESTRICTED_LABEL, restricted: true });
    await ok(inside.records, 'POST', `/api/v1/escalations/${raised.body.id}/decision`, { decision: `Yes: the ${FAMILY} file goes to Bay 3.` });
    expect(await names(outside.support, '/api/v1/escalations?status=all')).toBe(false);
    expect(await names(inside.records, '/api/v1/escalations?status=all')).toBe(true);
  });

  it('break-glass review: the child’s name and the reason are withheld from a DPO or head of service outside the restriction', async () => {
    for (const user of [outside.dpo, outside.head]) {
      const res = await get(user, '/api/v1/break-glass');
      expect(res.raw).not.toContain(FAMILY);
      expect((res.body as { items: Array<{ child: unknown; reason: string }> }).items).toContainEqual(
        expect.objectContaining({ child: { id: restricted.id, name: RESTRICTED_LABEL, restricted: true }, reason: RESTRICTED_LABEL }),
      );
    }
    expect(await names(inside.dpo, '/api/v1/break-glass')).toBe(true);
    expect(await names(inside.head, '/api/v1/break-glass')).toBe(true);
  });

  it('subject access: the register withholds the child’s name, requester and note, and the content is refused, outside the restriction', async () => {
    const sar = await h.request<{ id: string }>('POST', '/api/v1/sars', {
      user: inside.dpo,
      body: { childId: restricted.id, requester: `Jo ${FAMILY}`, relationship: 'parent-with-parental-responsibility', receivedAt: '2026-06-10', note: `Mother of Xanthe ${FAMILY}.` },
    });
    expect(sar.status, sar.raw).toBe(201);
    for (const user of [outside.dpo, outside.support]) {
      expect(await names(user, '/api/v1/sars')).toBe(false);
      expect(await names(user, `/api/v1/sars/${sar.body.id}`)).toBe(false);
      const items = await get(user, `/api/v1/sars/${sar.body.id}/items`);
      expect(items.status).toBe(403);
      expect(items.body).toMatchObject({ code: 'ACCESS_DENIED' });
      expect(items.raw).not.toContain(FAMILY);
    }
    expect((await get(outside.dpo, `/api/v1/sars/${sar.body.id}`)).body).toMatchObject({ childId: restricted.id, restricted: true, childName: RESTRICTED_LABEL, requester: RESTRICTED_LABEL, note: RESTRICTED_LABEL });
    const refused = (await h.auditFor(restricted.id)).filter((e) => e.action === 'sar.items-read' && e.outcome === 'denied');
    expect(refused.map((e) => e.actor_id).sort()).toEqual([outside.dpo.id, outside.support.id].sort());
    expect(await names(inside.dpo, '/api/v1/sars')).toBe(true);
    expect((await get(inside.dpo, `/api/v1/sars/${sar.body.id}/items`)).status).toBe(200);
  });

  it('a sibling outside the restriction is shown as "Restricted record", not by initials', async () => {
    const seen = await get<{ relationships: unknown[] }>(otherTeam.worker, `/api/v1/children/${sibling.id}`);
    expect(seen.status).toBe(200);
    expect(seen.raw).not.toContain(FAMILY);
    expect(seen.raw).not.toContain('X.Q.');
    expect(seen.body.relationships).toEqual([expect.objectContaining({ relatedChildId: restricted.id, relatedChildName: RESTRICTED_LABEL, relatedChildVisible: false })]);
    // A head of service sees both records, but only the named one sees this sibling's name.
    expect((await get(outside.head, `/api/v1/children/${sibling.id}`)).raw).not.toContain(FAMILY);
    expect(await names(inside.head, `/api/v1/children/${sibling.id}`)).toBe(true);
  });

  it('worklists and their counts leave the record out for the team manager outside the restriction', async () => {
    const managers = await get(team.manager, `/api/v1/worklist?teamId=${team.teamId}&groupBy=sibling-group`);
    expect(managers.status).toBe(200);
    expect(managers.raw).not.toContain(FAMILY);
    expect(managers.raw).not.toContain(restricted.id);
    const own = await get(inside.worker, '/api/v1/worklist');
    expect(own.raw).toContain(FAMILY);
    expect((own.body as { children: number }).children).toBe((managers.body as { children: number }).children + 1);
  });

  it('the retention report gives a restricted record’s reference only to a reader it names', async () => {
    const reference = async (user: TestUser) => {
      for await (const row of reportRows(h.db, { actor: user, today: '2026-06-15', now: h.clock.now() })) if (row.id === restricted.id) return row.reference;
      return undefined;
    };
    expect(await reference(outside.records)).toBe(RESTRICTED_LABEL);
    expect(await reference(inside.records)).toBe(LOCAL_ID);
  });

  it('holds and the audit trail carry ids, never names', async () => {
    await ok(inside.dpo, 'POST', '/api/v1/holds', { name: 'Employment tribunal 2026', scope: { childIds: [restricted.id] }, reason: 'Claim by a member of staff.', authority: 'Employment tribunal' });
    const holds = await get(team.manager, '/api/v1/holds');
    expect(holds.raw).toContain(restricted.id);
    expect(holds.raw).not.toContain(FAMILY);
    const audit = await get(outside.dpo, `/api/v1/audit?childId=${restricted.id}&limit=500`);
    expect(audit.status).toBe(200);
    expect((audit.body as { items: unknown[] }).items.length).toBeGreaterThan(10);
    expect(audit.raw).not.toContain(FAMILY);
    expect(audit.raw).not.toContain(LOCAL_ID);
  });
});

describe(`a restricted record's disposal and certificate (${testEngine()})`, () => {
  const DISPOSED = 'Vantongeren';
  let child: { id: string };
  let disposal: { id: string };

  beforeAll(async () => {
    const { id } = await h.db.selectFrom('hold').select('id').where('name', '=', IICSA_HOLD_NAME).executeTakeFirstOrThrow();
    for (const user of [inside.head, outside.head]) await ok(user, 'POST', `/api/v1/holds/${id}/release`, { reason: 'IICSA reported; destruction may resume after review.' });
    // Child in need 1990–1994: its date (30 years from birth) long past.
    child = await createChild(h, team.worker, { givenName: 'Ottoline', familyName: DISPOSED, dateOfBirth: '1985-07-04', identifiers: { localId: 'NBC-1990-0031' } });
    await ok(team.worker, 'POST', `/api/v1/children/${child.id}/involvements`, { kind: 'child-in-need', startDate: '1990-01-10', endDate: '1994-07-20' });
    await ok(inside.dpo, 'POST', `/api/v1/children/${child.id}/restriction`, { allowedUserIds: [inside.records.id, inside.head.id], reason: 'A staff member’s relative.' });
    disposal = (await ok(inside.records, 'POST', '/api/v1/disposals', { childId: child.id, reason: `The ${DISPOSED} record is past its date.` })).body;
  });

  it('lists the disposal without its reason for a records officer outside the restriction, who may still approve it', async () => {
    expect(await names(outside.records, '/api/v1/disposals', DISPOSED)).toBe(false);
    expect(await names(outside.records, `/api/v1/disposals/${disposal.id}`, DISPOSED)).toBe(false);
    expect((await get(outside.records, `/api/v1/disposals/${disposal.id}`)).body).toMatchObject({ childId: child.id, restricted: true, reason: RESTRICTED_LABEL });
    expect(await names(inside.records, `/api/v1/disposals/${disposal.id}`, DISPOSED)).toBe(true);
    const first = await h.request('POST', `/api/v1/disposals/${disposal.id}/approvals`, { user: outside.records });
    expect(first.status, first.raw).toBe(200);
    expect(first.raw).not.toContain(DISPOSED);
    const second = await h.request('POST', `/api/v1/disposals/${disposal.id}/approvals`, { user: outside.head });
    expect(second.status, second.raw).toBe(200);
    expect(second.body).toMatchObject({ status: 'executed' });
  });

  it('gives the certificate without case reference, initials or reason to those outside the restriction, and whole to those named', async () => {
    const url = `/api/v1/disposals/${disposal.id}/certificate`;
    const masked = await get<{ sha256: string }>(outside.records, `${url}?format=json`);
    expect(masked.status).toBe(200);
    for (const word of [DISPOSED, 'NBC-1990-0031', 'O.V.']) expect(masked.raw).not.toContain(word);
    expect(masked.body).toMatchObject({
      certificate: { record: { childId: child.id, caseReference: RESTRICTED_LABEL, initials: RESTRICTED_LABEL }, reason: RESTRICTED_LABEL },
      withheld: ['record.caseReference', 'record.initials', 'reason'],
    });
    const whole = await get<{ sha256: string }>(inside.records, `${url}?format=json`);
    expect(whole.body).toMatchObject({ certificate: { record: { caseReference: 'NBC-1990-0031', initials: 'O.V.' }, reason: `The ${DISPOSED} record is past its date.` }, withheld: [] });
    // The certificate as issued keeps everything: its hash is the same for both readers.
    expect(masked.body.sha256).toBe(whole.body.sha256);
    const outsideText = await pdfText(outside.head, url);
    expect(outsideText).toContain(child.id);
    for (const word of [DISPOSED, 'NBC-1990-0031', 'O.V.']) expect(outsideText).not.toContain(word);
    const insideText = await pdfText(inside.head, url);
    expect(insideText).toContain('NBC-1990-0031');
    expect(insideText).toContain(DISPOSED);
  });
});
