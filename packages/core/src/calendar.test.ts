import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { holidaysFromGovUk, WorkingDayCalendar, type GovUkBankHolidays } from './calendar.js';
import { endOfLondonDay, recordingDueBy, recordingState } from './deadlines.js';
import { londonDate } from './clock.js';

// GOV.UK bank holidays as shipped (OGL v3.0): packages/server/data/README.md.
const govuk = JSON.parse(readFileSync(fileURLToPath(new URL('../../server/data/bank-holidays.json', import.meta.url)), 'utf8')) as GovUkBankHolidays;
const holidays = holidaysFromGovUk(govuk);
const calendarFor = (region: string) => new WorkingDayCalendar(holidays.filter((h) => h.region === region).map((h) => h.date));
const england = calendarFor('england-and-wales');
const scotland = calendarFor('scotland');

describe('working days (GOV.UK data)', () => {
  it('knows every published England and Wales holiday is not a working day', () => {
    for (const h of holidays.filter((x) => x.region === 'england-and-wales')) expect(england.isWorkingDay(h.date), h.date).toBe(false);
    expect(england.knownUntilYear).toBe(2028);
  });

  it.each([
    // Christmas 2026: Fri 25 holiday, weekend, Mon 28 Boxing Day substitute → Tue 29.
    ['2026-12-24', 1, '2026-12-29'],
    // Easter 2026: Good Friday 3 April, Easter Monday 6 April.
    ['2026-04-02', 1, '2026-04-07'],
    // 2027: both Christmas and Boxing Day on a weekend, substitutes 27 and 28 December.
    ['2027-12-24', 1, '2027-12-29'],
    // Five working days over the early May bank holiday 2026 (Mon 4 May).
    ['2026-04-30', 5, '2026-05-08'],
    // A one-off: the Coronation bank holiday, Monday 8 May 2023.
    ['2023-05-05', 1, '2023-05-09'],
  ])('the %s working day(s) after %s … lands on %s', (from, n, expected) => {
    expect(england.addWorkingDays(from, n)).toBe(expected);
  });

  it('differs by nation: St Andrew’s Day is a Scottish bank holiday only', () => {
    expect(scotland.isWorkingDay('2026-11-30')).toBe(false);
    expect(england.isWorkingDay('2026-11-30')).toBe(true);
    expect(scotland.addWorkingDays('2026-11-27', 1)).toBe('2026-12-01');
  });

  it('always lands on a working day, strictly after the start, with n working days in between (property)', () => {
    const date = fc.date({ min: new Date('2012-01-01T00:00:00Z'), max: new Date('2028-12-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 15 }), (from, n) => {
        const due = england.addWorkingDays(from, n);
        expect(england.isWorkingDay(due)).toBe(true);
        expect(due > from).toBe(true);
        expect(england.workingDaysBetween(from, due)).toBe(n);
      }),
      { numRuns: 500 },
    );
  });
});

describe('recording deadlines (R4)', () => {
  it('gives a statutory visit until 23:59 on the next working day, London time', () => {
    expect(recordingDueBy(new Date('2026-12-24T15:00:00Z'), 'statutory', england).toISOString()).toBe('2026-12-29T23:59:59.999Z');
    // British Summer Time: 23:59 in London is 22:59 UTC.
    expect(recordingDueBy(new Date('2026-04-02T10:00:00Z'), 'statutory', england).toISOString()).toBe('2026-04-07T22:59:59.999Z');
    // A visit at 00:30 on a Saturday in London (23:30 UTC on Friday) counts from Saturday.
    expect(recordingDueBy(new Date('2026-06-12T23:30:00Z'), 'statutory', england).toISOString()).toBe('2026-06-15T22:59:59.999Z');
  });

  it('gives any other visit or contact until the end of the fifth working day', () => {
    // Tue 22, Wed 23, Thu 24, (Christmas, weekend, Boxing Day substitute), Tue 29, Wed 30.
    expect(recordingDueBy(new Date('2026-12-21T10:00:00Z'), 'other', england).toISOString()).toBe('2026-12-30T23:59:59.999Z');
  });

  it('never falls before the visit and always ends a working day (property)', () => {
    const instant = fc.date({ min: new Date('2012-01-01T00:00:00Z'), max: new Date('2028-11-30T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, fc.constantFrom('statutory' as const, 'other' as const), (at, type) => {
        const due = recordingDueBy(at, type, england);
        expect(due.getTime()).toBeGreaterThan(at.getTime());
        const day = londonDate(due);
        expect(england.isWorkingDay(day)).toBe(true);
        expect(endOfLondonDay(day).getTime()).toBe(due.getTime());
        expect(england.workingDaysBetween(londonDate(at), day)).toBe(type === 'statutory' ? 1 : 5);
        // A later visit never has an earlier deadline.
        const later = new Date(at.getTime() + 86_400_000);
        expect(recordingDueBy(later, type, england).getTime()).toBeGreaterThanOrEqual(due.getTime());
      }),
      { numRuns: 500 },
    );
  });

  it('says late, on time, pending or overdue', () => {
    const due = new Date('2026-06-16T22:59:59.999Z');
    expect(recordingState(due, new Date('2026-06-16T20:00:00Z'), new Date('2026-06-20T00:00:00Z'))).toBe('on-time');
    expect(recordingState(due, new Date('2026-06-17T08:00:00Z'), new Date('2026-06-20T00:00:00Z'))).toBe('late');
    expect(recordingState(due, null, new Date('2026-06-16T12:00:00Z'))).toBe('pending');
    expect(recordingState(due, null, new Date('2026-06-17T00:00:00Z'))).toBe('overdue');
    expect(Temporal.Instant.from(due.toISOString()).toZonedDateTimeISO('Europe/London').toPlainTime().toString()).toBe('23:59:59.999');
  });
});
