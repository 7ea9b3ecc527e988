import type { WorkingDayCalendar } from './calendar.js';
import { addDays, addMonths, ageOn, compareDates, type CalendarDate } from './dates.js';

/**
 * When the next statutory visit, looked-after review, health assessment and PEP review
 * fall due for a looked-after child, each with the rule it comes from (summarised in
 * shared/domain/REGULATIONS.md §4). Every date returned is the last day on which the
 * thing is still on time.
 */
export type TimescaleItem = 'statutory-visit' | 'review' | 'health-assessment' | 'pep-review';
export type TimescaleStatus = 'overdue' | 'due-soon' | 'upcoming';

export interface Timescale {
  item: TimescaleItem;
  dueBy: CalendarDate;
  status: TimescaleStatus;
  /** The last time it happened (null if never since it became due). */
  last: CalendarDate | null;
  rule: string;
  explanation: string;
}

export interface Placement {
  start: CalendarDate;
  /** The plan is for the child to stay until 18 (CPPCR reg 28(2)(b)). */
  longTerm: boolean;
}

export interface TimescaleInput {
  today: CalendarDate;
  dateOfBirth: CalendarDate;
  /** Start of the current looked-after episode, or null if not looked after now. */
  lookedAfterSince: CalendarDate | null;
  /** The current placement (latest placement plan), if recorded. */
  placement: Placement | null;
  /** Dates of final statutory visits, reviews, health assessments and PEP meetings (any order). */
  statutoryVisits: CalendarDate[];
  reviews: CalendarDate[];
  healthAssessments: CalendarDate[];
  peps: CalendarDate[];
}

export const DUE_SOON_DAYS = 14;

const plus = (date: CalendarDate, d: { days?: number; months?: number; years?: number }) =>
  addMonths(addDays(date, d.days ?? 0), (d.months ?? 0) + (d.years ?? 0) * 12);
const latest = (dates: CalendarDate[], onOrAfter?: CalendarDate) =>
  dates.filter((d) => onOrAfter === undefined || compareDates(d, onOrAfter) >= 0).sort().at(-1) ?? null;

function status(dueBy: CalendarDate, today: CalendarDate): TimescaleStatus {
  if (compareDates(dueBy, today) < 0) return 'overdue';
  return compareDates(dueBy, plus(today, { days: DUE_SOON_DAYS })) <= 0 ? 'due-soon' : 'upcoming';
}

/** CPPCR 2010 reg 28(2): within a week of the placement; then at most 6-weekly in its first year; after that at most 3-monthly if the placement is to last until 18, otherwise 6-weekly. */
export function nextStatutoryVisit(input: TimescaleInput): Omit<Timescale, 'status'> | null {
  const start = input.placement?.start ?? input.lookedAfterSince;
  if (start === null || input.lookedAfterSince === null) return null;
  const last = latest(input.statutoryVisits, start);
  if (last === null) {
    return { item: 'statutory-visit', dueBy: plus(start, { days: 7 }), last: null, rule: 'CPPCR 2010 reg 28(2)(a)', explanation: 'First visit within one week of the start of the placement.' };
  }
  const sixWeeks = plus(last, { days: 42 });
  const firstYearEnds = plus(start, { years: 1 });
  if (compareDates(sixWeeks, firstYearEnds) <= 0 || input.placement?.longTerm !== true) {
    const inFirstYear = compareDates(sixWeeks, firstYearEnds) <= 0;
    return {
      item: 'statutory-visit',
      dueBy: sixWeeks,
      last,
      rule: inFirstYear ? 'CPPCR 2010 reg 28(2)(b)(i)' : 'CPPCR 2010 reg 28(2)(b)(ii)',
      explanation: inFirstYear ? 'At intervals of not more than six weeks in the first year of the placement.' : 'At intervals of not more than six weeks: the placement is not planned to last until 18.',
    };
  }
  return {
    item: 'statutory-visit',
    dueBy: plus(last, { months: 3 }),
    last,
    rule: 'CPPCR 2010 reg 28(2)(b)(ii)',
    explanation: 'At intervals of not more than three months after the first year of a placement planned to last until 18.',
  };
}

/** CPPCR 2010 reg 33: first review within 20 working days of becoming looked after; the second within 3 months of the first; then at most 6 months apart. */
export function nextReview(input: TimescaleInput, calendar: WorkingDayCalendar): Omit<Timescale, 'status'> | null {
  const since = input.lookedAfterSince;
  if (since === null) return null;
  const held = input.reviews.filter((d) => compareDates(d, since) >= 0).sort();
  const last = held.at(-1) ?? null;
  if (held.length === 0) {
    return { item: 'review', dueBy: calendar.addWorkingDays(since, 20), last: null, rule: 'CPPCR 2010 reg 33(1)', explanation: 'First review within 20 working days of the child becoming looked after.' };
  }
  if (held.length === 1 && last !== null) {
    return { item: 'review', dueBy: plus(last, { months: 3 }), last, rule: 'CPPCR 2010 reg 33(2)(a)', explanation: 'Second review no more than three months after the first.' };
  }
  return { item: 'review', dueBy: plus(last ?? since, { months: 6 }), last, rule: 'CPPCR 2010 reg 33(2)(b)', explanation: 'Later reviews no more than six months apart.' };
}

/**
 * CPPCR 2010 reg 7 and the statutory guidance "Promoting the health and wellbeing of
 * looked-after children" (2015): an initial assessment in time for the first review
 * (one done in the three months before the child became looked after counts); then at
 * least every six months before the fifth birthday and every twelve months from it
 * (we use the child's age on the day of the last assessment).
 */
export function nextHealthAssessment(input: TimescaleInput, calendar: WorkingDayCalendar): Omit<Timescale, 'status'> | null {
  const since = input.lookedAfterSince;
  if (since === null) return null;
  const last = latest(input.healthAssessments, plus(since, { months: -3 }));
  if (last === null) {
    return { item: 'health-assessment', dueBy: calendar.addWorkingDays(since, 20), last: null, rule: 'CPPCR 2010 reg 7(1)', explanation: 'Initial health assessment in time to inform the first review (20 working days).' };
  }
  const underFive = ageOn(input.dateOfBirth, last) < 5;
  return {
    item: 'health-assessment',
    dueBy: plus(last, { months: underFive ? 6 : 12 }),
    last,
    rule: 'CPPCR 2010 reg 7(2)',
    explanation: underFive ? 'Review health assessment at least every six months before the fifth birthday.' : 'Review health assessment at least every twelve months from age five.',
  };
}

/** School terms as Safekeep counts them: autumn 1 Sep–31 Dec, spring 1 Jan–31 Mar, summer 1 Apr–31 Jul. */
export function termOf(date: CalendarDate): { name: 'autumn' | 'spring' | 'summer' | 'holiday'; start: CalendarDate; end: CalendarDate } {
  const y = date.slice(0, 4);
  const m = Number(date.slice(5, 7));
  if (m >= 9) return { name: 'autumn', start: `${y}-09-01`, end: `${y}-12-31` };
  if (m <= 3) return { name: 'spring', start: `${y}-01-01`, end: `${y}-03-31` };
  if (m <= 7) return { name: 'summer', start: `${y}-04-01`, end: `${y}-07-31` };
  return { name: 'holiday', start: `${y}-08-01`, end: `${y}-08-31` };
}

/**
 * "Promoting the education of looked-after children" (DfE statutory guidance, 2018):
 * the PEP is reviewed every school term. For children aged 4 to 17: due by the end of
 * the current term unless a PEP meeting has been held in it (in August, by the end of
 * the autumn term).
 */
export function nextPepReview(input: TimescaleInput): Omit<Timescale, 'status'> | null {
  if (input.lookedAfterSince === null) return null;
  const age = ageOn(input.dateOfBirth, input.today);
  if (age < 4 || age >= 18) return null;
  let term = termOf(input.today);
  if (term.name === 'holiday') term = termOf(`${input.today.slice(0, 4)}-09-01`);
  const last = latest(input.peps);
  const heldThisTerm = last !== null && compareDates(last, term.start) >= 0;
  const dueTerm = heldThisTerm ? termOf(nextTermStart(term.end)) : term;
  return {
    item: 'pep-review',
    dueBy: dueTerm.end,
    last,
    rule: 'Promoting the education of looked-after children (DfE, 2018)',
    explanation: heldThisTerm ? `Reviewed this term; next by the end of the ${dueTerm.name} term.` : `Reviewed every term: due by the end of the ${dueTerm.name} term.`,
  };
}

function nextTermStart(termEnd: CalendarDate): CalendarDate {
  const next = plus(termEnd, { days: 1 });
  return termOf(next).name === 'holiday' ? `${next.slice(0, 4)}-09-01` : next;
}

export function statutoryTimescales(input: TimescaleInput, calendar: WorkingDayCalendar): Timescale[] {
  const items = [nextStatutoryVisit(input), nextReview(input, calendar), nextHealthAssessment(input, calendar), nextPepReview(input)];
  return items.filter((t): t is Omit<Timescale, 'status'> => t !== null).map((t) => ({ ...t, status: status(t.dueBy, input.today) }));
}
