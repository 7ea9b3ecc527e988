import { sql, type Kysely } from 'kysely';

/**
 * Documents in a subject access request or court-ordered disclosure are reviewed, not
 * passed through (R16, R17; REGULATIONS 5.2). Each document filed with an entry in scope
 * gets a decision, disclose or withhold (with the exemption it rests on), one
 * append-only row per decision with the latest standing, like redaction decisions; no
 * decision is taken once the request is approved. Redactions may now sit in a text
 * document's text (`field` = `document:<id>`). The approval records which documents it
 * covers and how each is disclosed, and each disclosure which documents went out with
 * their SHA-256 (null on rows from before this migration: those bundles only listed
 * their documents, unreviewed).
 */

export const SAR_DOCUMENTS_APPEND_ONLY = ['sar_document_decision'] as const;

const EXEMPTIONS = `('third-party', 'serious-harm', 'court-material', 'expectations-and-wishes', 'child-abuse-data', 'crime', 'legal-privilege', 'negotiations', 'confidential-reference')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // The document is named by id and content hash, not referenced, so disposing of the record is not blocked by it (as for redaction decisions).
  await sql`create table sar_document_decision (
    seq bigint generated always as identity primary key,
    sar_id uuid not null references sar (id),
    document_id uuid not null,
    entry_id uuid not null,
    sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
    disclose boolean not null,
    exemption text check (exemption in ${sql.raw(EXEMPTIONS)}),
    note text not null default '' check (length(note) <= 2000),
    decided_at timestamptz not null,
    decided_by uuid not null references app_user (id),
    check (disclose = (exemption is null))
  )`.execute(db);
  await sql`create index sar_document_decision_idx on sar_document_decision (sar_id, document_id, seq)`.execute(db);
  await sql`create function sk_sar_document_decision_check() returns trigger language plpgsql as $$
    begin
      if (select status from sar where id = new.sar_id) not in ('open', 'paused') then
        raise exception using errcode = 'SK001', message = 'documents are decided before a request is approved or refused';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger sar_document_decision_check before insert on sar_document_decision for each row execute function sk_sar_document_decision_check()`.execute(db);
  for (const table of SAR_DOCUMENTS_APPEND_ONLY) {
    await sql.raw(`create trigger ${table}_append_only before update or delete on ${table} for each row execute function sk_reject_change()`).execute(db);
    await sql.raw(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function sk_reject_change()`).execute(db);
  }

  // A redaction may be in a text document's text as well as an entry's.
  await sql`alter table sar_redaction_decision drop constraint sar_redaction_decision_field_check`.execute(db);
  await sql`alter table sar_redaction_decision add constraint sar_redaction_decision_field_check
    check (field ~ '^(title|body|fields([.][A-Za-z0-9]+)+|document:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$')`.execute(db);

  // [{documentId, sha256, entryId, disclose, as}]: what the approval covers (null: approved before documents were reviewed).
  await sql`alter table sar_approval add column documents jsonb check (documents is null or jsonb_typeof(documents) = 'array')`.execute(db);
  // [{documentId, sha256, as, exemption}]: what one download disclosed or withheld.
  await sql`alter table sar_disclosure add column documents jsonb check (documents is null or jsonb_typeof(documents) = 'array')`.execute(db);
}
