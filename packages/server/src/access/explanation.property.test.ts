import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';

/**
 * "Who can see this, and why" is the decision every endpoint enforces. For random worlds
 * of users, children, allocations, restrictions, grants (scoped or not, revoked, expiring)
 * and break-glass openings, the explanation's yes or no must agree with what each endpoint
 * actually does for that user: read the child, find it by search, list it, and download
 * its documents (all of them with full access; exactly those its chronology shows under a
 * grant's scope; none without access). A paper file's description (which names the child)
 * follows the same answer: shown to whoever may see the record, and to records roles
 * unless a restriction leaves them out (canNameChild); "Restricted record" otherwise.
 */
let h: Harness;
let hos: TestUser;
let dpo: TestUser;
let people: TestUser[];
let runNo = 0;
const seen = { full: 0, scoped: 0, none: 0, restricted: 0, breakGlass: 0, paperWithheld: 0 };
const RECORDS_ROLES = new Set(['records-officer', 'business-support', 'dpo', 'head-of-service']);

beforeAll(async () => {
  h = await startHarness({ now: '2026-03-02T09:00:00Z' });
  hos = await h.user(['head-of-service']);
  dpo = await h.user(['dpo']);
  const teamA = await h.team();
  const teamB = await h.team();
  people = [
    await h.user(['social-worker'], { teamId: teamA }),
    await h.user(['social-worker'], { teamId: teamA }),
    await h.user(['team-manager'], { teamId: teamA }),
    await h.user(['social-worker'], { teamId: teamB }),
    await h.user(['team-manager'], { teamId: teamB }),
    await h.user(['iro']),
    await h.user(['inspector']),
    await h.user(['records-officer']),
    await h.user(['admin']),
    await h.user(['head-of-service']),
    await h.user(['social-worker']),
  ];
});
afterAll(async () => h.close());

const CHILDREN = 3;
const KINDS = ['case-note', 'assessment', 'visit'] as const;

const allocationArb = fc.record({ child: fc.nat(CHILDREN - 1), user: fc.nat(10), role: fc.constantFrom('allocated-worker', 'team-manager', 'iro') });
const grantArb = fc.record({
  child: fc.nat(CHILDREN - 1),
  user: fc.nat(10),
  basis: fc.constantFrom('court-order', 'subject-access', 'care-leaver', 'inspection'),
  kinds: fc.option(fc.subarray([...KINDS], { minLength: 1 }), { nil: undefined }),
  window: fc.option(fc.constantFrom(['2026-01-01', '2026-01-31'], ['2026-02-01', '2026-02-28'], ['2025-12-01', '2026-02-10']), { nil: undefined }),
  hours: fc.constantFrom(1, 48),
  revoke: fc.boolean(),
});
const worldArb = fc.record({
  allocations: fc.array(allocationArb, { maxLength: 6 }),
  restrictions: fc.array(fc.record({ child: fc.nat(CHILDREN - 1), allowed: fc.subarray([...Array(11).keys()], { minLength: 1, maxLength: 3 }) }), { maxLength: 1 }),
  grants: fc.array(grantArb, { maxLength: 4 }),
  breakGlass: fc.array(fc.record({ child: fc.nat(CHILDREN - 1), user: fc.nat(10) }), { maxLength: 2 }),
  advanceMinutes: fc.constantFrom(0, 45, 150),
});

async function ok(res: Promise<{ status: number; raw: string }>, ...expected: number[]): Promise<void> {
  const r = await res;
  if (!expected.includes(r.status)) throw new Error(`unexpected ${r.status}: ${r.raw}`);
}

describe('the access explanation agrees with every endpoint (property)', () => {
  it('for random users, children, allocations, restrictions, grants and break-glass', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        runNo += 1;
        const family = `Propcase${runNo.toString(36)}x`;
        const children: Array<{ id: string; docs: string[] }> = [];
        for (let i = 0; i < CHILDREN; i++) {
          const res = await h.request<{ id: string }>('POST', '/api/v1/children', {
            user: hos,
            body: { givenName: `${['Ada', 'Bo', 'Cy'][i] ?? 'Dee'}${runNo.toString(36)}`, familyName: family, dateOfBirth: new Date(Date.UTC(2010, 0, 1 + runNo * 5 + i)).toISOString().slice(0, 10) },
          });
          if (res.status !== 201) throw new Error(res.raw);
          const docs: string[] = [];
          for (const [kind, at] of [
            ['assessment', '2026-01-15T10:00:00Z'],
            ['assessment', '2026-02-20T10:00:00Z'],
            ['case-note', '2026-02-05T10:00:00Z'],
          ] as const) {
            const body = await multipart({ meta: JSON.stringify({ kind, title: 'Doc', occurredAt: at }), file: { bytes: Buffer.from('%PDF-1.7\nhello'), filename: 'd.pdf' } });
            const up = await h.request<{ documentId: string }>('POST', `/api/v1/children/${res.body.id}/documents`, { user: hos, payload: body.payload, headers: body.headers });
            if (up.status !== 201) throw new Error(up.raw);
            docs.push(up.body.documentId);
          }
          const file = await h.request('POST', '/api/v1/paper-files', { user: hos, body: { childId: res.body.id, description: `${family} file ${i}`, location: 'Shelf 1' } });
          if (file.status !== 201) throw new Error(file.raw);
          children.push({ id: res.body.id, docs });
        }
        const child = (i: number) => children[i]!;
        const person = (i: number) => people[i]!;
        for (const a of world.allocations) {
          await ok(h.request('POST', `/api/v1/children/${child(a.child).id}/allocations`, { user: hos, body: { userId: person(a.user).id, role: a.role } }), 201, 400, 409);
        }
        for (const g of world.grants) {
          const made = await h.request<{ id: string }>('POST', '/api/v1/access-grants', {
            user: dpo,
            body: {
              childId: child(g.child).id,
              userId: person(g.user).id,
              basis: g.basis,
              reference: `REF-${runNo}`,
              ...(g.kinds !== undefined || g.window !== undefined ? { scope: { ...(g.kinds !== undefined ? { kinds: g.kinds } : {}), ...(g.window !== undefined ? { from: g.window[0], to: g.window[1] } : {}) } } : {}),
              expiresAt: new Date(h.clock.now().getTime() + g.hours * 3_600_000).toISOString(),
            },
          });
          // Administrators read no child's record: a grant to one is refused.
          if (made.status === 400 && person(g.user).roles.every((r) => r === 'admin')) continue;
          if (made.status !== 201) throw new Error(made.raw);
          if (g.revoke) await ok(h.request('POST', `/api/v1/access-grants/${made.body.id}/revoke`, { user: dpo, body: { reason: 'done' } }), 200);
        }
        for (const r of world.restrictions) {
          await ok(h.request('POST', `/api/v1/children/${child(r.child).id}/restriction`, { user: dpo, body: { allowedUserIds: r.allowed.map((i) => person(i).id), reason: 'sensitive' } }), 200);
        }
        for (const b of world.breakGlass) {
          await ok(h.request('POST', `/api/v1/children/${child(b.child).id}/break-glass`, { user: person(b.user), body: { reason: 'Emergency out of hours, police call.' } }), 201, 403, 409);
        }
        h.clock.set(new Date(h.clock.now().getTime() + world.advanceMinutes * 60_000));

        for (const user of people) {
          const listed = new Set((await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/children?limit=500', { user })).body.items?.map((c) => c.id) ?? []);
          const found = new Set((await h.request<{ items: Array<{ id: string }> }>('GET', `/api/v1/children?q=${family}`, { user })).body.items?.map((c) => c.id) ?? []);
          for (const c of children) {
            const why = await h.request<{ allowed: boolean; access: 'full' | 'scoped' | 'none'; restriction: { restricted: boolean; named: boolean }; bases: Array<{ kind: string }> }>('GET', `/api/v1/children/${c.id}/access-explanation?userId=${user.id}`, { user: dpo });
            expect(why.status).toBe(200);
            seen[why.body.access] += 1;
            if (why.body.restriction.restricted) seen.restricted += 1;
            if (why.body.bases.some((b) => b.kind === 'break-glass')) seen.breakGlass += 1;
            const read = await h.request('GET', `/api/v1/children/${c.id}`, { user });
            const context = `${user.roles.join('+')} on child ${children.indexOf(c)}: ${JSON.stringify(why.body)}`;
            expect(read.status, context).toBe(why.body.allowed ? 200 : 403);
            expect(listed.has(c.id), context).toBe(why.body.allowed);
            expect(found.has(c.id), context).toBe(why.body.allowed);
            // Paper files: records roles manage every record's; others need full access. The description names the child.
            const records = user.roles.some((r) => RECORDS_ROLES.has(r));
            const files = await h.request<{ items: Array<{ description: string; restricted: boolean }> }>('GET', `/api/v1/paper-files?childId=${c.id}`, { user });
            expect(files.status, context).toBe(records || why.body.access === 'full' ? 200 : 403);
            if (files.status === 200) {
              const nameable = why.body.allowed || (records && !(why.body.restriction.restricted && !why.body.restriction.named));
              if (!nameable) seen.paperWithheld += 1;
              expect(files.body.items, context).toEqual([expect.objectContaining({ description: nameable ? `${family} file ${children.indexOf(c)}` : 'Restricted record', restricted: !nameable })]);
            }
            const downloads = await Promise.all(c.docs.map(async (d) => (await h.request('GET', `/api/v1/documents/${d}/content`, { user })).status));
            if (why.body.access === 'full') expect(downloads, context).toEqual(c.docs.map(() => 200));
            else if (why.body.access === 'none') expect(downloads, context).toEqual(c.docs.map(() => 403));
            else {
              const chronology = await h.request<{ items: Array<{ documents: Array<{ id: string }> }> }>('GET', `/api/v1/children/${c.id}/entries?limit=500`, { user });
              expect(chronology.status).toBe(200);
              const shown = new Set(chronology.body.items.flatMap((e) => e.documents.map((d) => d.id)));
              expect(downloads, context).toEqual(c.docs.map((d) => (shown.has(d) ? 200 : 404)));
            }
          }
        }
      }),
      {
        numRuns: 8,
        // One world that surely has each kind of basis: allocations, a scoped grant, a restriction and a break-glass.
        examples: [
          [
            {
              allocations: [{ child: 0, user: 0, role: 'allocated-worker' }, { child: 1, user: 5, role: 'iro' }],
              restrictions: [{ child: 2, allowed: [1] }],
              grants: [{ child: 1, user: 6, basis: 'inspection', kinds: ['assessment'], window: ['2026-02-01', '2026-02-28'], hours: 48, revoke: false }],
              breakGlass: [{ child: 1, user: 3 }],
              advanceMinutes: 0,
            },
          ],
        ],
      },
    );
    // The worlds were not vacuous: every kind of answer was checked against the endpoints.
    expect(seen.full).toBeGreaterThan(0);
    expect(seen.scoped).toBeGreaterThan(0);
    expect(seen.none).toBeGreaterThan(0);
    expect(seen.restricted).toBeGreaterThan(0);
    expect(seen.breakGlass).toBeGreaterThan(0);
    expect(seen.paperWithheld).toBeGreaterThan(0);
  }, 600_000);
});
