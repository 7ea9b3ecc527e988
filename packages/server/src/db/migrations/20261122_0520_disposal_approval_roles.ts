import { sql, type Kysely } from 'kysely';

/**
 * Corrects the approval check of migration 0410. `role = any ((select roles …))` read the
 * subquery as a set of rows, comparing the role with the whole roles array, so the
 * database refused every disposal approval with an error. The check is the same: never
 * the requester, and only in a role the approver holds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create or replace function sk_disposal_approval_check() returns trigger language plpgsql as $$
    begin
      if new.approver_id = (select requested_by from disposal where id = new.disposal_id) then
        raise exception using errcode = 'SK001', message = 'nobody approves their own disposal request';
      end if;
      if not exists (select 1 from app_user u where u.id = new.approver_id and new.role = any (u.roles)) then
        raise exception using errcode = 'SK001', message = 'the approver does not hold the role they approve as';
      end if;
      return new;
    end $$`.execute(db);
}
