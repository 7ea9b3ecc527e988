import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childInput, createChild, nextNhsNumber, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness } from '../../test/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const count = async (table: 'child' | 'case_record' | 'child_version' | 'audit_event') =>
  Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('creating a child creates their one case record (R1)', () => {
  it('creates the child, the record, version 1 and an allocation to the creating social worker', async () => {
    const { worker } = await teamWithStaff(h);
    const nhs = nextNhsNumber();
    const res = await h.request('POST', '/api/v1/children', {
      user: worker,
      body: { givenName: ' Zoë ', familyName: "O'Brien", dateOfBirth: '2016-02-29', sex: 'female', identifiers: { nhsNumber: `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}` } },
    });
    expect(res.status).toBe(201);
    const child = res.body as { id: string; [k: string]: unknown };
    expect(child).toMatchObject({
      givenName: 'Zoë',
      familyName: "O'Brien",
      dateOfBirth: '2016-02-29',
      identifiers: { nhsNumber: nhs, upn: null, localId: null },
      version: 1,
      recordStatus: 'open',
      involvements: [],
      relationships: [],
      allocations: [{ userId: worker.id, role: 'allocated-worker', current: true }],
    });
    const record = await h.db.selectFrom('case_record').selectAll().where('child_id', '=', child.id).execute();
    expect(record).toHaveLength(1);
    const versions = await h.db.selectFrom('child_version').selectAll().where('child_id', '=', child.id).execute();
    expect(versions).toHaveLength(1);
    const events = await h.db.selectFrom('audit_event').select(['action', 'basis']).where('entity_id', '=', child.id).execute();
    expect(events).toContainEqual({ action: 'child.create', basis: 'creator' });
  });

  describe('a likely duplicate is refused with the candidates', () => {
    it.each([
      ['the same NHS number', (base: Record<string, unknown>) => ({ identifiers: base['identifiers'] }), 'nhsNumber'],
      ['the same UPN', (base: Record<string, unknown>) => ({ identifiers: { upn: (base['identifiers'] as { upn: string }).upn } }), 'upn'],
      ['the same local id', (base: Record<string, unknown>) => ({ identifiers: { localId: (base['identifiers'] as { localId: string }).localId } }), 'localId'],
      ['a close name and the same date of birth', (base: Record<string, unknown>) => ({ givenName: `${String(base['givenName'])}e`, familyName: base['familyName'], dateOfBirth: base['dateOfBirth'] }), 'nameAndDateOfBirth'],
    ])('%s', async (_label, variant, reason) => {
      const { worker, manager } = await teamWithStaff(h);
      const base = childInput({ identifiers: { nhsNumber: nextNhsNumber(), upn: await freshUpn(), localId: `L-${Math.random().toString(36).slice(2, 9)}` } });
      const first = await h.request<{ id: string }>('POST', '/api/v1/children', { user: worker, body: base });
      expect(first.status).toBe(201);
      const before = await count('child');
      const second = await h.request('POST', '/api/v1/children', { user: worker, body: { ...childInput(), ...variant(base) } });
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({
        code: 'DUPLICATE_CHILD_SUSPECTED',
        candidates: [{ id: first.body.id, matchedOn: expect.arrayContaining([reason]) as unknown, visible: true, givenName: base['givenName'] }],
        hiddenCandidates: false,
      });
      expect(await count('child')).toBe(before);

      // A team manager may override with a reason; the reason is kept.
      const overridden = await h.request<{ id: string }>('POST', '/api/v1/children', {
        user: manager,
        body: { ...childInput(), ...variant(base), duplicateOverride: { reason: 'Twins: checked with the health visitor.' } },
      });
      expect(overridden.status).toBe(201);
      const kept = await h.db.selectFrom('duplicate_override').selectAll().where('child_id', '=', overridden.body.id).executeTakeFirstOrThrow();
      expect(kept).toMatchObject({ reason: 'Twins: checked with the health visitor.', decided_by: manager.id, candidate_ids: [first.body.id] });
    });

    it('does not let a social worker override, and never names a candidate the caller cannot see', async () => {
      const teamA = await teamWithStaff(h);
      const teamB = await teamWithStaff(h);
      const base = childInput({ identifiers: { nhsNumber: nextNhsNumber() } });
      const first = await h.request<{ id: string }>('POST', '/api/v1/children', { user: teamA.worker, body: base });
      const blocked = await h.request('POST', '/api/v1/children', { user: teamB.worker, body: { ...base, givenName: 'Different' } });
      expect(blocked.status).toBe(409);
      // Not the name, not the id, not even how many: only that such a record exists.
      expect(blocked.body).toMatchObject({ candidates: [], hiddenCandidates: true });
      expect(blocked.raw).not.toContain(String(base['familyName']));
      expect(blocked.raw).not.toContain(String(base['givenName']));
      expect(blocked.raw).not.toContain(first.body.id);
      const refused = await h.request('POST', '/api/v1/children', { user: teamB.worker, body: { ...base, duplicateOverride: { reason: 'I am sure' } } });
      expect(refused.status).toBe(403);
      // The candidate's access log shows that someone was told the record exists.
      const events = await h.auditFor(first.body.id);
      expect(events).toContainEqual(expect.objectContaining({ action: 'child.create', outcome: 'denied', actor_id: teamB.worker.id }));
    });
  });

  describe('bad input is refused, naming the field, and writes nothing', () => {
    it.each([
      [{ dateOfBirth: '2023-02-30' }, 'dateOfBirth'],
      [{ dateOfBirth: '2026-06-16' }, 'dateOfBirth'],
      [{ dateOfBirth: '2020-05-05', dateOfDeath: '2020-05-04' }, 'dateOfDeath'],
      [{ dateOfDeath: '2099-01-01' }, 'dateOfDeath'],
      [{ dateOfBirth: '15/03/2016' }, 'dateOfBirth'],
      [{ identifiers: { nhsNumber: '401 023 2138' } }, 'identifiers.nhsNumber'],
      [{ identifiers: { upn: 'R247962919251' } }, 'identifiers.upn'],
      [{ identifiers: { passport: 'X' } }, 'identifiers.passport'],
      [{ nickname: 'Bob' }, 'nickname'],
      [{ givenName: '   ' }, 'givenName'],
      [{ givenName: 42 }, 'givenName'],
      [{ sex: 'robot' }, 'sex'],
      [{ duplicateOverride: { reason: '' } }, 'duplicateOverride.reason'],
    ])('%j → 400 naming %s', async (patch, field) => {
      const { worker } = await teamWithStaff(h);
      const before = await count('child');
      const res = await h.request('POST', '/api/v1/children', { user: worker, body: { ...childInput(), ...patch } });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect((res.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain(field);
      expect(await count('child')).toBe(before);
    });
  });
});

async function freshUpn(): Promise<string> {
  const { upnCheckLetter } = await import('@safekeep/core');
  const body = `888${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  return `${upnCheckLetter(`A${body}`)}${body}`;
}

describe('search and lists', () => {
  it('finds by part of a name, NHS number, UPN, local id and date of birth (both date styles)', async () => {
    const { worker } = await teamWithStaff(h);
    const upn = await freshUpn();
    const nhs = nextNhsNumber();
    const c = await createChild(h, worker, { givenName: 'Marigold', familyName: 'Quennell-Fforde', dateOfBirth: '2014-07-09', identifiers: { nhsNumber: nhs, upn, localId: 'LOC-7781' } });
    for (const q of ['marig', 'QUENNELL', 'fforde marigold', 'Quennell Fforde', nhs, `${nhs.slice(0, 3)}-${nhs.slice(3, 6)}-${nhs.slice(6)}`, upn, 'LOC-7781', '2014-07-09', '09/07/2014']) {
      const res = await h.request<{ items: Array<{ id: string }> }>('GET', `/api/v1/children?q=${encodeURIComponent(q)}`, { user: worker });
      expect(res.status, q).toBe(200);
      expect(res.body.items.map((i) => i.id), q).toContain(c.id);
    }
    const none = await h.request<{ items: unknown[] }>('GET', '/api/v1/children?q=zzzxqj', { user: worker });
    expect(none.body.items).toEqual([]);
  });

  it('finds a local id even when it looks like an NHS number or a date', async () => {
    const { worker } = await teamWithStaff(h);
    for (const localId of ['1234567890', '2015-03-04']) {
      const c = await createChild(h, worker, { identifiers: { localId } });
      const res = await h.request<{ items: Array<{ id: string }> }>('GET', `/api/v1/children?q=${localId}`, { user: worker });
      expect(res.body.items.map((i) => i.id), localId).toContain(c.id);
    }
  });

  it('pages in name order without skipping or repeating', async () => {
    const { worker } = await teamWithStaff(h);
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await createChild(h, worker, { familyName: `Pager${String.fromCharCode(90 - i)}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/children?q=pager&limit=3${cursor !== null ? `&cursor=${cursor}` : ''}`;
      const res = await h.request<{ items: Array<{ id: string; familyName: string }>; nextCursor: string | null }>('GET', url, { user: worker });
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...made].sort());
  });

  it('refuses a cursor it did not give out', async () => {
    const { worker } = await teamWithStaff(h);
    const res = await h.request('GET', '/api/v1/children?cursor=not-a-cursor', { user: worker });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: [{ field: 'cursor' }] });
  });
});

describe('corrections to a child’s details', () => {
  it('keeps every version, with the reason', async () => {
    const { worker } = await teamWithStaff(h);
    const c = await createChild(h, worker, { dateOfBirth: '2015-01-01' });
    const res = await h.request('POST', `/api/v1/children/${c.id}/versions`, { user: worker, body: { dateOfBirth: '2015-01-10', reason: 'Birth certificate seen' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: 2, dateOfBirth: '2015-01-10' });
    const versions = await h.request<{ items: Array<{ version: number; reason: string | null; details: { dateOfBirth: string } }> }>('GET', `/api/v1/children/${c.id}/versions`, { user: worker });
    expect(versions.body.items.map((v) => [v.version, v.details.dateOfBirth, v.reason])).toEqual([
      [1, '2015-01-01', null],
      [2, '2015-01-10', 'Birth certificate seen'],
    ]);
    const other = await createChild(h, worker, { identifiers: { nhsNumber: nextNhsNumber() } });
    const clash = await h.request('POST', `/api/v1/children/${c.id}/versions`, { user: worker, body: { identifiers: other['identifiers'], reason: 'Typed in' } });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ code: 'DUPLICATE_CHILD_SUSPECTED' });
    const bad = await h.request('POST', `/api/v1/children/${c.id}/versions`, { user: worker, body: { dateOfDeath: '2014-01-01', reason: 'x' } });
    expect(bad.status).toBe(400);
    expect((await h.request('DELETE', `/api/v1/children/${c.id}`, { user: worker })).status).toBe(405);
    expect((await h.request('PATCH', `/api/v1/children/${c.id}`, { user: worker, body: {} })).status).toBe(405);
  });
});
