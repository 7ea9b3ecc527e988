import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkingDayCalendar } from './calendar.js';
import { nextHealthAssessment, nextPepReview, nextReview, nextStatutoryVisit, statutoryTimescales, termOf, type TimescaleInput } from './timescales.js';

const calendar = new WorkingDayCalendar(['2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']);
const base: TimescaleInput = {
  today: '2026-06-15',
  dateOfBirth: '2015-03-10',
  lookedAfterSince: '2026-05-01',
  placement: { start: '2026-05-01', longTerm: false },
  statutoryVisits: [],
  reviews: [],
  healthAssessments: [],
  peps: [],
};

describe('statutory visits (CPPCR 2010 reg 28)', () => {
  it('first within a week of the placement', () => {
    expect(nextStatutoryVisit(base)).toMatchObject({ dueBy: '2026-05-08', rule: 'CPPCR 2010 reg 28(2)(a)', last: null });
  });
  it('then every six weeks in the first year', () => {
    expect(nextStatutoryVisit({ ...base, statutoryVisits: ['2026-05-06', '2026-06-01'] })).toMatchObject({ dueBy: '2026-07-13', last: '2026-06-01' });
  });
  it('after the first year, three-monthly if the placement is to last until 18, else still six-weekly', () => {
    const later = { ...base, today: '2027-09-01', placement: { start: '2026-05-01', longTerm: true }, statutoryVisits: ['2027-08-20'] };
    expect(nextStatutoryVisit(later)).toMatchObject({ dueBy: '2027-11-20', rule: 'CPPCR 2010 reg 28(2)(b)(ii)' });
    expect(nextStatutoryVisit({ ...later, placement: { start: '2026-05-01', longTerm: false } })).toMatchObject({ dueBy: '2027-10-01' });
  });
  it('ignores visits before the current placement', () => {
    expect(nextStatutoryVisit({ ...base, statutoryVisits: ['2026-04-20'] })).toMatchObject({ dueBy: '2026-05-08', last: null });
  });
  it('does not apply to a child who is not looked after', () => {
    expect(statutoryTimescales({ ...base, lookedAfterSince: null }, calendar)).toEqual([]);
  });
});

describe('reviews (CPPCR 2010 reg 33)', () => {
  it('first within 20 working days (skipping the May bank holidays), second within 3 months, then 6-monthly', () => {
    // From Fri 1 May 2026: 20 working days, skipping Mon 4 May and Mon 25 May, end on Tue 2 June.
    expect(nextReview(base, calendar)).toMatchObject({ dueBy: '2026-06-02', rule: 'CPPCR 2010 reg 33(1)' });
    expect(nextReview({ ...base, reviews: ['2026-05-28'] }, calendar)).toMatchObject({ dueBy: '2026-08-28', rule: 'CPPCR 2010 reg 33(2)(a)' });
    expect(nextReview({ ...base, reviews: ['2026-05-28', '2026-08-20'] }, calendar)).toMatchObject({ dueBy: '2027-02-20', rule: 'CPPCR 2010 reg 33(2)(b)' });
  });
});

describe('health assessments (CPPCR 2010 reg 7)', () => {
  it('six-monthly under five, yearly from five, an assessment in the three months before care counting', () => {
    const toddler = { ...base, dateOfBirth: '2023-01-01' };
    expect(nextHealthAssessment(toddler, calendar)).toMatchObject({ dueBy: '2026-06-02', last: null });
    expect(nextHealthAssessment({ ...toddler, healthAssessments: ['2026-03-01'] }, calendar)).toMatchObject({ dueBy: '2026-09-01', last: '2026-03-01' });
    expect(nextHealthAssessment({ ...base, healthAssessments: ['2026-05-10'] }, calendar)).toMatchObject({ dueBy: '2027-05-10' });
    expect(nextHealthAssessment({ ...base, healthAssessments: ['2025-12-01'] }, calendar)).toMatchObject({ last: null });
  });
});

describe('PEP reviews (termly)', () => {
  it('due by the end of this term unless one was held in it', () => {
    expect(termOf('2026-06-15')).toMatchObject({ name: 'summer', end: '2026-07-31' });
    expect(nextPepReview(base)).toMatchObject({ dueBy: '2026-07-31' });
    expect(nextPepReview({ ...base, peps: ['2026-05-20'] })).toMatchObject({ dueBy: '2026-12-31' });
    expect(nextPepReview({ ...base, today: '2026-08-10' })).toMatchObject({ dueBy: '2026-12-31' });
    expect(nextPepReview({ ...base, dateOfBirth: '2024-01-01' })).toBeNull();
  });
});

describe('every timescale (property)', () => {
  it('is due on or after its last occurrence and carries a rule', () => {
    const day = fc.integer({ min: 0, max: 900 }).map((n) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.array(day, { maxLength: 6 }), fc.array(day, { maxLength: 4 }), fc.boolean(), (since, visits, reviews, longTerm) => {
        const input: TimescaleInput = { ...base, today: '2027-06-01', lookedAfterSince: since, placement: { start: since, longTerm }, statutoryVisits: visits, reviews, healthAssessments: visits.slice(0, 2), peps: reviews };
        for (const t of statutoryTimescales(input, calendar)) {
          expect(t.rule.length).toBeGreaterThan(5);
          if (t.last !== null) expect(t.dueBy > t.last).toBe(true);
          expect(['overdue', 'due-soon', 'upcoming']).toContain(t.status);
        }
      }),
      { numRuns: 300 },
    );
  });
});
