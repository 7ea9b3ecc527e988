import { sql } from 'kysely';
import { holidaysFromGovUk, HOLIDAY_REGIONS, invalid, londonStartOfDay, recordingDueBy, type GovUkBankHolidays, type HolidayRegion, type WorkingDayCalendar } from '@safekeep/core';
import { requireRole } from '../access/roles.js';
import type { Work } from '../db/work.js';
import { authoritySettings, holidaysOf, replaceHolidays } from './calendar.repository.js';

/**
 * The authority's calendar: which nation's bank holidays it keeps, and GOV.UK's list of
 * them, updatable without a release. When either changes, the recording deadlines of
 * visits from the first affected day onwards are worked out again.
 */
export async function authority(w: Work) {
  return authoritySettings(w.db);
}

export async function updateAuthority(w: Work, changes: { name?: string; holidayRegion?: HolidayRegion }, clear: () => void) {
  requireRole(w, 'authority.update', ['admin']);
  const before = await authoritySettings(w.db);
  await w.db
    .updateTable('authority')
    .set({ ...(changes.name !== undefined ? { name: changes.name.trim() } : {}), ...(changes.holidayRegion !== undefined ? { holiday_region: changes.holidayRegion } : {}) })
    .where('id', '=', 1)
    .execute();
  let recomputed = 0;
  if (changes.holidayRegion !== undefined && changes.holidayRegion !== before.holidayRegion) {
    clear();
    recomputed = await recomputeDeadlines(w, await w.calendar(), null);
  }
  w.audit({ action: 'authority.update', detail: { changed: Object.keys(changes).sort(), regionBefore: before.holidayRegion, regionAfter: changes.holidayRegion ?? before.holidayRegion, deadlinesRecomputed: recomputed } });
  return { ...(await authoritySettings(w.db)), deadlinesRecomputed: recomputed };
}

export async function listHolidays(w: Work, region: HolidayRegion | undefined) {
  const r = region ?? (await authoritySettings(w.db)).holidayRegion;
  return { region: r, items: await holidaysOf(w.db, r) };
}

/** Imports GOV.UK's bank-holidays.json: each division present replaces that nation's list from its first year on. */
export async function importHolidays(w: Work, data: GovUkBankHolidays, clear: () => void) {
  requireRole(w, 'calendar.import', ['admin']);
  const holidays = holidaysFromGovUk(data);
  if (holidays.length === 0) throw invalid({ field: 'body', message: `no holidays found: expected GOV.UK's format with divisions ${HOLIDAY_REGIONS.join(', ')}` });
  const results = [];
  let earliest: string | null = null;
  for (const region of HOLIDAY_REGIONS) {
    const mine = holidays.filter((h) => h.region === region);
    if (mine.length === 0) continue;
    const r = await replaceHolidays(w.db, region, mine);
    results.push({ region, from: r.from, count: r.count });
    if (region === (await authoritySettings(w.db)).holidayRegion && r.from !== null && (earliest === null || r.from < earliest)) earliest = r.from;
  }
  clear();
  const recomputed = earliest === null ? 0 : await recomputeDeadlines(w, await w.calendar(), earliest);
  w.audit({ action: 'calendar.import', detail: { regions: results.map((r) => r.region), holidays: holidays.length, deadlinesRecomputed: recomputed } });
  return { imported: results, deadlinesRecomputed: recomputed };
}

/** Works out again the recording deadline of every visit from `from` (a date; null: all), in batches. */
export async function recomputeDeadlines(w: Work, calendar: WorkingDayCalendar, from: string | null): Promise<number> {
  let changed = 0;
  let after: { at: Date; id: string } | null = null;
  const start = from === null ? new Date(0) : londonStartOfDay(from);
  for (;;) {
    let q = w.db
      .selectFrom('entry')
      .select(['id', 'occurred_at', 'subtype', 'recording_due_by'])
      .where('kind', '=', 'visit')
      .where('occurred_at', '>=', start);
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
    for (const u of updates) await sql`update entry set recording_due_by = ${u.due} where id = ${u.id}`.execute(w.db);
    changed += updates.length;
    const last = rows.at(-1);
    if (last === undefined) break;
    after = { at: last.occurred_at, id: last.id };
  }
  return changed;
}
