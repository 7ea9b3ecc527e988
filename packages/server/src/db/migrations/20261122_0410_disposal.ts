import { sql, type Kysely } from 'kysely';

/**
 * Disposal (R12, R14) and archiving. Escalations and disposals are append-only
 * registers. A child's data leaves the database only inside the transaction that
 * records an executed disposal: the delete guards below let a row go only when that
 * transaction has inserted a `disposal_execution` for the row's child, and inserting
 * one is refused unless two different people with the two approving roles approved,
 * no hold covers the record, its destruction date has come, and nothing else blocks.
 */

/** Tables a disposal empties for its child (in this order: children before parents). */
export const DISPOSABLE_TABLES = ['document', 'entry_version', 'entry', 'child_version', 'child', 'involvement', 'allocation', 'relationship', 'duplicate_override', 'blob'] as const;
/** Of those, the ones whose rows never change otherwise (the rest keep their update guards). */
const APPEND_ONLY = ['document', 'entry_version', 'child_version', 'relationship', 'duplicate_override', 'blob'];
const GUARDED = ['entry', 'child', 'involvement', 'allocation'];

export const DISPOSAL_APPEND_ONLY = ['escalation', 'escalation_decision', 'disposal', 'disposal_approval', 'disposal_execution', 'record_status_change'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // A destroyed record keeps its case_record row as the tombstone.
  await sql`alter table case_record drop constraint case_record_status_check`.execute(db);
  await sql`alter table case_record add constraint case_record_status_check check (status in ('open', 'archived', 'destroyed'))`.execute(db);
  await sql`create function sk_case_record_status_guard() returns trigger language plpgsql as $$
    begin
      if old.status = 'destroyed' and new.status <> 'destroyed' then
        raise exception using errcode = 'SK001', message = 'a destroyed record stays destroyed';
      end if;
      if new.status = 'destroyed' and old.status <> 'destroyed'
         and not exists (select 1 from disposal_execution x where x.child_id = new.child_id and x.txid = txid_current()) then
        raise exception using errcode = 'SK001', message = 'a record is destroyed only by an approved disposal';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger case_record_status_guard before update of status on case_record for each row execute function sk_case_record_status_guard()`.execute(db);
  // Archiving and reopening, with who, when and why.
  await sql`create table record_status_change (
    id uuid primary key default gen_random_uuid(),
    child_id uuid not null references case_record (child_id),
    status text not null check (status in ('open', 'archived', 'destroyed')),
    reason text not null check (length(btrim(reason)) > 0),
    changed_at timestamptz not null,
    changed_by uuid references app_user (id)
  )`.execute(db);
  await sql`create index record_status_change_child_idx on record_status_change (child_id, changed_at)`.execute(db);

  await sql`create table escalation (
    id uuid primary key default gen_random_uuid(),
    child_id uuid references case_record (child_id),
    carer_id uuid references carer (id),
    question text not null check (length(btrim(question)) between 1 and 4000),
    to_role text not null check (to_role in ('manager', 'head-of-service', 'business-services')),
    raised_at timestamptz not null,
    raised_by uuid not null references app_user (id),
    check ((child_id is null) <> (carer_id is null))
  )`.execute(db);
  await sql`create index escalation_child_idx on escalation (child_id) where child_id is not null`.execute(db);
  await sql`create table escalation_decision (
    escalation_id uuid primary key references escalation (id),
    decision text not null check (length(btrim(decision)) between 1 and 4000),
    decided_at timestamptz not null,
    decided_by uuid not null references app_user (id)
  )`.execute(db);

  await sql`create table disposal (
    id uuid primary key default gen_random_uuid(),
    child_id uuid not null references case_record (child_id),
    reason text not null check (length(btrim(reason)) between 1 and 2000),
    requested_at timestamptz not null,
    requested_by uuid not null references app_user (id)
  )`.execute(db);
  await sql`create index disposal_child_idx on disposal (child_id)`.execute(db);
  await sql`create table disposal_approval (
    disposal_id uuid not null references disposal (id),
    approver_id uuid not null references app_user (id),
    role text not null check (role in ('records-officer', 'head-of-service')),
    approved_at timestamptz not null,
    primary key (disposal_id, approver_id),
    unique (disposal_id, role)
  )`.execute(db);
  await sql`create function sk_disposal_approval_check() returns trigger language plpgsql as $$
    begin
      if new.approver_id = (select requested_by from disposal where id = new.disposal_id) then
        raise exception using errcode = 'SK001', message = 'nobody approves their own disposal request';
      end if;
      if not (new.role = any ((select roles from app_user where id = new.approver_id))) then
        raise exception using errcode = 'SK001', message = 'the approver does not hold the role they approve as';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger disposal_approval_check before insert on disposal_approval for each row execute function sk_disposal_approval_check()`.execute(db);

  // The certificate is kept here for ever; `txid` marks the one transaction that may delete the child's rows.
  await sql`create table disposal_execution (
    disposal_id uuid primary key references disposal (id),
    child_id uuid not null unique references case_record (child_id),
    executed_at timestamptz not null,
    txid bigint not null,
    audit_seq bigint,
    certificate jsonb not null,
    certificate_sha256 text not null check (certificate_sha256 ~ '^[0-9a-f]{64}$')
  )`.execute(db);
  await sql`create function sk_disposal_open_blockers(c uuid) returns integer language sql stable as $$
    select (select count(*) from involvement where child_id = c and end_date is null)::integer
         + (select count(*) from escalation e where e.child_id = c and not exists (select 1 from escalation_decision d where d.escalation_id = e.id))::integer
  $$`.execute(db);
  await sql`create function sk_disposal_execution_check() returns trigger language plpgsql as $$
    declare
      d record;
      l record;
    begin
      select * into d from disposal where id = new.disposal_id;
      if d.child_id is distinct from new.child_id then
        raise exception using errcode = 'SK001', message = 'disposal executed for another record';
      end if;
      if (select count(*) from disposal_approval a where a.disposal_id = d.id and a.approver_id <> d.requested_by) < 2 then
        raise exception using errcode = 'SK001', message = 'a disposal needs two approvals (records officer and head of service) by people other than the requester';
      end if;
      if exists (select 1 from sk_child_active_holds(new.child_id)) then
        raise exception using errcode = 'SK001', message = 'a hold covers this record';
      end if;
      select * into l from retention_label where child_id = new.child_id;
      if l.status is distinct from 'determined' or l.destruction_date > (new.executed_at at time zone 'Europe/London')::date then
        raise exception using errcode = 'SK001', message = 'this record''s destruction date has not come';
      end if;
      if sk_disposal_open_blockers(new.child_id) > 0 then
        raise exception using errcode = 'SK001', message = 'an open involvement, escalation or subject access request blocks this disposal';
      end if;
      if (select status from case_record where child_id = new.child_id) = 'destroyed' then
        raise exception using errcode = 'SK001', message = 'this record is already destroyed';
      end if;
      new.txid := txid_current();
      return new;
    end $$`.execute(db);
  await sql`create trigger disposal_execution_check before insert on disposal_execution for each row execute function sk_disposal_execution_check()`.execute(db);
  // The audit position is filled in once, by the same transaction, after the event is appended.
  await sql`create function sk_disposal_execution_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'UPDATE' and old.audit_seq is null and old.txid = txid_current()
         and (new.disposal_id, new.child_id, new.executed_at, new.txid, new.certificate, new.certificate_sha256)
             is not distinct from (old.disposal_id, old.child_id, old.executed_at, old.txid, old.certificate, old.certificate_sha256) then
        return new;
      end if;
      raise exception using errcode = 'SK001', message = 'disposal certificates are permanent';
    end $$`.execute(db);
  await sql`create trigger disposal_execution_guard before update or delete on disposal_execution for each row execute function sk_disposal_execution_guard()`.execute(db);
  await sql`create trigger disposal_execution_no_truncate before truncate on disposal_execution for each statement execute function sk_reject_change()`.execute(db);
  for (const table of DISPOSAL_APPEND_ONLY.filter((t) => t !== 'disposal_execution')) {
    await sql.raw(`create trigger ${table}_append_only before update or delete on ${table} for each row execute function sk_reject_change()`).execute(db);
    await sql.raw(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function sk_reject_change()`).execute(db);
  }

  // The one way a child's rows are deleted: inside the disposal's own transaction.
  await sql`create function sk_delete_only_when_disposing() returns trigger language plpgsql as $$
    declare
      c uuid;
    begin
      if TG_TABLE_NAME = 'blob' then
        -- Content is stored once for everyone: it goes only when no document refers to it.
        if exists (select 1 from disposal_execution where txid = txid_current())
           and not exists (select 1 from document where sha256 = old.sha256) then
          return old;
        end if;
      else
        if TG_TABLE_NAME = 'entry_version' then
          select e.child_id into c from entry e where e.id = old.entry_id;
        elsif TG_TABLE_NAME = 'child' then
          c := (to_jsonb(old) ->> 'id')::uuid;
        else
          c := (to_jsonb(old) ->> 'child_id')::uuid;
        end if;
        if exists (select 1 from disposal_execution where child_id = c and txid = txid_current()) then
          return old;
        end if;
      end if;
      raise exception using errcode = 'SK001', message = format('%s rows are removed only by an approved disposal', TG_TABLE_NAME);
    end $$`.execute(db);
  for (const table of APPEND_ONLY) {
    await sql.raw(`drop trigger ${table}_append_only on ${table}`).execute(db);
    await sql.raw(`create trigger ${table}_append_only before update on ${table} for each row execute function sk_reject_change()`).execute(db);
  }
  for (const table of GUARDED) {
    await sql.raw(`drop trigger ${table}_guard on ${table}`).execute(db);
    await sql.raw(`create trigger ${table}_guard before update on ${table} for each row execute function sk_guard_${table}()`).execute(db);
  }
  for (const table of DISPOSABLE_TABLES) {
    await sql.raw(`create trigger ${table}_delete_guard before delete on ${table} for each row execute function sk_delete_only_when_disposing()`).execute(db);
  }

  // Nothing new is written into a record that is archived or destroyed. Entries are
  // checked by the service in the same statement as they are written; these guard the
  // rest, and entries too, for any path that forgets.
  await sql`create function sk_record_must_be_open() returns trigger language plpgsql as $$
    declare
      s text;
    begin
      -- The key share lock is the one the foreign key takes anyway; a disposal's FOR UPDATE
      -- waits for it, and a write that comes after a disposal sees the record destroyed.
      select status into s from case_record where child_id = new.child_id for key share;
      if s = 'open' or s is null then return new; end if;
      raise exception using errcode = case when s = 'destroyed' then 'SK003' else 'SK002' end,
        message = format('the record is %s: nothing can be added to it', s);
    end $$`.execute(db);
  for (const table of ['entry', 'involvement', 'document', 'relationship']) {
    await sql.raw(`create trigger ${table}_record_open before insert on ${table} for each row execute function sk_record_must_be_open()`).execute(db);
  }
}
