import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, createEntry, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { verifyAuditTrail } from '../audit/audit.service.js';

/**
 * Who sees a child (R16, foundation part): the allocated worker, their team, the team
 * manager, an allocated IRO and heads of service. Everyone else gets 403 (existing
 * record) or 404 (no such record), never a name, and lists and search leave the child out.
 */
let h: Harness;
let child: { id: string };
let entryId: string;
let people: Record<string, TestUser>;

beforeAll(async () => {
  h = await startHarness();
  const own = await teamWithStaff(h);
  const other = await teamWithStaff(h);
  const iro = await h.user(['iro']);
  const otherIro = await h.user(['iro']);
  child = await createChild(h, own.worker, { givenName: 'Philippa', familyName: 'Grimsditch' });
  entryId = (await createEntry(h, own.worker, child.id, { body: 'Saw Philippa at school.' })).id;
  await h.request('POST', `/api/v1/children/${child.id}/allocations`, { user: own.manager, body: { userId: own.manager.id, role: 'team-manager' } });
  await h.request('POST', `/api/v1/children/${child.id}/allocations`, { user: own.manager, body: { userId: iro.id, role: 'iro' } });
  people = {
    allocatedWorker: own.worker,
    teamColleague: own.colleague,
    teamManager: own.manager,
    allocatedIro: iro,
    headOfService: await h.user(['head-of-service']),
    otherTeamWorker: other.worker,
    otherTeamManager: other.manager,
    otherIro,
    admin: await h.user(['admin']),
    dpo: await h.user(['dpo']),
    recordsOfficer: await h.user(['records-officer']),
    businessSupport: await h.user(['business-support']),
    inspector: await h.user(['inspector']),
    teamlessWorker: await h.user(['social-worker']),
  };
});
afterAll(async () => h.close());

const CAN_SEE = ['allocatedWorker', 'teamColleague', 'teamManager', 'allocatedIro', 'headOfService'];
const CANNOT = ['otherTeamWorker', 'otherTeamManager', 'otherIro', 'admin', 'dpo', 'recordsOfficer', 'businessSupport', 'inspector', 'teamlessWorker'];

describe('reading a child’s record', () => {
  it.each(CAN_SEE)('%s may read the child, the chronology and an entry', async (who) => {
    const user = people[who]!;
    expect((await h.request('GET', `/api/v1/children/${child.id}`, { user })).status).toBe(200);
    expect((await h.request('GET', `/api/v1/children/${child.id}/entries`, { user })).status).toBe(200);
    expect((await h.request('GET', `/api/v1/entries/${entryId}`, { user })).status).toBe(200);
    const search = await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/children?q=grimsditch', { user });
    expect(search.body.items.map((i) => i.id)).toContain(child.id);
  });

  it.each(CANNOT)('%s gets 403 with no name, and finds nothing in search', async (who) => {
    const user = people[who]!;
    for (const url of [`/api/v1/children/${child.id}`, `/api/v1/children/${child.id}/entries`, `/api/v1/entries/${entryId}`, `/api/v1/entries/${entryId}/versions/1`]) {
      const res = await h.request('GET', url, { user });
      expect(res.status, url).toBe(403);
      expect(res.body).toMatchObject({ code: 'ACCESS_DENIED' });
      expect(res.raw).not.toMatch(/Philippa|Grimsditch/);
    }
    const search = await h.request<{ items: unknown[] }>('GET', '/api/v1/children?q=grimsditch', { user });
    if (who === 'admin') expect(search.status).toBe(403);
    else expect(search.body.items).toEqual([]);
    const list = await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/children', { user });
    if (who !== 'admin') expect(list.body.items.map((i) => i.id)).not.toContain(child.id);
  });

  it('audits every refusal against the child, with who and why', async () => {
    const events = await h.auditFor(child.id);
    const denied = events.filter((e) => e.outcome === 'denied');
    for (const who of CANNOT) expect(denied.some((e) => e.actor_id === people[who]!.id), who).toBe(true);
  });

  it('answers 404, not 403, for a record that does not exist', async () => {
    const res = await h.request('GET', '/api/v1/children/6f1c2a34-0000-4000-8000-000000000000', { user: people['headOfService']! });
    expect(res.status).toBe(404);
    expect((await h.request('GET', '/api/v1/children/not-a-uuid', { user: people['headOfService']! })).body).toMatchObject({ errors: [{ field: 'id', in: 'path' }] });
  });

  it('gives the IRO read access but writing needs a writing role; other roles never write', async () => {
    const entry = { kind: 'review', reviewType: 'looked-after-review', occurredAt: h.clock.now().toISOString(), title: 'Review', body: 'Review held.' };
    expect((await h.request('POST', `/api/v1/children/${child.id}/entries`, { user: people['allocatedIro']!, body: entry })).status).toBe(201);
    expect((await h.request('POST', `/api/v1/children/${child.id}/entries`, { user: people['otherTeamWorker']!, body: entry })).status).toBe(403);
  });

  it('stops an allocation giving access once the person no longer holds the role it needs', async () => {
    const team = await teamWithStaff(h);
    const iro = await h.user(['iro']);
    const admin = await h.user(['admin']);
    const c = await createChild(h, team.worker);
    expect((await h.request('POST', `/api/v1/children/${c.id}/allocations`, { user: team.manager, body: { userId: iro.id, role: 'iro' } })).status).toBe(201);
    expect((await h.request('GET', `/api/v1/children/${c.id}`, { user: iro })).status).toBe(200);
    expect((await h.request('PATCH', `/api/v1/users/${iro.id}`, { user: admin, body: { roles: ['business-support'] } })).status).toBe(200);
    // The session cache forgets the user, so the next request sees the new roles.
    const changed = { ...iro, roles: ['business-support' as const] };
    expect((await h.request('GET', `/api/v1/children/${c.id}`, { user: changed })).status).toBe(403);
  });

  it('treats an id in capitals as the same id, and keeps the audit trail verifiable', async () => {
    const res = await h.request('GET', `/api/v1/children/${child.id.toUpperCase()}`, { user: people['allocatedWorker']! });
    expect(res.status).toBe(200);
    expect((await h.request('GET', `/api/v1/children/${child.id.toUpperCase()}`, { user: people['otherTeamWorker']! })).status).toBe(403);
    expect((await h.request('GET', `/api/v1/children/urn:uuid:${child.id}`, { user: people['allocatedWorker']! })).status).toBe(400);
    expect(await verifyAuditTrail(h.db)).toMatchObject({ ok: true });
  });

  it('ends access when the allocation ends', async () => {
    const team = await teamWithStaff(h);
    const c = await createChild(h, team.worker);
    const alloc = (await h.request<{ allocations: Array<{ id: string; userId: string }> }>('GET', `/api/v1/children/${c.id}`, { user: team.worker })).body.allocations[0]!;
    // The manager sees the child through the worker's allocation (team), so can end it.
    expect((await h.request('POST', `/api/v1/allocations/${alloc.id}/end`, { user: team.manager })).status).toBe(200);
    expect((await h.request('GET', `/api/v1/children/${c.id}`, { user: team.worker })).status).toBe(403);
    expect((await h.request('GET', `/api/v1/children/${c.id}`, { user: team.manager })).status).toBe(403);
  });

  it('writes the basis of each read on its audit event', async () => {
    const events = await h.auditFor(child.id);
    const reads = events.filter((e) => e.action === 'child.read' && e.outcome === 'allowed');
    const basisOf = (who: string) => reads.find((e) => e.actor_id === people[who]!.id)?.basis;
    expect(basisOf('allocatedWorker')).toBe('allocation:allocated-worker');
    expect(basisOf('teamColleague')).toBe('team');
    expect(basisOf('teamManager')).toBe('allocation:team-manager');
    expect(basisOf('allocatedIro')).toBe('allocation:iro');
    expect(basisOf('headOfService')).toBe('role:head-of-service');
  });
});
