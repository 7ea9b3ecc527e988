import { sql, type Kysely } from 'kysely';
import {
  RECORD_CLASS_FOR_COURT_ORDER,
  type CarerEndReason,
  type CarerRetentionFacts,
  type ChildRetentionFacts,
  type HeldClass,
  type LabelStatus,
  type RetentionRule,
  type RetentionTrigger,
  type RuleCondition,
  type RuleSubject,
} from '@safekeep/core';
import type { DB, Row } from '../db/schema.js';

/** The schedule, its rules and the labels the database keeps from them (migration 0400). */

export interface ScheduleRow {
  version: number;
  note: string;
  publishedAt: Date;
  publishedBy: { id: string; displayName: string } | null;
  rules: number;
}

export interface StoredLabel {
  status: LabelStatus;
  destructionDate: string | null;
  ruleIds: string[];
  appliedRuleIds: string[];
  recordClasses: string[];
  scheduleVersion: number;
  computedAt: Date;
}

export function toRule(r: Row<'retention_rule'>): RetentionRule {
  return {
    id: r.rule_id,
    recordClass: r.record_class,
    description: r.description,
    trigger: r.trigger as RetentionTrigger,
    years: r.years,
    deathRule: r.death_years === null ? null : { condition: 'childDiesBeforeAge18', trigger: 'dateOfDeath', years: r.death_years },
    minimum: r.minimum,
    basis: r.basis,
    verified: r.verified,
    source: r.source,
    notes: r.notes,
    appliesTo: r.applies_to as RuleSubject,
    condition: r.condition as RuleCondition | null,
    active: r.active,
  };
}

export async function currentVersion(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('retention_schedule').select((eb) => eb.fn.max('version').as('v')).executeTakeFirstOrThrow();
  return row.v;
}

export async function rulesOf(db: Kysely<DB>, version: number): Promise<RetentionRule[]> {
  const rows = await db.selectFrom('retention_rule').selectAll().where('schedule_version', '=', version).orderBy(sql`rule_id collate "C"`).execute();
  return rows.map(toRule);
}

export async function listSchedules(db: Kysely<DB>): Promise<ScheduleRow[]> {
  const rows = await db
    .selectFrom('retention_schedule as s')
    .leftJoin('app_user as u', 'u.id', 's.published_by')
    .select((eb) => [
      's.version',
      's.note',
      's.published_at',
      'u.id as user_id',
      'u.display_name',
      eb.selectFrom('retention_rule as r').select((e) => e.fn.countAll<number>().as('n')).whereRef('r.schedule_version', '=', 's.version').as('rules'),
    ])
    .orderBy('s.version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    note: r.note,
    publishedAt: r.published_at,
    publishedBy: r.user_id === null || r.display_name === null ? null : { id: r.user_id, displayName: r.display_name },
    rules: Number(r.rules ?? 0),
  }));
}

export async function insertSchedule(db: Kysely<DB>, version: number, note: string, at: Date, by: string | null, rules: readonly RetentionRule[]): Promise<void> {
  await db.insertInto('retention_schedule').values({ version, note, published_at: at, published_by: by }).execute();
  await db
    .insertInto('retention_rule')
    .values(
      rules.map((r) => ({
        schedule_version: version,
        rule_id: r.id,
        record_class: r.recordClass,
        description: r.description,
        trigger: r.trigger,
        years: r.years,
        death_years: r.deathRule?.years ?? null,
        minimum: r.minimum,
        basis: r.basis,
        verified: r.verified,
        source: r.source,
        notes: r.notes,
        applies_to: r.appliesTo,
        condition: r.condition,
        active: r.active,
      })),
    )
    .execute();
}

/** Relabels every record, set-based, in the database; returns how many labels changed. */
export async function relabelAll(db: Kysely<DB>): Promise<{ children: number; carers: number }> {
  const children = await sql<{ n: string }>`select sk_relabel_all_children() as n`.execute(db);
  const carers = await sql<{ n: string }>`select sk_relabel_carers(null) as n`.execute(db);
  return { children: Number(children.rows[0]?.n ?? 0), carers: Number(carers.rows[0]?.n ?? 0) };
}

function toLabel(r: Row<'retention_label'> | Row<'carer_retention_label'>): StoredLabel {
  return {
    status: r.status as LabelStatus,
    destructionDate: r.destruction_date,
    ruleIds: r.rule_ids,
    appliedRuleIds: r.applied_rule_ids,
    recordClasses: r.record_classes,
    scheduleVersion: r.schedule_version,
    computedAt: r.computed_at,
  };
}

export async function childLabel(db: Kysely<DB>, childId: string): Promise<StoredLabel | null> {
  const row = await db.selectFrom('retention_label').selectAll().where('child_id', '=', childId).executeTakeFirst();
  return row === undefined ? null : toLabel(row);
}

export async function carerLabel(db: Kysely<DB>, carerId: string): Promise<StoredLabel | null> {
  const row = await db.selectFrom('carer_retention_label').selectAll().where('carer_id', '=', carerId).executeTakeFirst();
  return row === undefined ? null : toLabel(row);
}

/** What a child's label is computed from, read the way core/retention.ts expects it. */
export async function childFacts(db: Kysely<DB>, childId: string): Promise<ChildRetentionFacts | null> {
  const child = await db.selectFrom('child').select(['date_of_birth', 'date_of_death']).where('id', '=', childId).executeTakeFirst();
  if (child === undefined) return null;
  const involvements = await db
    .selectFrom('involvement as i')
    .innerJoin('involvement_kind as k', 'k.code', 'i.kind')
    .select(['k.record_class', 'i.end_date'])
    .where('i.child_id', '=', childId)
    .where('k.record_class', 'is not', null)
    .execute();
  const orders = await sql<{ subtype: string; made_on: string }>`
    select e.subtype, max((v.fields ->> 'madeOn')::date)::text as made_on
      from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version
     where e.child_id = ${childId} and e.kind = 'court-order' and e.status = 'final' and e.subtype in (${sql.join(Object.keys(RECORD_CLASS_FOR_COURT_ORDER))})
     group by e.subtype`.execute(db);
  const classes = new Map<string, HeldClass>();
  const hold = (recordClass: string, open: boolean, closedOn: string | null) => {
    const was = classes.get(recordClass);
    const latest = was?.closedOn == null ? closedOn : closedOn === null || was.closedOn > closedOn ? was.closedOn : closedOn;
    classes.set(recordClass, { recordClass, open: (was?.open ?? false) || open, closedOn: latest });
  };
  for (const i of involvements) if (i.record_class !== null) hold(i.record_class, i.end_date === null, i.end_date);
  for (const o of orders.rows) {
    const recordClass = RECORD_CLASS_FOR_COURT_ORDER[o.subtype];
    if (recordClass !== undefined) hold(recordClass, false, null);
  }
  return {
    dateOfBirth: child.date_of_birth,
    dateOfDeath: child.date_of_death,
    classes: [...classes.values()].sort((a, b) => (a.recordClass < b.recordClass ? -1 : 1)),
    adoptionOrderOn: orders.rows.find((o) => o.subtype === 'adoption-order')?.made_on ?? null,
    lastEntryOn: null,
  };
}

export async function carerFacts(db: Kysely<DB>, carerId: string, recordClassOf: (kind: string) => string | null): Promise<CarerRetentionFacts | null> {
  const carer = await db.selectFrom('carer').select(['kind', 'ended_on', 'end_reason']).where('id', '=', carerId).executeTakeFirst();
  if (carer === undefined) return null;
  const last = await sql<{ d: string | null }>`select ((max(occurred_at) at time zone 'Europe/London')::date)::text as d from carer_entry where carer_id = ${carerId}`.execute(db);
  return { recordClass: recordClassOf(carer.kind), endedOn: carer.ended_on, endReason: carer.end_reason as CarerEndReason | null, lastEntryOn: last.rows[0]?.d ?? null };
}

export interface ActiveHold {
  id: string;
  name: string;
}

export async function childActiveHolds(db: Kysely<DB>, childId: string): Promise<ActiveHold[]> {
  const { rows } = await sql<ActiveHold>`select id, name from sk_child_active_holds(${childId}) order by name`.execute(db);
  return rows;
}

export async function carerActiveHolds(db: Kysely<DB>, carerId: string): Promise<ActiveHold[]> {
  const { rows } = await sql<ActiveHold>`select id, name from sk_carer_active_holds(${carerId}) order by name`.execute(db);
  return rows;
}
