import { sql, type Kysely } from 'kysely';

/**
 * The latest final entry of each kind (and of each kind and sub-type) per child, kept
 * by the database itself as entries are written, corrected or finalised. Worklists and
 * compliance read it instead of probing every child's chronology: a team of 300
 * children with five years of entries is one indexed read, not thousands.
 * Sub-type '*' means "any sub-type"; '' means "none".
 */
/** Fills the summary from the entries (used at migration, and after bulk loads that bypass the trigger). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- used by migrations (untyped) and the bench (typed)
export async function rebuildEntrySummary(db: Kysely<any>): Promise<void> {
  await sql`insert into entry_summary (child_id, kind, subtype, latest_entry_id, latest_occurred_at)
    select distinct on (child_id, kind) child_id, kind, '*', id, occurred_at from entry where status = 'final' order by child_id, kind, occurred_at desc, id desc
    on conflict (child_id, kind, subtype) do update set latest_entry_id = excluded.latest_entry_id, latest_occurred_at = excluded.latest_occurred_at`.execute(db);
  await sql`insert into entry_summary (child_id, kind, subtype, latest_entry_id, latest_occurred_at)
    select distinct on (child_id, kind, coalesce(subtype, '')) child_id, kind, coalesce(subtype, ''), id, occurred_at from entry where status = 'final'
     order by child_id, kind, coalesce(subtype, ''), occurred_at desc, id desc
    on conflict (child_id, kind, subtype) do update set latest_entry_id = excluded.latest_entry_id, latest_occurred_at = excluded.latest_occurred_at`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table entry_summary (
    child_id uuid not null,
    kind text not null,
    subtype text not null,
    latest_entry_id uuid not null,
    latest_occurred_at timestamptz not null,
    primary key (child_id, kind, subtype)
  ) with (fillfactor = 50)`.execute(db);
  // Rows change with every entry written but their indexed columns never do: room on each
  // page lets those be heap-only updates, and vacuum keeps up.

  await sql`create function sk_refresh_entry_summary(c uuid, k text, st text) returns void language plpgsql as $$
    declare
      l record;
    begin
      -- One refresh at a time per child and kind, and the summary row locked before looking:
      -- a new entry's upsert waits for this one, then keeps whichever is later.
      perform pg_advisory_xact_lock(hashtextextended('entry-summary:' || c::text || ':' || k, 0));
      perform 1 from entry_summary where child_id = c and kind = k and subtype = st for update;
      if st = '*' then
        select id, occurred_at into l from entry where child_id = c and kind = k and status = 'final' order by occurred_at desc, id desc limit 1;
      elsif st = '' then
        select id, occurred_at into l from entry where child_id = c and kind = k and subtype is null and status = 'final' order by occurred_at desc, id desc limit 1;
      else
        select id, occurred_at into l from entry where child_id = c and kind = k and subtype = st and status = 'final' order by occurred_at desc, id desc limit 1;
      end if;
      if not found then
        delete from entry_summary where child_id = c and kind = k and subtype = st;
        return;
      end if;
      insert into entry_summary (child_id, kind, subtype, latest_entry_id, latest_occurred_at) values (c, k, st, l.id, l.occurred_at)
        on conflict (child_id, kind, subtype) do update set latest_entry_id = excluded.latest_entry_id, latest_occurred_at = excluded.latest_occurred_at;
    end $$`.execute(db);

  // A new final entry can only move the latest forward: an upsert that keeps the greater
  // of the two is enough, and is right whatever order concurrent writers commit in.
  // Corrections and finalising may move it either way, so they look again.
  await sql`create function sk_entry_summary_trigger() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'INSERT' then
        if new.status <> 'final' then return null; end if;
        insert into entry_summary as s (child_id, kind, subtype, latest_entry_id, latest_occurred_at)
          values (new.child_id, new.kind, '*', new.id, new.occurred_at), (new.child_id, new.kind, coalesce(new.subtype, ''), new.id, new.occurred_at)
          on conflict (child_id, kind, subtype) do update set latest_entry_id = excluded.latest_entry_id, latest_occurred_at = excluded.latest_occurred_at
          where (excluded.latest_occurred_at, excluded.latest_entry_id) > (s.latest_occurred_at, s.latest_entry_id);
        return null;
      end if;
      if new.status = old.status and new.occurred_at = old.occurred_at and new.subtype is not distinct from old.subtype then return null; end if;
      perform sk_refresh_entry_summary(new.child_id, new.kind, '*');
      perform sk_refresh_entry_summary(new.child_id, new.kind, coalesce(new.subtype, ''));
      if old.subtype is distinct from new.subtype then
        perform sk_refresh_entry_summary(old.child_id, old.kind, coalesce(old.subtype, ''));
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger entry_summary_refresh after insert or update on entry for each row execute function sk_entry_summary_trigger()`.execute(db);

  await sql`alter table entry_summary set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.05)`.execute(db);

  // Entries already recorded.
  await rebuildEntrySummary(db);
}
