import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { londonDate } from './clock.js';

const direct = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

describe('londonDate', () => {
  it('is the date in London, whatever instant came before it (the last hour is cached)', () => {
    fc.assert(
      fc.property(fc.array(fc.date({ min: new Date('1800-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true }), { minLength: 1, maxLength: 20 }), (instants) => {
        for (const at of instants) expect(londonDate(at)).toBe(direct.format(at));
      }),
      { numRuns: 500 },
    );
  });

  it('turns over at London midnight, in winter and in summer, also within one cached hour', () => {
    const cases: Array<[string, string]> = [
      ['2026-01-15T23:59:59.999Z', '2026-01-15'],
      ['2026-01-16T00:00:00.000Z', '2026-01-16'],
      ['2026-07-15T22:59:59.999Z', '2026-07-15'],
      ['2026-07-15T23:00:00.000Z', '2026-07-16'],
      ['2026-07-15T23:30:00.000Z', '2026-07-16'],
      ['2026-03-29T00:59:59.999Z', '2026-03-29'],
      ['2026-10-24T23:00:00.000Z', '2026-10-25'],
      ['2026-10-25T00:30:00.000Z', '2026-10-25'],
    ];
    for (const [at, day] of cases) expect(londonDate(new Date(at))).toBe(day);
  });

  it('refuses an invalid date as Intl does', () => {
    expect(() => londonDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});
