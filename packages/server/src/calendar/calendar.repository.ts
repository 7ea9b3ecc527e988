import type { Kysely } from 'kysely';
import { WorkingDayCalendar, type Holiday, type HolidayRegion } from '@safekeep/core';
import type { DB } from '../db/schema.js';

export async function authoritySettings(db: Kysely<DB>): Promise<{ name: string; holidayRegion: HolidayRegion; demo: boolean }> {
  const row = await db.selectFrom('authority').select(['name', 'holiday_region', 'demo']).where('id', '=', 1).executeTakeFirst();
  return { name: row?.name ?? 'Local authority', holidayRegion: (row?.holiday_region ?? 'england-and-wales') as HolidayRegion, demo: row?.demo ?? false };
}

export async function holidaysOf(db: Kysely<DB>, region: HolidayRegion): Promise<Array<{ date: string; title: string; source: string }>> {
  return db.selectFrom('bank_holiday').select(['date', 'title', 'source']).where('region', '=', region).orderBy('date').execute();
}

/** Replaces a region's holidays from the first year the new list covers onwards; earlier years stay as they were. */
export async function replaceHolidays(db: Kysely<DB>, region: HolidayRegion, holidays: Holiday[]): Promise<{ from: string | null; count: number }> {
  const dates = holidays.map((h) => h.date).sort();
  const from = dates[0] === undefined ? null : `${dates[0].slice(0, 4)}-01-01`;
  if (from === null) return { from, count: 0 };
  await db.deleteFrom('bank_holiday').where('region', '=', region).where('date', '>=', from).execute();
  await db
    .insertInto('bank_holiday')
    .values(holidays.map((h) => ({ region, date: h.date, title: h.title, source: 'gov.uk' })))
    .onConflict((oc) => oc.columns(['region', 'date']).doUpdateSet({ title: (eb) => eb.ref('excluded.title'), source: 'gov.uk' }))
    .execute();
  return { from, count: holidays.length };
}

/**
 * The authority's working-day calendar, loaded once and kept until the holidays or the
 * region change (calendar.service.ts clears it).
 */
export class CalendarCache {
  #current: Promise<WorkingDayCalendar> | null = null;

  constructor(private readonly db: Kysely<DB>) {}

  /** `via` is the caller's connection: inside a transaction on PGlite it is the only one there is. */
  get(via: Kysely<DB> = this.db): Promise<WorkingDayCalendar> {
    this.#current ??= (async () => {
      const { holidayRegion } = await authoritySettings(via);
      return new WorkingDayCalendar((await holidaysOf(via, holidayRegion)).map((h) => h.date));
    })().catch((e: unknown) => {
      this.#current = null;
      throw e;
    });
    return this.#current;
  }

  clear(): void {
    this.#current = null;
  }
}
