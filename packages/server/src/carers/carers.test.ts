import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness } from '../../test/harness.js';

let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
beforeAll(async () => {
  h = await startHarness();
  team = await teamWithStaff(h);
});
afterAll(async () => h.close());

async function carerWithEntry(body: string) {
  const carer = await h.request<{ id: string; allocations: Array<{ userId: string; role: string }> }>('POST', '/api/v1/carers', { user: team.worker, body: { kind: 'foster-carer', name: 'Mr and Mrs Hall' } });
  expect(carer.status).toBe(201);
  const entry = await h.request<{ id: string }>('POST', `/api/v1/carers/${carer.body.id}/entries`, { user: team.worker, body: { kind: 'visit', occurredAt: '2026-06-14T10:00:00Z', title: 'Supervisory visit', body } });
  expect(entry.status).toBe(201);
  return { carerId: carer.body.id, entryId: entry.body.id, allocations: carer.body.allocations };
}

describe('carer and home records (R8)', () => {
  it('keeps carer records apart: own access, never in a child’s chronology', async () => {
    const { carerId, allocations } = await carerWithEntry('The carers said the house is settled.');
    expect(allocations).toEqual([expect.objectContaining({ userId: team.worker.id, role: 'supervising-social-worker' })]);
    expect((await h.request('GET', `/api/v1/carers/${carerId}`, { user: team.colleague })).status).toBe(200);
    const outsider = await teamWithStaff(h);
    expect((await h.request('GET', `/api/v1/carers/${carerId}`, { user: outsider.worker })).status).toBe(403);
    expect((await h.request('GET', `/api/v1/carers/${carerId}/entries`, { user: outsider.manager })).status).toBe(403);
    const child = await createChild(h, team.worker);
    const chronology = await h.request<{ items: unknown[] }>('GET', `/api/v1/children/${child.id}/entries`, { user: team.worker });
    expect(chronology.body.items).toEqual([]);
  });

  it('duplicates an entry into each child’s record, linked to its source, other children as initials', async () => {
    const amy = await createChild(h, team.worker, { givenName: 'Amelia', familyName: 'Thornbury' });
    const ben = await createChild(h, team.worker, { givenName: 'Benedict', familyName: 'Thornbury' });
    const other = await createChild(h, team.worker, { givenName: 'Cosima', familyName: 'Waddington' });
    const { carerId, entryId } = await carerWithEntry('Amelia and Benedict are settled. Amelia Thornbury asked about Cosima Waddington, who visited.');
    const preview = await h.request<{ copies: Array<{ childId: string; body: string; replacements: unknown[] }> }>('POST', `/api/v1/carers/${carerId}/entries/${entryId}/duplicates/preview`, {
      user: team.worker,
      body: { childIds: [amy.id, ben.id] },
    });
    expect(preview.status).toBe(200);
    const forAmy = preview.body.copies.find((c) => c.childId === amy.id);
    const forBen = preview.body.copies.find((c) => c.childId === ben.id);
    expect(forAmy?.body).toBe('Amelia and B.T. are settled. Amelia Thornbury asked about C.W., who visited.');
    expect(forBen?.body).toBe('A.T. and Benedict are settled. A.T. asked about C.W., who visited.');
    expect(await h.db.selectFrom('entry').select('id').where('kind', '=', 'duplicate-entry').execute()).toEqual([]);

    const saved = await h.request<{ items: Array<{ id: string; childId: string; kind: string; body: string; sourceEntryId: string; carerId: string }> }>('POST', `/api/v1/carers/${carerId}/entries/${entryId}/duplicates`, {
      user: team.worker,
      body: { childIds: [amy.id, ben.id] },
    });
    expect(saved.status).toBe(201);
    expect(saved.body.items).toHaveLength(2);
    for (const item of saved.body.items) expect(item).toMatchObject({ kind: 'duplicate-entry', sourceEntryId: entryId, carerId });
    expect(saved.body.items.find((i) => i.childId === ben.id)?.body).toBe(forBen?.body);
    void other;

    // The source is corrected later: the copies keep what they said.
    expect((await h.request('POST', `/api/v1/carers/${carerId}/entries/${entryId}/versions`, { user: team.worker, body: { body: 'Corrected text.', reason: 'typo' } })).status).toBe(201);
    const amyEntry = await h.request<{ body: string }>('GET', `/api/v1/entries/${saved.body.items.find((i) => i.childId === amy.id)?.id ?? ''}`, { user: team.worker });
    expect(amyEntry.body.body).toBe(forAmy?.body);
  });

  it('refuses duplicates to a child who does not exist (400) or whom the author cannot see (403), writing nothing', async () => {
    const { carerId, entryId } = await carerWithEntry('Note.');
    const mine = await createChild(h, team.worker);
    const outsider = await teamWithStaff(h);
    const hidden = await createChild(h, outsider.worker);
    const before = await h.db.selectFrom('entry').select('id').execute();
    const missing = await h.request('POST', `/api/v1/carers/${carerId}/entries/${entryId}/duplicates`, { user: team.worker, body: { childIds: [mine.id, '6f1c2a34-0000-4000-8000-000000000000'] } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ errors: [{ field: 'childIds.1' }] });
    const refused = await h.request('POST', `/api/v1/carers/${carerId}/entries/${entryId}/duplicates`, { user: team.worker, body: { childIds: [mine.id, hidden.id] } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ errors: [{ field: 'childIds.1' }] });
    expect(await h.db.selectFrom('entry').select('id').execute()).toHaveLength(before.length);
    expect((await h.request('POST', '/api/v1/children/' + mine.id + '/entries', { user: team.worker, body: { kind: 'duplicate-entry', occurredAt: '2026-06-14T10:00:00Z', title: 'x', body: '' } })).status).toBe(400);
  });
});

describe('group entries (R9)', () => {
  const entry = { kind: 'visit', visitType: 'other', occurredAt: '2026-06-14T10:00:00Z', title: 'Visit to Dora and Ezra', body: 'Dora showed me her room; Ezra Fenwick-Lowe was at football.' };

  it('writes one separate entry in each child’s record, each cross-referencing the others', async () => {
    const dora = await createChild(h, team.worker, { givenName: 'Dora', familyName: 'Fenwick-Lowe' });
    const ezra = await createChild(h, team.worker, { givenName: 'Ezra', familyName: 'Fenwick-Lowe' });
    const preview = await h.request<{ copies: Array<{ childId: string; title: string; body: string }> }>('POST', '/api/v1/entries/group/preview', { user: team.worker, body: { childIds: [dora.id, ezra.id], entry } });
    expect(preview.status).toBe(200);
    expect(preview.body.copies.find((c) => c.childId === dora.id)).toMatchObject({ title: 'Visit to Dora and E.F.L.', body: 'Dora showed me her room; E.F.L. was at football.' });
    expect(preview.body.copies.find((c) => c.childId === ezra.id)).toMatchObject({ title: 'Visit to D.F.L. and Ezra', body: 'D.F.L. showed me her room; Ezra Fenwick-Lowe was at football.' });

    const res = await h.request<{ groupId: string; entries: Array<{ childId: string; entry: { id: string; group: { groupId: string; crossReferences: Array<{ childId: string; entryId: string }> }; recordingDueBy: string } }> }>(
      'POST',
      '/api/v1/entries/group',
      { user: team.worker, body: { childIds: [dora.id, ezra.id], entry } },
    );
    expect(res.status).toBe(201);
    const [a, b] = res.body.entries;
    expect(a?.entry.id).not.toBe(b?.entry.id);
    expect(a?.entry.group).toEqual({ groupId: res.body.groupId, crossReferences: [{ childId: b?.childId, entryId: b?.entry.id }] });
    expect(b?.entry.group.crossReferences).toEqual([{ childId: a?.childId, entryId: a?.entry.id }]);
    expect(a?.entry.recordingDueBy).toBeTruthy();
    const doraChronology = await h.request<{ items: Array<{ id: string }> }>('GET', `/api/v1/children/${dora.id}/entries`, { user: team.worker });
    expect(doraChronology.body.items.map((i) => i.id)).toEqual([res.body.entries.find((e) => e.childId === dora.id)?.entry.id]);
    const correction = await h.request('POST', `/api/v1/entries/${a?.entry.id ?? ''}/versions`, { user: team.worker, body: { group: { groupId: 'x' }, reason: 'try' } });
    expect(correction.status).toBe(400);
  });

  it('refuses a group of one, a child the author cannot see, and kinds that belong to one child', async () => {
    const one = await createChild(h, team.worker);
    const two = await createChild(h, team.worker);
    const outsider = await teamWithStaff(h);
    const hidden = await createChild(h, outsider.worker);
    const before = await h.db.selectFrom('entry').select('id').execute();
    const single = await h.request('POST', '/api/v1/entries/group', { user: team.worker, body: { childIds: [one.id], entry } });
    expect(single.status).toBe(400);
    expect(single.body).toMatchObject({ errors: [{ field: 'childIds' }] });
    const twice = await h.request('POST', '/api/v1/entries/group', { user: team.worker, body: { childIds: [one.id, one.id], entry } });
    expect(twice.status).toBe(400);
    const refused = await h.request('POST', '/api/v1/entries/group', { user: team.worker, body: { childIds: [one.id, hidden.id], entry } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ errors: [{ field: 'childIds.1' }] });
    const decision = await h.request('POST', '/api/v1/entries/group', {
      user: team.worker,
      body: { childIds: [one.id, two.id], entry: { kind: 'decision', occurredAt: '2026-06-14T10:00:00Z', title: 'x', body: '', decision: 'd', rationale: 'r', decidedBy: 'Panel', childView: { notObtainedReason: 'asleep' }, parentViews: [] } },
    });
    expect(decision.status).toBe(400);
    expect(decision.body).toMatchObject({ errors: [{ field: 'entry.kind' }] });
    expect(await h.db.selectFrom('entry').select('id').execute()).toHaveLength(before.length);
  });

  it('lets only roles that add to children’s records write group entries and duplicates, never on a read-only grant', async () => {
    const one = await createChild(h, team.worker);
    const outsider = await teamWithStaff(h);
    const granted = await createChild(h, outsider.worker);
    const grant = (userId: string, childId: string, basis: string) =>
      h.db
        .insertInto('access_grant')
        .values({ child_id: childId, user_id: userId, basis, reference: 'Order 12/2026', expires_at: '2027-06-15T10:00:00Z', granted_at: h.clock.now(), granted_by: outsider.manager.id })
        .execute();
    // A social worker who may read another team's child under a court order: a grant is read-only.
    await grant(team.worker.id, granted.id, 'court-order');
    const before = await h.db.selectFrom('entry').select('id').execute();
    const group = await h.request('POST', '/api/v1/entries/group', { user: team.worker, body: { childIds: [one.id, granted.id], entry } });
    expect(group.status).toBe(403);
    expect(group.body).toMatchObject({ errors: [{ field: 'childIds.1' }] });
    // An inspector who is a home's manager and may read a placed child under a grant still adds nothing to the child's record.
    const inspector = await h.user(['inspector']);
    const { carerId, entryId } = await carerWithEntry('Note for the inspector.');
    await h.db.insertInto('carer_allocation').values({ carer_id: carerId, user_id: inspector.id, role: 'home-manager', created_at: h.clock.now(), created_by: team.manager.id }).execute();
    await grant(inspector.id, granted.id, 'inspection');
    expect((await h.request('GET', `/api/v1/carers/${carerId}/entries`, { user: inspector })).status).toBe(200);
    const duplicates = await h.request('POST', `/api/v1/carers/${carerId}/entries/${entryId}/duplicates`, { user: inspector, body: { childIds: [granted.id] } });
    expect(duplicates.status).toBe(403);
    const preview = await h.request('POST', `/api/v1/carers/${carerId}/entries/${entryId}/duplicates/preview`, { user: inspector, body: { childIds: [granted.id] } });
    expect(preview.status).toBe(403);
    expect(await h.db.selectFrom('entry').select('id').execute()).toHaveLength(before.length);
    // Ids in capitals name the same children.
    const upper = await h.request('POST', '/api/v1/entries/group/preview', { user: team.worker, body: { childIds: [one.id.toUpperCase(), (await createChild(h, team.worker)).id.toUpperCase()], entry } });
    expect(upper.status).toBe(200);
  });
});
