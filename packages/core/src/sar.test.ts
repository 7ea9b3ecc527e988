import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holidaysFromGovUk, WorkingDayCalendar, type GovUkBankHolidays } from './calendar.js';
import { addDays, addMonths, dayOfWeek, epochDay } from './dates.js';
import { exemptionApplies, pausedDaysOf, sarDueDate, sarFirstMonthEnds, SAR_EXEMPTION_CODES } from './sar.js';

// GOV.UK bank holidays as shipped (OGL v3.0), as calendar.test.ts loads them.
const govuk = JSON.parse(readFileSync(fileURLToPath(new URL('../../server/data/bank-holidays.json', import.meta.url)), 'utf8')) as GovUkBankHolidays;
const england = new WorkingDayCalendar(holidaysFromGovUk(govuk).filter((h) => h.region === 'england-and-wales').map((h) => h.date));

describe('subject access deadline: one calendar month (ICO rule)', () => {
  it.each([
    // The same date next month, on a working day.
    ['2026-03-10', '2026-04-10'],
    // 31 January: no 31 February, so the last day of February (Saturday 28 Feb 2026) → Monday 2 March.
    ['2026-01-31', '2026-03-02'],
    // A leap year: 29 February 2028 is a Tuesday.
    ['2028-01-31', '2028-02-29'],
    ['2028-01-29', '2028-02-29'],
    // 31 March → 30 April (Thursday).
    ['2026-03-31', '2026-04-30'],
    // 3 April 2026 is Good Friday, then the weekend and Easter Monday 6 April → Tuesday 7 April.
    ['2026-03-03', '2026-04-07'],
    // 25 May 2026 is the spring bank holiday → Tuesday 26 May.
    ['2026-04-25', '2026-05-26'],
    // Christmas 2026: Friday 25, weekend, Monday 28 (Boxing Day substitute) → Tuesday 29 December.
    ['2026-11-25', '2026-12-29'],
    // Received on a Saturday: the clock still starts that day.
    ['2026-06-13', '2026-07-13'],
  ])('received %s → due %s', (received, due) => {
    expect(sarDueDate(received, england)).toBe(due);
  });

  it('adds up to two months for an extension, counted from receipt by the same rule', () => {
    expect(sarDueDate('2026-01-31', england, { extensionMonths: 1 })).toBe('2026-03-31');
    // Three months from 31 January is 30 April (no 31 April).
    expect(sarDueDate('2026-01-31', england, { extensionMonths: 2 })).toBe('2026-04-30');
    expect(() => sarDueDate('2026-01-31', england, { extensionMonths: 3 })).toThrow(RangeError);
    expect(() => sarDueDate('2026-01-31', england, { extensionMonths: 1.5 })).toThrow(RangeError);
  });

  it('stops the clock while waiting for ID or clarification (Art 12A)', () => {
    // Asked for ID on the day of receipt, had it ten days later: 2 April + 10 = Sunday 12 April → Monday 13 April.
    expect(sarDueDate('2026-03-02', england, { pauses: [{ from: '2026-03-02', to: '2026-03-12' }] })).toBe('2026-04-13');
    expect(sarDueDate('2026-03-02', england, { pausedDays: 10 })).toBe('2026-04-13');
    // Two pauses add up; overlapping ones count once.
    expect(pausedDaysOf('2026-03-02', [{ from: '2026-03-02', to: '2026-03-05' }, { from: '2026-03-10', to: '2026-03-12' }])).toBe(5);
    expect(pausedDaysOf('2026-03-02', [{ from: '2026-03-02', to: '2026-03-10' }, { from: '2026-03-05', to: '2026-03-12' }])).toBe(10);
    // A pause ended the day it began stops nothing.
    expect(sarDueDate('2026-03-10', england, { pauses: [{ from: '2026-03-11', to: '2026-03-11' }] })).toBe('2026-04-10');
    expect(() => sarDueDate('2026-03-10', england, { pauses: [{ from: '2026-03-09', to: '2026-03-11' }] })).toThrow(/before the request was received/);
    expect(() => sarDueDate('2026-03-10', england, { pauses: [{ from: '2026-03-12', to: '2026-03-11' }] })).toThrow(/ends before it starts/);
  });

  it('gives the end of the first month, by which an extension must be told', () => {
    expect(sarFirstMonthEnds('2026-01-31', england)).toBe('2026-03-02');
    expect(sarFirstMonthEnds('2026-03-02', england, { pausedDays: 10 })).toBe('2026-04-13');
  });

  it('refuses a date that is not one', () => {
    expect(() => sarDueDate('2026-02-30', england)).toThrow(RangeError);
    expect(() => sarDueDate('31/01/2026', england)).toThrow(RangeError);
  });

  it('allows the parental exemptions only when someone asks on the child’s behalf', () => {
    expect(exemptionApplies('expectations-and-wishes', 'parent-with-parental-responsibility')).toBe(true);
    expect(exemptionApplies('child-abuse-data', 'representative')).toBe(true);
    expect(exemptionApplies('expectations-and-wishes', 'the-child')).toBe(false);
    expect(exemptionApplies('child-abuse-data', 'care-leaver')).toBe(false);
    expect(exemptionApplies('third-party', 'the-child')).toBe(true);
    expect(SAR_EXEMPTION_CODES).toContain('serious-harm');
  });
});

describe('subject access deadline (properties, real England and Wales holidays)', () => {
  const date = fc.date({ min: new Date('2012-01-01T00:00:00Z'), max: new Date('2028-08-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  const extension = fc.integer({ min: 0, max: 2 });
  const paused = fc.integer({ min: 0, max: 120 });

  it('is never sooner than 28 days after receipt, never later than the month(s) plus pauses plus a holiday run, and always a working day', () => {
    fc.assert(
      fc.property(date, extension, paused, (received, months, days) => {
        const due = sarDueDate(received, england, { extensionMonths: months, pausedDays: days });
        expect(epochDay(due) - epochDay(received)).toBeGreaterThanOrEqual(28 + days);
        // Christmas on a Saturday (2027) is the longest run of non-working days: four.
        expect(epochDay(due) - epochDay(addDays(addMonths(received, 1 + months), days))).toBeLessThanOrEqual(4);
        expect(england.isWorkingDay(due)).toBe(true);
        expect(dayOfWeek(due)).toBeLessThanOrEqual(5);
      }),
      { numRuns: 1000 },
    );
  });

  it('is monotone in the date of receipt: a later request is never due sooner', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 0, max: 40 }), extension, paused, (received, later, months, days) => {
        const clock = { extensionMonths: months, pausedDays: days };
        expect(sarDueDate(addDays(received, later), england, clock) >= sarDueDate(received, england, clock)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('never comes sooner for an extension or a pause', () => {
    fc.assert(
      fc.property(date, extension, extension, paused, paused, (received, a, b, p, q) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const [shortPause, longPause] = p <= q ? [p, q] : [q, p];
        expect(sarDueDate(received, england, { extensionMonths: hi, pausedDays: shortPause }) >= sarDueDate(received, england, { extensionMonths: lo, pausedDays: shortPause })).toBe(true);
        expect(sarDueDate(received, england, { extensionMonths: lo, pausedDays: longPause }) >= sarDueDate(received, england, { extensionMonths: lo, pausedDays: shortPause })).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('counts pauses given as dates the same as their total in days, when they do not overlap', () => {
    fc.assert(
      fc.property(date, fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 15 })), { maxLength: 4 }), (received, gaps) => {
        let at = received;
        const pauses = gaps.map(([gap, length]) => {
          const from = addDays(at, gap);
          at = addDays(from, length);
          return { from, to: at };
        });
        const total = gaps.reduce((s, [, length]) => s + length, 0);
        expect(sarDueDate(received, england, { pauses })).toBe(sarDueDate(received, england, { pausedDays: total }));
      }),
      { numRuns: 500 },
    );
  });
});
