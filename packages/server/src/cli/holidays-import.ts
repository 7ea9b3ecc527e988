import { readFile } from 'node:fs/promises';
import { SYSTEM_ACTOR, systemClock, type GovUkBankHolidays } from '@safekeep/core';
import { prepare } from '../bootstrap.js';
import { importHolidays } from '../calendar/calendar.service.js';
import { WorkRunner } from '../db/work.js';
import { configFrom, type DatabaseFlags } from './shared.js';

/** `safekeep holidays import FILE`: loads GOV.UK's bank-holidays.json (https://www.gov.uk/bank-holidays.json). */
export async function holidaysImportCommand(file: string, flags: DatabaseFlags): Promise<void> {
  let data: GovUkBankHolidays;
  try {
    data = JSON.parse(await readFile(file, 'utf8')) as GovUkBankHolidays; // checked by importHolidays
  } catch (e) {
    throw new Error(`${file}: not GOV.UK's bank-holidays.json (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const config = configFrom(flags);
  const { database } = await prepare(config, systemClock);
  try {
    const runner = new WorkRunner(database.db, systemClock);
    const result = await runner.run({ actor: { ...SYSTEM_ACTOR, roles: ['admin'] }, requestId: 'cli-holidays-import' }, (w) => importHolidays(w, data, () => runner.calendars.clear()));
    for (const r of result.imported) console.log(`${r.region}: ${r.count} holidays from ${r.from ?? '-'}`);
    console.log(`Recording deadlines worked out again for ${result.deadlinesRecomputed} visit(s).`);
  } finally {
    await database.close();
  }
}
