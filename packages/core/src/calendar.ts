import { dayOfWeek, epochDay, fromEpochDay, type CalendarDate } from './dates.js';

/**
 * Working days for recording deadlines and statutory timescales: every day except
 * Saturday, Sunday and the bank and public holidays of the authority's part of the UK
 * (the FOIA 2000 s10(6) pattern that CPPCR 2010 reg 2 follows; Christmas Day and Good
 * Friday are in the GOV.UK list). The holidays come from GOV.UK's bank-holidays data,
 * shipped with Safekeep and updatable without a release.
 */
export const HOLIDAY_REGIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;
export type HolidayRegion = (typeof HOLIDAY_REGIONS)[number];

export class WorkingDayCalendar {
  readonly #holidays: ReadonlySet<string>;
  /** The last year the holiday list covers; beyond it only weekends are known. */
  readonly knownUntilYear: number;

  constructor(holidays: Iterable<CalendarDate>) {
    this.#holidays = new Set(holidays);
    this.knownUntilYear = Math.max(0, ...[...this.#holidays].map((d) => Number(d.slice(0, 4))));
  }

  isHoliday(date: CalendarDate): boolean {
    return this.#holidays.has(date);
  }

  isWorkingDay(date: CalendarDate): boolean {
    return dayOfWeek(date) <= 5 && !this.#holidays.has(date);
  }

  /** The n-th working day after `date` (not counting `date` itself); n ≥ 1. */
  addWorkingDays(date: CalendarDate, n: number): CalendarDate {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a whole number of at least 1');
    let day = epochDay(date);
    let left = n;
    while (left > 0) {
      day += 1;
      if (this.isWorkingDay(fromEpochDay(day))) left -= 1;
    }
    return fromEpochDay(day);
  }

  /** Working days strictly after `from` up to and including `to` (0 when `to` ≤ `from`). */
  workingDaysBetween(from: CalendarDate, to: CalendarDate): number {
    const end = epochDay(to);
    let count = 0;
    for (let day = epochDay(from) + 1; day <= end; day++) if (this.isWorkingDay(fromEpochDay(day))) count += 1;
    return count;
  }
}

/** GOV.UK's bank-holidays.json: `{ "england-and-wales": { division, events: [{ title, date, notes, bunting }] }, … }`. */
export interface GovUkBankHolidays {
  [division: string]: { division: string; events: Array<{ title: string; date: string; notes?: string; bunting?: boolean }> };
}

export interface Holiday {
  region: HolidayRegion;
  date: CalendarDate;
  title: string;
}

/** Reads GOV.UK's format, keeping the three divisions Safekeep knows. */
export function holidaysFromGovUk(data: GovUkBankHolidays): Holiday[] {
  const out: Holiday[] = [];
  for (const region of HOLIDAY_REGIONS) {
    for (const e of data[region]?.events ?? []) out.push({ region, date: e.date, title: e.title });
  }
  return out;
}
