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

/** The calendar date (YYYY-MM-DD) in London at the given instant. */
export function londonDate(instant: Date): string {
  return LONDON_DAY.format(instant);
}
