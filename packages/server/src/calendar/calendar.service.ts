import { sql } from 'kysely';
import { HOLIDAY_REGIONS, invalid, isCalendarDate, londonStartOfDay, recordingDueBy, type FieldProblem, type GovUkBankHolidays, type Holiday, type HolidayRegion, type WorkingDayCalendar } from '@safekeep/core';
import { requireRole } from '../access/roles.js';
import type { Work } from '../db/work.js';
import { authoritySettings, holidaysOf, loadCalendar, replaceHolidays } from './calendar.repository.js';

/**
 * The authority's calendar: which nation's bank holidays it keeps, and GOV.UK's list of
 * them, updatable without a release. When either changes, the recording deadlines of
 * open drafts due on or after the first day that changed are worked out again. A
 * finalised visit keeps the deadline it had when it was finalised: whether it was
 * recorded late is a fact about that moment, and no later calendar rewrites it.
 */
export async function authority(w: Work) {
  return authoritySettings(w.db);
}

export async function updateAuthority(w: Work, changes: { name?: string; holidayRegion?: HolidayRegion }, clear: () => void) {
  requireRole(w, 'authority.update', ['admin']);
  if (changes.name === undefined && changes.holidayRegion === undefined) throw invalid({ field: 'body', message: 'give name or holidayRegion, or both' });
  const before = await authoritySettings(w.db);
  await w.db
    .updateTable('authority')
    .set({ ...(changes.name !== undefined ? { name: changes.name.trim() } : {}), ...(changes.holidayRegion !== undefined ? { holiday_region: changes.holidayRegion } : {}) })
    .where('id', '=', 1)
    .execute();
  let recomputed = 0;
  if (changes.holidayRegion !== undefined && changes.holidayRegion !== before.holidayRegion) {
    clear();
    const was = (await holidaysOf(w.db, before.holidayRegion)).map((h) => h.date);
    const now = (await holidaysOf(w.db, changes.holidayRegion)).map((h) => h.date);
    const from = firstDifference(was, now);
    // This transaction's own view of the calendar: the shared one must not see it before it commits.
    if (from !== null) recomputed = await recomputeDeadlines(w, await loadCalendar(w.db), from);
  }
  w.audit({ action: 'authority.update', detail: { changed: Object.keys(changes).sort(), regionBefore: before.holidayRegion, regionAfter: changes.holidayRegion ?? before.holidayRegion, deadlinesRecomputed: recomputed } });
  return { ...(await authoritySettings(w.db)), deadlinesRecomputed: recomputed };
}

export async function listHolidays(w: Work, region: HolidayRegion | undefined) {
  const r = region ?? (await authoritySettings(w.db)).holidayRegion;
  return { region: r, items: await holidaysOf(w.db, r) };
}

/** The earliest date in one list and not the other (null: the same dates). */
export function firstDifference(a: readonly string[], b: readonly string[]): string | null {
  const inA = new Set(a);
  const inB = new Set(b);
  const changed = [...a.filter((d) => !inB.has(d)), ...b.filter((d) => !inA.has(d))].sort();
  return changed[0] ?? null;
}

/**
 * GOV.UK's list, checked (the command line reads it from a file, unchecked by any route
 * schema) and with a date named twice in one division kept once.
 */
function checkedHolidays(data: unknown): Holiday[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid({ field: 'body', message: 'must be an object with divisions ' + HOLIDAY_REGIONS.join(', ') });
  const problems: FieldProblem[] = [];
  const out: Holiday[] = [];
  for (const region of HOLIDAY_REGIONS) {
    const division: unknown = (data as Record<string, unknown>)[region];
    if (division === undefined) continue;
    const events: unknown = typeof division === 'object' && division !== null ? (division as Record<string, unknown>)['events'] : undefined;
    if (!Array.isArray(events)) {
      problems.push({ field: `${region}.events`, message: 'must be a list of {title, date}' });
      continue;
    }
    const seen = new Set<string>();
    events.forEach((e: unknown, i) => {
      const { date, title } = typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {};
      if (typeof date !== 'string' || !isCalendarDate(date) || date < '1800' || date >= '3000') problems.push({ field: `${region}.events.${i}.date`, message: 'must be a date, YYYY-MM-DD' });
      else if (typeof title !== 'string' || title.trim().length === 0) problems.push({ field: `${region}.events.${i}.title`, message: 'must name the holiday' });
      else if (!seen.has(date)) {
        seen.add(date);
        out.push({ region, date, title: title.trim() });
      }
    });
  }
  if (problems.length > 0) throw invalid(problems);
  return out;
}

/**
 * Imports GOV.UK's bank-holidays.json: each division present replaces that nation's
 * holidays for the years it covers. A date listed twice is taken once.
 */
export async function importHolidays(w: Work, data: GovUkBankHolidays, clear: () => void) {
  requireRole(w, 'calendar.import', ['admin']);
  const holidays = checkedHolidays(data);
  if (holidays.length === 0) throw invalid({ field: 'body', message: `no holidays found: expected GOV.UK's format with divisions ${HOLIDAY_REGIONS.join(', ')}` });
  const { holidayRegion } = await authoritySettings(w.db);
  const before = (await holidaysOf(w.db, holidayRegion)).map((h) => h.date);
  const results = [];
  for (const region of HOLIDAY_REGIONS) {
    const mine = holidays.filter((h) => h.region === region);
    if (mine.length === 0) continue;
    const r = await replaceHolidays(w.db, region, mine);
    results.push({ region, from: r.from, count: r.count });
  }
  clear();
  const from = firstDifference(before, (await holidaysOf(w.db, holidayRegion)).map((h) => h.date));
  // This transaction's own view of the calendar: the shared one must not see it before it commits.
  const recomputed = from === null ? 0 : await recomputeDeadlines(w, await loadCalendar(w.db), from);
  w.audit({ action: 'calendar.import', detail: { regions: results.map((r) => r.region), holidays: holidays.length, firstChanged: from, deadlinesRecomputed: recomputed } });
  return { imported: results, deadlinesRecomputed: recomputed };
}

/**
 * Works out again the recording deadline of every open draft visit due on or after
 * `from` (a date; null: all), in batches. A visit's deadline depends only on the days
 * after it up to the deadline, so one due before `from` cannot change. Finalised
 * visits are never touched (see the top of this file).
 */
export async function recomputeDeadlines(w: Work, calendar: WorkingDayCalendar, from: string | null): Promise<number> {
  let changed = 0;
  let after: { at: Date; id: string } | null = null;
  const start = from === null ? null : londonStartOfDay(from);
  for (;;) {
    let q = w.db
      .selectFrom('entry')
      .select(['id', 'occurred_at', 'subtype', 'recording_due_by'])
      .where('kind', '=', 'visit')
      .where('status', '=', 'draft')
      .where('finalised_at', 'is', null);
    if (start !== null) {
      const s = start;
      q = q.where((eb) => eb.or([eb('recording_due_by', '>=', s), eb('recording_due_by', 'is', null)]));
    }
    if (after !== null) {
      const a = after;
      q = q.where((eb) => eb.or([eb('occurred_at', '>', a.at), eb.and([eb('occurred_at', '=', a.at), eb('id', '>', a.id)])]));
    }
    const rows = await q.orderBy('occurred_at').orderBy('id').limit(1000).execute();
    if (rows.length === 0) break;
    const updates = rows
      .filter((r) => r.subtype === 'statutory' || r.subtype === 'other')
      .map((r) => ({ id: r.id, due: recordingDueBy(r.occurred_at, r.subtype as 'statutory' | 'other', calendar), was: r.recording_due_by }))
      .filter((u) => u.was?.getTime() !== u.due.getTime());
    for (const u of updates) await sql`update entry set recording_due_by = ${u.due} where id = ${u.id} and finalised_at is null`.execute(w.db);
    changed += updates.length;
    const last = rows.at(-1);
    if (last === undefined) break;
    after = { at: last.occurred_at, id: last.id };
  }
  return changed;
}
