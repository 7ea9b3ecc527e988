import { sql, type Kysely } from 'kysely';
import { INVOLVEMENT_KINDS } from '@safekeep/core';

/**
 * Foundation: users and sessions, one case record per child, involvements, allocations,
 * relationships, append-only entry versions, content-addressed documents and the
 * hash-chained audit trail. Migrations are append-only: never edit this file once it has
 * shipped; add a new one.
 */

/** Rows of these tables are never updated, deleted or truncated: the database refuses. */
export const APPEND_ONLY_TABLES = ['child_version', 'duplicate_override', 'entry_version', 'blob', 'document', 'audit_event'] as const;

async function appendOnly(db: Kysely<unknown>, table: string): Promise<void> {
  await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
    for each row execute function sk_reject_change()`.execute(db);
  await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
    for each statement execute function sk_reject_change()`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);

  // SQLSTATE SK001: an append-only guard refused a change (translated in db/errors.ts).
  await sql`create function sk_reject_change() returns trigger language plpgsql as $$
    begin
      raise exception using errcode = 'SK001',
        message = format('%s rows are append-only: %s refused', TG_TABLE_NAME, TG_OP);
    end $$`.execute(db);

  // The authority this installation serves: one row. Later capabilities keep its settings here.
  await sql`create table authority (
    id integer primary key default 1 check (id = 1),
    name text not null,
    demo boolean not null default false,
    demo_seeded_at timestamptz,
    created_at timestamptz not null
  )`.execute(db);

  await sql`create table team (
    id uuid primary key default gen_random_uuid(),
    name text not null check (length(btrim(name)) between 1 and 120),
    created_at timestamptz not null,
    created_by uuid
  )`.execute(db);
  await sql`create unique index team_name_key on team (lower(name))`.execute(db);

  await sql`create table app_user (
    id uuid primary key default gen_random_uuid(),
    username text not null unique check (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    display_name text not null check (length(btrim(display_name)) between 1 and 120),
    password_hash text not null,
    roles text[] not null check (cardinality(roles) > 0),
    team_id uuid references team (id),
    active boolean not null default true,
    failed_logins integer not null default 0,
    last_failed_login_at timestamptz,
    locked_at timestamptz,
    created_at timestamptz not null,
    created_by uuid references app_user (id)
  )`.execute(db);
  await sql`create index app_user_team_idx on app_user (team_id)`.execute(db);

  await sql`create table session (
    id uuid primary key default gen_random_uuid(),
    token_hash bytea not null unique,
    user_id uuid not null references app_user (id),
    created_at timestamptz not null,
    last_seen_at timestamptz not null,
    expires_at timestamptz not null,
    ended_at timestamptz,
    end_reason text
  )`.execute(db);
  await sql`create index session_user_idx on session (user_id) where ended_at is null`.execute(db);

  // The case record: exactly one per child (R1). Its key is the child's id.
  await sql`create table case_record (
    child_id uuid primary key,
    status text not null check (status in ('open', 'archived')),
    opened_at timestamptz not null,
    opened_by uuid references app_user (id)
  )`.execute(db);

  await sql`create table child (
    id uuid primary key references case_record (child_id),
    version integer not null check (version > 0),
    given_name text not null,
    family_name text not null,
    search_name text not null,
    sort_name text not null,
    date_of_birth date not null,
    sex text check (sex in ('female', 'male', 'not-known', 'not-stated')),
    date_of_death date check (date_of_death is null or date_of_death >= date_of_birth),
    nhs_number text check (nhs_number ~ '^[0-9]{10}$'),
    upn text check (upn ~ '^[A-Z][0-9]{11}[0-9A-Z]$'),
    local_id text,
    created_at timestamptz not null,
    created_by uuid references app_user (id),
    updated_at timestamptz not null
  )`.execute(db);
  await sql`create index child_search_name_trgm on child using gin (search_name gin_trgm_ops)`.execute(db);
  await sql`create index child_sort_idx on child (sort_name, id)`.execute(db);
  await sql`create index child_dob_idx on child (date_of_birth)`.execute(db);
  await sql`create index child_nhs_idx on child (nhs_number) where nhs_number is not null`.execute(db);
  await sql`create index child_upn_idx on child (upn) where upn is not null`.execute(db);
  await sql`create index child_local_id_idx on child (local_id) where local_id is not null`.execute(db);

  // Every version of a child's details, kept; the child row is the current one.
  await sql`create table child_version (
    child_id uuid not null references child (id),
    version integer not null check (version > 0),
    details jsonb not null,
    reason text check (version = 1 or length(btrim(reason)) > 0),
    recorded_at timestamptz not null,
    recorded_by uuid references app_user (id),
    primary key (child_id, version)
  )`.execute(db);

  await sql`create table duplicate_override (
    id uuid primary key default gen_random_uuid(),
    child_id uuid not null references case_record (child_id),
    candidate_ids uuid[] not null,
    reason text not null check (length(btrim(reason)) > 0),
    decided_by uuid not null references app_user (id),
    decided_at timestamptz not null
  )`.execute(db);

  await sql`create table involvement_kind (
    code text primary key check (code ~ '^[a-z][a-z0-9-]{1,40}$'),
    label text not null,
    builtin boolean not null
  )`.execute(db);
  for (const code of INVOLVEMENT_KINDS) {
    const label = code.charAt(0).toUpperCase() + code.slice(1).replaceAll('-', ' ');
    await sql`insert into involvement_kind (code, label, builtin) values (${code}, ${label}, true)`.execute(db);
  }

  await sql`create table involvement (
    id uuid primary key default gen_random_uuid(),
    child_id uuid not null references case_record (child_id),
    kind text not null references involvement_kind (code),
    start_date date not null,
    end_date date check (end_date is null or end_date >= start_date),
    created_at timestamptz not null,
    created_by uuid references app_user (id),
    closed_at timestamptz,
    closed_by uuid references app_user (id)
  )`.execute(db);
  await sql`create index involvement_child_idx on involvement (child_id)`.execute(db);

  await sql`create table allocation (
    id uuid primary key default gen_random_uuid(),
    child_id uuid not null references case_record (child_id),
    user_id uuid not null references app_user (id),
    role text not null check (role in ('allocated-worker', 'team-manager', 'iro')),
    starts_on date not null,
    created_at timestamptz not null,
    created_by uuid references app_user (id),
    ended_at timestamptz,
    ended_by uuid references app_user (id)
  )`.execute(db);
  // At most one current allocation per child and role.
  await sql`create unique index allocation_current_key on allocation (child_id, role) where ended_at is null`.execute(db);
  await sql`create index allocation_user_current_idx on allocation (user_id, child_id) where ended_at is null`.execute(db);
  await sql`create index allocation_child_idx on allocation (child_id)`.execute(db);

  // Kept both ways (R9): a row for each direction.
  await sql`create table relationship (
    id uuid primary key default gen_random_uuid(),
    child_id uuid not null references case_record (child_id),
    related_child_id uuid not null references case_record (child_id),
    kind text not null,
    created_at timestamptz not null,
    created_by uuid references app_user (id),
    check (child_id <> related_child_id),
    unique (child_id, related_child_id, kind)
  )`.execute(db);

  // An entry's head: which version is current, and the columns the chronology sorts and
  // filters on. Its versions are append-only; the head must always point at one of them.
  await sql`create table entry (
    id uuid primary key,
    child_id uuid not null references case_record (child_id),
    kind text not null,
    current_version integer not null,
    status text not null check (status in ('draft', 'final')),
    occurred_at timestamptz not null,
    created_at timestamptz not null,
    created_by uuid not null references app_user (id),
    updated_at timestamptz not null
  )`.execute(db);
  await sql`create index entry_chronology_idx on entry (child_id, occurred_at desc, id desc)`.execute(db);
  await sql`create index entry_kind_chronology_idx on entry (child_id, kind, occurred_at desc, id desc)`.execute(db);

  await sql`create table entry_version (
    entry_id uuid not null references entry (id),
    version integer not null check (version > 0),
    occurred_at timestamptz not null,
    title text not null,
    body text not null,
    fields jsonb not null,
    status text not null check (status in ('draft', 'final')),
    reason text check (version = 1 or length(btrim(reason)) > 0),
    recorded_at timestamptz not null,
    recorded_by uuid not null references app_user (id),
    primary key (entry_id, version)
  )`.execute(db);
  await sql`alter table entry add constraint entry_current_version_fkey
    foreign key (id, current_version) references entry_version (entry_id, version)
    deferrable initially deferred`.execute(db);

  await sql`create table blob (
    sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
    size bigint not null check (size >= 0),
    content_type text not null,
    created_at timestamptz not null
  )`.execute(db);

  await sql`create table document (
    id uuid primary key default gen_random_uuid(),
    entry_id uuid not null references entry (id),
    child_id uuid not null references case_record (child_id),
    sha256 text not null references blob (sha256),
    size bigint not null,
    content_type text not null,
    filename text,
    created_at timestamptz not null,
    created_by uuid not null references app_user (id)
  )`.execute(db);
  await sql`create index document_entry_idx on document (entry_id)`.execute(db);

  // The audit trail: seq is the leaf index (0, 1, 2, … without gaps), see core/audit.ts.
  await sql`create table audit_event (
    seq bigint primary key check (seq >= 0),
    id uuid not null,
    at timestamptz not null,
    actor_id uuid,
    action text not null,
    outcome text not null check (outcome in ('allowed', 'denied')),
    basis text,
    child_ids uuid[] not null,
    entity_type text,
    entity_id uuid,
    request_id text,
    detail jsonb not null,
    payload text not null,
    leaf_hash bytea not null check (length(leaf_hash) = 32),
    prev_hash bytea not null check (length(prev_hash) = 32),
    chain_hash bytea not null check (length(chain_hash) = 32)
  )`.execute(db);
  await sql`create index audit_event_child_idx on audit_event using gin (child_ids)`.execute(db);

  // The head of the chain: the next position and the last chain hash. Appending is one
  // statement that moves the head and inserts the event (audit/audit.repository.ts); the
  // row lock on the head orders concurrent writers. The head only ever moves forward.
  await sql`create table audit_head (
    id integer primary key default 1 check (id = 1),
    next_seq bigint not null check (next_seq >= 0),
    prev_chain bytea not null check (length(prev_chain) = 32),
    last_chain bytea not null check (length(last_chain) = 32)
  )`.execute(db);
  await sql`insert into audit_head (next_seq, prev_chain, last_chain) values (0, ${Buffer.alloc(32)}, ${Buffer.alloc(32)})`.execute(db);
  await sql`create function sk_audit_head_forward() returns trigger language plpgsql as $$
    begin
      if TG_OP <> 'UPDATE' or new.next_seq <> old.next_seq + 1 or new.prev_chain <> old.last_chain then
        raise exception using errcode = 'SK001', message = 'audit_head only moves forward, one event at a time';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger audit_head_forward before update or delete on audit_head for each row execute function sk_audit_head_forward()`.execute(db);
  await sql`create trigger audit_head_no_truncate before truncate on audit_head for each statement execute function sk_reject_change()`.execute(db);
  await sql`create index audit_event_actor_idx on audit_event (actor_id, seq)`.execute(db);

  await sql`create table idempotency_record (
    user_id uuid not null references app_user (id),
    key text not null,
    method text not null,
    path text not null,
    request_hash text not null,
    status integer not null,
    body text not null,
    created_at timestamptz not null,
    primary key (user_id, key)
  )`.execute(db);

  for (const table of APPEND_ONLY_TABLES) await appendOnly(db, table);
}
