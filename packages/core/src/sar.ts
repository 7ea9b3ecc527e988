import type { WorkingDayCalendar } from './calendar.js';
import { addDays, addMonths, compareDates, epochDay, fromEpochDay, isCalendarDate, type CalendarDate } from './dates.js';

/**
 * Subject access requests (UK GDPR Art 12 and 15, DPA 2018; REGULATIONS.md section 5) and
 * court-ordered disclosure: who may ask, the deadline, and the exemptions a redaction may
 * rest on. Pure: the server stores the request and its events and asks this module for
 * the due date each time one of them changes.
 */

export const SAR_KINDS = ['subject-access', 'care-leaver', 'court-order'] as const;
export type SarKind = (typeof SAR_KINDS)[number];

/** REGULATIONS 5.3: the child (any age, if competent), a parent with PR acting for them, a representative, an adult care leaver. */
export const SAR_RELATIONSHIPS = ['the-child', 'parent-with-parental-responsibility', 'representative', 'care-leaver'] as const;
export type SarRelationship = (typeof SAR_RELATIONSHIPS)[number];

/** Which relationships each kind of request may be made under (a court order has none: the court asks). */
export const RELATIONSHIPS_FOR_KIND: Readonly<Record<SarKind, readonly SarRelationship[]>> = {
  'subject-access': ['the-child', 'parent-with-parental-responsibility', 'representative'],
  'care-leaver': ['care-leaver', 'representative'],
  'court-order': [],
};

/** Someone asking on the child's behalf must show their authority (REGULATIONS 5.3; ICO). */
export function needsAuthorityEvidence(relationship: SarRelationship | null): boolean {
  return relationship === 'parent-with-parental-responsibility' || relationship === 'representative';
}

/** How the requester's identity was checked (ICO: proportionate; a child known to their worker needs no documents). */
export const SAR_IDENTITY_METHODS = ['seen-in-person', 'documents-checked', 'known-to-the-service', 'confirmed-by-representative'] as const;
export type SarIdentityMethod = (typeof SAR_IDENTITY_METHODS)[number];

export const SAR_STATUSES = ['open', 'paused', 'approved', 'disclosed', 'refused'] as const;
export type SarStatus = (typeof SAR_STATUSES)[number];
/** Statuses in which a request is still being answered (and so blocks the record's disposal). */
export const SAR_ACTIVE_STATUSES: readonly SarStatus[] = ['open', 'paused', 'approved'];

/** Data (Use and Access) Act 2025, new Art 12A: the clock stops while waiting for these. */
export const SAR_PAUSE_REASONS = ['awaiting-id', 'awaiting-clarification'] as const;
export type SarPauseReason = (typeof SAR_PAUSE_REASONS)[number];

/** UK GDPR Art 12(3): up to two further months, three in all from receipt. */
export const SAR_MAX_EXTENSION_MONTHS = 2;

/** Art 12(5): the only grounds for refusing a request outright. */
export const SAR_REFUSAL_GROUNDS = ['manifestly-unfounded', 'manifestly-excessive'] as const;
export type SarRefusalGround = (typeof SAR_REFUSAL_GROUNDS)[number];

/**
 * The exemptions a redaction may rest on (REGULATIONS 5.2), each with its source, printed
 * on the redaction schedule so the requester is told why (care leavers: "explain every
 * redaction", DfE transition guidance Vol 3 para 4.28).
 */
export const SAR_EXEMPTIONS = {
  'third-party': { label: 'Information identifying another person', source: 'DPA 2018 Sch 2 Pt 3 para 16' },
  'serious-harm': { label: 'Likely to cause serious harm to physical or mental health', source: 'DPA 2018 Sch 3 Pt 3 paras 7(2) and 11' },
  'court-material': { label: 'Social work data supplied to or processed by a court', source: 'DPA 2018 Sch 3 Pt 3 para 9' },
  'expectations-and-wishes': { label: 'Given in the expectation it would not be disclosed to the person asking', source: 'DPA 2018 Sch 3 Pt 3 para 10' },
  'child-abuse-data': { label: 'Child abuse data not in the child’s best interests to disclose', source: 'DPA 2018 Sch 3 Pt 5' },
  crime: { label: 'Prevention or detection of crime', source: 'DPA 2018 Sch 2 Pt 1 para 2' },
  'legal-privilege': { label: 'Legal professional privilege', source: 'DPA 2018 Sch 2 Pt 4 para 19' },
  negotiations: { label: 'Negotiations with the requester', source: 'DPA 2018 Sch 2 Pt 4 para 23' },
  'confidential-reference': { label: 'Confidential reference', source: 'DPA 2018 Sch 2 Pt 4 para 24' },
} as const satisfies Record<string, { label: string; source: string }>;
export type SarExemption = keyof typeof SAR_EXEMPTIONS;
export const SAR_EXEMPTION_CODES = Object.keys(SAR_EXEMPTIONS) as SarExemption[];

/**
 * Whether an exemption can apply to a request made under this relationship. Paras 10
 * (expectations and wishes) and Sch 3 Pt 5 (child abuse data) exist only where someone
 * with parental responsibility, or appointed by a court, asks on the child's behalf.
 */
export function exemptionApplies(exemption: SarExemption, relationship: SarRelationship | null): boolean {
  if (exemption === 'expectations-and-wishes' || exemption === 'child-abuse-data') return needsAuthorityEvidence(relationship);
  return true;
}

/** A stretch during which the clock was stopped: asked for ID or clarification on `from`, had it on `to`. */
export interface SarPause {
  from: CalendarDate;
  to: CalendarDate;
}

export interface SarClock {
  /** Closed pauses. Overlapping ones count once. */
  pauses?: readonly SarPause[];
  /** Further days the clock was stopped, when only the total is known. */
  pausedDays?: number;
  /** 0, 1 or 2 further months (Art 12(3)). */
  extensionMonths?: number;
}

/** Calendar days on which the clock was stopped: the union of the pauses, each `to − from` days. */
export function pausedDaysOf(receivedOn: CalendarDate, pauses: readonly SarPause[]): number {
  const spans = pauses.map((p, i) => {
    if (!isCalendarDate(p.from) || !isCalendarDate(p.to)) throw new RangeError(`pause ${i} has no valid dates`);
    if (compareDates(p.to, p.from) < 0) throw new RangeError(`pause ${i} ends before it starts`);
    if (compareDates(p.from, receivedOn) < 0) throw new RangeError(`pause ${i} starts before the request was received`);
    return [epochDay(p.from), epochDay(p.to)] as const;
  });
  spans.sort((a, b) => a[0] - b[0]);
  let days = 0;
  let reach = -Infinity;
  for (const [from, to] of spans) {
    const start = Math.max(from, reach);
    if (to > start) days += to - start;
    reach = Math.max(reach, to);
  }
  return days;
}

/** The date itself if a working day, else the next working day. */
export function onOrNextWorkingDay(date: CalendarDate, calendar: WorkingDayCalendar): CalendarDate {
  let day = epochDay(date);
  while (!calendar.isWorkingDay(fromEpochDay(day))) day += 1;
  return fromEpochDay(day);
}

/**
 * When a subject access request must be answered (REGULATIONS 5.1; ICO "What should we
 * consider when responding to a request?"): the same date in the month after receipt (or
 * three months with the full extension); if that date does not exist, the last day of
 * that month (31 January → 28 or 29 February; 31 March → 30 April); moved on by each day
 * the clock was stopped awaiting ID or clarification (Art 12A); and, if it then falls on
 * a weekend or bank holiday, the next working day.
 *
 * The pause is added after the month is counted: Art 12A says the period "does not run"
 * while paused, so the days it stood still are added to the end of it.
 */
export function sarDueDate(receivedOn: CalendarDate, calendar: WorkingDayCalendar, clock: SarClock = {}): CalendarDate {
  if (!isCalendarDate(receivedOn)) throw new RangeError(`receivedOn must be a calendar date, got ${receivedOn}`);
  const extension = clock.extensionMonths ?? 0;
  if (!Number.isInteger(extension) || extension < 0 || extension > SAR_MAX_EXTENSION_MONTHS) {
    throw new RangeError(`extensionMonths must be 0 to ${SAR_MAX_EXTENSION_MONTHS}, got ${extension}`);
  }
  const extra = clock.pausedDays ?? 0;
  if (!Number.isInteger(extra) || extra < 0) throw new RangeError(`pausedDays must be a whole number of days, got ${extra}`);
  const paused = pausedDaysOf(receivedOn, clock.pauses ?? []) + extra;
  // dates.addMonths keeps the day where it exists and otherwise takes the month's last: the ICO rule.
  return onOrNextWorkingDay(addDays(addMonths(receivedOn, 1 + extension), paused), calendar);
}

/**
 * The end of the first month (no extension), by which an extension must be decided and
 * the requester told (Art 12(3): "within one month of receipt of the request").
 */
export function sarFirstMonthEnds(receivedOn: CalendarDate, calendar: WorkingDayCalendar, clock: Omit<SarClock, 'extensionMonths'> = {}): CalendarDate {
  return sarDueDate(receivedOn, calendar, { ...clock, extensionMonths: 0 });
}
