import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, createEntry, multipart, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { verifyAuditTrail } from '../audit/audit.service.js';

/**
 * Confidentiality beyond allocation (R16): legal-basis grants with a scope and an expiry,
 * records restricted to named people, break-glass, and the explanation of who can see a
 * record and why.
 */
let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
let otherTeam: Awaited<ReturnType<typeof teamWithStaff>>;
let dpo: TestUser;
let hos: TestUser;
let inspector: TestUser;

beforeAll(async () => {
  h = await startHarness({ now: '2026-06-15T10:00:00Z' });
  team = await teamWithStaff(h);
  otherTeam = await teamWithStaff(h);
  dpo = await h.user(['dpo']);
  hos = await h.user(['head-of-service']);
  inspector = await h.user(['inspector']);
});
afterAll(async () => h.close());

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n'), Buffer.from('a court report')]);
async function uploadDocument(user: TestUser, childId: string, occurredAt: string, kind = 'assessment'): Promise<string> {
  const body = await multipart({ meta: JSON.stringify({ kind, title: 'Report', occurredAt }), file: { bytes: pdf, filename: 'report.pdf' } });
  const res = await h.request<{ documentId: string }>('POST', `/api/v1/children/${childId}/documents`, { user, payload: body.payload, headers: body.headers });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${res.raw}`);
  return res.body.documentId;
}
/** Reply bodies as the tests read them: a resource, or a problem naming its fields. */
interface Body {
  id: string;
  reason: string;
  history: unknown[];
  errors: Array<{ field: string; message: string }>;
  [key: string]: unknown;
}
const grant = (body: Record<string, unknown>, user: TestUser = dpo) => h.request<Body>('POST', '/api/v1/access-grants', { user, body });
const explain = (childId: string, userId: string, user: TestUser = dpo) => h.request<Body>(`GET`, `/api/v1/children/${childId}/access-explanation?userId=${userId}`, { user });
const countRows = async (table: 'access_grant' | 'restriction' | 'break_glass') => Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('grants on a recorded legal basis', () => {
  let child: { id: string };
  const entries: Record<string, string> = {};
  let inScopeDoc: string;
  let outOfScopeDoc: string;

  beforeAll(async () => {
    child = await createChild(h, team.worker, { givenName: 'Rosalind', familyName: 'Quennell' });
    entries['earlyNote'] = (await createEntry(h, team.worker, child.id, { occurredAt: '2026-01-10T10:00:00Z', title: 'January note' })).id;
    entries['marchNote'] = (await createEntry(h, team.worker, child.id, { occurredAt: '2026-03-10T10:00:00Z', title: 'March note' })).id;
    entries['marchVisit'] = (
      await createEntry(h, team.worker, child.id, { kind: 'visit', visitType: 'other', occurredAt: '2026-03-11T10:00:00Z', title: 'March visit', seenAlone: true })
    ).id;
    inScopeDoc = await uploadDocument(team.worker, child.id, '2026-03-20T10:00:00Z');
    outOfScopeDoc = await uploadDocument(team.worker, child.id, '2026-05-20T10:00:00Z');
  });

  it('lets the grantee read the child and only the entries and documents within the scope, read-only, audited with the basis', async () => {
    expect((await h.request('GET', `/api/v1/children/${child.id}`, { user: inspector })).status).toBe(403);
    const made = await grant({
      childId: child.id,
      userId: inspector.id,
      basis: 'inspection',
      reference: 'Ofsted ILACS inspection 2026/114',
      scope: { kinds: ['case-note', 'assessment'], from: '2026-02-01', to: '2026-04-30' },
      expiresAt: '2026-06-20T17:00:00Z',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ basis: 'inspection', status: 'active', scope: { kinds: ['case-note', 'assessment'], from: '2026-02-01', to: '2026-04-30' } });

    const read = await h.request('GET', `/api/v1/children/${child.id}`, { user: inspector });
    expect(read.status).toBe(200);
    const chronology = await h.request<{ items: Array<{ id: string; kind: string }> }>('GET', `/api/v1/children/${child.id}/entries?limit=100`, { user: inspector });
    expect(chronology.status).toBe(200);
    const ids = chronology.body.items.map((i) => i.id);
    expect(ids).toContain(entries['marchNote']);
    expect(ids).not.toContain(entries['earlyNote']);
    expect(ids).not.toContain(entries['marchVisit']);
    expect(chronology.body.items.every((i) => ['case-note', 'assessment'].includes(i.kind))).toBe(true);
    expect((await h.request('GET', `/api/v1/entries/${entries['marchNote']}`, { user: inspector })).status).toBe(200);
    expect((await h.request('GET', `/api/v1/entries/${entries['earlyNote']}`, { user: inspector })).status).toBe(404);
    expect((await h.request('GET', `/api/v1/entries/${entries['marchVisit']}/versions/1`, { user: inspector })).status).toBe(404);
    expect((await h.request('GET', `/api/v1/documents/${inScopeDoc}/content`, { user: inspector })).status).toBe(200);
    expect((await h.request('GET', `/api/v1/documents/${outOfScopeDoc}/content`, { user: inspector })).status).toBe(404);
    // Read-only, and only the parts of the record a scope can govern.
    const write = await h.request('POST', `/api/v1/children/${child.id}/entries`, {
      user: inspector,
      body: { kind: 'case-note', occurredAt: '2026-06-15T09:00:00Z', title: 'x', body: 'y' },
    });
    expect(write.status).toBe(403);
    expect((await h.request('GET', `/api/v1/children/${child.id}/compliance`, { user: inspector })).status).toBe(403);
    // Search finds the child for the grantee.
    const search = await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/children?q=Quennell', { user: inspector });
    expect(search.body.items.map((c) => c.id)).toEqual([child.id]);

    const audit = await h.auditFor(child.id);
    const reads = audit.filter((a) => a.actor_id === inspector.id && a.outcome === 'allowed' && a.action !== 'child.search');
    expect(reads.length).toBeGreaterThan(3);
    expect(reads.filter((a) => a.basis !== `grant:inspection:${String(made.body.id)}`).map((a) => [a.action, a.basis])).toEqual([]);
    expect(audit.some((a) => a.actor_id === inspector.id && a.outcome === 'denied')).toBe(true);
  });

  it('stops working on the minute it expires, and when revoked', async () => {
    const reader = await h.user(['inspector']);
    const made = await grant({ childId: child.id, userId: reader.id, basis: 'court-order', reference: 'Family Court at Leeds LS26C00412', expiresAt: '2026-06-15T12:00:00Z' });
    expect(made.status).toBe(201);
    const started = h.clock.now();
    try {
      h.clock.set('2026-06-15T11:59:59.999Z');
      expect((await h.request('GET', `/api/v1/children/${child.id}`, { user: reader })).status).toBe(200);
      expect((await explain(child.id, reader.id)).body).toMatchObject({ allowed: true, access: 'scoped', canWrite: false, bases: [{ kind: 'grant' }] });
      h.clock.set('2026-06-15T12:00:00Z');
      expect((await h.request('GET', `/api/v1/children/${child.id}`, { user: reader })).status).toBe(403);
      expect((await explain(child.id, reader.id)).body).toMatchObject({ allowed: false, access: 'none' });
      expect((await h.request<{ items: unknown[] }>('GET', '/api/v1/children?q=Quennell', { user: reader })).body.items).toEqual([]);
    } finally {
      h.clock.set(started);
    }
    const guardian = await h.user(['inspector']);
    const second = await grant({ childId: child.id, userId: guardian.id, basis: 'court-order', reference: 'Family Court at Leeds LS26C00412', expiresAt: '2026-07-15T12:00:00Z' });
    expect((await h.request('GET', `/api/v1/children/${child.id}`, { user: guardian })).status).toBe(200);
    const revoked = await h.request('POST', `/api/v1/access-grants/${String(second.body.id)}/revoke`, { user: dpo, body: { reason: 'Proceedings concluded.' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revocation: { reason: 'Proceedings concluded.' } });
    expect((await h.request('GET', `/api/v1/children/${child.id}`, { user: guardian })).status).toBe(403);
    expect((await h.request('POST', `/api/v1/access-grants/${String(second.body.id)}/revoke`, { user: dpo, body: { reason: 'again' } })).status).toBe(409);
  });

  it('refuses a grant without a reference, with an expiry in the past, a scope back to front, for a child who does not exist, or by the wrong role: nothing written', async () => {
    const before = await countRows('access_grant');
    const base = { childId: child.id, userId: inspector.id, basis: 'court-order', reference: 'Order 1', expiresAt: '2026-07-01T00:00:00Z' };
    const noReference = await grant({ ...base, reference: undefined });
    expect(noReference.status).toBe(400);
    expect(JSON.stringify(noReference.body)).toContain('reference');
    const blankReference = await grant({ ...base, reference: '   ' });
    expect(blankReference.status).toBe(400);
    expect(JSON.stringify(blankReference.body)).toContain('reference');
    const past = await grant({ ...base, expiresAt: '2026-06-15T09:59:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.errors).toContainEqual(expect.objectContaining({ field: 'expiresAt' }));
    const backwards = await grant({ ...base, scope: { from: '2026-05-01', to: '2026-04-01' } });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toContainEqual(expect.objectContaining({ field: 'scope.to' }));
    const badKind = await grant({ ...base, scope: { kinds: ['gossip'] } });
    expect(badKind.status).toBe(400);
    const badBasis = await grant({ ...base, basis: 'curiosity' });
    expect(badBasis.status).toBe(400);
    expect((await grant({ ...base, childId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    expect((await grant({ ...base, userId: '00000000-0000-4000-8000-000000000000' })).status).toBe(400);
    expect((await grant(base, team.manager)).status).toBe(403);
    expect((await grant({ ...base, userId: dpo.id })).status).toBe(400);
    const admin = await h.user(['admin']);
    const toAdmin = await grant({ ...base, userId: admin.id });
    expect(toAdmin.status).toBe(400);
    expect(toAdmin.body.errors).toContainEqual(expect.objectContaining({ field: 'userId' }));
    expect(await countRows('access_grant')).toBe(before);
  });

  it('lists grants for governors, and only their own for anyone else', async () => {
    const all = await h.request<{ items: Array<{ user: { id: string } }> }>('GET', `/api/v1/access-grants?childId=${child.id}`, { user: dpo });
    expect(all.body.items.length).toBeGreaterThanOrEqual(2);
    const mine = await h.request<{ items: Array<{ user: { id: string } }> }>('GET', '/api/v1/access-grants', { user: inspector });
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((g) => g.user.id === inspector.id)).toBe(true);
  });
});

describe('restricted records', () => {
  it('hides the record, its entries and documents from everyone not named, in reads, search, lists, worklists and counts, until lifted', async () => {
    const child = await createChild(h, team.worker, { givenName: 'Ottoline', familyName: 'Featherstonehaugh', dateOfBirth: '2015-04-02' });
    await h.request('POST', `/api/v1/children/${child.id}/allocations`, { user: team.manager, body: { userId: team.manager.id, role: 'team-manager' } });
    const entry = await createEntry(h, team.worker, child.id);
    const doc = await uploadDocument(team.worker, child.id, '2026-06-01T10:00:00Z');
    const listed = async (user: TestUser) => (await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/children?limit=500', { user })).body.items.some((c) => c.id === child.id);
    const searched = async (user: TestUser) => (await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/children?q=Featherstonehaugh', { user })).body.items.length;
    const worklistChildren = async (user: TestUser) => (await h.request<{ children: number }>('GET', '/api/v1/worklist', { user })).body.children;
    const managerCount = await worklistChildren(team.manager);
    expect(await listed(team.colleague)).toBe(true);
    expect(await searched(hos)).toBe(1);

    const before = await countRows('restriction');
    expect((await h.request('POST', `/api/v1/children/${child.id}/restriction`, { user: team.manager, body: { allowedUserIds: [team.worker.id], reason: 'x' } })).status).toBe(403);
    const bad = await h.request<Body>('POST', `/api/v1/children/${child.id}/restriction`, { user: dpo, body: { allowedUserIds: [team.worker.id, '00000000-0000-4000-8000-000000000000'], reason: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toContainEqual(expect.objectContaining({ field: 'allowedUserIds.1' }));
    expect(await countRows('restriction')).toBe(before);

    const restricted = await h.request('POST', `/api/v1/children/${child.id}/restriction`, {
      user: dpo,
      body: { allowedUserIds: [team.worker.id], reason: 'The child’s aunt works in the team.' },
    });
    expect(restricted.status).toBe(200);
    expect(restricted.body).toMatchObject({ restricted: true, allowedUsers: [{ id: team.worker.id }] });

    for (const user of [team.colleague, team.manager, hos]) {
      expect((await h.request('GET', `/api/v1/children/${child.id}`, { user })).status).toBe(403);
      expect((await h.request('GET', `/api/v1/entries/${entry.id}`, { user })).status).toBe(403);
      expect((await h.request('GET', `/api/v1/documents/${doc}/content`, { user })).status).toBe(403);
      expect(await listed(user)).toBe(false);
      expect(await searched(user)).toBe(0);
    }
    expect(await worklistChildren(team.manager)).toBe(managerCount - 1);
    expect((await h.request('GET', `/api/v1/children/${child.id}`, { user: team.worker })).status).toBe(200);
    expect(await searched(team.worker)).toBe(1);
    const why = await explain(child.id, team.colleague.id);
    expect(why.body).toMatchObject({ allowed: false, restriction: { restricted: true, named: false } });
    expect(why.body.reason).toContain('restricted');
    // Break-glass does not open a restricted record.
    const outsider = otherTeam.worker;
    expect((await h.request('POST', `/api/v1/children/${child.id}/break-glass`, { user: outsider, body: { reason: 'Police at the door asking about the child.' } })).status).toBe(403);

    const lifted = await h.request<Body>('POST', `/api/v1/children/${child.id}/restriction/lift`, { user: hos, body: { reason: 'The aunt has left the authority.' } });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ restricted: false });
    expect(lifted.body.history).toHaveLength(2);
    expect((await h.request('GET', `/api/v1/children/${child.id}`, { user: team.colleague })).status).toBe(200);
    expect(await worklistChildren(team.manager)).toBe(managerCount);
    expect((await h.request('POST', `/api/v1/children/${child.id}/restriction/lift`, { user: hos, body: { reason: 'again' } })).status).toBe(409);
  });
});

describe('break-glass', () => {
  it('opens a record for a short time with a reason, marks the audit, and shows on the DPO’s and the manager’s lists', async () => {
    const child = await createChild(h, team.worker, { givenName: 'Peregrine', familyName: 'Aldous-Whitby' });
    await h.request('POST', `/api/v1/children/${child.id}/allocations`, { user: team.manager, body: { userId: team.manager.id, role: 'team-manager' } });
    const edt = otherTeam.worker;
    expect((await h.request('GET', `/api/v1/children/${child.id}`, { user: edt })).status).toBe(403);
    const short = await h.request('POST', `/api/v1/children/${child.id}/break-glass`, { user: edt, body: { reason: 'urgent' } });
    expect(short.status).toBe(400);
    expect((await h.request('POST', `/api/v1/children/${child.id}/break-glass`, { user: await h.user(['admin']), body: { reason: 'Just curious about this child.' } })).status).toBe(403);
    expect((await h.request('POST', `/api/v1/children/${child.id}/break-glass`, { user: team.worker, body: { reason: 'I already have access to this.' } })).status).toBe(409);

    const opened = await h.request<Body>('POST', `/api/v1/children/${child.id}/break-glass`, { user: edt, body: { reason: 'Out of hours: child found alone at the station at 2am.' } });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ active: true, expiresAt: '2026-06-15T10:30:00.000Z' });
    expect((await h.request('GET', `/api/v1/children/${child.id}`, { user: edt })).status).toBe(200);
    expect((await explain(child.id, edt.id)).body).toMatchObject({ allowed: true, bases: [{ kind: 'break-glass' }] });
    const audit = await h.auditFor(child.id);
    const marked = audit.filter((a) => a.actor_id === edt.id && a.outcome === 'allowed');
    expect(marked.map((a) => a.action)).toEqual(expect.arrayContaining(['break-glass.open', 'child.read']));
    expect(marked.every((a) => a.basis === `break-glass:${String(opened.body.id)}`)).toBe(true);

    const onList = async (user: TestUser) => (await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/break-glass', { user })).body.items.some((b) => b.id === opened.body.id);
    expect(await onList(dpo)).toBe(true);
    expect(await onList(team.manager)).toBe(true);
    expect(await onList(edt)).toBe(true);
    expect(await onList(otherTeam.manager)).toBe(false);
    expect(await onList(team.colleague)).toBe(false);
    const worklist = await h.request<{ items: Array<{ childId: string; item: string; status: string; area: string }> }>('GET', '/api/v1/worklist', { user: team.manager });
    expect(worklist.body.items).toContainEqual(expect.objectContaining({ childId: child.id, area: 'access', item: 'break-glass', status: 'review' }));

    const started = h.clock.now();
    try {
      h.clock.set('2026-06-15T10:30:00Z');
      expect((await h.request('GET', `/api/v1/children/${child.id}`, { user: edt })).status).toBe(403);
      const active = await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/break-glass?status=active', { user: dpo });
      expect(active.body.items.some((b) => b.id === opened.body.id)).toBe(false);
    } finally {
      h.clock.set(started);
    }
  });
});

describe('access explanation', () => {
  it('answers yes or no with the reason, for the DPO about anyone and for a user about themselves', async () => {
    const child = await createChild(h, team.worker, { givenName: 'Cressida', familyName: 'Mountjoy' });
    await h.request('POST', `/api/v1/children/${child.id}/allocations`, { user: team.manager, body: { userId: team.manager.id, role: 'team-manager' } });
    const worker = await explain(child.id, team.worker.id);
    expect(worker.status).toBe(200);
    expect(worker.body).toMatchObject({ allowed: true, access: 'full', canWrite: true });
    expect(worker.body['bases']).toContainEqual(expect.objectContaining({ kind: 'allocation', basis: 'allocation:allocated-worker' }));
    expect((await explain(child.id, team.colleague.id)).body).toMatchObject({ allowed: true, bases: [{ kind: 'team' }] });
    expect((await explain(child.id, hos.id)).body).toMatchObject({ allowed: true, canWrite: true, bases: [{ kind: 'role', basis: 'role:head-of-service' }] });
    const outsider = await explain(child.id, otherTeam.worker.id);
    expect(outsider.body).toMatchObject({ allowed: false, access: 'none', bases: [] });
    expect(outsider.body.reason).toMatch(/No role, allocation, team, grant or break-glass/);
    expect((await explain(child.id, dpo.id)).body).toMatchObject({ allowed: false });
    expect((await explain(child.id, team.colleague.id, team.colleague)).status).toBe(200);
    expect((await explain(child.id, team.worker.id, team.colleague)).status).toBe(403);
    expect((await explain('00000000-0000-4000-8000-000000000000', team.worker.id)).status).toBe(404);
    expect((await explain(child.id, 'not-a-uuid')).status).toBe(400);
    expect((await verifyAuditTrail(h.db)).ok).toBe(true);
  });
});
