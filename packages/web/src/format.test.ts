import { describe, expect, it } from 'vitest';
import { formatDate, formatInstant, label } from './format';

describe('dates and times as GOV.UK writes them', () => {
  it('reads a calendar date as that date, whatever the time zone', () => {
    expect(formatDate('2014-03-31')).toBe('31 March 2014');
    expect(formatDate('2024-02-29')).toBe('29 February 2024');
    expect(formatDate(null)).toBe('');
  });

  it('shows an instant in UK time, summer time included', () => {
    expect(formatInstant('2026-06-15T10:00:00Z')).toBe('15 June 2026 at 11:00');
    expect(formatInstant('2026-12-01T23:30:00Z')).toBe('1 December 2026 at 23:30');
    // Late on a summer night in UTC is already the next day in London.
    expect(formatInstant('2026-07-31T23:30:00Z')).toBe('1 August 2026 at 00:30');
  });

  it('turns slugs into words', () => {
    expect(label('child-protection')).toBe('Child protection');
    expect(label('pep')).toBe('Personal education plan (PEP)');
    expect(label('looked-after-child')).toBe('Looked after child');
  });
});
