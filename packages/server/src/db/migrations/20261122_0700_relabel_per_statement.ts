import { sql, type Kysely } from 'kysely';

/**
 * Children's records are relabelled once per statement instead of once per row.
 *
 * Migration 0400 relabelled a record from a row trigger on `child` and `involvement`: one
 * relabelling statement per row, so a bulk load (an import from a legacy system, the
 * benchmark's 100,000 children) ran 100,000 relabels of one record each, about six times
 * slower than the load itself. Statement triggers with transition tables hand every
 * changed record to one set-based `sk_relabel_children` call. The inputs are the same:
 * a record is relabelled when it is created, when its date of birth or death changes,
 * and when one of its involvements is opened or changed.
 *
 * PostgreSQL allows a transition table only on a trigger with one event and no column
 * list, so each table has an insert and an update trigger, and the update trigger picks
 * the rows whose inputs changed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger child_relabel on child`.execute(db);
  await sql`drop trigger involvement_relabel on involvement`.execute(db);

  await sql`create function sk_relabel_children_statement() returns trigger language plpgsql as $$
    declare ids uuid[];
    begin
      if TG_TABLE_NAME = 'child' and TG_OP = 'INSERT' then
        select array_agg(n.id) into ids from new_rows n;
      elsif TG_TABLE_NAME = 'child' then
        select array_agg(n.id) into ids from new_rows n join old_rows o on o.id = n.id
         where (n.date_of_birth, n.date_of_death) is distinct from (o.date_of_birth, o.date_of_death);
      elsif TG_OP = 'INSERT' then
        select array_agg(distinct n.child_id) into ids from new_rows n;
      else
        select array_agg(distinct n.child_id) into ids from new_rows n join old_rows o on o.id = n.id
         where (n.kind, n.start_date, n.end_date) is distinct from (o.kind, o.start_date, o.end_date);
      end if;
      if ids is not null then
        perform sk_relabel_children(ids);
      end if;
      return null;
    end $$`.execute(db);

  for (const table of ['child', 'involvement']) {
    await sql
      .raw(`create trigger ${table}_relabel_insert after insert on ${table}
        referencing new table as new_rows for each statement execute function sk_relabel_children_statement()`)
      .execute(db);
    await sql
      .raw(`create trigger ${table}_relabel_update after update on ${table}
        referencing old table as old_rows new table as new_rows for each statement execute function sk_relabel_children_statement()`)
      .execute(db);
  }
}
