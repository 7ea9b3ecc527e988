import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  childRetentionLabel,
  compareDates,
  epochDay,
  fromEpochDay,
  IICSA_HOLD_NAME,
  RECORD_CLASS_FOR_COURT_ORDER,
  RECORD_CLASS_FOR_INVOLVEMENT,
  rulesFromSeed,
  type CalendarDate,
  type ChildRetentionFacts,
  type HeldClass,
  type SeedRule,
} from '@safekeep/core';
import { createChild, teamWithStaff } from '../../test/builders.js';
import { testEngine } from '../../test/engine.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { SCHEDULE_LOCK_KEY } from '../db/migrations/20261122_0400_retention.js';
import type { RetentionView, RuleView } from './retention.service.js';

/**
 * Retention labelling (issue 4, R13/R15): every child's and carer's record carries a
 * destruction date the database keeps current whenever an input changes, computed from
 * a versioned schedule; publishing a new version relabels records already labelled.
 */

const seed = JSON.parse(readFileSync(fileURLToPath(new URL('../../data/retention-schedule.json', import.meta.url)), 'utf8')) as SeedRule[];
const TODAY = '2026-06-15';

let h: Harness;
let team: Awaited<ReturnType<typeof teamWithStaff>>;
let officer: TestUser;
let hos: TestUser;
beforeAll(async () => {
  h = await startHarness({ now: `${TODAY}T10:00:00Z` });
  team = await teamWithStaff(h);
  officer = await h.user(['records-officer'], { displayName: 'Rhiannon Records' });
  hos = await h.user(['head-of-service']);
});
afterAll(async () => h.close());

/** The label the database keeps for a child's record. */
async function label(childId: string) {
  return h.db.selectFrom('retention_label').select(['status', 'destruction_date', 'rule_ids', 'applied_rule_ids', 'record_classes', 'schedule_version', 'computed_at']).where('child_id', '=', childId).executeTakeFirstOrThrow();
}
const dated = async (childId: string) => {
  const l = await label(childId);
  return { status: l.status, date: l.destruction_date, ruleIds: l.rule_ids };
};
async function carerLabel(carerId: string) {
  return h.db.selectFrom('carer_retention_label').select(['status', 'destruction_date', 'rule_ids', 'applied_rule_ids', 'record_classes', 'schedule_version']).where('carer_id', '=', carerId).executeTakeFirstOrThrow();
}

async function involve(childId: string, kind: string, startDate: string, endDate?: string): Promise<string> {
  const res = await h.request<{ id: string }>('POST', `/api/v1/children/${childId}/involvements`, { user: team.worker, body: { kind, startDate, ...(endDate === undefined ? {} : { endDate }) } });
  expect(res.status, res.raw).toBe(201);
  return res.body.id;
}
async function closeInvolvement(id: string, endDate: string) {
  const res = await h.request('POST', `/api/v1/involvements/${id}/close`, { user: team.worker, body: { endDate } });
  expect(res.status, res.raw).toBe(200);
}
async function correct(childId: string, changes: Record<string, unknown>) {
  const res = await h.request('POST', `/api/v1/children/${childId}/versions`, { user: team.worker, body: { ...changes, reason: 'Corrected from the birth certificate.' } });
  expect(res.status, res.raw).toBe(201);
}
async function courtOrder(childId: string, orderType: string, madeOn: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await h.request<{ id: string }>('POST', `/api/v1/children/${childId}/entries`, {
    user: team.worker,
    body: { kind: 'court-order', occurredAt: `${madeOn}T09:00:00Z`, title: 'Order', body: '', orderType, court: 'Northmoor Family Court', madeOn, ...extra },
  });
  expect(res.status, res.raw).toBe(201);
  return res.body.id;
}
const retentionOf = (childId: string, user: TestUser | null) => h.request<RetentionView>('GET', `/api/v1/children/${childId}/retention`, { user });

/** The seed's rules as a publishable body, with `edit` applied. */
function schedule(edit: (rules: Array<Record<string, unknown>>) => void = () => {}, note = 'Local decision recorded in the records management policy.') {
  const rules: Array<Record<string, unknown>> = seed.map((r) => ({ ...r }));
  edit(rules);
  return { note, rules };
}
const at = (id: string) => seed.findIndex((r) => r.id === id);
const publish = (user: TestUser, body: ReturnType<typeof schedule>) => h.request('POST', '/api/v1/retention/schedules', { user, body });
const versions = async () => (await h.db.selectFrom('retention_schedule').select('version').orderBy('version').execute()).map((r) => r.version);

describe('the schedule’s rules', () => {
  it('lists the current rules, each unverified one flagged to be checked before relying on it', async () => {
    const res = await h.request<{ scheduleVersion: number; rules: RuleView[] }>('GET', '/api/v1/retention/rules', { user: team.worker });
    expect(res.status).toBe(200);
    expect(res.body.scheduleVersion).toBe(1);
    expect(res.body.rules.map((r) => r.id).sort()).toEqual(seed.map((r) => r.id).sort());
    const flagged = res.body.rules.filter((r) => r.flag !== null).map((r) => r.id).sort();
    expect(flagged).toEqual(seed.filter((r) => !r.verified).map((r) => r.id).sort());
    expect(flagged).toContain('childrens-home-other-records');
    for (const r of res.body.rules) expect(r.flag === null).toBe(r.verified);
    expect(res.body.rules.find((r) => r.id === 'adoption-pre-2005')?.flag).toMatch(/Unverified/);
    expect(res.body.rules.find((r) => r.id === 'lac-case-record')).toMatchObject({
      recordClass: 'looked-after-child',
      trigger: 'dateOfBirth',
      years: 75,
      deathRule: { condition: 'childDiesBeforeAge18', trigger: 'dateOfDeath', years: 15 },
      appliesTo: 'child',
      condition: null,
      active: true,
      verified: true,
      flag: null,
    });
    expect(res.body.rules.find((r) => r.id === 'care-experienced-extended-good-practice')).toMatchObject({ active: false });
  });

  it('answers only a signed-in user', async () => {
    expect((await h.request('GET', '/api/v1/retention/rules', { user: null })).status).toBe(401);
    expect((await h.request('GET', '/api/v1/retention/schedules', { user: null })).status).toBe(401);
  });
});

describe('a child’s label, kept by the database as its inputs change', () => {
  it('labels a new record at once, and relabels it as involvements open and close', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '2012-04-20' });
    expect(await label(c.id)).toMatchObject({ status: 'no-rule', destruction_date: null, rule_ids: [], applied_rule_ids: [], record_classes: [], schedule_version: 1 });

    const cp = await involve(c.id, 'child-protection', '2020-01-10');
    expect(await label(c.id)).toMatchObject({ status: 'pending', destruction_date: null, applied_rule_ids: ['child-protection-record'], record_classes: ['child-protection'] });
    // child-protection-record: 35 years from closure.
    await closeInvolvement(cp, '2024-03-31');
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2059-03-31', ruleIds: ['child-protection-record'] });
    // lac-case-record: the 75th anniversary of birth is later.
    await involve(c.id, 'looked-after', '2025-01-01');
    expect(await label(c.id)).toMatchObject({
      status: 'determined',
      destruction_date: '2087-04-20',
      rule_ids: ['lac-case-record'],
      applied_rule_ids: ['child-protection-record', 'lac-case-record'],
      record_classes: ['child-protection', 'looked-after-child'],
    });
    const child = await h.request<{ retention: unknown }>('GET', `/api/v1/children/${c.id}`, { user: team.worker });
    expect(child.body.retention).toEqual({ destructionDate: '2087-04-20', status: 'determined', doNotDestroy: true });
  });

  it('moves the date when the date of birth is corrected, a 29 February birthday falling on 1 March', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '2011-03-10' });
    await involve(c.id, 'looked-after', '2015-06-01');
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2086-03-10', ruleIds: ['lac-case-record'] });
    const before = await label(c.id);
    await correct(c.id, { dateOfBirth: '2012-02-29' });
    // 2087 is a common year.
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2087-03-01', ruleIds: ['lac-case-record'] });
    expect((await label(c.id)).computed_at).not.toEqual(before.computed_at);
    // A correction that changes nothing the label uses leaves the label alone.
    const after = await label(c.id);
    await correct(c.id, { givenName: 'Renamed' });
    expect((await label(c.id)).computed_at).toEqual(after.computed_at);
  });

  it('counts 15 years from the death of a child who died before 18, and from birth again if the death is corrected away', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '2015-06-01' });
    await involve(c.id, 'child-in-need', '2016-01-01', '2017-01-01');
    await involve(c.id, 'looked-after', '2017-01-02', '2021-09-14');
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2090-06-01', ruleIds: ['lac-case-record'] });
    await correct(c.id, { dateOfDeath: '2021-09-14' });
    // lac-case-record: death + 15 = 2036-09-14; child-in-need-record: death + 6 = 2027-09-14.
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2036-09-14', ruleIds: ['lac-case-record'] });
    const view = await retentionOf(c.id, team.worker);
    expect(view.body.rules.map((r) => [r.id, r.date, r.by, r.governs])).toEqual([
      ['child-in-need-record', '2027-09-14', 'death-rule', false],
      ['lac-case-record', '2036-09-14', 'death-rule', true],
    ]);
    await correct(c.id, { dateOfDeath: null });
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2090-06-01', ruleIds: ['lac-case-record'] });
  });

  it('keeps counting from birth for a child who died at 18 or over', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '1995-02-01' });
    await involve(c.id, 'care-leaver', '2013-02-01', '2016-01-01');
    await correct(c.id, { dateOfDeath: '2013-02-01' });
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2070-02-01', ruleIds: ['care-leaver-record'] });
  });

  it('relabels when an adoption order is made final, counting 100 years from the order', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '2016-01-05' });
    await involve(c.id, 'looked-after', '2017-02-01', '2019-05-31');
    await involve(c.id, 'adoption', '2018-06-01');
    // No order yet, and the child was looked after: 75 years from birth under both rules.
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2091-01-05', ruleIds: ['adoption-record-no-order-child-was-looked-after', 'lac-case-record'] });
    // A draft order is not yet an order.
    const draft = await courtOrder(c.id, 'adoption-order', '2019-05-30', { status: 'draft' });
    expect((await dated(c.id)).date).toBe('2091-01-05');
    const final = await h.request('POST', `/api/v1/entries/${draft}/finalise`, { user: team.worker, body: {} });
    expect(final.status, final.raw).toBe(201);
    expect(await label(c.id)).toMatchObject({
      status: 'determined',
      destruction_date: '2119-05-30',
      rule_ids: ['adoption-section56-information'],
      applied_rule_ids: ['adoption-section56-information', 'lac-case-record'],
    });
    // Correcting the order's date moves the label with it.
    const fixed = await h.request('POST', `/api/v1/entries/${draft}/versions`, { user: team.worker, body: { madeOn: '2020-02-29', reason: 'The sealed order is dated 29 February.' } });
    expect(fixed.status, fixed.raw).toBe(201);
    expect((await dated(c.id)).date).toBe('2120-02-29');
  });

  it('puts a child under an order before 30 December 2005 under the pre-2005 adoption rule', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '2001-08-08' });
    await courtOrder(c.id, 'adoption-order', '2005-12-29');
    expect(await label(c.id)).toMatchObject({ destruction_date: '2080-12-29', rule_ids: ['adoption-pre-2005'], record_classes: ['adoption'] });
  });

  it('classes a record by a supervision or secure accommodation order alone, and ignores other orders', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '2013-07-04' });
    await courtOrder(c.id, 'care-order', '2020-01-01');
    expect((await label(c.id)).status).toBe('no-rule');
    await courtOrder(c.id, 'supervision-order', '2020-01-01');
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2034-07-04', ruleIds: ['supervision-order-child-not-looked-after'] });
    await courtOrder(c.id, 'secure-accommodation-order', '2024-01-01');
    expect(await label(c.id)).toMatchObject({ destruction_date: '2088-07-04', rule_ids: ['secure-accommodation-record'], record_classes: ['court-orders', 'secure-accommodation'] });
  });

  it('relabels every record that held a kind of involvement when the kind moves to another record class', async () => {
    await sql`insert into involvement_kind (code, label, builtin, record_class) values ('residential-care', 'Residential care', false, null)`.execute(h.db);
    const c = await createChild(h, team.worker, { dateOfBirth: '2010-10-10' });
    await involve(c.id, 'residential-care', '2020-01-01', '2021-01-01');
    expect((await label(c.id)).status).toBe('no-rule');
    await sql`update involvement_kind set record_class = 'childrens-home' where code = 'residential-care'`.execute(h.db);
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2085-10-10', ruleIds: ['childrens-home-case-record'] });
  });
});

describe('GET /api/v1/children/{id}/retention', () => {
  it('explains the date rule by rule, with the holds and everything that blocks disposal', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '2014-06-20' });
    const open = await involve(c.id, 'private-fostering', '2020-01-01');
    await involve(c.id, 'child-protection', '2019-01-01', '2019-12-31');
    const res = await retentionOf(c.id, team.worker);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      recordStatus: 'open',
      status: 'determined',
      destructionDate: '2089-06-20',
      ruleIds: ['private-fostering-record'],
      scheduleVersion: 1,
      recordClasses: ['child-protection', 'private-fostering'],
      unverifiedRuleIds: [],
      doNotDestroy: true,
      disposable: false,
    });
    expect(res.body.computedAt).toEqual(expect.any(String));
    expect(res.body.rules).toEqual([
      expect.objectContaining({ id: 'child-protection-record', trigger: 'closure', years: 35, deathRuleYears: null, outcome: 'date', date: '2054-12-31', by: 'rule', governs: false }),
      expect.objectContaining({ id: 'private-fostering-record', trigger: 'dateOfBirth', years: 75, deathRuleYears: 15, outcome: 'date', date: '2089-06-20', by: 'rule', governs: true, flag: null }),
    ]);
    expect(res.body.holds.map((x) => x.name)).toEqual([IICSA_HOLD_NAME]);
    expect(res.body.blockers.map((b) => b.code)).toEqual(['HOLD_BLOCKS_DISPOSAL', 'RETENTION_NOT_EXPIRED', 'OPEN_INVOLVEMENT']);
    expect(res.body.blockers.find((b) => b.code === 'OPEN_INVOLVEMENT')).toMatchObject({ involvementIds: [open] });
    const events = (await h.auditFor(c.id)).filter((e) => e.action === 'retention.read');
    expect(events.at(-1)).toMatchObject({ outcome: 'allowed', actor_id: team.worker.id });
  });

  it('names unverified rules and what a pending rule waits for', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '2009-01-01' });
    await involve(c.id, 'child-protection', '2020-01-01');
    await sql`insert into involvement_kind (code, label, builtin, record_class) values ('voluntary-placement', 'Placed by a voluntary organisation', false, 'child-placed-by-voluntary-organisation-or-private-home')`.execute(h.db);
    await involve(c.id, 'voluntary-placement', '2021-01-01');
    const res = await retentionOf(c.id, officer);
    expect(res.body).toMatchObject({ status: 'pending', destructionDate: null, ruleIds: [], unverifiedRuleIds: ['voluntary-org-placement-case-record'] });
    expect(res.body.rules.find((r) => r.id === 'child-protection-record')).toMatchObject({ outcome: 'pending', waitingFor: 'closure', date: null });
    expect(res.body.rules.find((r) => r.id === 'voluntary-org-placement-case-record')?.flag).toMatch(/Unverified/);
    expect(res.body.blockers).toContainEqual({ code: 'RETENTION_UNDETERMINED', status: 'pending' });
  });

  it('answers the records roles and those who may read the record; others are refused, and a missing record is 404', async () => {
    const c = await createChild(h, team.worker);
    for (const roles of [['records-officer'], ['business-support'], ['dpo'], ['head-of-service']] as const) {
      const user = await h.user([...roles]);
      const res = await retentionOf(c.id, user);
      expect(res.status, roles[0]).toBe(200);
      expect((await h.auditFor(c.id)).at(-1)).toMatchObject({ action: 'retention.read', basis: `role:${roles[0]}` });
    }
    expect((await retentionOf(c.id, team.manager)).status).toBe(200);
    const outsider = await teamWithStaff(h);
    for (const user of [outsider.worker, outsider.manager, await h.user(['iro'])]) {
      const res = await retentionOf(c.id, user);
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.raw).not.toContain(String(c['familyName']));
      expect((await h.auditFor(c.id)).at(-1)).toMatchObject({ action: 'retention.read', outcome: 'denied', actor_id: user.id });
    }
    expect((await retentionOf(c.id, null)).status).toBe(401);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await retentionOf(missing, officer)).status).toBe(404);
    expect((await retentionOf(missing, team.worker)).status).toBe(404);
  });
});

describe('carers’ and homes’ records', () => {
  async function newCarer(kind: string, name: string) {
    const res = await h.request<{ id: string }>('POST', '/api/v1/carers', { user: team.worker, body: { kind, name } });
    expect(res.status, res.raw).toBe(201);
    return res.body.id;
  }
  const close = (carerId: string, user: TestUser, endedOn: string, reason: string) => h.request('POST', `/api/v1/carers/${carerId}/close`, { user, body: { endedOn, reason } });

  it('waits while a foster carer is approved, then counts 10 years from the end of approval', async () => {
    const carerId = await newCarer('foster-carer', 'Mr and Mrs Okafor');
    expect(await carerLabel(carerId)).toMatchObject({
      status: 'pending',
      destruction_date: null,
      applied_rule_ids: ['connected-person-carer-record', 'foster-applicant-not-approved', 'foster-carer-record'],
      record_classes: ['fostering'],
    });
    const open = await h.request<RetentionView>('GET', `/api/v1/carers/${carerId}/retention`, { user: officer });
    expect(open.body).toMatchObject({ recordStatus: 'open', status: 'pending', destructionDate: null });
    expect(open.body.rules.map((r) => r.waitingFor)).toEqual(['placementEnded', 'applicationRefusedOrWithdrawn', 'approvalEnded']);

    expect((await close(carerId, team.worker, '2026-05-31', 'approval-ended')).status).toBe(403);
    expect((await carerLabel(carerId)).status).toBe('pending');
    const closed = await close(carerId, team.manager, '2026-05-31', 'approval-ended');
    expect(closed.status, closed.raw).toBe(200);
    // foster-carer-record: FSR 2011 reg 32(1), 10 years.
    expect(await carerLabel(carerId)).toMatchObject({ status: 'determined', destruction_date: '2036-05-31', rule_ids: ['foster-carer-record'], applied_rule_ids: ['foster-carer-record'] });
    const res = await h.request<RetentionView>('GET', `/api/v1/carers/${carerId}/retention`, { user: team.worker });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ recordStatus: 'closed', status: 'determined', destructionDate: '2036-05-31', ruleIds: ['foster-carer-record'], scheduleVersion: 1, doNotDestroy: true });
    expect(res.body.rules).toEqual([expect.objectContaining({ id: 'foster-carer-record', outcome: 'date', date: '2036-05-31', governs: true })]);
  });

  it('counts 3 years for a refused applicant and 10 for a connected person’s placement', async () => {
    const refused = await newCarer('foster-carer', 'Ms Applicant');
    await close(refused, team.manager, '2024-02-29', 'application-refused-or-withdrawn');
    expect(await carerLabel(refused)).toMatchObject({ destruction_date: '2027-03-01', rule_ids: ['foster-applicant-not-approved'] });
    const kin = await newCarer('foster-carer', 'Aunt Bea');
    await close(kin, hos, '2025-09-30', 'placement-ended');
    expect(await carerLabel(kin)).toMatchObject({ destruction_date: '2035-09-30', rule_ids: ['connected-person-carer-record'] });
  });

  it('counts a home’s records 15 years from its last entry, on the London calendar', async () => {
    const home = await newCarer('childrens-home', 'Larch House');
    // 23:30 UTC on 31 May is 00:30 on 1 June in London (BST).
    const entry = await h.request('POST', `/api/v1/carers/${home}/entries`, { user: team.worker, body: { kind: 'visit', occurredAt: '2026-05-31T23:30:00Z', title: 'Monthly visit', body: 'All well.' } });
    expect(entry.status, entry.raw).toBe(201);
    expect((await carerLabel(home)).status).toBe('pending');
    await close(home, team.manager, '2026-06-10', 'closed');
    expect(await carerLabel(home)).toMatchObject({ status: 'determined', destruction_date: '2041-06-01', rule_ids: ['childrens-home-other-records'], record_classes: ['childrens-home'] });
  });

  it('has no rule for a provider no rule governs, or an ending no rule counts from', async () => {
    const other = await newCarer('other-provider', 'Brightwater Fostering Ltd');
    expect(await carerLabel(other)).toMatchObject({ status: 'no-rule', record_classes: [] });
    const closedFoster = await newCarer('foster-carer', 'Mr Closed');
    await close(closedFoster, team.manager, '2026-01-01', 'closed');
    expect(await carerLabel(closedFoster)).toMatchObject({ status: 'no-rule', destruction_date: null, applied_rule_ids: [] });
  });

  it('refuses the carer’s retention to those without access to the record', async () => {
    const carerId = await newCarer('foster-carer', 'Mr and Mrs Private');
    const outsider = await teamWithStaff(h);
    expect((await h.request('GET', `/api/v1/carers/${carerId}/retention`, { user: outsider.worker })).status).toBe(403);
    expect((await h.request('GET', `/api/v1/carers/${carerId}/retention`, { user: await h.user(['dpo']) })).status).toBe(200);
    expect((await h.request('GET', '/api/v1/carers/00000000-0000-4000-8000-000000000000/retention', { user: officer })).status).toBe(404);
  });
});

describe('publishing a new version of the schedule', () => {
  it('relabels records already labelled when a period changes, keeping every earlier version with who published it and when', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '2010-01-01' });
    await involve(c.id, 'child-protection', '2015-01-01', '2024-03-31');
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2059-03-31', ruleIds: ['child-protection-record'] });
    const children = Number((await sql<{ n: string }>`select count(*) as n from retention_label`.execute(h.db)).rows[0]?.n);
    const carers = Number((await sql<{ n: string }>`select count(*) as n from carer_retention_label`.execute(h.db)).rows[0]?.n);

    h.clock.advance(60 * 60_000);
    const res = await publish(officer, schedule((rules) => void (rules[at('child-protection-record')]!['years'] = 40), 'Child protection records kept 40 years (policy RM-7).'));
    expect(res.status, res.raw).toBe(201);
    // Every label moves to the new version, so every record is relabelled.
    expect(res.body).toEqual({ version: 2, rules: seed.length, relabelled: { children, carers } });
    expect(await label(c.id)).toMatchObject({ status: 'determined', destruction_date: '2064-03-31', rule_ids: ['child-protection-record'], schedule_version: 2 });
    expect(Number((await sql<{ n: string }>`select count(*) as n from retention_label where schedule_version <> 2`.execute(h.db)).rows[0]?.n)).toBe(0);
    expect((await retentionOf(c.id, officer)).body).toMatchObject({ scheduleVersion: 2, destructionDate: '2064-03-31', rules: [expect.objectContaining({ id: 'child-protection-record', years: 40 })] });

    const list = await h.request<{ items: Array<{ version: number; note: string; publishedAt: string; publishedBy: { id: string; displayName: string } | null; rules: number }> }>('GET', '/api/v1/retention/schedules', { user: team.worker });
    expect(list.body.items.map((s) => s.version)).toEqual([2, 1]);
    expect(list.body.items[0]).toEqual({ version: 2, note: 'Child protection records kept 40 years (policy RM-7).', publishedAt: h.clock.now().toISOString(), publishedBy: { id: officer.id, displayName: 'Rhiannon Records' }, rules: seed.length });
    expect(list.body.items[1]).toMatchObject({ version: 1, publishedBy: null, rules: seed.length });
    const v1 = await h.request<{ rules: RuleView[] }>('GET', '/api/v1/retention/schedules/1', { user: team.worker });
    expect(v1.body.rules.find((r) => r.id === 'child-protection-record')?.years).toBe(35);
    const v2 = await h.request<{ scheduleVersion: number; rules: RuleView[] }>('GET', '/api/v1/retention/rules', { user: team.worker });
    expect(v2.body.scheduleVersion).toBe(2);
    expect(v2.body.rules.find((r) => r.id === 'child-protection-record')?.years).toBe(40);
    expect((await h.request('GET', '/api/v1/retention/schedules/99', { user: team.worker })).status).toBe(404);
    const audit = await h.db.selectFrom('audit_event').select(['actor_id', 'detail']).where('action', '=', 'retention.schedule-publish').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: officer.id, detail: { version: 2, rules: seed.length, relabelledChildren: children } });

    // Publishing the seed's period again brings the date back.
    const back = await publish(hos, schedule(undefined, 'Back to the default schedule.'));
    expect(back.status, back.raw).toBe(201);
    expect(await label(c.id)).toMatchObject({ destruction_date: '2059-03-31', schedule_version: 3 });
    // The database keeps old versions as they were.
    await expect(sql`update retention_rule set years = 1 where schedule_version = 1`.execute(h.db)).rejects.toThrow();
  });

  it('adopts an optional policy when a version makes it active', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '2010-05-17' });
    await involve(c.id, 'looked-after', '2012-01-01');
    expect((await dated(c.id)).date).toBe('2085-05-17');
    const res = await publish(officer, schedule((rules) => void (rules[at('care-experienced-extended-good-practice')]!['active'] = true)));
    expect(res.status, res.raw).toBe(201);
    expect(await dated(c.id)).toEqual({ status: 'determined', date: '2135-05-17', ruleIds: ['care-experienced-extended-good-practice'] });
    expect((await publish(officer, schedule())).status).toBe(201);
    expect((await dated(c.id)).date).toBe('2085-05-17');
  });

  it('refuses a negative, zero or absurd period with a problem naming the field, and changes nothing', async () => {
    const c = await createChild(h, team.worker, { dateOfBirth: '2011-11-11' });
    await involve(c.id, 'education-welfare', '2018-01-01', '2019-01-01');
    const before = await label(c.id);
    const published = await versions();
    const lac = at('lac-case-record');
    const cases: Array<[(rules: Array<Record<string, unknown>>) => void, string]> = [
      [(r) => void (r[lac]!['years'] = -75), `rules.${lac}.years`],
      [(r) => void (r[lac]!['years'] = 0), `rules.${lac}.years`],
      [(r) => void (r[lac]!['years'] = 7500), `rules.${lac}.years`],
      [(r) => void (r[lac]!['years'] = 2.5), `rules.${lac}.years`],
      [(r) => void (r[lac]!['deathRule'] = { condition: 'childDiesBeforeAge18', trigger: 'dateOfDeath', years: -15 }), `rules.${lac}.deathRule.years`],
      [(r) => void (r[lac]!['trigger'] = 'birthday'), `rules.${lac}.trigger`],
      // A known trigger that cannot start a child's clock: found by the schedule check, not the body's shape.
      [(r) => void Object.assign(r[lac]!, { trigger: 'lastEntry', appliesTo: 'child' }), `rules.${lac}.trigger`],
      [(r) => void r.push({ ...r[lac]! }), `rules.${seed.length}.id`],
      [(r) => void r.splice(0, r.length, ...r.filter((x) => x['recordClass'] === 'fostering')), 'rules'],
    ];
    for (const [edit, field] of cases) {
      const res = await publish(officer, schedule(edit));
      expect(res.status, field).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((res.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field), field).toContain(field);
    }
    expect(await versions()).toEqual(published);
    expect(await label(c.id)).toEqual(before);
  });

  it('lets only a records officer or a head of service publish', async () => {
    const published = await versions();
    for (const roles of [['social-worker'], ['team-manager'], ['business-support'], ['dpo'], ['admin'], ['iro']] as const) {
      const res = await publish(await h.user([...roles]), schedule());
      expect(res.status, roles[0]).toBe(403);
    }
    expect((await h.request('POST', '/api/v1/retention/schedules', { user: null, body: schedule() })).status).toBe(401);
    expect(await versions()).toEqual(published);
    const denied = await h.db.selectFrom('audit_event').select(['outcome']).where('action', '=', 'retention.schedule-publish').where('outcome', '=', 'denied').execute();
    expect(denied).toHaveLength(6);
  });
});

// --- The database's label against core/retention.ts, for random records.

const CUSTOM_KINDS: Record<string, string | null> = { 'home-placement': 'childrens-home', 'short-break': null };
const KINDS = [...Object.keys(RECORD_CLASS_FOR_INVOLVEMENT), ...Object.keys(CUSTOM_KINDS)];
const recordClassOf = (kind: string): string | null => (kind in CUSTOM_KINDS ? (CUSTOM_KINDS[kind] ?? null) : (RECORD_CLASS_FOR_INVOLVEMENT as Record<string, string>)[kind] ?? null);
const ORDER_TYPES = [...Object.keys(RECORD_CLASS_FOR_COURT_ORDER), 'care-order'];

function dateBetween(from: CalendarDate, to: CalendarDate): fc.Arbitrary<CalendarDate> {
  const uniform = fc.integer({ min: epochDay(from), max: epochDay(to) }).map(fromEpochDay);
  const leap = ['1988-02-29', '1992-02-29', '1996-02-29', '2000-02-29', '2004-02-29', '2008-02-29', '2012-02-29', '2016-02-29', '2020-02-29', '2024-02-29'].filter((d) => d >= from && d <= to);
  return leap.length === 0 ? uniform : fc.oneof({ weight: 4, arbitrary: uniform }, { weight: 1, arbitrary: fc.constantFrom(...leap) });
}

interface GeneratedInvolvement {
  kind: string;
  start: CalendarDate;
  end: CalendarDate | null;
  /** Opened without an end and closed afterwards (exercises the update trigger). */
  closedLater: boolean;
}

const generatedChild = dateBetween('1986-01-01', TODAY).chain((dob) =>
  fc.record({
    dob: fc.constant(dob),
    dod: fc.option(dateBetween(dob, TODAY), { nil: null, freq: 3 }),
    involvements: fc.array(
      fc.record({ kind: fc.constantFrom(...KINDS), start: dateBetween(dob, TODAY), length: fc.option(fc.nat(6000), { nil: null, freq: 3 }), closedLater: fc.boolean() }).map(({ kind, start, length, closedLater }): GeneratedInvolvement => {
        const end = length === null ? null : compareDates(addDays(start, length), TODAY) > 0 ? TODAY : addDays(start, length);
        return { kind, start, end, closedLater: closedLater && end !== null };
      }),
      { maxLength: 4 },
    ),
    orders: fc.array(fc.record({ orderType: fc.constantFrom(...ORDER_TYPES), madeOn: dateBetween(dob, TODAY) }), { maxLength: 2 }),
  }),
);
type GeneratedChild = typeof generatedChild extends fc.Arbitrary<infer T> ? T : never;

/** The facts core/retention.ts expects, worked out from what was generated (not read back from the database). */
function expectedFacts(c: GeneratedChild): ChildRetentionFacts {
  const held = new Map<string, HeldClass>();
  const hold = (recordClass: string, open: boolean, closedOn: CalendarDate | null) => {
    const was = held.get(recordClass);
    const latest = [was?.closedOn ?? null, closedOn].filter((d): d is string => d !== null).sort().at(-1) ?? null;
    held.set(recordClass, { recordClass, open: (was?.open ?? false) || open, closedOn: latest });
  };
  for (const i of c.involvements) {
    const recordClass = recordClassOf(i.kind);
    if (recordClass !== null) hold(recordClass, i.end === null, i.end);
  }
  for (const o of c.orders) {
    const recordClass = RECORD_CLASS_FOR_COURT_ORDER[o.orderType];
    if (recordClass !== undefined) hold(recordClass, false, null);
  }
  const adoptions = c.orders.filter((o) => o.orderType === 'adoption-order').map((o) => o.madeOn).sort();
  return { dateOfBirth: c.dob, dateOfDeath: c.dod, classes: [...held.values()], adoptionOrderOn: adoptions.at(-1) ?? null, lastEntryOn: null };
}

describe('the database’s label and core/retention.ts agree (property)', () => {
  let p: Harness;
  let worker: TestUser;
  beforeAll(async () => {
    p = await startHarness({ now: `${TODAY}T10:00:00Z` });
    worker = (await teamWithStaff(p)).worker;
    for (const [code, recordClass] of Object.entries(CUSTOM_KINDS)) {
      await sql`insert into involvement_kind (code, label, builtin, record_class) values (${code}, ${code}, false, ${recordClass})`.execute(p.db);
    }
  });
  afterAll(async () => p.close());

  async function compare(childId: string, c: GeneratedChild) {
    const expected = childRetentionLabel(rulesFromSeed(seed), expectedFacts(c));
    const stored = await p.db.selectFrom('retention_label').selectAll().where('child_id', '=', childId).executeTakeFirstOrThrow();
    expect({ status: stored.status, date: stored.destruction_date, ruleIds: stored.rule_ids, applied: stored.applied_rule_ids, classes: stored.record_classes, version: stored.schedule_version }, JSON.stringify(c)).toEqual({
      status: expected.status,
      date: expected.destructionDate,
      ruleIds: expected.ruleIds,
      applied: expected.applied.map((a) => a.rule.id),
      classes: expected.recordClasses,
      version: 1,
    });
    // The API explains the stored label with the same rules.
    const view = await p.request<RetentionView>('GET', `/api/v1/children/${childId}/retention`, { user: worker });
    expect(view.body.rules.map((r) => r.id)).toEqual(stored.applied_rule_ids);
    expect(view.body.rules.filter((r) => r.governs).map((r) => r.id)).toEqual(stored.rule_ids);
  }

  it('gives every record the label core computes from the same facts, as it is built and after its birth or death is corrected', async () => {
    await fc.assert(
      fc.asyncProperty(generatedChild, fc.constantFrom('none', 'dob', 'death'), fc.nat(3000), async (c, change, days) => {
        const created = await createChild(p, worker, { dateOfBirth: c.dob, dateOfDeath: c.dod });
        const send = async (method: string, url: string, body: Record<string, unknown>, status: number) => {
          const res = await p.request<{ id: string }>(method, url, { user: worker, body });
          expect(res.status, res.raw).toBe(status);
          return res.body;
        };
        for (const i of c.involvements) {
          const inv = await send('POST', `/api/v1/children/${created.id}/involvements`, { kind: i.kind, startDate: i.start, ...(i.end !== null && !i.closedLater ? { endDate: i.end } : {}) }, 201);
          if (i.closedLater && i.end !== null) await send('POST', `/api/v1/involvements/${inv.id}/close`, { endDate: i.end }, 200);
        }
        for (const o of c.orders) {
          await send('POST', `/api/v1/children/${created.id}/entries`, { kind: 'court-order', occurredAt: `${o.madeOn}T09:00:00Z`, title: 'Order', body: '', orderType: o.orderType, court: 'Family Court', madeOn: o.madeOn }, 201);
        }
        await compare(created.id, c);
        if (change === 'none') return;
        // Born earlier than first recorded, or died some days after the birth (never after today).
        const next: GeneratedChild =
          change === 'dob' ? { ...c, dob: addDays(c.dob, -days) } : { ...c, dod: compareDates(addDays(c.dob, days), TODAY) > 0 ? TODAY : addDays(c.dob, days) };
        await send('POST', `/api/v1/children/${created.id}/versions`, { dateOfBirth: next.dob, dateOfDeath: next.dod, reason: 'Corrected.' }, 201);
        await compare(created.id, next);
      }),
      { numRuns: 25 },
    );
  });
});

describe('publishing while records change', () => {
  // On PostgreSQL, requests run side by side: a record created while a version is being
  // published must not keep a label from the old version once the new one stands.
  it.skipIf(testEngine() !== 'postgres')('labels a record created during a publication under the version being published', async () => {
    let go = () => {};
    const proceed = new Promise<void>((resolve) => (go = resolve));
    let locked = () => {};
    const holding = new Promise<void>((resolve) => (locked = resolve));
    let newVersion = 0;
    // The publication relabels every record it can see, then waits before committing.
    const publishing = h.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${SCHEDULE_LOCK_KEY})`.execute(tx);
      newVersion = (await sql<{ v: number }>`select max(version) + 1 as v from retention_schedule`.execute(tx)).rows[0]?.v ?? 0;
      await sql`insert into retention_schedule (version, note, published_at) values (${newVersion}, 'Concurrent publication', now())`.execute(tx);
      await sql`insert into retention_rule (schedule_version, rule_id, record_class, description, trigger, years, death_years, minimum, basis, verified, source, notes, applies_to, condition, active)
        select ${newVersion}, rule_id, record_class, description, trigger, years, death_years, minimum, basis, verified, source, notes, applies_to, condition, active
          from retention_rule where schedule_version = ${newVersion} - 1`.execute(tx);
      await sql`select sk_relabel_all_children()`.execute(tx);
      locked();
      await proceed;
    });
    await holding;
    const creating = createChild(h, team.worker, { dateOfBirth: '2012-02-02' });
    // The new record's labelling waits for the publication's lock…
    for (let i = 0; i < 200; i++) {
      const waiting = await sql<{ n: string }>`select count(*) as n from pg_locks where locktype = 'advisory' and not granted`.execute(h.db);
      if (Number(waiting.rows[0]?.n) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    go();
    await publishing;
    const child = await creating;
    // …and then reads the new version's rules.
    expect(await label(child.id)).toMatchObject({ schedule_version: newVersion });
  });
});
