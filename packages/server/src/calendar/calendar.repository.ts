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

/**
 * Replaces a region's holidays for the years the new list covers (each year's list is
 * whole in GOV.UK's file); other years, GOV.UK's or projected, stay as they were. The
 * list must not name a date twice (see importHolidays).
 */
export async function replaceHolidays(db: Kysely<DB>, region: HolidayRegion, holidays: Holiday[]): Promise<{ from: string | null; count: number }> {
  const years = [...new Set(holidays.map((h) => h.date.slice(0, 4)))].sort();
  const first = years[0];
  if (first === undefined) return { from: null, count: 0 };
  await db
    .deleteFrom('bank_holiday')
    .where('region', '=', region)
    .where((eb) => eb.or(years.map((y) => eb.and([eb('date', '>=', `${y}-01-01`), eb('date', '<=', `${y}-12-31`)]))))
    .execute();
  await db
    .insertInto('bank_holiday')
    .values(holidays.map((h) => ({ region, date: h.date, title: h.title, source: 'gov.uk' })))
    .execute();
  return { from: `${first}-01-01`, count: holidays.length };
}

/** The authority's working-day calendar as `db` sees it now (a transaction sees its own changes). */
export async function loadCalendar(db: Kysely<DB>): Promise<WorkingDayCalendar> {
  const { holidayRegion } = await authoritySettings(db);
  return new WorkingDayCalendar((await holidaysOf(db, holidayRegion)).map((h) => h.date));
}

/**
 * The authority's working-day calendar, loaded once and kept until the holidays or the
 * region change (calendar.service.ts's callers clear it).
 *
 * Only a calendar read through the root connection is kept: that is committed data. A
 * unit of work in a transaction reads its own (two small queries), because
 *  - it may see its own uncommitted changes (a holiday import) that may yet roll back,
 *    and nothing uncommitted may be handed to anyone else; and
 *  - on PGlite there is one connection: a transaction holding it must never wait for a
 *    load through the root connection, which is queued behind that very transaction.
 * A load that began before clear() is not kept when it ends after it.
 */
export class CalendarCache {
  #kept: WorkingDayCalendar | null = null;
  #loading: Promise<WorkingDayCalendar> | null = null;
  #generation = 0;

  constructor(private readonly db: Kysely<DB>) {}

  /** `via` is the caller's connection: the root one (the default) or a transaction. */
  get(via: Kysely<DB> = this.db): Promise<WorkingDayCalendar> {
    if (this.#kept !== null) return Promise.resolve(this.#kept);
    if (via !== this.db) return loadCalendar(via);
    if (this.#loading === null) {
      const generation = this.#generation;
      const loading = loadCalendar(this.db).then(
        (calendar) => {
          if (this.#generation === generation) this.#kept = calendar;
          if (this.#loading === loading) this.#loading = null;
          return calendar;
        },
        (e: unknown) => {
          if (this.#loading === loading) this.#loading = null;
          throw e;
        },
      );
      this.#loading = loading;
    }
    return this.#loading;
  }

  clear(): void {
    this.#generation += 1;
    this.#kept = null;
    this.#loading = null;
  }
}
