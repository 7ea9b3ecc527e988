import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, compareDates, epochDay, fromEpochDay, isCalendarDate, type CalendarDate } from './dates.js';
import {
  anniversary,
  carerRetentionLabel,
  childRetentionLabel,
  diedBeforeAge18,
  RETENTION_YEARS_MAX,
  RETENTION_YEARS_MIN,
  type ChildRetentionFacts,
  type HeldClass,
  type RetentionLabel,
  type RetentionRule,
} from './retention.js';
import { RECORD_CLASS_FOR_COURT_ORDER, RECORD_CLASS_FOR_INVOLVEMENT, ruleFromInput, rulesFromSeed, scheduleProblems, type RuleInput, type SeedRule } from './retention-seed.js';

// The default schedule Safekeep ships (a copy of the shared domain/retention-schedule.json).
const seed = JSON.parse(readFileSync(fileURLToPath(new URL('../../server/data/retention-schedule.json', import.meta.url)), 'utf8')) as SeedRule[];
const rules = rulesFromSeed(seed);
const rule = (id: string): RetentionRule => {
  const r = rules.find((x) => x.id === id);
  if (r === undefined) throw new Error(`no seed rule ${id}`);
  return r;
};

/** A class held through an involvement of that class: open, or closed on a day. */
const open = (recordClass: string): HeldClass => ({ recordClass, open: true, closedOn: null });
const closed = (recordClass: string, closedOn: CalendarDate): HeldClass => ({ recordClass, open: false, closedOn });
/** A class held through a court order alone (no closure). */
const ordered = (recordClass: string): HeldClass => ({ recordClass, open: false, closedOn: null });

function child(dateOfBirth: CalendarDate, classes: HeldClass[], extra: Partial<ChildRetentionFacts> = {}): ChildRetentionFacts {
  return { dateOfBirth, dateOfDeath: null, classes, adoptionOrderOn: null, lastEntryOn: null, ...extra };
}

const applied = (label: RetentionLabel) => label.applied.map((a) => a.rule.id);
const outcomeOf = (label: RetentionLabel, id: string) => label.applied.find((a) => a.rule.id === id)?.outcome;

describe('anniversary', () => {
  it('is the same day and month the given number of years later', () => {
    expect(anniversary('2010-05-17', 75)).toBe('2085-05-17');
    expect(anniversary('2010-02-28', 2)).toBe('2012-02-28');
    expect(anniversary('1999-12-31', 1)).toBe('2000-12-31');
  });

  it('moves a 29 February to 1 March in a year without one, never to 28 February (REGULATIONS.md 1.1)', () => {
    expect(anniversary('2008-02-29', 25)).toBe('2033-03-01');
    expect(anniversary('2008-02-29', 1)).toBe('2009-03-01');
    // 2100 is not a leap year (divisible by 100, not by 400); 2108 is.
    expect(anniversary('2000-02-29', 100)).toBe('2100-03-01');
    expect(anniversary('2008-02-29', 100)).toBe('2108-02-29');
  });

  it('keeps 29 February when the anniversary falls in a leap year', () => {
    expect(anniversary('2008-02-29', 4)).toBe('2012-02-29');
    expect(anniversary('2008-02-29', 16)).toBe('2024-02-29');
    expect(anniversary('2000-02-29', 400)).toBe('2400-02-29');
  });

  it('is later than the date it counts from, by at least 365 days a year, and keeps the day unless it is 29 February (property)', () => {
    fc.assert(
      fc.property(dateIn('1900-01-01', '2099-12-31'), fc.integer({ min: RETENTION_YEARS_MIN, max: RETENTION_YEARS_MAX }), (d, years) => {
        const a = anniversary(d, years);
        expect(epochDay(a) - epochDay(d)).toBeGreaterThanOrEqual(365 * years);
        expect(Number(a.slice(0, 4)) - Number(d.slice(0, 4))).toBe(years);
        if (d.endsWith('-02-29')) expect(['02-29', '03-01']).toContain(a.slice(5));
        else expect(a.slice(5)).toBe(d.slice(5));
      }),
    );
  });
});

describe('died before the 18th birthday', () => {
  it('tests the age on the date of death: the day before the 18th birthday is under 18, the birthday is not', () => {
    expect(diedBeforeAge18('2000-06-15', '2018-06-14')).toBe(true);
    expect(diedBeforeAge18('2000-06-15', '2018-06-15')).toBe(false);
    expect(diedBeforeAge18('2000-06-15', '2000-06-15')).toBe(true);
  });

  it('puts the 18th birthday of a child born on 29 February on 1 March in a common year', () => {
    // 2026 is a common year: the 18th birthday is 2026-03-01, so 28 February is still under 18.
    expect(diedBeforeAge18('2008-02-29', '2026-02-28')).toBe(true);
    expect(diedBeforeAge18('2008-02-29', '2026-03-01')).toBe(false);
  });
});

describe('the seed schedule as Safekeep reads it', () => {
  it('reads every rule of domain/retention-schedule.json and finds nothing wrong with it', () => {
    expect(rules.map((r) => r.id)).toEqual(seed.map((r) => r.id));
    expect(scheduleProblems(rules)).toEqual([]);
  });

  it('says whose record each rule governs and when the adoption rules apply', () => {
    const carerRules = rules.filter((r) => r.appliesTo === 'carer').map((r) => r.id).sort();
    expect(carerRules).toEqual(['childrens-home-other-records', 'connected-person-carer-record', 'foster-applicant-not-approved', 'foster-carer-record', 'prospective-adopter-record-no-order']);
    expect(rule('fostering-service-records').appliesTo).toBe('service');
    expect(rule('adoption-section56-information').condition).toBe('adoption-order-on-or-after-2005-12-30');
    expect(rule('adoption-pre-2005').condition).toBe('adoption-order-before-2005-12-30');
    // The archives sector's DOB + 125 is offered, not adopted.
    expect(rule('care-experienced-extended-good-practice').active).toBe(false);
    expect(rules.filter((r) => !r.active).map((r) => r.id)).toEqual(['care-experienced-extended-good-practice']);
  });

  it('puts each built-in involvement and the class-changing court orders in a record class some child rule governs', () => {
    const childClasses = new Set(rules.filter((r) => r.appliesTo === 'child' && r.active).map((r) => r.recordClass));
    for (const recordClass of [...Object.values(RECORD_CLASS_FOR_INVOLVEMENT), ...Object.values(RECORD_CLASS_FOR_COURT_ORDER)]) expect(childClasses).toContain(recordClass);
  });
});

describe('each child rule of the seed, worked by hand', () => {
  it('lac-case-record: 75th anniversary of birth (CPPCR 2010 reg 50), whether or not the child is still looked after', () => {
    for (const held of [open('looked-after-child'), closed('looked-after-child', '2024-03-01')]) {
      const label = childRetentionLabel(rules, child('2010-05-17', [held]));
      expect(label).toMatchObject({ status: 'determined', destructionDate: '2085-05-17', ruleIds: ['lac-case-record'], recordClasses: ['looked-after-child'] });
      // DOB + 125 is in the same class but not active in the seed.
      expect(applied(label)).toEqual(['lac-case-record']);
    }
  });

  it('lac-case-record: 15 years from death when the child died before 18', () => {
    const label = childRetentionLabel(rules, child('2010-05-17', [closed('looked-after-child', '2019-08-02')], { dateOfDeath: '2019-08-02' }));
    expect(label).toMatchObject({ status: 'determined', destructionDate: '2034-08-02', ruleIds: ['lac-case-record'] });
    expect(outcomeOf(label, 'lac-case-record')).toEqual({ state: 'date', date: '2034-08-02', by: 'death-rule' });
  });

  it('lac-case-record: a death at 18 or over keeps the 75 years from birth', () => {
    const label = childRetentionLabel(rules, child('2000-06-15', [closed('looked-after-child', '2018-06-15')], { dateOfDeath: '2018-06-15' }));
    expect(label).toMatchObject({ destructionDate: '2075-06-15', ruleIds: ['lac-case-record'] });
    expect(outcomeOf(label, 'lac-case-record')).toEqual({ state: 'date', date: '2075-06-15', by: 'rule' });
  });

  it('voluntary-org-placement-case-record: 75 years from birth', () => {
    const label = childRetentionLabel(rules, child('2012-01-09', [open('child-placed-by-voluntary-organisation-or-private-home')]));
    expect(label).toMatchObject({ status: 'determined', destructionDate: '2087-01-09', ruleIds: ['voluntary-org-placement-case-record'] });
    expect(label.applied[0]?.rule.verified).toBe(false);
  });

  it('childrens-home-case-record: 75 years from birth for the child’s own record in a home', () => {
    const label = childRetentionLabel(rules, child('2011-11-30', [closed('childrens-home', '2020-01-01')]));
    expect(label).toMatchObject({ status: 'determined', destructionDate: '2086-11-30', ruleIds: ['childrens-home-case-record'] });
  });

  it('adoption-section56-information: 100 years from an adoption order made on or after 30 December 2005', () => {
    const label = childRetentionLabel(rules, child('2012-03-03', [ordered('adoption')], { adoptionOrderOn: '2015-07-01' }));
    expect(label).toMatchObject({ status: 'determined', destructionDate: '2115-07-01', ruleIds: ['adoption-section56-information'] });
    expect(applied(label)).toEqual(['adoption-section56-information']);
    // The commencement day itself is post-commencement.
    const onTheDay = childRetentionLabel(rules, child('2004-01-10', [ordered('adoption')], { adoptionOrderOn: '2005-12-30' }));
    expect(onTheDay).toMatchObject({ destructionDate: '2105-12-30', ruleIds: ['adoption-section56-information'] });
  });

  it('adoption-pre-2005: 75 years from an order made before 30 December 2005', () => {
    const label = childRetentionLabel(rules, child('1999-04-10', [ordered('adoption')], { adoptionOrderOn: '2003-09-12' }));
    expect(label).toMatchObject({ status: 'determined', destructionDate: '2078-09-12', ruleIds: ['adoption-pre-2005'] });
    const dayBefore = childRetentionLabel(rules, child('2004-01-10', [ordered('adoption')], { adoptionOrderOn: '2005-12-29' }));
    expect(dayBefore).toMatchObject({ destructionDate: '2080-12-29', ruleIds: ['adoption-pre-2005'] });
  });

  it('adoption-record-no-order-child-was-looked-after: 75 years from birth, tying with lac-case-record', () => {
    const label = childRetentionLabel(rules, child('2014-06-20', [closed('adoption', '2019-02-01'), closed('looked-after-child', '2019-02-01')]));
    expect(label).toMatchObject({
      status: 'determined',
      destructionDate: '2089-06-20',
      ruleIds: ['adoption-record-no-order-child-was-looked-after', 'lac-case-record'],
      recordClasses: ['adoption', 'looked-after-child'],
    });
  });

  it('adoption-record-no-order-child-not-looked-after: no period, so the record needs review', () => {
    const label = childRetentionLabel(rules, child('2014-06-20', [closed('adoption', '2019-02-01')]));
    expect(label).toMatchObject({ status: 'review', destructionDate: null, ruleIds: [] });
    expect(applied(label)).toEqual(['adoption-record-no-order-child-not-looked-after']);
    expect(outcomeOf(label, 'adoption-record-no-order-child-not-looked-after')).toEqual({ state: 'review' });
  });

  it('care-leaver-record: 75 years from birth', () => {
    const label = childRetentionLabel(rules, child('2005-10-01', [open('care-leaver')]));
    expect(label).toMatchObject({ status: 'determined', destructionDate: '2080-10-01', ruleIds: ['care-leaver-record'] });
  });

  it('child-protection-record: 35 years from closure, pending while the involvement is open', () => {
    const label = childRetentionLabel(rules, child('2010-01-01', [closed('child-protection', '2019-03-14')]));
    expect(label).toMatchObject({ status: 'determined', destructionDate: '2054-03-14', ruleIds: ['child-protection-record'] });
    const pending = childRetentionLabel(rules, child('2010-01-01', [open('child-protection')]));
    expect(pending).toMatchObject({ status: 'pending', destructionDate: null, ruleIds: [] });
    expect(outcomeOf(pending, 'child-protection-record')).toEqual({ state: 'pending', waitingFor: 'closure' });
  });

  it('child-in-need-record: until age 30, or 6 years from a death under 18', () => {
    expect(childRetentionLabel(rules, child('2011-09-12', [closed('child-in-need', '2015-01-01')]))).toMatchObject({ destructionDate: '2041-09-12', ruleIds: ['child-in-need-record'] });
    // Born on a leap day: the 30th birthday falls in 2046, a common year.
    expect(childRetentionLabel(rules, child('2016-02-29', [open('child-in-need')])).destructionDate).toBe('2046-03-01');
    const died = childRetentionLabel(rules, child('2016-02-29', [closed('child-in-need', '2020-05-05')], { dateOfDeath: '2020-05-05' }));
    expect(died).toMatchObject({ destructionDate: '2026-05-05', ruleIds: ['child-in-need-record'] });
  });

  it('private-fostering-record: 75 years from birth', () => {
    expect(childRetentionLabel(rules, child('2009-09-09', [open('private-fostering')]))).toMatchObject({ destructionDate: '2084-09-09', ruleIds: ['private-fostering-record'] });
  });

  it('secure-accommodation-record: 75 years from birth', () => {
    expect(childRetentionLabel(rules, child('2008-12-01', [ordered('secure-accommodation')]))).toMatchObject({ destructionDate: '2083-12-01', ruleIds: ['secure-accommodation-record'] });
  });

  it('supervision-order-child-not-looked-after: 21 years from birth, with no "died before 18" rule', () => {
    expect(childRetentionLabel(rules, child('2013-07-04', [ordered('court-orders')]))).toMatchObject({ destructionDate: '2034-07-04', ruleIds: ['supervision-order-child-not-looked-after'] });
    const died = childRetentionLabel(rules, child('2013-07-04', [ordered('court-orders')], { dateOfDeath: '2018-01-01' }));
    expect(died.destructionDate).toBe('2034-07-04');
  });

  it('education-welfare-record: until the 25th birthday', () => {
    expect(childRetentionLabel(rules, child('2011-01-31', [closed('education-welfare', '2016-07-20')]))).toMatchObject({ destructionDate: '2036-01-31', ruleIds: ['education-welfare-record'] });
  });

  it('care-experienced-extended-good-practice: DOB + 125 governs once an authority makes it active', () => {
    const seedRule = seed.find((r) => r.id === 'care-experienced-extended-good-practice');
    if (seedRule === undefined) throw new Error('seed rule missing');
    const adopted = rules.map((r) => (r.id === seedRule.id ? ruleFromInput({ ...seedRule, active: true }) : r));
    const label = childRetentionLabel(adopted, child('2010-05-17', [open('looked-after-child')]));
    expect(label).toMatchObject({ destructionDate: '2135-05-17', ruleIds: ['care-experienced-extended-good-practice'] });
    expect(applied(label)).toEqual(['care-experienced-extended-good-practice', 'lac-case-record']);
  });
});

describe('a record under several rules', () => {
  it('takes the latest date of every applicable rule, naming the rules that give it', () => {
    // CIN: 2040-01-01; CP closed 2012-05-01: 2047-05-01; LAC: 2085-01-01.
    const label = childRetentionLabel(rules, child('2010-01-01', [closed('child-in-need', '2011-01-01'), closed('child-protection', '2012-05-01'), open('looked-after-child')]));
    expect(label).toMatchObject({ status: 'determined', destructionDate: '2085-01-01', ruleIds: ['lac-case-record'], recordClasses: ['child-in-need', 'child-protection', 'looked-after-child'] });
    expect(applied(label)).toEqual(['child-in-need-record', 'child-protection-record', 'lac-case-record']);
    expect(label.applied.map((a) => a.outcome)).toEqual([
      { state: 'date', date: '2040-01-01', by: 'rule' },
      { state: 'date', date: '2047-05-01', by: 'rule' },
      { state: 'date', date: '2085-01-01', by: 'rule' },
    ]);
  });

  it('lets a late closure outrun a rule counted from birth', () => {
    // CIN: 2030-01-01; CP closed 2020-06-30: 2055-06-30.
    const label = childRetentionLabel(rules, child('2000-01-01', [closed('child-in-need', '2010-01-01'), closed('child-protection', '2020-06-30')]));
    expect(label).toMatchObject({ destructionDate: '2055-06-30', ruleIds: ['child-protection-record'] });
  });

  it('uses the last closure of a class held more than once', () => {
    const label = childRetentionLabel(rules, child('2000-01-01', [closed('child-protection', '2021-04-04')]));
    expect(label.destructionDate).toBe('2056-04-04');
  });

  it('has no date while any rule still waits for its trigger, and needs review when any rule has no period', () => {
    const waiting = childRetentionLabel(rules, child('2010-01-01', [open('child-protection'), open('looked-after-child')]));
    expect(waiting).toMatchObject({ status: 'pending', destructionDate: null, ruleIds: [] });
    const review = childRetentionLabel(rules, child('2010-01-01', [open('child-protection'), closed('adoption', '2015-01-01')]));
    expect(review).toMatchObject({ status: 'review', destructionDate: null, ruleIds: [] });
  });

  it('has no rule for a record that never held a class any rule governs', () => {
    expect(childRetentionLabel(rules, child('2010-01-01', []))).toMatchObject({ status: 'no-rule', destructionDate: null, ruleIds: [], applied: [], recordClasses: [] });
    expect(childRetentionLabel(rules, child('2010-01-01', [closed('home-education', '2014-01-01')]))).toMatchObject({ status: 'no-rule', recordClasses: ['home-education'] });
  });

  it('never applies carer or service rules, nor carer triggers, to a child’s record', () => {
    const label = childRetentionLabel(rules, child('2010-01-01', [closed('fostering', '2015-01-01'), closed('childrens-home', '2015-01-01')], { lastEntryOn: '2020-01-01' }));
    expect(applied(label)).toEqual(['childrens-home-case-record']);
    const custom = ruleFromInput({ ...seedRuleLike('custom-child-rule', 'fostering', 'approvalEnded', 5), appliesTo: 'child' });
    expect(outcomeOf(childRetentionLabel([custom], child('2010-01-01', [closed('fostering', '2015-01-01')])), 'custom-child-rule')).toEqual({ state: 'pending', waitingFor: 'approvalEnded' });
  });
});

describe('carers’ and homes’ records', () => {
  const carer = (recordClass: string | null, endReason: 'approval-ended' | 'placement-ended' | 'application-refused-or-withdrawn' | 'closed' | null, endedOn: CalendarDate | null, lastEntryOn: CalendarDate | null = null) =>
    carerRetentionLabel(rules, { recordClass, endReason, endedOn, lastEntryOn });

  it('foster-carer-record: 10 years from the end of approval (FSR 2011 reg 32(1))', () => {
    const label = carer('fostering', 'approval-ended', '2024-04-30', '2024-04-01');
    expect(label).toMatchObject({ status: 'determined', destructionDate: '2034-04-30', ruleIds: ['foster-carer-record'], recordClasses: ['fostering'] });
    expect(applied(label)).toEqual(['foster-carer-record']);
  });

  it('connected-person-carer-record: 10 years from the end of the placement (reg 32(2))', () => {
    expect(carer('fostering', 'placement-ended', '2023-11-15')).toMatchObject({ destructionDate: '2033-11-15', ruleIds: ['connected-person-carer-record'] });
  });

  it('foster-applicant-not-approved: 3 years from refusal or withdrawal (reg 32(3))', () => {
    expect(carer('fostering', 'application-refused-or-withdrawn', '2024-02-29')).toMatchObject({ destructionDate: '2027-03-01', ruleIds: ['foster-applicant-not-approved'] });
  });

  it('childrens-home-other-records: 15 years from the last entry, or from the closure if there was none', () => {
    expect(carer('childrens-home', 'closed', '2024-01-10', '2023-12-20')).toMatchObject({ destructionDate: '2038-12-20', ruleIds: ['childrens-home-other-records'] });
    expect(carer('childrens-home', 'closed', '2024-01-10')).toMatchObject({ destructionDate: '2039-01-10', ruleIds: ['childrens-home-other-records'] });
  });

  it('waits while the carer is active: which ending will come is not yet known', () => {
    const label = carer('fostering', null, null, '2025-01-01');
    expect(label).toMatchObject({ status: 'pending', destructionDate: null });
    expect(applied(label)).toEqual(['connected-person-carer-record', 'foster-applicant-not-approved', 'foster-carer-record']);
    expect(carer('childrens-home', null, null, '2025-01-01')).toMatchObject({ status: 'pending' });
  });

  it('has no rule for an ending no rule counts from, or a kind of provider no rule governs', () => {
    expect(carer('fostering', 'closed', '2024-01-01')).toMatchObject({ status: 'no-rule', applied: [] });
    expect(carer(null, 'closed', '2024-01-01')).toMatchObject({ status: 'no-rule', recordClasses: [] });
  });

  it('needs review, not a wait, when a carer rule has no period, as the database labels it', () => {
    const noPeriod = ruleFromInput({ ...seedRuleLike('local-carer-rule', 'fostering', 'approvalEnded', null), appliesTo: 'carer' });
    expect(carerRetentionLabel([noPeriod], { recordClass: 'fostering', endReason: null, endedOn: null, lastEntryOn: null })).toMatchObject({ status: 'review' });
    expect(carerRetentionLabel([noPeriod], { recordClass: 'fostering', endReason: 'approval-ended', endedOn: '2024-01-01', lastEntryOn: null })).toMatchObject({ status: 'review' });
  });
});

/** A rule as a schedule spells it, for building schedules the tests change. */
function seedRuleLike(id: string, recordClass: string, trigger: string, years: number | null): SeedRule {
  return { id, recordClass, description: 'A local rule.', trigger, years, deathRule: null, minimum: false, basis: 'local-practice', verified: true, source: 'Local policy', notes: '' };
}

describe('checking a schedule before it is published', () => {
  const base = (): RuleInput[] => seed.map((r) => ({ ...r }));
  const problemsOf = (edit: (rs: RuleInput[]) => void) => {
    const rs = base();
    edit(rs);
    return scheduleProblems(rs.map((r) => ruleFromInput(r)));
  };
  const lac = (rs: SeedRule[]) => rs.findIndex((r) => r.id === 'lac-case-record');

  it('refuses a negative, zero, fractional or absurd period, naming the field', () => {
    const i = lac(seed);
    for (const years of [-5, 0, 2.5, RETENTION_YEARS_MAX + 1, 10_000]) {
      const problems = problemsOf((rs) => void (rs[i] = { ...rs[i]!, years }));
      expect(problems.map((p) => p.field), String(years)).toEqual([`rules.${i}.years`]);
    }
    const death = problemsOf((rs) => void (rs[i] = { ...rs[i]!, deathRule: { condition: 'childDiesBeforeAge18', trigger: 'dateOfDeath', years: -15 } }));
    expect(death.map((p) => p.field)).toEqual([`rules.${i}.deathRule.years`]);
    expect(problemsOf((rs) => void (rs[i] = { ...rs[i]!, years: RETENTION_YEARS_MAX }))).toEqual([]);
    expect(problemsOf((rs) => void (rs[i] = { ...rs[i]!, years: RETENTION_YEARS_MIN }))).toEqual([]);
  });

  it('refuses a trigger that cannot start the clock of that kind of record', () => {
    const i = lac(seed);
    // A child's label is not recomputed on every entry, so "last entry" cannot start a child rule.
    expect(problemsOf((rs) => void (rs[i] = { ...rs[i]!, trigger: 'lastEntry', appliesTo: 'child' })).map((p) => p.field)).toEqual([`rules.${i}.trigger`]);
    expect(problemsOf((rs) => void (rs[i] = { ...rs[i]!, trigger: 'approvalEnded', appliesTo: 'child' })).map((p) => p.field)).toEqual([`rules.${i}.trigger`]);
    // Said nowhere, a carer's trigger makes a carer's rule, and a carer's rule has no "died before 18" period.
    expect(problemsOf((rs) => void (rs[i] = { ...rs[i]!, trigger: 'approvalEnded' })).map((p) => p.field)).toEqual([`rules.${i}.deathRule`]);
    const f = seed.findIndex((r) => r.id === 'foster-carer-record');
    expect(problemsOf((rs) => void (rs[f] = { ...rs[f]!, trigger: 'dateOfBirth' })).map((p) => p.field)).toEqual([`rules.${f}.trigger`]);
  });

  it('refuses a trigger it does not know at all', () => {
    expect(() => ruleFromInput(seedRuleLike('x', 'child-in-need', 'birthday', 5))).toThrow(/unknown trigger birthday/);
    expect(() => rulesFromSeed([...seed, seedRuleLike('x', 'child-in-need', 'whenever', 5)])).toThrow(RangeError);
  });

  it('refuses a rule id twice, a death rule or condition on a carer’s rule, and a statutory minimum with no period', () => {
    const f = seed.findIndex((r) => r.id === 'foster-carer-record');
    const i = lac(seed);
    const problems = problemsOf((rs) => {
      rs.push({ ...rs[i]! });
      rs[f] = { ...rs[f]!, deathRule: { condition: 'childDiesBeforeAge18', trigger: 'dateOfDeath', years: 15 } };
    });
    expect(problems.map((p) => p.field)).toEqual([`rules.${f}.deathRule`, `rules.${seed.length}.id`]);
    const condition = scheduleProblems([...rules, { ...rule('foster-carer-record'), id: 'carer-with-condition', condition: 'adoption-order-before-2005-12-30' }]);
    expect(condition.map((p) => p.field)).toEqual([`rules.${rules.length}.condition`]);
    const statute = problemsOf((rs) => void (rs[f] = { ...rs[f]!, years: null }));
    expect(statute.map((p) => p.field)).toEqual([`rules.${f}.years`]);
  });

  it('refuses a schedule with no active rule for children’s records', () => {
    expect(scheduleProblems(rules.filter((r) => r.appliesTo !== 'child')).map((p) => p.field)).toEqual(['rules']);
    expect(scheduleProblems(rules.map((r) => ({ ...r, active: r.appliesTo !== 'child' }))).map((p) => p.field)).toEqual(['rules']);
  });
});

// --- Properties over random records under the seed schedule.

function dateIn(from: CalendarDate, to: CalendarDate): fc.Arbitrary<CalendarDate> {
  const uniform = fc.integer({ min: epochDay(from), max: epochDay(to) }).map(fromEpochDay);
  // Leap days are rare in a uniform draw; mix in those in range.
  const leapDays: CalendarDate[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) {
    const d = `${y}-02-29`;
    if (isCalendarDate(d) && d >= from && d <= to) leapDays.push(d);
  }
  return leapDays.length === 0 ? uniform : fc.oneof({ weight: 9, arbitrary: uniform }, { weight: 1, arbitrary: fc.constantFrom(...leapDays) });
}

const KIND_CLASSES = [...new Set(Object.values(RECORD_CLASS_FOR_INVOLVEMENT)), 'childrens-home', 'child-placed-by-voluntary-organisation-or-private-home', 'home-education'];
const TODAY = '2026-06-15';

interface Involvement {
  recordClass: string;
  start: CalendarDate;
  end: CalendarDate | null;
}

/** An involvement of some class starting on or after the birth, open or closed by today. */
function involvementFor(dob: CalendarDate): fc.Arbitrary<Involvement> {
  return fc
    .record({ recordClass: fc.constantFrom(...KIND_CLASSES), startAfter: fc.nat(epochDay(TODAY) - epochDay(dob)), length: fc.option(fc.nat(4000), { nil: null }) })
    .map(({ recordClass, startAfter, length }) => {
      const start = addDays(dob, startAfter);
      return { recordClass, start, end: length === null ? null : compareDates(addDays(start, length), TODAY) > 0 ? TODAY : addDays(start, length) };
    });
}

/** The classes a record holds from its involvements and court orders, as the database gathers them. */
function heldClasses(involvements: readonly Involvement[], orderClasses: readonly string[]): HeldClass[] {
  const held = new Map<string, HeldClass>();
  for (const i of involvements) {
    const was = held.get(i.recordClass);
    const closedOn = [was?.closedOn ?? null, i.end].filter((d): d is string => d !== null).sort().at(-1) ?? null;
    held.set(i.recordClass, { recordClass: i.recordClass, open: (was?.open ?? false) || i.end === null, closedOn });
  }
  for (const c of orderClasses) held.set(c, held.get(c) ?? { recordClass: c, open: false, closedOn: null });
  return [...held.values()];
}

const childCase = dateIn('1985-01-01', TODAY).chain((dob) =>
  fc.record({
    dob: fc.constant(dob),
    dod: fc.option(dateIn(dob, TODAY), { nil: null }),
    involvements: fc.array(involvementFor(dob), { maxLength: 5 }),
    extra: involvementFor(dob),
    adoptionOrderOn: fc.option(dateIn(dob, TODAY), { nil: null }),
    orderClasses: fc.subarray(['court-orders', 'secure-accommodation']),
  }),
);

function factsOf(c: { dob: CalendarDate; dod: CalendarDate | null; involvements: Involvement[]; adoptionOrderOn: CalendarDate | null; orderClasses: string[] }, extra: Involvement[] = []): ChildRetentionFacts {
  const orders = [...c.orderClasses, ...(c.adoptionOrderOn === null ? [] : ['adoption'])];
  return { dateOfBirth: c.dob, dateOfDeath: c.dod, classes: heldClasses([...c.involvements, ...extra], orders), adoptionOrderOn: c.adoptionOrderOn, lastEntryOn: null };
}

describe('properties of a child’s label', () => {
  it('never allows destruction on or before the day a rule’s clock starts', () => {
    fc.assert(
      fc.property(childCase, (c) => {
        const facts = factsOf(c);
        const label = childRetentionLabel(rules, facts);
        for (const a of label.applied) {
          if (a.outcome.state !== 'date') continue;
          const r = a.rule;
          const start =
            a.outcome.by === 'death-rule' ? facts.dateOfDeath
            : r.trigger === 'dateOfBirth' ? facts.dateOfBirth
            : r.trigger === 'adoptionOrder' ? facts.adoptionOrderOn
            : facts.classes.find((h) => h.recordClass === r.recordClass)?.closedOn ?? null;
          expect(start, r.id).not.toBeNull();
          expect(compareDates(a.outcome.date, start as string), r.id).toBeGreaterThan(0);
          expect(compareDates(a.outcome.date, facts.dateOfBirth), r.id).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('gives a date exactly when every applicable rule has one, the latest of them, from the rules named', () => {
    fc.assert(
      fc.property(childCase, (c) => {
        const label = childRetentionLabel(rules, factsOf(c));
        const dates = label.applied.map((a) => (a.outcome.state === 'date' ? a.outcome.date : null));
        expect(label.destructionDate !== null).toBe(label.status === 'determined');
        expect(label.status === 'no-rule').toBe(label.applied.length === 0);
        if (label.status === 'determined') {
          expect(dates).not.toContain(null);
          expect(label.destructionDate).toBe([...dates].sort().at(-1));
          expect(label.ruleIds.length).toBeGreaterThan(0);
          expect(label.ruleIds).toEqual(label.applied.filter((_, i) => dates[i] === label.destructionDate).map((a) => a.rule.id));
        } else {
          expect(label.ruleIds).toEqual([]);
        }
        expect(label.applied.every((a) => a.rule.active && a.rule.appliesTo === 'child')).toBe(true);
      }),
    );
  });

  it('never moves a date earlier when an involvement is added', () => {
    fc.assert(
      fc.property(childCase, (c) => {
        const before = childRetentionLabel(rules, factsOf(c));
        const after = childRetentionLabel(rules, factsOf(c, [c.extra]));
        if (before.status === 'determined' && after.status === 'determined') expect(compareDates(after.destructionDate as string, before.destructionDate as string)).toBeGreaterThanOrEqual(0);
        // Every rule that applied still applies, except the one for a child never looked after.
        const lost = before.applied.map((a) => a.rule.id).filter((id) => !after.applied.some((a) => a.rule.id === id));
        expect(lost.filter((id) => id !== 'adoption-record-no-order-child-not-looked-after')).toEqual([]);
      }),
    );
  });

  it('never moves a date earlier when a schedule lengthens a period', () => {
    const lengthenable = rules.filter((r) => r.years !== null && r.years < RETENTION_YEARS_MAX);
    fc.assert(
      fc.property(childCase, fc.constantFrom(...lengthenable.map((r) => r.id)), fc.integer({ min: 1, max: 50 }), (c, id, more) => {
        const longer = rules.map((r) => (r.id === id && r.years !== null ? { ...r, years: Math.min(RETENTION_YEARS_MAX, r.years + more) } : r));
        const before = childRetentionLabel(rules, factsOf(c));
        const after = childRetentionLabel(longer, factsOf(c));
        expect(after.status).toBe(before.status);
        if (before.status === 'determined') expect(compareDates(after.destructionDate as string, before.destructionDate as string)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('replaces the period of every rule with a "died before 18" rule when the child died under 18', () => {
    fc.assert(
      fc.property(childCase, (c) => {
        const facts = factsOf(c);
        const label = childRetentionLabel(rules, facts);
        const young = facts.dateOfDeath !== null && diedBeforeAge18(facts.dateOfBirth, facts.dateOfDeath);
        for (const a of label.applied) {
          if (a.rule.deathRule === null) expect(a.outcome.state === 'date' ? a.outcome.by : 'rule').toBe('rule');
          else if (young) expect(a.outcome).toEqual({ state: 'date', date: anniversary(facts.dateOfDeath as string, a.rule.deathRule.years), by: 'death-rule' });
        }
      }),
    );
  });
});
