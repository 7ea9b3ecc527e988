import { Temporal } from 'temporal-polyfill';

/**
 * Calendar dates (dates of birth, death, involvement starts) are kept as `YYYY-MM-DD`
 * strings end to end: a JavaScript Date at UTC midnight shifts a birthday by a day in
 * any zone west of Greenwich, and the database drivers would do exactly that.
 * Arithmetic on them works in whole days from 1970-01-01 (cheap enough to run for every
 * child on a worklist); Temporal is kept for the one thing that needs a time zone.
 */
export type CalendarDate = string;

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function parts(date: CalendarDate): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for a real calendar date, 2024-02-29 yes, 2023-02-30 no, in the years 1800–2999 a record can hold. */
export function isCalendarDate(value: string): boolean {
  const m = SHAPE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1800 || y > 2999 || mo < 1 || mo > 12) return false;
  return d >= 1 && d <= daysInMonth(y, mo);
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  // ISO dates of the same shape sort lexically.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Days since 1970-01-01. */
export function epochDay(date: CalendarDate): number {
  const [y, m, d] = parts(date);
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function fromEpochDay(day: number): CalendarDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 1 Monday … 7 Sunday, as ISO 8601 counts. */
export function dayOfWeek(date: CalendarDate): number {
  return ((epochDay(date) + 3) % 7 + 7) % 7 + 1;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromEpochDay(epochDay(date) + days);
}

/** Whole months later (or earlier), the day kept where it exists: 31 January + 1 month is 28 or 29 February. */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, daysInMonth(year, month))).padStart(2, '0')}`;
}

export function addYears(date: CalendarDate, years: number): CalendarDate {
  return addMonths(date, years * 12);
}

/** Whole years of age on `on` (a child born 2010-02-28 is 16 on 2026-02-28). */
export function ageOn(dateOfBirth: CalendarDate, on: CalendarDate): number {
  const [by, bm, bd] = parts(dateOfBirth);
  const [y, m, d] = parts(on);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The instant a London calendar day begins (00:00 Europe/London, GMT or BST). */
export function londonStartOfDay(date: CalendarDate): Date {
  const instant = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: 'Europe/London' }).toInstant();
  return new Date(instant.epochMilliseconds);
}
