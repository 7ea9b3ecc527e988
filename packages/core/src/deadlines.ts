import { londonDate } from './clock.js';
import { addDays, londonStartOfDay } from './dates.js';
import type { WorkingDayCalendar } from './calendar.js';

/**
 * Recording deadlines (R4; the county council's "Case Records and Retention" procedure,
 * a local standard rather than statute): a statutory visit is recorded by the end of
 * the next working day after the visit day; every other visit or contact by the end of
 * the fifth working day after it. "End of the day" is 23:59:59.999 Europe/London.
 */
export const RECORDING_RULE = {
  statutory: { workingDays: 1, source: 'Case Records and Retention procedure §1: statutory visits recorded by the end of the next working day' },
  other: { workingDays: 5, source: 'Case Records and Retention procedure §1: other visits and contacts recorded by the end of the 5th working day' },
} as const;

export type VisitType = keyof typeof RECORDING_RULE;

/** The last instant of a London calendar day. */
export function endOfLondonDay(date: string): Date {
  return new Date(londonStartOfDay(addDays(date, 1)).getTime() - 1);
}

export function recordingDueBy(visitAt: Date, visitType: VisitType, calendar: WorkingDayCalendar): Date {
  const visitDay = londonDate(visitAt);
  return endOfLondonDay(calendar.addWorkingDays(visitDay, RECORDING_RULE[visitType].workingDays));
}

/** Late when finalised after the deadline; a draft not yet finalised is overdue once the deadline passes. */
export function recordingState(dueBy: Date, finalisedAt: Date | null, now: Date): 'on-time' | 'late' | 'pending' | 'overdue' {
  if (finalisedAt !== null) return finalisedAt.getTime() > dueBy.getTime() ? 'late' : 'on-time';
  return now.getTime() > dueBy.getTime() ? 'overdue' : 'pending';
}
