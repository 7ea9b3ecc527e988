import { sql, type Kysely } from 'kysely';

/**
 * Confidentiality (R16): access on a recorded legal basis (grants with a scope and an
 * expiry), records restricted to named people, and break-glass. Every row is append-only:
 * a grant is ended by a revocation row, a restriction by a later restriction row that lifts
 * it, a break-glass by its own expiry. The access decision itself is SQL in
 * access/access.repository.ts, over these tables.
 */

export const ACCESS_APPEND_ONLY = ['access_grant', 'access_grant_revocation', 'restriction', 'break_glass'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table access_grant (
    id uuid primary key default gen_random_uuid(),
    child_id uuid not null references case_record (child_id),
    user_id uuid not null references app_user (id),
    basis text not null check (basis in ('court-order', 'subject-access', 'care-leaver', 'inspection')),
    reference text not null check (length(btrim(reference)) between 1 and 200),
    kinds text[] check (kinds is null or cardinality(kinds) > 0),
    from_date date,
    to_date date,
    expires_at timestamptz not null,
    note text not null default '' check (length(note) <= 2000),
    granted_at timestamptz not null,
    granted_by uuid not null references app_user (id),
    check (expires_at > granted_at),
    check (from_date is null or to_date is null or from_date <= to_date),
    check (granted_by <> user_id)
  )`.execute(db);
  await sql`create index access_grant_user_idx on access_grant (user_id, expires_at)`.execute(db);
  await sql`create index access_grant_child_idx on access_grant (child_id)`.execute(db);

  await sql`create table access_grant_revocation (
    grant_id uuid primary key references access_grant (id),
    reason text not null check (length(btrim(reason)) between 1 and 2000),
    revoked_at timestamptz not null,
    revoked_by uuid not null references app_user (id)
  )`.execute(db);

  // The latest row for a child is its restriction now: allowed_user_ids null means lifted.
  await sql`create table restriction (
    seq bigserial primary key,
    id uuid not null unique default gen_random_uuid(),
    child_id uuid not null references case_record (child_id),
    allowed_user_ids uuid[] check (allowed_user_ids is null or cardinality(allowed_user_ids) > 0),
    reason text not null check (length(btrim(reason)) between 1 and 2000),
    set_at timestamptz not null,
    set_by uuid not null references app_user (id)
  )`.execute(db);
  await sql`create index restriction_child_idx on restriction (child_id, seq desc)`.execute(db);
  await sql`create view restriction_current as
    select child_id, allowed_user_ids, reason, set_at, set_by, id
      from (select distinct on (child_id) * from restriction order by child_id, seq desc) latest
     where allowed_user_ids is not null`.execute(db);

  await sql`create table break_glass (
    id uuid primary key default gen_random_uuid(),
    child_id uuid not null references case_record (child_id),
    user_id uuid not null references app_user (id),
    reason text not null check (length(btrim(reason)) between 10 and 2000),
    opened_at timestamptz not null,
    expires_at timestamptz not null,
    check (expires_at > opened_at and expires_at <= opened_at + interval '24 hours')
  )`.execute(db);
  await sql`create index break_glass_user_idx on break_glass (user_id, expires_at)`.execute(db);
  await sql`create index break_glass_child_idx on break_glass (child_id, opened_at desc)`.execute(db);

  for (const table of ACCESS_APPEND_ONLY) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function sk_reject_change()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function sk_reject_change()`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are append-only; there is no way down.');
}
