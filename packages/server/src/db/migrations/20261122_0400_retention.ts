import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import {
  IICSA_HOLD_NAME,
  RECORD_CLASS_FOR_CARER,
  RECORD_CLASS_FOR_COURT_ORDER,
  RECORD_CLASS_FOR_INVOLVEMENT,
  LOOKED_AFTER_CLASSES,
  ADOPTION_ACT_COMMENCEMENT,
  rulesFromSeed,
  type SeedRule,
} from '@safekeep/core';

/** The advisory lock a schedule publication holds exclusively and named relabelling shares (see sk_relabel_children). */
export const SCHEDULE_LOCK_KEY = 7_261_122_040;

/**
 * Retention (R10, R13, R15): a versioned schedule seeded from the domain research, a
 * destruction-date label on every child's and carer's record kept by the database
 * itself whenever an input changes, and holds, with the standing IICSA hold from the
 * first start. The labelling SQL here is the set-based twin of core/src/retention.ts;
 * a property test holds the two together.
 */

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const caseOf = (expr: string, map: Readonly<Record<string, string | null>>, otherwise = 'null') =>
  `case ${expr} ${Object.entries(map)
    .map(([k, v]) => `when ${quote(k)} then ${v === null ? 'null' : quote(v)}`)
    .join(' ')} else ${otherwise} end`;

/**
 * The children's labels, for the children `target` selects. `{target}` is replaced.
 * Set-based and in few passes, so a million records relabel in one statement: every
 * class a record holds (from involvements and class-changing court orders) grouped once,
 * with the record's facts carried along; the rules joined to it; one group per child.
 */
const CHILD_LABELS = `
  with target as ({target}),
  sched as (select max(version) as v from retention_schedule),
  held as (
    select t.child_id, t.dob, t.dod, k.record_class, i.end_date is null as open, i.end_date as closed_on, null::date as adoption_on
      from target t join involvement i on i.child_id = t.child_id join involvement_kind k on k.code = i.kind
     where k.record_class is not null
    union all
    select t.child_id, t.dob, t.dod, ${caseOf('e.subtype', RECORD_CLASS_FOR_COURT_ORDER)}, false, null::date,
           case when e.subtype = 'adoption-order' then (v.fields ->> 'madeOn')::date end
      from target t
      join entry e on e.child_id = t.child_id and e.kind = 'court-order' and e.status = 'final'
       and e.subtype in (${Object.keys(RECORD_CLASS_FOR_COURT_ORDER).map(quote).join(', ')})
      join entry_version v on v.entry_id = e.id and v.version = e.current_version
  ),
  classes as (
    select child_id, record_class, min(dob) as dob, min(dod) as dod, bool_or(open) as open, max(closed_on) as closed_on, max(adoption_on) as adoption_on
      from held group by 1, 2
  ),
  facts as (
    select c.child_id, c.record_class, c.dob, c.dod, c.open, c.closed_on,
           -- The latest adoption order, and whether the record was ever looked after: facts of the record, not the class.
           max(c.adoption_on) over w as adoption_on,
           bool_or(c.record_class in (${LOOKED_AFTER_CLASSES.map(quote).join(', ')})) over w as ever_lac
      from classes c window w as (partition by c.child_id)
  ),
  dated as (
    select f.child_id, f.record_class, r.rule_id, r.years,
      case
        when r.rule_id is null then null
        -- "Died before 18" replaces the rule's own period (CPPCR 2010 reg 50: 15 years from death).
        when r.death_years is not null and f.dod is not null and f.dod < sk_anniversary(f.dob, 18) then sk_anniversary(f.dod, r.death_years)
        when r.years is null then null
        when r.trigger = 'dateOfBirth' then sk_anniversary(f.dob, r.years)
        when r.trigger = 'closure' and not f.open then sk_anniversary(f.closed_on, r.years)
        when r.trigger = 'adoptionOrder' then sk_anniversary(f.adoption_on, r.years)
        else null
      end as date
      from facts f
      -- A class no rule governs still counts among the record's classes.
      left join retention_rule r on r.schedule_version = (select v from sched) and r.active and r.applies_to = 'child' and r.record_class = f.record_class
       and (r.condition is null
         or (r.condition = 'adoption-order-on-or-after-2005-12-30' and f.adoption_on >= date '${ADOPTION_ACT_COMMENCEMENT}')
         or (r.condition = 'adoption-order-before-2005-12-30' and f.adoption_on < date '${ADOPTION_ACT_COMMENCEMENT}')
         or (r.condition = 'no-adoption-order-ever-looked-after' and f.adoption_on is null and f.ever_lac)
         or (r.condition = 'no-adoption-order-never-looked-after' and f.adoption_on is null and not f.ever_lac))
  ),
  agg as (
    select child_id, count(rule_id) as rules,
           -- A rule with a date has it; without one it needs review (no period) or waits for its trigger.
           coalesce(bool_or(date is null and years is null) filter (where rule_id is not null), false) as any_review,
           coalesce(bool_or(date is null) filter (where rule_id is not null), false) as any_pending,
           max(date) as latest,
           array_agg(rule_id order by rule_id collate "C") filter (where rule_id is not null) as applied,
           array_agg(date order by rule_id collate "C") filter (where rule_id is not null) as dates,
           array_agg(distinct record_class collate "C" order by record_class collate "C") as record_classes
      from dated group by 1
  ),
  labelled as (
    select t.child_id, a.latest, a.applied, a.dates, a.record_classes,
           case when coalesce(a.rules, 0) = 0 then 'no-rule' when a.any_review then 'review' when a.any_pending then 'pending' else 'determined' end as status
      from target t left join agg a on a.child_id = t.child_id
  )
  select child_id, status,
         case when status = 'determined' then latest end as destruction_date,
         -- The rules that produce the destruction date: those whose date is the latest.
         case when status = 'determined' then array(select u.rule_id from unnest(applied, dates) as u (rule_id, date) where u.date = latest) else '{}' end as rule_ids,
         coalesce(applied, '{}') as applied_rule_ids, coalesce(record_classes, '{}') as record_classes,
         (select v from sched) as schedule_version
    from labelled`;

const CARER_LABELS = `
  with target as ({target}),
  sched as (select max(version) as v from retention_schedule),
  facts as (
    select t.carer_id, t.ended_on, t.end_reason, ${caseOf('t.kind', RECORD_CLASS_FOR_CARER)} as record_class,
           (select (max(e.occurred_at) at time zone 'Europe/London')::date from carer_entry e where e.carer_id = t.carer_id) as last_entry_on
      from target t
  ),
  dated as (
    select f.carer_id, r.rule_id, r.years,
      case
        when r.years is null then null
        when r.trigger = 'lastEntry' then case when f.ended_on is null then null else sk_anniversary(coalesce(f.last_entry_on, f.ended_on), r.years) end
        when f.end_reason is null then null
        else sk_anniversary(f.ended_on, r.years)
      end as date
      from facts f
      join retention_rule r on r.schedule_version = (select v from sched) and r.active and r.applies_to = 'carer' and r.record_class = f.record_class
     where r.trigger = 'lastEntry' or f.end_reason is null
        or r.trigger = case f.end_reason when 'approval-ended' then 'approvalEnded' when 'placement-ended' then 'placementEnded'
                                         when 'application-refused-or-withdrawn' then 'applicationRefusedOrWithdrawn' else 'closure' end
  ),
  cand as (
    select carer_id, rule_id, date, case when date is not null then 'date' when years is null then 'review' else 'pending' end as state from dated
  ),
  agg as (
    select carer_id, bool_or(state = 'review') as any_review, bool_or(state = 'pending') as any_pending, max(date) as latest,
           array_agg(rule_id order by rule_id collate "C") as applied
      from cand group by 1
  ),
  governing as (
    select c.carer_id, array_agg(c.rule_id order by c.rule_id collate "C") as rule_ids
      from cand c join agg a on a.carer_id = c.carer_id
     where not a.any_review and not a.any_pending and c.date = a.latest
     group by 1
  )
  select f.carer_id,
         case when a.carer_id is null then 'no-rule' when a.any_review then 'review' when a.any_pending then 'pending' else 'determined' end as status,
         case when a.any_review or a.any_pending then null else a.latest end as destruction_date,
         coalesce(g.rule_ids, '{}') as rule_ids, coalesce(a.applied, '{}') as applied_rule_ids,
         case when f.record_class is null then '{}'::text[] else array[f.record_class] end as record_classes,
         (select v from sched) as schedule_version
    from facts f left join agg a on a.carer_id = f.carer_id left join governing g on g.carer_id = f.carer_id`;

const LABEL_COLUMNS = 'status, destruction_date, rule_ids, applied_rule_ids, record_classes, schedule_version';

function upsert(table: string, key: string, select: string): string {
  return `insert into ${table} as l (${key}, ${LABEL_COLUMNS}, computed_at)
    select ${key}, ${LABEL_COLUMNS}, now() from (${select}) s
    on conflict (${key}) do update set ${LABEL_COLUMNS.split(', ')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}, computed_at = excluded.computed_at
    where (${LABEL_COLUMNS.split(', ')
      .map((c) => `l.${c}`)
      .join(', ')}) is distinct from (${LABEL_COLUMNS.split(', ')
      .map((c) => `excluded.${c}`)
      .join(', ')})`;
}

const CHILD_TARGET = 'select c.id as child_id, c.date_of_birth as dob, c.date_of_death as dod from child c';
const CARER_TARGET = 'select c.id as carer_id, c.kind, c.ended_on, c.end_reason from carer c';

export const RETENTION_APPEND_ONLY = ['retention_schedule', 'retention_rule', 'hold', 'hold_subject', 'hold_lock', 'hold_release_approval', 'hold_release'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // The anniversary `years` on: 29 February falls on 1 March in a year without one (core/retention.ts#anniversary).
  await sql`create function sk_anniversary(d date, years integer) returns date language sql immutable parallel safe as $$
    select case when extract(month from d) = 2 and extract(day from d) = 29 and extract(day from (d + make_interval(years => years))) = 28
                then (d + make_interval(years => years))::date + 1
                else (d + make_interval(years => years))::date end
  $$`.execute(db);

  // Which record class each kind of involvement puts a record in (configurable per kind).
  await sql`alter table involvement_kind add column record_class text`.execute(db);
  for (const [kind, recordClass] of Object.entries(RECORD_CLASS_FOR_INVOLVEMENT)) {
    await sql`update involvement_kind set record_class = ${recordClass} where code = ${kind}`.execute(db);
  }
  // How a carer's or home's record ended starts the clock of FSR 2011 reg 32.
  await sql`alter table carer add column ended_on date`.execute(db);
  await sql`alter table carer add column end_reason text check (end_reason in ('approval-ended', 'placement-ended', 'application-refused-or-withdrawn', 'closed'))`.execute(db);
  await sql`alter table carer add constraint carer_end_check check ((ended_on is null) = (end_reason is null) and (ended_on is null) = (status = 'active'))`.execute(db);

  await sql`create table retention_schedule (
    version integer primary key check (version > 0),
    note text not null,
    published_at timestamptz not null,
    published_by uuid references app_user (id)
  )`.execute(db);
  await sql`create table retention_rule (
    schedule_version integer not null references retention_schedule (version),
    rule_id text not null check (rule_id ~ '^[a-z0-9][a-z0-9-]{0,79}$'),
    record_class text not null check (record_class ~ '^[a-z0-9][a-z0-9-]{0,79}$'),
    description text not null,
    trigger text not null check (trigger in ('dateOfBirth', 'closure', 'adoptionOrder', 'approvalEnded', 'placementEnded', 'applicationRefusedOrWithdrawn', 'lastEntry')),
    years integer check (years between 1 and 200),
    death_years integer check (death_years between 1 and 200),
    minimum boolean not null,
    basis text not null,
    verified boolean not null,
    source text not null,
    notes text not null,
    applies_to text not null check (applies_to in ('child', 'carer', 'service')),
    condition text check (condition in ('adoption-order-on-or-after-2005-12-30', 'adoption-order-before-2005-12-30', 'no-adoption-order-ever-looked-after', 'no-adoption-order-never-looked-after')),
    active boolean not null,
    primary key (schedule_version, rule_id)
  )`.execute(db);

  const seed = JSON.parse(readFileSync(new URL('../../../data/retention-schedule.json', import.meta.url), 'utf8')) as SeedRule[];
  await sql`insert into retention_schedule (version, note, published_at) values (1, 'Default schedule from Safekeep''s domain research (domain/retention-schedule.json)', now())`.execute(db);
  for (const r of rulesFromSeed(seed)) {
    await sql`insert into retention_rule (schedule_version, rule_id, record_class, description, trigger, years, death_years, minimum, basis, verified, source, notes, applies_to, condition, active)
      values (1, ${r.id}, ${r.recordClass}, ${r.description}, ${r.trigger}, ${r.years}, ${r.deathRule?.years ?? null}, ${r.minimum}, ${r.basis}, ${r.verified}, ${r.source}, ${r.notes}, ${r.appliesTo}, ${r.condition}, ${r.active})`.execute(db);
  }

  for (const [table, key, ref] of [
    ['retention_label', 'child_id', 'case_record (child_id)'],
    ['carer_retention_label', 'carer_id', 'carer (id)'],
  ] as const) {
    await sql.raw(`create table ${table} (
      ${key} uuid primary key references ${ref},
      status text not null check (status in ('determined', 'pending', 'review', 'no-rule')),
      destruction_date date check ((destruction_date is null) = (status <> 'determined')),
      rule_ids text[] not null,
      applied_rule_ids text[] not null,
      record_classes text[] not null,
      schedule_version integer not null references retention_schedule (version),
      computed_at timestamptz not null
    )`).execute(db);
  }
  await sql`create index retention_label_date_idx on retention_label (destruction_date)`.execute(db);

  // Relabelling, set-based: one statement for every record, or for the records named.
  // A publication relabels every record holding this lock exclusively; relabelling named
  // records takes it shared first. So a record labelled while a new version is being
  // published is labelled after it commits (its next statement sees the new rules), or
  // before the publication's own relabelling reads the records: never under the old
  // version once the new one stands.
  await sql.raw(`create function sk_relabel_children(ids uuid[]) returns bigint language plpgsql as $$
    declare n bigint;
    begin
      perform pg_advisory_xact_lock_shared(${SCHEDULE_LOCK_KEY});
      ${upsert('retention_label', 'child_id', CHILD_LABELS.replace('{target}', `${CHILD_TARGET} where c.id = any(ids)`))};
      get diagnostics n = row_count;
      return n;
    end $$`).execute(db);
  await sql.raw(`create function sk_relabel_all_children() returns bigint language plpgsql as $$
    declare n bigint;
    begin
      ${upsert('retention_label', 'child_id', CHILD_LABELS.replace('{target}', CHILD_TARGET))};
      get diagnostics n = row_count;
      return n;
    end $$`).execute(db);
  // Carer records are few: one function, null for all of them.
  await sql.raw(`create function sk_relabel_carers(ids uuid[]) returns bigint language plpgsql as $$
    declare n bigint;
    begin
      if ids is not null then perform pg_advisory_xact_lock_shared(${SCHEDULE_LOCK_KEY}); end if;
      ${upsert('carer_retention_label', 'carer_id', CARER_LABELS.replace('{target}', `${CARER_TARGET} where ids is null or c.id = any(ids)`))};
      get diagnostics n = row_count;
      return n;
    end $$`).execute(db);

  // Every input of a label relabels its record in the same transaction.
  await sql`create function sk_relabel_child_trigger() returns trigger language plpgsql as $$
    begin
      if TG_TABLE_NAME = 'child' then
        perform sk_relabel_children(array[new.id]);
      else
        perform sk_relabel_children(array[new.child_id]);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger child_relabel after insert or update of date_of_birth, date_of_death on child
    for each row execute function sk_relabel_child_trigger()`.execute(db);
  await sql`create trigger involvement_relabel after insert or update of end_date on involvement
    for each row execute function sk_relabel_child_trigger()`.execute(db);
  // Court orders that change a record's class or its clock (adoption orders) relabel it when final.
  await sql`create trigger entry_court_order_relabel after insert or update on entry
    for each row when (new.kind = 'court-order' and new.status = 'final') execute function sk_relabel_child_trigger()`.execute(db);
  await sql`create function sk_relabel_carer_trigger() returns trigger language plpgsql as $$
    begin
      if TG_TABLE_NAME = 'carer' then
        perform sk_relabel_carers(array[new.id]);
      else
        perform sk_relabel_carers(array[new.carer_id]);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger carer_relabel after insert or update of kind, ended_on, end_reason on carer for each row execute function sk_relabel_carer_trigger()`.execute(db);
  await sql`create trigger carer_entry_relabel after insert on carer_entry for each row execute function sk_relabel_carer_trigger()`.execute(db);
  // A kind of involvement moved to another class relabels every record that has held it.
  await sql`create function sk_relabel_kind_trigger() returns trigger language plpgsql as $$
    begin
      perform sk_relabel_children(array(select distinct child_id from involvement where kind = new.code));
      return null;
    end $$`.execute(db);
  await sql`create trigger involvement_kind_relabel after update of record_class on involvement_kind for each row execute function sk_relabel_kind_trigger()`.execute(db);

  await sql`select sk_relabel_all_children()`.execute(db);
  await sql`select sk_relabel_carers(null)`.execute(db);

  // Holds (R10): never edited; released by two heads of service; a locked hold never.
  await sql`create table hold (
    id uuid primary key default gen_random_uuid(),
    name text not null check (length(btrim(name)) between 1 and 120),
    scope text not null check (scope in ('all', 'record-class', 'children', 'carers')),
    record_class text check ((scope = 'record-class') = (record_class is not null)),
    reason text not null check (length(btrim(reason)) > 0),
    authority text not null check (length(btrim(authority)) > 0),
    created_at timestamptz not null,
    created_by uuid references app_user (id)
  )`.execute(db);
  await sql`create unique index hold_name_key on hold (lower(name))`.execute(db);
  await sql`create table hold_subject (
    hold_id uuid not null references hold (id),
    child_id uuid references case_record (child_id),
    carer_id uuid references carer (id),
    check ((child_id is null) <> (carer_id is null))
  )`.execute(db);
  await sql`create unique index hold_subject_child_key on hold_subject (hold_id, child_id) where child_id is not null`.execute(db);
  await sql`create unique index hold_subject_carer_key on hold_subject (hold_id, carer_id) where carer_id is not null`.execute(db);
  await sql`create index hold_subject_child_idx on hold_subject (child_id) where child_id is not null`.execute(db);
  await sql`create table hold_lock (
    hold_id uuid primary key references hold (id),
    reason text not null check (length(btrim(reason)) > 0),
    locked_at timestamptz not null,
    locked_by uuid references app_user (id)
  )`.execute(db);
  await sql`create table hold_release_approval (
    hold_id uuid not null references hold (id),
    approver_id uuid not null references app_user (id),
    reason text not null check (length(btrim(reason)) > 0),
    approved_at timestamptz not null,
    primary key (hold_id, approver_id)
  )`.execute(db);
  await sql`create table hold_release (
    hold_id uuid primary key references hold (id),
    released_at timestamptz not null
  )`.execute(db);
  // The database itself refuses approvals of a locked or released hold, and a release
  // without two different approvers.
  await sql`create function sk_hold_release_check() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from hold_lock where hold_id = new.hold_id) then
        raise exception using errcode = 'SK001', message = 'a locked hold cannot be released through the application';
      end if;
      if exists (select 1 from hold_release where hold_id = new.hold_id) then
        raise exception using errcode = 'SK001', message = 'that hold is already released';
      end if;
      if TG_TABLE_NAME = 'hold_release' and (select count(*) from hold_release_approval where hold_id = new.hold_id) < 2 then
        raise exception using errcode = 'SK001', message = 'a hold is released only by two different heads of service';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger hold_release_approval_check before insert on hold_release_approval for each row execute function sk_hold_release_check()`.execute(db);
  await sql`create trigger hold_release_check before insert on hold_release for each row execute function sk_hold_release_check()`.execute(db);
  for (const table of RETENTION_APPEND_ONLY) {
    await sql.raw(`create trigger ${table}_append_only before update or delete on ${table} for each row execute function sk_reject_change()`).execute(db);
    await sql.raw(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function sk_reject_change()`).execute(db);
  }

  // The active holds covering a record: one definition for the API, the report and the disposal guard.
  await sql`create function sk_child_active_holds(c uuid) returns table (id uuid, name text) language sql stable as $$
    select h.id, h.name from hold h
     where not exists (select 1 from hold_release r where r.hold_id = h.id)
       and (h.scope = 'all'
         or (h.scope = 'record-class' and h.record_class = any (coalesce((select l.record_classes from retention_label l where l.child_id = c), '{}')))
         or (h.scope = 'children' and exists (select 1 from hold_subject s where s.hold_id = h.id and s.child_id = c)))
  $$`.execute(db);
  await sql`create function sk_carer_active_holds(c uuid) returns table (id uuid, name text) language sql stable as $$
    select h.id, h.name from hold h
     where not exists (select 1 from hold_release r where r.hold_id = h.id)
       and (h.scope = 'all'
         or (h.scope = 'record-class' and h.record_class = any (coalesce((select l.record_classes from carer_retention_label l where l.carer_id = c), '{}')))
         or (h.scope = 'carers' and exists (select 1 from hold_subject s where s.hold_id = h.id and s.carer_id = c)))
  $$`.execute(db);

  // R10: the standing inquiry hold, on from the first start on every engine. Holds are
  // append-only, so nothing can remove it; only two heads of service can release it.
  await sql`insert into hold (name, scope, reason, authority, created_at)
    values (${IICSA_HOLD_NAME}, 'all',
      'Independent Inquiry into Child Sexual Abuse: retain every children''s record until further notice (non-destruction letters of June and July 2015).',
      'Inquiries Act 2005; IICSA chair''s retention instructions to local authority chief executives, 2015', now())`.execute(db);
}
