import { sql, type Kysely } from 'kysely';
import { NOTEBOOK_RECORD_CLASS } from '@safekeep/core';

/**
 * Paper (R13, R17, R18): off-site boxes and the paper files in them, each movement
 * kept (who, when, where), and practitioners' notebooks and diaries, disposed of only
 * once transcribed, when no hold applies, with two approvals.
 */

export const PAPER_APPEND_ONLY = ['box_location', 'paper_file_event', 'notebook', 'notebook_transcription', 'notebook_disposal_approval', 'notebook_disposal'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table box (
    id uuid primary key default gen_random_uuid(),
    barcode text not null check (barcode ~ '^[ -~]{1,48}$'),
    created_at timestamptz not null,
    created_by uuid references app_user (id)
  )`.execute(db);
  await sql`create unique index box_barcode_key on box (barcode)`.execute(db);
  await sql`create table box_location (
    id uuid primary key default gen_random_uuid(),
    box_id uuid not null references box (id),
    location text not null check (length(btrim(location)) between 1 and 200),
    moved_at timestamptz not null,
    moved_by uuid references app_user (id)
  )`.execute(db);
  await sql`create index box_location_box_idx on box_location (box_id, moved_at desc)`.execute(db);

  // A paper file's head says where it is now; every change is also an event, kept.
  await sql`create table paper_file (
    id uuid primary key default gen_random_uuid(),
    child_id uuid references case_record (child_id),
    carer_id uuid references carer (id),
    description text not null check (length(btrim(description)) between 1 and 500),
    box_id uuid references box (id),
    location text check (location is null or length(btrim(location)) between 1 and 200),
    checked_out_to uuid references app_user (id),
    checked_out_at timestamptz,
    destroyed_at timestamptz,
    created_at timestamptz not null,
    created_by uuid references app_user (id),
    check ((child_id is null) <> (carer_id is null)),
    check ((checked_out_to is null) = (checked_out_at is null)),
    check (box_id is not null or location is not null or destroyed_at is not null)
  )`.execute(db);
  await sql`create index paper_file_child_idx on paper_file (child_id) where child_id is not null`.execute(db);
  await sql`create index paper_file_carer_idx on paper_file (carer_id) where carer_id is not null`.execute(db);
  await sql`create index paper_file_box_idx on paper_file (box_id) where box_id is not null`.execute(db);
  await sql`create function sk_guard_paper_file() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'DELETE' then
        raise exception using errcode = 'SK001', message = 'paper file rows are never deleted';
      end if;
      if new.id is distinct from old.id or new.child_id is distinct from old.child_id or new.carer_id is distinct from old.carer_id
         or new.created_at is distinct from old.created_at or new.created_by is distinct from old.created_by
         or (old.destroyed_at is not null) then
        raise exception using errcode = 'SK001', message = 'paper_file: that change is not allowed';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger paper_file_guard before update or delete on paper_file for each row execute function sk_guard_paper_file()`.execute(db);
  await sql`create trigger paper_file_no_truncate before truncate on paper_file for each statement execute function sk_reject_change()`.execute(db);
  await sql`create table paper_file_event (
    id uuid primary key default gen_random_uuid(),
    paper_file_id uuid not null references paper_file (id),
    event text not null check (event in ('registered', 'moved', 'checked-out', 'returned', 'destroyed')),
    box_id uuid references box (id),
    location text,
    holder_id uuid references app_user (id),
    note text,
    at timestamptz not null,
    by_user uuid references app_user (id)
  )`.execute(db);
  await sql`create index paper_file_event_file_idx on paper_file_event (paper_file_id, at)`.execute(db);

  await sql`create table notebook (
    id uuid primary key default gen_random_uuid(),
    owner_user_id uuid not null references app_user (id),
    from_date date not null,
    to_date date not null check (to_date >= from_date),
    description text,
    registered_at timestamptz not null,
    registered_by uuid references app_user (id)
  )`.execute(db);
  await sql`create index notebook_owner_idx on notebook (owner_user_id, from_date)`.execute(db);
  await sql`create table notebook_transcription (
    notebook_id uuid primary key references notebook (id),
    note text,
    transcribed_at timestamptz not null,
    transcribed_by uuid not null references app_user (id)
  )`.execute(db);
  await sql`create table notebook_disposal_approval (
    notebook_id uuid not null references notebook (id),
    approver_id uuid not null references app_user (id),
    role text not null check (role in ('records-officer', 'head-of-service')),
    reason text not null check (length(btrim(reason)) > 0),
    approved_at timestamptz not null,
    primary key (notebook_id, approver_id),
    unique (notebook_id, role)
  )`.execute(db);
  await sql`create table notebook_disposal (
    notebook_id uuid primary key references notebook (id),
    disposed_at timestamptz not null
  )`.execute(db);
  // R18: the database refuses to record a notebook's disposal before it is transcribed,
  // while a hold covers notebooks, or without two approvals.
  await sql`create function sk_notebook_holds() returns table (id uuid, name text) language sql stable as $$
    select h.id, h.name from hold h
     where not exists (select 1 from hold_release r where r.hold_id = h.id)
       and (h.scope = 'all' or (h.scope = 'record-class' and h.record_class = ${sql.lit(NOTEBOOK_RECORD_CLASS)}))
  $$`.execute(db);
  await sql`create function sk_notebook_disposal_check() returns trigger language plpgsql as $$
    begin
      if not exists (select 1 from notebook_transcription where notebook_id = new.notebook_id) then
        raise exception using errcode = 'SK001', message = 'a notebook is disposed of only once transcribed';
      end if;
      if exists (select 1 from sk_notebook_holds()) then
        raise exception using errcode = 'SK001', message = 'a hold covers notebooks';
      end if;
      if (select count(*) from notebook_disposal_approval where notebook_id = new.notebook_id) < 2 then
        raise exception using errcode = 'SK001', message = 'a notebook disposal needs two approvals';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger notebook_disposal_check before insert on notebook_disposal for each row execute function sk_notebook_disposal_check()`.execute(db);
  await sql`create function sk_notebook_approval_check() returns trigger language plpgsql as $$
    begin
      if new.approver_id = (select owner_user_id from notebook where id = new.notebook_id) then
        raise exception using errcode = 'SK001', message = 'nobody approves the disposal of their own notebook';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger notebook_approval_check before insert on notebook_disposal_approval for each row execute function sk_notebook_approval_check()`.execute(db);

  for (const table of ['box', ...PAPER_APPEND_ONLY]) {
    await sql.raw(`create trigger ${table}_append_only before update or delete on ${table} for each row execute function sk_reject_change()`).execute(db);
    await sql.raw(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function sk_reject_change()`).execute(db);
  }
}
