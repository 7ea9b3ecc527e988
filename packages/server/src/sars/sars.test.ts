import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, createEntry, multipart, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { pdfPages } from '../../test/pdf.js';

/**
 * Subject access requests end to end (R16, R17; REGULATIONS 5): the deadline and its
 * clock, collation with redaction proposals for a child with a sibling and a foster
 * carer named in the record, decisions, the DPO's approval, the redacted bundle as a
 * reader extracts it from the PDF, the schedule, and every refusal changing nothing.
 */

interface Redaction {
  id: string;
  source: string;
  field: string;
  start: number;
  end: number;
  text: string;
  reason: string;
  personId: string | null;
  decision: { accept: boolean; exemption: string | null } | null;
}
interface Item {
  entryId: string;
  version: number;
  kind: string;
  title: string;
  body: string;
  fields: Array<{ field: string; label: string; text: string }>;
  documents: Array<{ id: string; contentType: string }>;
  proposedRedactions: Redaction[];
}
interface Items {
  items: Item[];
  nextCursor: string | null;
  summary: { entries: number; documents: number; proposals: number; undecided: number; accepted: number; rejected: number; stale: number };
}

/** A reply body: the request on success, a problem document on failure (tests read both). */
interface Body {
  id: string;
  status: string;
  dueDate: string | null;
  disclosures: Array<{ sha256: string }>;
  code: string;
  errors: Array<{ field: string; message: string }>;
}

let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
let dpo: TestUser;
let support: TestUser;
let records: TestUser;
let tyler: { id: string };
let kai: { id: string };
let carerId: string;
const entries: Record<string, string> = {};

const flat = (pages: string[]) => pages.join('\n').replace(/\s+/g, ' ');

async function createSar(body: Record<string, unknown>, user: TestUser = support) {
  return h.request<Body>('POST', '/api/v1/sars', { user, body: { childId: tyler.id, requester: 'Tyler Brightwater', relationship: 'the-child', receivedAt: '2026-06-12', ...body } });
}

/** Every row count that a refused request must leave unchanged. */
async function counts() {
  const { rows } = await sql<Record<string, number>>`
    select (select count(*)::int from sar) as sar, (select count(*)::int from sar_pause) as pause, (select count(*)::int from sar_resume) as resume,
           (select count(*)::int from sar_extension) as extension, (select count(*)::int from sar_redaction_decision) as decision,
           (select count(*)::int from sar_approval) as approval, (select count(*)::int from sar_disclosure) as disclosure,
           (select count(*)::int from sar_identity) as identity, (select count(*)::int from sar_document_decision) as document_decision, (select string_agg(status || coalesce(due_date::text, '-'), ',' order by id) from sar) as states`.execute(h.db);
  return rows[0];
}

async function itemsOf(sarId: string, user: TestUser = support): Promise<Items> {
  const res = await h.request<Items>('GET', `/api/v1/sars/${sarId}/items?limit=500`, { user });
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  h = await startHarness();
  team = await teamWithStaff(h);
  dpo = await h.user(['dpo'], { displayName: 'Priya Dpo' });
  support = await h.user(['business-support'], { displayName: 'Ben Support' });
  records = await h.user(['records-officer']);
  const w = team.worker;
  tyler = await createChild(h, w, { givenName: 'Tyler', familyName: 'Brightwater', dateOfBirth: '2012-03-04' });
  kai = await createChild(h, w, { givenName: 'Kai', familyName: 'Marchetti', dateOfBirth: '2014-07-09' });
  expect((await h.request('POST', `/api/v1/children/${tyler.id}/relationships`, { user: w, body: { relatedChildId: kai.id, kind: 'sibling' } })).status).toBe(201);
  const carer = await h.request<{ id: string }>('POST', '/api/v1/carers', { user: w, body: { kind: 'foster-carer', name: 'Sarah and Tom Okonjo' } });
  carerId = carer.body.id;
  entries['placement'] = (
    await createEntry(h, w, tyler.id, {
      kind: 'placement-plan',
      occurredAt: '2026-01-10T10:00:00Z',
      title: 'Placement with the Okonjo family',
      body: 'Tyler moved to live with Sarah and Tom Okonjo today.',
      placementStart: '2026-01-10',
      carerId,
    })
  ).id;
  entries['visit'] = (
    await createEntry(h, w, tyler.id, {
      kind: 'case-note',
      occurredAt: '2026-03-02T10:00:00Z',
      title: 'Home visit',
      body: 'Tyler showed me his room. Sarah Okonjo told me that Tyler had not been sleeping well. Kai Marchetti came for tea on Sunday.',
    })
  ).id;
  entries['decision'] = (
    await createEntry(h, w, tyler.id, {
      kind: 'decision',
      occurredAt: '2026-04-20T10:00:00Z',
      title: 'Contact plan',
      body: 'Contact plan agreed at the review.',
      decision: 'Weekly contact with Kai and monthly contact with Donna Pryce.',
      rationale: 'Tyler asked to see his brother every week.',
      decidedBy: 'Review panel',
      childView: { view: 'I want to see Kai more.', howObtained: 'Talked with Tyler at school' },
      parentViews: [{ name: 'Donna Pryce', relationship: 'mother', view: 'Wants Tyler home by Christmas.' }],
    })
  ).id;
  entries['school'] = (await createEntry(h, w, tyler.id, { occurredAt: '2026-05-05T10:00:00Z', title: 'School meeting', body: 'Tyler is doing well in maths and football.' })).id;
  // A draft is not yet part of the record: never collated.
  await createEntry(h, w, tyler.id, { occurredAt: '2026-05-06T10:00:00Z', title: 'Draft note', body: 'Draft mentioning Kai Marchetti.', status: 'draft' });
  const upload = await multipart({
    meta: JSON.stringify({ kind: 'correspondence', title: 'Letter from school', occurredAt: '2026-05-07T10:00:00Z' }),
    file: { bytes: Buffer.from('Dear carer, Tyler has been chosen for the team.'), filename: 'letter-okonjo.txt' },
  });
  const doc = await h.request<{ id: string }>('POST', `/api/v1/children/${tyler.id}/documents`, { user: w, ...upload });
  expect(doc.status).toBe(201);
  entries['letter'] = doc.body.id;
});
afterAll(async () => h.close());

describe('the deadline (REGULATIONS 5.1)', () => {
  it('answers a request received on 31 January by the last day of February, moved to the next working day', async () => {
    const res = await createSar({ receivedAt: '2026-01-31', identity: { method: 'known-to-the-service' } });
    expect(res.status).toBe(201);
    // 28 February 2026 is a Saturday.
    expect(res.body).toMatchObject({ kind: 'subject-access', status: 'open', receivedOn: '2026-01-31', dueDate: '2026-03-02', firstMonthEnds: '2026-03-02', childName: 'Tyler Brightwater' });
    // Its first month is long over (today is 15 June): no extension now.
    const before = await counts();
    const late = await h.request<Body>('POST', `/api/v1/sars/${res.body.id}/extension`, { user: support, body: { months: 1, reason: 'Complex' } });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'EXTENSION_NOT_ALLOWED', firstMonthEnds: '2026-03-02' });
    expect(await counts()).toEqual(before);
  });

  it('rolls past a bank holiday: received 25 April 2026, due after the spring bank holiday', async () => {
    const res = await createSar({ receivedAt: '2026-04-25T14:30:00+01:00' });
    expect(res.status).toBe(201);
    expect(res.body.dueDate).toBe('2026-05-26');
  });

  it('stops the clock while awaiting ID, restarts it when ID arrives, and extends within the first month', async () => {
    const created = await createSar({ requester: 'Donna Pryce', relationship: 'parent-with-parental-responsibility' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    // Received Friday 12 June → Sunday 12 July → Monday 13 July.
    expect(created.body.dueDate).toBe('2026-07-13');
    const paused = await h.request<Body>('POST', `/api/v1/sars/${id}/pause`, { user: support, body: { reason: 'awaiting-id', note: 'Asked for proof of parental responsibility' } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'paused', dueDate: null });
    expect((await h.request<Body>('POST', `/api/v1/sars/${id}/pause`, { user: support, body: { reason: 'awaiting-clarification' } })).status).toBe(409);

    h.clock.set('2026-06-22T09:00:00Z');
    try {
      // A week on, the earlier sessions have idled out: these two signed in today.
      const clerk = await h.user(['business-support']);
      const officer = await h.user(['dpo']);
      // A parent must show their authority; nothing is written without it.
      const before = await counts();
      const bad = await h.request<Body>('POST', `/api/v1/sars/${id}/identity`, { user: clerk, body: { method: 'documents-checked' } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'authorityEvidence' })]);
      expect(await counts()).toEqual(before);

      const checked = await h.request<Body>('POST', `/api/v1/sars/${id}/identity`, {
        user: clerk,
        body: { method: 'documents-checked', authorityEvidence: 'Birth certificate naming her as mother; no order restricting PR' },
      });
      expect(checked.status).toBe(200);
      // Stopped 15 to 22 June, seven days: 12 July + 7 = Sunday 19 July → Monday 20 July.
      expect(checked.body).toMatchObject({ status: 'open', dueDate: '2026-07-20', pauses: [{ reason: 'awaiting-id', pausedOn: '2026-06-15', resumedOn: '2026-06-22' }] });
      expect((await h.request<Body>('POST', `/api/v1/sars/${id}/resume`, { user: clerk, body: {} })).status).toBe(409);

      const one = await h.request<Body>('POST', `/api/v1/sars/${id}/extension`, { user: clerk, body: { months: 1, reason: 'The record is long and complex' } });
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ dueDate: '2026-08-19', extensionMonths: 1, extensions: [{ months: 1, toldOn: '2026-06-22' }] });
      const before2 = await counts();
      const tooMany = await h.request<Body>('POST', `/api/v1/sars/${id}/extension`, { user: clerk, body: { months: 2, reason: 'Still more' } });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'months' })]);
      const future = await h.request<Body>('POST', `/api/v1/sars/${id}/extension`, { user: clerk, body: { months: 1, reason: 'More', toldOn: '2026-06-30' } });
      expect(future.status).toBe(400);
      expect(future.body.errors).toEqual([expect.objectContaining({ field: 'toldOn' })]);
      expect(await counts()).toEqual(before2);
      // Three months from 12 June is Saturday 12 September; + 7 days paused is Saturday 19 September → Monday 21 September.
      const two = await h.request<Body>('POST', `/api/v1/sars/${id}/extension`, { user: clerk, body: { months: 1, reason: 'Several requests at once' } });
      expect(two.body).toMatchObject({ dueDate: '2026-09-21', extensionMonths: 2 });
      // The register shows it, soonest due first, and filters by status and due date.
      const register = await h.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/sars?dueBefore=2026-09-30', { user: officer });
      expect(register.body.items.map((s) => s.id)).toContain(id);
      const soon = await h.request<{ items: Array<{ id: string; dueDate: string }> }>('GET', '/api/v1/sars?dueBefore=2026-06-01&status=all', { user: officer });
      expect(soon.body.items.map((s) => s.dueDate)).toEqual(['2026-03-02', '2026-05-26']);
    } finally {
      h.clock.set('2026-06-15T10:00:00Z');
    }
  });

  it('restarts a clock stopped for clarification the same day with no days lost, and needs no body to do it', async () => {
    const created = await createSar({ receivedAt: '2026-06-01', identity: { method: 'seen-in-person' } });
    expect(created.body.dueDate).toBe('2026-07-01');
    expect((await h.request<Body>('POST', `/api/v1/sars/${created.body.id}/pause`, { user: support, body: { reason: 'awaiting-clarification' } })).body.dueDate).toBeNull();
    const resumed = await h.request<Body>('POST', `/api/v1/sars/${created.body.id}/resume`, { user: support });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'open', dueDate: '2026-07-01' });
    const refused = await h.request<Body>('POST', `/api/v1/sars/${created.body.id}/refusal`, { user: dpo, body: { grounds: 'manifestly-excessive', reason: 'The fifth identical request this month.' } });
    expect(refused.body.status).toBe('refused');
    expect((await h.request<Body>('POST', `/api/v1/sars/${created.body.id}/pause`, { user: support, body: { reason: 'awaiting-id' } })).body.code).toBe('SAR_CLOSED');
  });

  it('takes a court order’s date from the order; its clock is the court’s', async () => {
    const res = await createSar({ kind: 'court-order', relationship: undefined, requester: 'Family Court at Leeds', court: 'Family Court at Leeds', orderReference: 'LS26C00123', dueDate: '2026-07-01' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'court-order', dueDate: '2026-07-01', firstMonthEnds: null, relationship: null, orderReference: 'LS26C00123' });
    expect((await h.request<Body>('POST', `/api/v1/sars/${res.body.id}/extension`, { user: support, body: { months: 1, reason: 'x' } })).status).toBe(409);
    expect((await h.request<Body>('POST', `/api/v1/sars/${res.body.id}/pause`, { user: support, body: { reason: 'awaiting-id' } })).status).toBe(409);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['a child that does not exist', { childId: '00000000-0000-4000-8000-000000000000' }, 404, null],
    ['no relationship', { relationship: undefined }, 400, 'relationship'],
    ['a relationship the kind does not allow', { kind: 'care-leaver', relationship: 'parent-with-parental-responsibility' }, 400, 'relationship'],
    ['a receipt date in the future', { receivedAt: '2026-07-01' }, 400, 'receivedAt'],
    ['an impossible date', { receivedAt: '2026-02-30' }, 400, 'receivedAt'],
    ['a court order without its reference', { kind: 'court-order', relationship: undefined, court: 'Leeds', dueDate: '2026-07-01' }, 400, 'orderReference'],
    ['a due date on a subject access request', { dueDate: '2026-07-01' }, 400, 'dueDate'],
    ['a scope that ends before it starts', { scope: { from: '2026-05-01', to: '2026-04-01' } }, 400, 'scope.to'],
    ['an unknown member', { colour: 'red' }, 400, 'colour'],
  ])('refuses %s', async (_what, body, status, field) => {
    const before = await counts();
    const res = await createSar(body);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    if (field !== null) expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('refuses people without a subject access role, auditing the attempt', async () => {
    const before = await counts();
    for (const user of [team.worker, team.manager, records]) {
      expect((await createSar({}, user)).status).toBe(403);
      expect((await h.request('GET', '/api/v1/sars', { user })).status).toBe(403);
    }
    expect(await counts()).toEqual(before);
    const denied = (await h.auditFor(tyler.id)).filter((e) => e.action === 'sar.create' && e.outcome === 'denied');
    expect(denied.map((e) => e.actor_id)).toEqual([team.worker.id, team.manager.id, records.id]);
  });
});

describe('review, approval and the redacted bundle', () => {
  let sarId: string;
  let items: Items;
  const find = (entryKey: string) => items.items.find((i) => i.entryId === entries[entryKey]) as Item;

  beforeAll(async () => {
    const res = await createSar({ identity: { method: 'known-to-the-service' } });
    expect(res.status).toBe(201);
    sarId = res.body.id;
    items = await itemsOf(sarId);
  });

  it('collates the final entries in scope, oldest first, with documents listed and drafts left out', async () => {
    expect(items.items.map((i) => i.entryId)).toEqual([entries['placement'], entries['visit'], entries['decision'], entries['school'], entries['letter']]);
    expect(items.items.some((i) => i.body.includes('Draft'))).toBe(false);
    expect(find('letter').documents).toEqual([expect.objectContaining({ contentType: 'text/plain' })]);
    expect(items.summary).toMatchObject({ entries: 5, documents: 1 });
    // A decision's own fields are collated too.
    expect(find('decision').fields.map((f) => f.field)).toEqual(expect.arrayContaining(['fields.decision', 'fields.rationale', 'fields.parentViews.0.name', 'fields.parentViews.0.view', 'fields.childView.view']));
  });

  it('proposes the sibling, the foster carers, the parent named in a decision and what a carer said, never the child himself', () => {
    const visit = find('visit');
    const byText = Object.fromEntries(visit.proposedRedactions.map((r) => [r.text, r.reason]));
    expect(byText).toMatchObject({ 'Kai Marchetti': 'other-child' });
    expect(visit.proposedRedactions.find((r) => r.text.startsWith('Sarah Okonjo') || r.text === 'Tyler had not been sleeping well')).toBeDefined();
    for (const item of items.items) for (const r of item.proposedRedactions) expect(r.text).not.toMatch(/^Tyler$|Brightwater/);
    const placement = find('placement');
    expect(placement.proposedRedactions.map((r) => r.text)).toEqual(expect.arrayContaining(['Okonjo']));
    expect(placement.proposedRedactions.map((r) => r.text).join(' ')).toContain('Sarah');
    const decision = find('decision');
    const decisionTexts = decision.proposedRedactions.map((r) => `${r.field}:${r.text}`);
    expect(decisionTexts).toEqual(expect.arrayContaining(['fields.parentViews.0.name:Donna Pryce', 'fields.childView.view:Kai']));
    expect(decisionTexts.some((t) => t.startsWith('fields.decision:') && t.includes('Donna Pryce'))).toBe(true);
    expect(find('school').proposedRedactions).toEqual([]);
    expect(items.summary.undecided).toBe(items.summary.proposals);
  });

  it('gives each proposal the same id every time the request is collated', async () => {
    const again = await itemsOf(sarId, dpo);
    const ids = (x: Items) => x.items.flatMap((i) => i.proposedRedactions.map((r) => r.id));
    expect(ids(again)).toEqual(ids(items));
    expect(new Set(ids(items)).size).toBe(ids(items).length);
  });

  it('refuses decisions on unknown ids, acceptances without an exemption and parental exemptions for the child’s own request, changing nothing', async () => {
    const first = find('visit').proposedRedactions[0] as Redaction;
    const before = await counts();
    const res = await h.request<Body>('POST', `/api/v1/sars/${sarId}/redactions`, {
      user: support,
      body: {
        decisions: [
          { id: first.id, accept: true, exemption: 'third-party' },
          { id: '11111111-2222-4333-8444-555555555555', accept: true, exemption: 'third-party' },
          { id: first.id, accept: false },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toEqual(['decisions[1].id', 'decisions[2].id']);
    const noExemption = await h.request<Body>('POST', `/api/v1/sars/${sarId}/redactions`, { user: support, body: { decisions: [{ id: first.id, accept: true }] } });
    expect(noExemption.body.errors).toEqual([expect.objectContaining({ field: 'decisions[0].exemption' })]);
    const parental = await h.request<Body>('POST', `/api/v1/sars/${sarId}/redactions`, { user: support, body: { decisions: [{ id: first.id, accept: true, exemption: 'expectations-and-wishes' }] } });
    expect(parental.body.errors).toEqual([expect.objectContaining({ field: 'decisions[0].exemption' })]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a manual redaction outside the text, changing nothing', async () => {
    const before = await counts();
    const school = find('school');
    const outside = await h.request<Body>('POST', `/api/v1/sars/${sarId}/manual-redactions`, { user: support, body: { entryId: school.entryId, field: 'body', start: 10, end: school.body.length + 5, exemption: 'third-party' } });
    expect(outside.status).toBe(400);
    expect(outside.body.errors).toEqual([expect.objectContaining({ field: 'end' })]);
    const noField = await h.request<Body>('POST', `/api/v1/sars/${sarId}/manual-redactions`, { user: support, body: { entryId: school.entryId, field: 'fields.nothing', start: 0, end: 2, exemption: 'third-party' } });
    expect(noField.body.errors).toEqual([expect.objectContaining({ field: 'field' })]);
    const notInScope = await h.request<Body>('POST', `/api/v1/sars/${sarId}/manual-redactions`, { user: support, body: { entryId: kai.id, field: 'body', start: 0, end: 2, exemption: 'third-party' } });
    expect(notInScope.body.errors).toEqual([expect.objectContaining({ field: 'entryId' })]);
    expect(await counts()).toEqual(before);
  });

  it('refuses approval while proposals are undecided (409 with the count), and to anyone but the DPO', async () => {
    const before = await counts();
    const bySupport = await h.request<Body>('POST', `/api/v1/sars/${sarId}/approval`, { user: support });
    expect(bySupport.status).toBe(403);
    // The child's own social worker does not run the request, nor see what it collates.
    expect((await h.request<Body>('GET', `/api/v1/sars/${sarId}/items`, { user: team.worker })).status).toBe(403);
    expect((await h.request<Body>('POST', `/api/v1/sars/${sarId}/approval`, { user: team.manager })).status).toBe(403);
    const early = await h.request<Body>('POST', `/api/v1/sars/${sarId}/approval`, { user: dpo });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'REDACTIONS_UNREVIEWED', unreviewed: items.summary.proposals });
    expect(await counts()).toEqual(before);
    expect((await h.request<Body>('GET', `/api/v1/sars/${sarId}/bundle`, { user: support })).status).toBe(409);
    expect((await h.request<Body>('GET', `/api/v1/sars/${sarId}/redaction-schedule`, { user: support })).status).toBe(409);
  });

  it('records decisions and a manual redaction, approves, and discloses a bundle from which the redacted names are gone', async () => {
    // Accept every proposal except Kai's name in the child's own view ("I want to see Kai more"): his brother's name, which he knows.
    const keep = find('decision').proposedRedactions.find((r) => r.field === 'fields.childView.view') as Redaction;
    const decisions = items.items.flatMap((i) => i.proposedRedactions).map((r) => (r.id === keep.id ? { id: r.id, accept: false, note: 'His brother: known to him' } : { id: r.id, accept: true, exemption: 'third-party' }));
    const decided = await h.request<Body>('POST', `/api/v1/sars/${sarId}/redactions`, { user: support, body: { decisions } });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ decided: decisions.length, summary: { undecided: 0 } });
    // A later decision supersedes: reject one, then accept it again.
    const first = decisions.find((d) => d.accept) as { id: string };
    await h.request<Body>('POST', `/api/v1/sars/${sarId}/redactions`, { user: support, body: { decisions: [{ id: first.id, accept: false }] } });
    await h.request<Body>('POST', `/api/v1/sars/${sarId}/redactions`, { user: support, body: { decisions: [{ id: first.id, accept: true, exemption: 'third-party' }] } });
    // The reviewer also takes out "football" from the school note (say it identifies a team-mate's family).
    const school = find('school');
    const start = school.body.indexOf('football');
    const manual = await h.request<Body>('POST', `/api/v1/sars/${sarId}/manual-redactions`, { user: support, body: { entryId: school.entryId, field: 'body', start, end: start + 'football'.length, exemption: 'serious-harm' } });
    expect(manual.status).toBe(201);
    expect(manual.body).toMatchObject({ source: 'manual', text: 'football', decision: { accept: true, exemption: 'serious-harm' } });

    const after = await itemsOf(sarId);
    expect(after.summary).toMatchObject({ undecided: 0, rejected: 1, accepted: decisions.length, documentsUndecided: 1 });
    // The school's letter (a text document) is reviewed too: disclosed, its text printed in the bundle.
    const letter = find('letter').documents[0] as { id: string };
    expect((await h.request<Body>('POST', `/api/v1/sars/${sarId}/document-decisions`, { user: support, body: { decisions: [{ documentId: letter.id, disclose: true }] } })).status).toBe(200);

    const approved = await h.request<Body>('POST', `/api/v1/sars/${sarId}/approval`, { user: dpo });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approval: { approvedBy: { id: dpo.id }, entries: 5, accepted: decisions.length } });
    // Fixed once approved: no more decisions.
    expect((await h.request<Body>('POST', `/api/v1/sars/${sarId}/redactions`, { user: support, body: { decisions: [{ id: keep.id, accept: true, exemption: 'third-party' }] } })).status).toBe(409);

    const bundle = await h.request<Body>('GET', `/api/v1/sars/${sarId}/bundle`, { user: support });
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toBe('application/pdf');
    const pdf = await h.app.inject({ method: 'GET', url: `/api/v1/sars/${sarId}/bundle`, headers: { authorization: `Bearer ${support.token}` } });
    const pages = await pdfPages(pdf.rawPayload);
    const text = flat(pages);
    // The accepted names are not in the text stream at all; the markers and everything else are.
    for (const gone of ['Marchetti', 'Okonjo', 'Donna', 'Pryce', 'Sarah', 'football', 'not been sleeping well']) expect(text).not.toContain(gone);
    expect(text).toContain('I want to see Kai more.');
    expect(text).toContain('[redacted 1]');
    expect(text).toMatch(/\[redacted \d+\] came for tea on Sunday/);
    expect(text).toContain('Tyler is doing well in maths and [redacted');
    expect(text).toContain('Tyler showed me his room.');
    expect(text).toContain('Records of Tyler Brightwater');
    expect(text).toContain('Document filed with this entry (text/plain, 47 bytes): Dear carer, Tyler has been chosen for the team.');
    expect(pages.at(-1)).toMatch(new RegExp(`Page ${pages.length} of ${pages.length}`));
    expect(pages[0]).not.toContain('Home visit');

    // Both downloads are disclosures of the same bytes, each logged and audited.
    const view = await h.request<Body>('GET', `/api/v1/sars/${sarId}`, { user: dpo });
    expect(view.body.status).toBe('disclosed');
    expect(view.body.disclosures).toHaveLength(2);
    const [one, two] = view.body.disclosures;
    expect(one?.sha256).toBe(two?.sha256);
    expect(one).toMatchObject({ disclosedBy: { id: support.id }, pages: pages.length });
    expect(bundle.headers['x-content-sha256']).toBe(one?.sha256);
    const audit = await h.auditFor(tyler.id);
    expect(audit.filter((e) => e.action === 'sar.disclose' && e.outcome === 'allowed')).toHaveLength(2);
    expect(audit.filter((e) => e.action === 'sar.approve').map((e) => [e.outcome, e.actor_id])).toEqual([
      ['denied', support.id],
      ['denied', team.manager.id],
      ['denied', dpo.id],
      ['allowed', dpo.id],
    ]);
    expect(audit.some((e) => e.action === 'sar.items-read' && e.actor_id === support.id)).toBe(true);
  });

  it('issues the redaction schedule as JSON, CSV and PDF, without the redacted words', async () => {
    const res = await h.request<{ markers: number; items: Array<{ marker: number; exemption: string; decidedBy: { id: string }; field: string; source: string }> }>('GET', `/api/v1/sars/${sarId}/redaction-schedule`, { user: dpo });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(res.body.markers);
    expect(res.body.items.map((r) => r.marker)).toEqual([...res.body.items.map((r) => r.marker)].sort((a, b) => a - b));
    expect(res.body.items.at(-1)).toMatchObject({ marker: res.body.markers, exemption: 'serious-harm', source: 'manual', decidedBy: { id: support.id } });
    expect(res.raw).not.toMatch(/Okonjo|Marchetti|Pryce|football/);
    const csv = await h.request<Body>('GET', `/api/v1/sars/${sarId}/redaction-schedule?format=csv`, { user: dpo });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.raw.split('\n')[0]).toContain('Marker,Entry date');
    expect(csv.raw).toContain('[redacted 1]');
    const pdf = await h.app.inject({ method: 'GET', url: `/api/v1/sars/${sarId}/redaction-schedule?format=pdf`, headers: { authorization: `Bearer ${dpo.token}` } });
    const text = flat(await pdfPages(pdf.rawPayload));
    expect(text).toContain('Redaction schedule');
    expect(text).toContain('DPA 2018 Sch 3 Pt 3 paras 7(2) and 11');
    expect(text).not.toMatch(/Okonjo|Marchetti|Pryce|football/);
    expect((await h.auditFor(tyler.id)).filter((e) => e.action === 'sar.schedule-read')).toHaveLength(3);
  });
});

describe('disposal', () => {
  it('is blocked by an open request for the child, in the service and in the database', async () => {
    const status = await h.request<{ blockers: Array<{ code: string; requestIds?: string[] }> }>('GET', `/api/v1/children/${tyler.id}/retention`, { user: records });
    expect(status.status).toBe(200);
    const blocker = status.body.blockers.find((b) => b.code === 'OPEN_SUBJECT_ACCESS_REQUEST');
    expect(blocker?.requestIds?.length).toBeGreaterThan(0);
    const { rows } = await sql<{ n: number }>`select sk_disposal_open_blockers(${tyler.id}::uuid) as n`.execute(h.db);
    const { rows: other } = await sql<{ n: number }>`select sk_disposal_open_blockers(${kai.id}::uuid) as n`.execute(h.db);
    expect(Number(rows[0]?.n)).toBeGreaterThan(Number(other[0]?.n));
  });
});
