import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { holidaysFromGovUk, type GovUkBankHolidays } from '@safekeep/core';

/**
 * Recording: typed entries (sub-type, recording deadline, when finalised), bank
 * holidays for working-day arithmetic, the authority's nation, and carer and home
 * records with their own entries, kept apart from children's records (R8).
 */
function shipped(file: string): GovUkBankHolidays {
  return JSON.parse(readFileSync(new URL(`../../../data/${file}`, import.meta.url), 'utf8')) as GovUkBankHolidays;
}

/**
 * Guards for the rows that do change (heads, closures, allocations): the columns that
 * say what a row is and who made it never change, versions only move forward, a close
 * or end date is set once, and nothing is deleted or truncated.
 */
const GUARDS: Array<{ table: string; immutable: string[]; setOnce: string[]; forward?: string }> = [
  { table: 'entry', immutable: ['id', 'child_id', 'kind', 'created_at', 'created_by'], setOnce: ['finalised_at'], forward: 'current_version' },
  { table: 'child', immutable: ['id', 'created_at', 'created_by'], setOnce: [], forward: 'version' },
  { table: 'case_record', immutable: ['child_id', 'opened_at', 'opened_by'], setOnce: [] },
  { table: 'involvement', immutable: ['id', 'child_id', 'kind', 'start_date', 'created_at', 'created_by'], setOnce: ['end_date', 'closed_at', 'closed_by'] },
  { table: 'allocation', immutable: ['id', 'child_id', 'user_id', 'role', 'starts_on', 'created_at', 'created_by'], setOnce: ['ended_at', 'ended_by'] },
  { table: 'carer_entry', immutable: ['id', 'carer_id', 'kind', 'created_at', 'created_by'], setOnce: [], forward: 'current_version' },
  { table: 'carer_allocation', immutable: ['id', 'carer_id', 'user_id', 'role', 'created_at', 'created_by'], setOnce: ['ended_at', 'ended_by'] },
];

async function guard(db: Kysely<unknown>, g: (typeof GUARDS)[number]): Promise<void> {
  const checks = [
    ...g.immutable.map((c) => `new.${c} is distinct from old.${c}`),
    ...g.setOnce.map((c) => `(old.${c} is not null and new.${c} is distinct from old.${c})`),
    ...(g.forward !== undefined ? [`new.${g.forward} < old.${g.forward}`] : []),
  ].join(' or ');
  await sql.raw(`create function sk_guard_${g.table}() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'DELETE' then
        raise exception using errcode = 'SK001', message = format('%s rows are never deleted', TG_TABLE_NAME);
      end if;
      if ${checks} then
        raise exception using errcode = 'SK001', message = format('%s: that change is not allowed (identity, authorship and history are fixed)', TG_TABLE_NAME);
      end if;
      return new;
    end $$`).execute(db);
  await sql.raw(`create trigger ${g.table}_guard before update or delete on ${g.table} for each row execute function sk_guard_${g.table}()`).execute(db);
  await sql.raw(`create trigger ${g.table}_no_truncate before truncate on ${g.table} for each statement execute function sk_reject_change()`).execute(db);
}

/** Tables whose rows are never updated or deleted at all. */
export const APPEND_ONLY_TABLES_2 = ['carer_entry_version', 'relationship'] as const;
export const GUARDED_TABLES = GUARDS.map((g) => g.table);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table authority add column holiday_region text not null default 'england-and-wales'
    check (holiday_region in ('england-and-wales', 'scotland', 'northern-ireland'))`.execute(db);
  // Every installation has its authority row from now on.
  await sql`insert into authority (id, name, created_at) values (1, 'Local authority', now()) on conflict (id) do nothing`.execute(db);

  await sql`create table bank_holiday (
    region text not null check (region in ('england-and-wales', 'scotland', 'northern-ireland')),
    date date not null,
    title text not null,
    source text not null check (source in ('gov.uk', 'projected')),
    primary key (region, date)
  )`.execute(db);
  const rows = [
    ...holidaysFromGovUk(shipped('bank-holidays.json')).map((h) => ({ ...h, source: 'gov.uk' })),
    ...holidaysFromGovUk(shipped('bank-holidays-projected.json')).map((h) => ({ ...h, source: 'projected' })),
  ];
  for (const h of rows) {
    await sql`insert into bank_holiday (region, date, title, source) values (${h.region}, ${h.date}, ${h.title}, ${h.source}) on conflict do nothing`.execute(db);
  }

  // The children an idempotent reply concerns: a replay re-checks access to each.
  await sql`alter table idempotency_record add column child_ids uuid[] not null default '{}'`.execute(db);

  // Derived columns on the entry head, kept by the service with each version.
  await sql`alter table entry add column subtype text`.execute(db);
  await sql`alter table entry add column recording_due_by timestamptz`.execute(db);
  await sql`alter table entry add column finalised_at timestamptz`.execute(db);
  await sql`update entry set finalised_at = created_at where status = 'final'`.execute(db);
  await sql`update entry e set subtype = v.fields ->> 'visitType' from entry_version v where v.entry_id = e.id and v.version = e.current_version and e.kind = 'visit'`.execute(db);
  await sql`create index entry_subtype_idx on entry (child_id, kind, subtype, occurred_at desc)`.execute(db);
  await sql`create index entry_draft_idx on entry (child_id) where status = 'draft'`.execute(db);
  await sql`create index entry_late_idx on entry (child_id, occurred_at desc) where finalised_at > recording_due_by`.execute(db);

  // Carer and home records: separate tables, so a child's chronology cannot include them.
  await sql`create table carer (
    id uuid primary key default gen_random_uuid(),
    kind text not null check (kind in ('foster-carer', 'childrens-home', 'other-provider')),
    name text not null check (length(btrim(name)) between 1 and 200),
    status text not null default 'active' check (status in ('active', 'closed')),
    created_at timestamptz not null,
    created_by uuid references app_user (id)
  )`.execute(db);
  await sql`create table carer_allocation (
    id uuid primary key default gen_random_uuid(),
    carer_id uuid not null references carer (id),
    user_id uuid not null references app_user (id),
    role text not null check (role in ('supervising-social-worker', 'home-manager')),
    created_at timestamptz not null,
    created_by uuid references app_user (id),
    ended_at timestamptz,
    ended_by uuid references app_user (id)
  )`.execute(db);
  await sql`create unique index carer_allocation_current_key on carer_allocation (carer_id, role) where ended_at is null`.execute(db);
  await sql`create index carer_allocation_user_idx on carer_allocation (user_id, carer_id) where ended_at is null`.execute(db);

  await sql`create table carer_entry (
    id uuid primary key,
    carer_id uuid not null references carer (id),
    kind text not null,
    current_version integer not null,
    occurred_at timestamptz not null,
    created_at timestamptz not null,
    created_by uuid not null references app_user (id),
    updated_at timestamptz not null
  )`.execute(db);
  await sql`create index carer_entry_chronology_idx on carer_entry (carer_id, occurred_at desc, id desc)`.execute(db);
  await sql`create table carer_entry_version (
    entry_id uuid not null references carer_entry (id),
    version integer not null check (version > 0),
    occurred_at timestamptz not null,
    title text not null,
    body text not null,
    reason text check (version = 1 or length(btrim(reason)) > 0),
    recorded_at timestamptz not null,
    recorded_by uuid not null references app_user (id),
    primary key (entry_id, version)
  )`.execute(db);
  await sql`alter table carer_entry add constraint carer_entry_current_version_fkey
    foreign key (id, current_version) references carer_entry_version (entry_id, version) deferrable initially deferred`.execute(db);
  for (const table of APPEND_ONLY_TABLES_2) {
    await sql.raw(`create trigger ${table}_append_only before update or delete on ${table} for each row execute function sk_reject_change()`).execute(db);
    await sql.raw(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function sk_reject_change()`).execute(db);
  }
  for (const g of GUARDS) await guard(db, g);
}
