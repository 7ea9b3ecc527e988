import { sql, type Kysely } from 'kysely';

/**
 * Subject access requests and court-ordered disclosure (R16, R17; REGULATIONS 5). A
 * request row changes only in its status and due date, and only forwards; everything
 * that happens to it (identity checked, clock paused and restarted, extension, each
 * redaction decision, approval, refusal, each disclosure) is an append-only event row,
 * so the register shows how every deadline and every redaction came about. Redaction
 * decisions name their entry version and span rather than referencing the entry, so a
 * later disposal of the record is not blocked by them (and an open request blocks that
 * disposal: sk_disposal_open_blockers below).
 */

export const SAR_APPEND_ONLY = ['sar_identity', 'sar_pause', 'sar_resume', 'sar_extension', 'sar_redaction_decision', 'sar_approval', 'sar_refusal', 'sar_disclosure'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table sar (
    id uuid primary key default gen_random_uuid(),
    child_id uuid not null references case_record (child_id),
    kind text not null check (kind in ('subject-access', 'care-leaver', 'court-order')),
    requester text not null check (length(btrim(requester)) between 1 and 200),
    relationship text check (relationship in ('the-child', 'parent-with-parental-responsibility', 'representative', 'care-leaver')),
    court text check (length(btrim(court)) between 1 and 200),
    order_reference text check (length(btrim(order_reference)) between 1 and 200),
    order_due_date date,
    received_on date not null,
    scope_kinds text[] check (scope_kinds is null or cardinality(scope_kinds) > 0),
    scope_from date,
    scope_to date,
    note text not null default '' check (length(note) <= 4000),
    status text not null default 'open' check (status in ('open', 'paused', 'approved', 'disclosed', 'refused')),
    due_date date,
    created_at timestamptz not null,
    created_by uuid not null references app_user (id),
    updated_at timestamptz not null,
    check ((kind = 'court-order') = (court is not null and order_reference is not null and order_due_date is not null)),
    check ((kind = 'court-order') = (relationship is null)),
    check (scope_from is null or scope_to is null or scope_from <= scope_to),
    check (status in ('paused', 'refused') or due_date is not null)
  )`.execute(db);
  await sql`create index sar_child_idx on sar (child_id)`.execute(db);
  await sql`create index sar_register_idx on sar (status, due_date)`.execute(db);
  // Only the status and due date move, and a request answered or refused stays so.
  await sql`create function sk_guard_sar() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'DELETE' then
        raise exception using errcode = 'SK001', message = 'subject access requests are never deleted';
      end if;
      if (new.id, new.child_id, new.kind, new.requester, new.relationship, new.court, new.order_reference, new.order_due_date,
          new.received_on, new.scope_kinds, new.scope_from, new.scope_to, new.note, new.created_at, new.created_by)
         is distinct from
         (old.id, old.child_id, old.kind, old.requester, old.relationship, old.court, old.order_reference, old.order_due_date,
          old.received_on, old.scope_kinds, old.scope_from, old.scope_to, old.note, old.created_at, old.created_by) then
        raise exception using errcode = 'SK001', message = 'only a request''s status and due date change';
      end if;
      if old.status in ('disclosed', 'refused') and new.status <> old.status then
        raise exception using errcode = 'SK001', message = 'a request answered or refused stays so';
      end if;
      if old.status = 'approved' and new.status not in ('approved', 'disclosed') then
        raise exception using errcode = 'SK001', message = 'an approved request can only be disclosed';
      end if;
      if new.status = 'approved' and not exists (select 1 from sar_approval where sar_id = new.id) then
        raise exception using errcode = 'SK001', message = 'a request is approved only by an approval';
      end if;
      if new.status = 'disclosed' and not exists (select 1 from sar_disclosure where sar_id = new.id) then
        raise exception using errcode = 'SK001', message = 'a request is disclosed only by a disclosure';
      end if;
      if new.status = 'refused' and not exists (select 1 from sar_refusal where sar_id = new.id) then
        raise exception using errcode = 'SK001', message = 'a request is refused only by a refusal';
      end if;
      return new;
    end $$`.execute(db);

  await sql`create table sar_identity (
    sar_id uuid primary key references sar (id),
    method text not null check (method in ('seen-in-person', 'documents-checked', 'known-to-the-service', 'confirmed-by-representative')),
    authority_evidence text check (length(btrim(authority_evidence)) between 1 and 2000),
    note text not null default '' check (length(note) <= 2000),
    verified_on date not null,
    verified_at timestamptz not null,
    verified_by uuid not null references app_user (id)
  )`.execute(db);

  await sql`create table sar_pause (
    id uuid primary key default gen_random_uuid(),
    sar_id uuid not null references sar (id),
    reason text not null check (reason in ('awaiting-id', 'awaiting-clarification')),
    note text not null default '' check (length(note) <= 2000),
    paused_on date not null,
    paused_at timestamptz not null,
    paused_by uuid not null references app_user (id)
  )`.execute(db);
  await sql`create index sar_pause_sar_idx on sar_pause (sar_id)`.execute(db);
  await sql`create table sar_resume (
    pause_id uuid primary key references sar_pause (id),
    note text not null default '' check (length(note) <= 2000),
    resumed_on date not null,
    resumed_at timestamptz not null,
    resumed_by uuid not null references app_user (id)
  )`.execute(db);
  await sql`create function sk_sar_resume_check() returns trigger language plpgsql as $$
    begin
      if new.resumed_on < (select paused_on from sar_pause where id = new.pause_id) then
        raise exception using errcode = 'SK001', message = 'the clock restarts after it stopped';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger sar_resume_check before insert on sar_resume for each row execute function sk_sar_resume_check()`.execute(db);

  // UK GDPR Art 12(3): at most two further months in all, never for a court's date.
  await sql`create table sar_extension (
    id uuid primary key default gen_random_uuid(),
    sar_id uuid not null references sar (id),
    months integer not null check (months between 1 and 2),
    reason text not null check (length(btrim(reason)) between 1 and 2000),
    told_on date not null,
    extended_at timestamptz not null,
    extended_by uuid not null references app_user (id)
  )`.execute(db);
  await sql`create function sk_sar_extension_check() returns trigger language plpgsql as $$
    begin
      perform 1 from sar where id = new.sar_id for update;
      if (select kind from sar where id = new.sar_id) = 'court-order' then
        raise exception using errcode = 'SK001', message = 'a court sets the date of its own order';
      end if;
      if new.months + coalesce((select sum(months) from sar_extension where sar_id = new.sar_id), 0) > 2 then
        raise exception using errcode = 'SK001', message = 'a request is extended by two months at most';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger sar_extension_check before insert on sar_extension for each row execute function sk_sar_extension_check()`.execute(db);

  // One row per decision; the latest (highest seq) for a redaction id stands.
  await sql`create table sar_redaction_decision (
    seq bigint generated always as identity primary key,
    sar_id uuid not null references sar (id),
    redaction_id uuid not null,
    source text not null check (source in ('proposed', 'manual')),
    entry_id uuid not null,
    entry_version integer not null check (entry_version >= 1),
    field text not null check (field ~ '^(title|body|fields([.][A-Za-z0-9]+)+)$'),
    start_offset integer not null check (start_offset >= 0),
    end_offset integer not null,
    reason text not null check (reason in ('other-child', 'third-party', 'third-party-contribution', 'manual')),
    accept boolean not null,
    exemption text check (exemption in ('third-party', 'serious-harm', 'court-material', 'expectations-and-wishes', 'child-abuse-data', 'crime', 'legal-privilege', 'negotiations', 'confidential-reference')),
    note text not null default '' check (length(note) <= 2000),
    decided_at timestamptz not null,
    decided_by uuid not null references app_user (id),
    check (end_offset > start_offset),
    check (not accept or exemption is not null)
  )`.execute(db);
  await sql`create index sar_redaction_decision_idx on sar_redaction_decision (sar_id, redaction_id, seq)`.execute(db);
  // What the officer approved is what is disclosed: no decision changes after sign-off.
  await sql`create function sk_sar_decision_check() returns trigger language plpgsql as $$
    begin
      if (select status from sar where id = new.sar_id) not in ('open', 'paused') then
        raise exception using errcode = 'SK001', message = 'redactions are decided before a request is approved or refused';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger sar_redaction_decision_check before insert on sar_redaction_decision for each row execute function sk_sar_decision_check()`.execute(db);

  // Sign-off by the data protection officer, with the exact entry versions it covers.
  await sql`create table sar_approval (
    sar_id uuid primary key references sar (id),
    entries jsonb not null,
    redaction_ids uuid[] not null,
    proposals integer not null,
    accepted integer not null,
    approved_at timestamptz not null,
    approved_by uuid not null references app_user (id)
  )`.execute(db);
  await sql`create table sar_refusal (
    sar_id uuid primary key references sar (id),
    grounds text not null check (grounds in ('manifestly-unfounded', 'manifestly-excessive')),
    reason text not null check (length(btrim(reason)) between 1 and 4000),
    refused_at timestamptz not null,
    refused_by uuid not null references app_user (id)
  )`.execute(db);
  await sql`create function sk_sar_dpo_check() returns trigger language plpgsql as $$
    declare
      who uuid;
    begin
      who := case TG_TABLE_NAME when 'sar_approval' then (to_jsonb(new) ->> 'approved_by')::uuid else (to_jsonb(new) ->> 'refused_by')::uuid end;
      if not exists (select 1 from app_user where id = who and 'dpo' = any (roles)) then
        raise exception using errcode = 'SK001', message = 'only the data protection officer approves or refuses a request';
      end if;
      if (select status from sar where id = new.sar_id) not in ('open', 'paused') then
        raise exception using errcode = 'SK001', message = 'this request is already decided';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger sar_approval_check before insert on sar_approval for each row execute function sk_sar_dpo_check()`.execute(db);
  await sql`create trigger sar_refusal_check before insert on sar_refusal for each row execute function sk_sar_dpo_check()`.execute(db);

  // Every download of the bundle, with what was sent.
  await sql`create table sar_disclosure (
    id uuid primary key default gen_random_uuid(),
    sar_id uuid not null references sar (id),
    bundle_sha256 text not null check (bundle_sha256 ~ '^[0-9a-f]{64}$'),
    pages integer not null check (pages > 0),
    bytes integer not null check (bytes > 0),
    disclosed_at timestamptz not null,
    disclosed_by uuid not null references app_user (id)
  )`.execute(db);
  await sql`create index sar_disclosure_sar_idx on sar_disclosure (sar_id)`.execute(db);
  await sql`create function sk_sar_disclosure_check() returns trigger language plpgsql as $$
    begin
      if not exists (select 1 from sar_approval where sar_id = new.sar_id) then
        raise exception using errcode = 'SK001', message = 'nothing is disclosed before the data protection officer approves it';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger sar_disclosure_check before insert on sar_disclosure for each row execute function sk_sar_disclosure_check()`.execute(db);

  await sql`create trigger sar_guard before update or delete on sar for each row execute function sk_guard_sar()`.execute(db);
  await sql`create trigger sar_no_truncate before truncate on sar for each statement execute function sk_reject_change()`.execute(db);
  for (const table of SAR_APPEND_ONLY) {
    await sql.raw(`create trigger ${table}_append_only before update or delete on ${table} for each row execute function sk_reject_change()`).execute(db);
    await sql.raw(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function sk_reject_change()`).execute(db);
  }

  // R14 with R16: a record being disclosed is not destroyed. Same signature as in
  // 20261122_0410_disposal, so the execution check picks the open requests up.
  await sql`create or replace function sk_disposal_open_blockers(c uuid) returns integer language sql stable as $$
    select (select count(*) from involvement where child_id = c and end_date is null)::integer
         + (select count(*) from escalation e where e.child_id = c and not exists (select 1 from escalation_decision d where d.escalation_id = e.id))::integer
         + (select count(*) from sar s where s.child_id = c and s.status in ('open', 'paused', 'approved'))::integer
  $$`.execute(db);
}
