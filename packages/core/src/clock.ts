/** Time is injected: services ask a Clock, tests pin one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests and for replaying history (the demo seed): it moves only when told. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string) {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  set(to: Date | string): void {
    this.#ms = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

/** Working-day arithmetic and "today" run in Europe/London (API.md, Conventions). */
export const LONDON = 'Europe/London';

const LONDON_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: LONDON, year: 'numeric', month: '2-digit', day: '2-digit' });

const HOUR_MS = 3_600_000;
/** Before standard time (1847) London kept local mean time, 75 seconds behind: no cache there. */
const STANDARD_TIME_MS = Date.UTC(1848, 0, 1);
let cachedHour = NaN;
let cachedDate = '';

/**
 * The calendar date (YYYY-MM-DD) in London at the given instant. London is UTC+0 or +1,
 * so its midnight always falls on a whole UTC hour and the date is the same for a whole
 * UTC hour: the last hour's answer is kept (every request asks, several times).
 */
export function londonDate(instant: Date): string {
  const hour = Math.floor(instant.getTime() / HOUR_MS);
  if (hour !== cachedHour) {
    if (Number.isNaN(hour) || instant.getTime() < STANDARD_TIME_MS) return LONDON_DAY.format(instant); // NaN throws RangeError, as before
    cachedDate = LONDON_DAY.format(instant);
    cachedHour = hour;
  }
  return cachedDate;
}
