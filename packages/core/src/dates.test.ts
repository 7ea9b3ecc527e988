import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, ageOn, dayOfWeek, isCalendarDate, londonStartOfDay } from './dates.js';
import { londonDate } from './clock.js';

describe('calendar dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2023-02-30', false],
    ['2023-04-31', false],
    ['2023-13-01', false],
    ['2023-1-01', false],
    ['1900-02-29', false],
    ['2000-02-29', true],
    ['', false],
  ])('%s is a real date: %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it('counts age in whole years', () => {
    expect(ageOn('2010-02-28', '2026-02-27')).toBe(15);
    expect(ageOn('2010-02-28', '2026-02-28')).toBe(16);
  });

  it('adds days across months and leap years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
  });
});

describe('Europe/London days', () => {
  it('knows the London date either side of midnight in summer time', () => {
    expect(londonDate(new Date('2026-06-30T22:59:59Z'))).toBe('2026-06-30');
    expect(londonDate(new Date('2026-06-30T23:00:00Z'))).toBe('2026-07-01');
    expect(londonDate(new Date('2026-12-31T23:59:59Z'))).toBe('2026-12-31');
  });

  it('starts a London day at 00:00 local time, GMT or BST', () => {
    expect(londonStartOfDay('2026-01-15').toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(londonStartOfDay('2026-07-15').toISOString()).toBe('2026-07-14T23:00:00.000Z');
  });
});

describe('day arithmetic agrees with Temporal (property)', () => {
  const date = fc.integer({ min: -60_000, max: 60_000 }).map((n) => new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
  it('addDays, addMonths, dayOfWeek and ageOn', () => {
    fc.assert(
      fc.property(date, date, fc.integer({ min: -400, max: 400 }), fc.integer({ min: -60, max: 60 }), (a, b, days, months) => {
        const pa = Temporal.PlainDate.from(a);
        expect(addDays(a, days)).toBe(pa.add({ days }).toString());
        expect(addMonths(a, months)).toBe(pa.add({ months }).toString());
        expect(dayOfWeek(a)).toBe(pa.dayOfWeek);
        if (a <= b) expect(ageOn(a, b)).toBe(pa.until(Temporal.PlainDate.from(b), { largestUnit: 'years' }).years);
      }),
      { numRuns: 1000 },
    );
  });

  it('londonDate agrees with Temporal’s Europe/London zone', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }), (d) => {
        expect(londonDate(d)).toBe(Temporal.Instant.fromEpochMilliseconds(d.getTime()).toZonedDateTimeISO('Europe/London').toPlainDate().toString());
      }),
      { numRuns: 1000 },
    );
  });
});
