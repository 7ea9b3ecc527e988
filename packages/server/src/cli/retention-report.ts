import { SingleBar } from 'cli-progress';
import { stringify } from 'csv-stringify/sync';
import { SYSTEM_ACTOR, londonDate, systemClock } from '@safekeep/core';
import { prepare } from '../bootstrap.js';
import { WorkRunner } from '../db/work.js';
import { reportRows, reportTotals, type ReportRow } from '../retention/report.js';
import { configFrom, describeDatabase, type DatabaseFlags } from './shared.js';

const COLUMNS = ['type', 'id', 'reference', 'record_status', 'retention_status', 'destruction_date', 'rule_ids', 'holds', 'blockers'] as const;

/** Text columns: each at least as wide as its heading, so the table lines up under it. */
const WIDTHS = [5, 36, 14, 13, 16, 16, 30, 12, 0] as const;

function textLine(values: readonly string[]): string {
  return `${values.map((c, i) => c.padEnd(WIDTHS[i] ?? 0)).join('  ').trimEnd()}\n`;
}

function cells(r: ReportRow): string[] {
  return [r.type, r.id, r.reference ?? '', r.recordStatus, r.labelStatus, r.destructionDate ?? '', r.ruleIds.join(' '), r.holds.join(' '), r.blockers.join(' ')];
}

/**
 * `safekeep retention report [--csv]`: every record's destruction date, holds and
 * blockers on standard output, a progress bar on standard error. Reading it is audited
 * (retention facts only; no content is read).
 */
export async function retentionReportCommand(flags: DatabaseFlags & { csv?: boolean }): Promise<void> {
  const config = configFrom(flags);
  const { database } = await prepare(config, systemClock);
  try {
    const now = systemClock.now();
    const today = londonDate(now);
    // The report is read as a records officer named on no restriction: a restricted record shows no reference.
    const actor = { ...SYSTEM_ACTOR, roles: ['records-officer' as const] };
    const totals = await reportTotals(database.db);
    const total = totals.children + totals.carers;
    const bar = new SingleBar({ stream: process.stderr, noTTYOutput: true, notTTYSchedule: 1000, format: `Retention report [{bar}] {value}/{total} records${total > 0 ? ' | {eta_formatted} left' : ''}` });
    bar.start(total, 0);
    const out = process.stdout;
    if (flags.csv === true) out.write(stringify([[...COLUMNS]]));
    else out.write(`Retention report for ${describeDatabase(config)}, ${today}\n\n${textLine(COLUMNS)}`);
    const summary = { disposable: 0, held: 0, notExpired: 0, undetermined: 0, destroyed: 0 };
    let done = 0;
    for await (const row of reportRows(database.db, { actor, today, now })) {
      if (flags.csv === true) out.write(stringify([cells(row)]));
      else out.write(textLine(cells(row)));
      if (row.recordStatus === 'destroyed') summary.destroyed += 1;
      else if (row.blockers.length === 0) summary.disposable += 1;
      if (row.holds.length > 0) summary.held += 1;
      if (row.blockers.includes('RETENTION_NOT_EXPIRED')) summary.notExpired += 1;
      if (row.blockers.includes('RETENTION_UNDETERMINED')) summary.undetermined += 1;
      done += 1;
      if (done % 500 === 0) bar.update(done);
    }
    bar.update(done);
    bar.stop();
    if (flags.csv !== true) {
      out.write(
        `\n${done} records: ${summary.disposable} could be destroyed now (with two approvals), ${summary.held} under a hold (DO NOT DESTROY), ` +
          `${summary.notExpired} before their date, ${summary.undetermined} without a date yet, ${summary.destroyed} destroyed.\n`,
      );
    }
    const runner = new WorkRunner(database.db, systemClock);
    await runner.run({ actor, requestId: 'cli-retention-report' }, async (w) => {
      w.audit({ action: 'retention.report', detail: { records: done, format: flags.csv === true ? 'csv' : 'text' } });
    });
  } finally {
    await database.close();
  }
}
