import { sql, type Kysely } from 'kysely';

/**
 * Disposal of foster carers', children's homes' and other providers' records (R8, R14),
 * under the same rules as a child's (migration 0410): a `disposal` names exactly one
 * record, a child's or a carer's; its execution is refused by the database unless two
 * people other than the requester approved it, no hold covers the record, its
 * destruction date has come, the record has ended (FSR 2011 reg 32 counts from the end
 * of approval or placement) and no escalation about it is undecided.
 *
 * A carer's entries, their versions and its allocations may be deleted only inside the
 * transaction that inserted the execution for that carer (its `txid`). The `carer` row
 * itself stays as the tombstone, because holds, escalations, paper files, the retention
 * label and the disposal point at it: it is marked `destroyed` and its name replaced by
 * DESTROYED_CARER_NAME in that same transaction, and never changes again.
 *
 * Children's `duplicate-entry` copies name their source in the entry's fields (ids, no
 * foreign key), so they stay in the children's records untouched.
 */

/** The name a destroyed carer record keeps: the people it named are gone with it. */
export const DESTROYED_CARER_NAME = 'Destroyed record';

/** Carer tables a carer's disposal empties (children before parents). */
export const CARER_DISPOSABLE_TABLES = ['carer_entry_version', 'carer_entry', 'carer_allocation'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // A disposal is of one record: a child's or a carer's.
  await sql`alter table disposal alter column child_id drop not null`.execute(db);
  await sql`alter table disposal add column carer_id uuid references carer (id)`.execute(db);
  await sql`alter table disposal add constraint disposal_subject_check check ((child_id is null) <> (carer_id is null))`.execute(db);
  await sql`create index disposal_carer_idx on disposal (carer_id) where carer_id is not null`.execute(db);
  await sql`alter table disposal_execution alter column child_id drop not null`.execute(db);
  await sql`alter table disposal_execution add column carer_id uuid unique references carer (id)`.execute(db);
  await sql`alter table disposal_execution add constraint disposal_execution_subject_check check ((child_id is null) <> (carer_id is null))`.execute(db);

  // The tombstone: a destroyed carer record keeps no name.
  await sql`alter table carer drop constraint carer_status_check`.execute(db);
  await sql`alter table carer add constraint carer_status_check check (status in ('active', 'closed', 'destroyed'))`.execute(db);
  await sql`alter table carer add constraint carer_destroyed_name_check check (status <> 'destroyed' or name = ${sql.lit(DESTROYED_CARER_NAME)})`.execute(db);

  // The execution check of 0410 (with the open blockers 0510 added), and the same for a carer's record.
  await sql`create or replace function sk_disposal_execution_check() returns trigger language plpgsql as $$
    declare
      d record;
      l record;
    begin
      select * into d from disposal where id = new.disposal_id;
      if d.child_id is distinct from new.child_id or d.carer_id is distinct from new.carer_id then
        raise exception using errcode = 'SK001', message = 'disposal executed for another record';
      end if;
      if (select count(*) from disposal_approval a where a.disposal_id = d.id and a.approver_id <> d.requested_by) < 2 then
        raise exception using errcode = 'SK001', message = 'a disposal needs two approvals (records officer and head of service) by people other than the requester';
      end if;
      if new.child_id is not null then
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
      else
        if exists (select 1 from sk_carer_active_holds(new.carer_id)) then
          raise exception using errcode = 'SK001', message = 'a hold covers this record';
        end if;
        select * into l from carer_retention_label where carer_id = new.carer_id;
        if l.status is distinct from 'determined' or l.destruction_date > (new.executed_at at time zone 'Europe/London')::date then
          raise exception using errcode = 'SK001', message = 'this record''s destruction date has not come';
        end if;
        if (select status from carer where id = new.carer_id) is distinct from 'closed' then
          raise exception using errcode = 'SK001', message = 'only a carer''s or home''s record that has ended, and is not yet destroyed, can be destroyed';
        end if;
        if exists (select 1 from escalation e where e.carer_id = new.carer_id and not exists (select 1 from escalation_decision x where x.escalation_id = e.id)) then
          raise exception using errcode = 'SK001', message = 'an undecided escalation blocks this disposal';
        end if;
      end if;
      new.txid := txid_current();
      return new;
    end $$`.execute(db);
  await sql`create or replace function sk_disposal_execution_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'UPDATE' and old.audit_seq is null and old.txid = txid_current()
         and (new.disposal_id, new.child_id, new.carer_id, new.executed_at, new.txid, new.certificate, new.certificate_sha256)
             is not distinct from (old.disposal_id, old.child_id, old.carer_id, old.executed_at, old.txid, old.certificate, old.certificate_sha256) then
        return new;
      end if;
      raise exception using errcode = 'SK001', message = 'disposal certificates are permanent';
    end $$`.execute(db);

  // The carer row: never deleted; destroyed only by its disposal; then never changed.
  await sql`create function sk_guard_carer() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'DELETE' then
        raise exception using errcode = 'SK001', message = 'carer rows are never deleted: a destroyed record keeps its row as the tombstone';
      end if;
      if new.id is distinct from old.id or new.created_at is distinct from old.created_at or new.created_by is distinct from old.created_by then
        raise exception using errcode = 'SK001', message = 'carer: that change is not allowed (identity and authorship are fixed)';
      end if;
      if old.status = 'destroyed' then
        raise exception using errcode = 'SK001', message = 'a destroyed record stays destroyed';
      end if;
      if new.status = 'destroyed'
         and not exists (select 1 from disposal_execution x where x.carer_id = new.id and x.txid = txid_current()) then
        raise exception using errcode = 'SK001', message = 'a record is destroyed only by an approved disposal';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger carer_guard before update or delete on carer for each row execute function sk_guard_carer()`.execute(db);
  await sql`create trigger carer_no_truncate before truncate on carer for each statement execute function sk_reject_change()`.execute(db);

  // The carer's content goes only inside its disposal's transaction (as sk_delete_only_when_disposing for a child's).
  await sql`create function sk_carer_delete_only_when_disposing() returns trigger language plpgsql as $$
    declare
      c uuid;
    begin
      if TG_TABLE_NAME = 'carer_entry_version' then
        select e.carer_id into c from carer_entry e where e.id = old.entry_id;
      else
        c := (to_jsonb(old) ->> 'carer_id')::uuid;
      end if;
      if exists (select 1 from disposal_execution where carer_id = c and txid = txid_current()) then
        return old;
      end if;
      raise exception using errcode = 'SK001', message = format('%s rows are removed only by an approved disposal', TG_TABLE_NAME);
    end $$`.execute(db);
  // Updates keep the guards of 0200: entry versions never change, heads and allocations only as allowed.
  await sql`drop trigger carer_entry_version_append_only on carer_entry_version`.execute(db);
  await sql`create trigger carer_entry_version_append_only before update on carer_entry_version for each row execute function sk_reject_change()`.execute(db);
  for (const table of ['carer_entry', 'carer_allocation']) {
    await sql.raw(`drop trigger ${table}_guard on ${table}`).execute(db);
    await sql.raw(`create trigger ${table}_guard before update on ${table} for each row execute function sk_guard_${table}()`).execute(db);
  }
  for (const table of CARER_DISPOSABLE_TABLES) {
    await sql.raw(`create trigger ${table}_delete_guard before delete on ${table} for each row execute function sk_carer_delete_only_when_disposing()`).execute(db);
  }

  // Nothing is added to a destroyed carer record. The key share lock is the one the
  // foreign key takes anyway: a disposal's FOR UPDATE on the carer waits for writers,
  // and a write that comes after it sees the record destroyed (SK003: RECORD_DESTROYED).
  await sql`create function sk_carer_must_not_be_destroyed() returns trigger language plpgsql as $$
    declare
      s text;
    begin
      select status into s from carer where id = new.carer_id for key share;
      if s = 'destroyed' then
        raise exception using errcode = 'SK003', message = 'the record is destroyed: nothing can be added to it';
      end if;
      return new;
    end $$`.execute(db);
  for (const table of ['carer_entry', 'carer_allocation']) {
    await sql.raw(`create trigger ${table}_record_not_destroyed before insert on ${table} for each row execute function sk_carer_must_not_be_destroyed()`).execute(db);
  }

  // A destroyed record keeps the label it was destroyed under, as a child's does (its
  // child row is gone, so relabelling passes it by): relabelling skips destroyed carers,
  // whose entries no longer exist to count from. Every caller (the triggers of 0400, a
  // schedule publication) goes through the name, so the filter sits in front of it.
  await sql`alter function sk_relabel_carers(uuid[]) rename to sk_relabel_carers_unfiltered`.execute(db);
  await sql`create function sk_relabel_carers(ids uuid[]) returns bigint language plpgsql as $$
    begin
      return sk_relabel_carers_unfiltered(array(select c.id from carer c where c.status <> 'destroyed' and (ids is null or c.id = any(ids))));
    end $$`.execute(db);
}
