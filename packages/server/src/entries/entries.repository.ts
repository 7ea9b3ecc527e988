import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { DB, Row } from '../db/schema.js';

export interface VersionRow {
  entry_id: string;
  version: number;
  occurred_at: Date;
  title: string;
  body: string;
  fields: Record<string, unknown>;
  status: string;
  reason: string | null;
  recorded_at: Date;
  recorded_by: string;
  recorded_by_name: string;
}

export interface EntryRow extends VersionRow {
  child_id: string;
  kind: string;
  current_version: number;
  created_at: Date;
  created_by: string;
  recording_due_by: Date | null;
  finalised_at: Date | null;
}

export interface NewVersion {
  entryId: string;
  version: number;
  occurredAt: Date;
  title: string;
  body: string;
  fields: Record<string, unknown>;
  status: string;
  reason: string | null;
  at: Date;
  by: string;
}

/** What the head keeps besides the version pointer: derived from the version and the calendar. */
export interface HeadColumns {
  subtype: string | null;
  recordingDueBy: Date | null;
  finalisedAt: Date | null;
}

/**
 * Version 1 of a new entry, its head and its audit event, in one statement that first
 * checks the author may write to the record (`basis`, null when not): nothing is
 * written unless the check passes, and a crash leaves all of it or none. Returns the
 * basis used, or null when refused.
 */
export async function insertEntryAudited(
  db: Kysely<DB>,
  e: { id: string; childId: string; kind: string; createdBy: string },
  v: NewVersion,
  h: HeadColumns,
  basis: RawBuilder<string | null>,
  auditCtes: (basis: RawBuilder<string | null>, when: RawBuilder<boolean>) => RawBuilder<unknown>,
): Promise<string | null> {
  const { rows } = await sql<{ basis: string | null }>`
    with access as (select ${basis} as basis),
    head as (
      insert into entry (id, child_id, kind, current_version, status, occurred_at, created_at, created_by, updated_at, subtype, recording_due_by, finalised_at)
      select ${e.id}, ${e.childId}, ${e.kind}, ${v.version}, ${v.status}, ${v.occurredAt}, ${v.at}, ${e.createdBy}, ${v.at}, ${h.subtype}, ${h.recordingDueBy}, ${h.finalisedAt}
        from access where access.basis is not null
      returning id
    ),
    version as (
      insert into entry_version (entry_id, version, occurred_at, title, body, fields, status, reason, recorded_at, recorded_by)
      select head.id, ${v.version}, ${v.occurredAt}, ${v.title}, ${v.body}, ${JSON.stringify(v.fields)}::jsonb, ${v.status}, ${v.reason}, ${v.at}, ${v.by}
        from head
      returning entry_id
    ),
    ${auditCtes(sql`(select basis from access)`, sql`exists (select 1 from version)`)}
    select basis from access`.execute(db);
  return rows[0]?.basis ?? null;
}

/** The head and version 1 in one statement; the head's pointer to its version is checked at commit. */
export async function insertEntry(db: Kysely<DB>, e: { id: string; childId: string; kind: string; createdBy: string }, v: NewVersion, h: HeadColumns): Promise<void> {
  await db
    .with('head', (q) =>
      q
        .insertInto('entry')
        .values({
          id: e.id,
          child_id: e.childId,
          kind: e.kind,
          current_version: v.version,
          status: v.status,
          occurred_at: v.occurredAt,
          created_at: v.at,
          created_by: e.createdBy,
          updated_at: v.at,
          subtype: h.subtype,
          recording_due_by: h.recordingDueBy,
          finalised_at: h.finalisedAt,
        })
        .returning('id'),
    )
    .insertInto('entry_version')
    .values({
      entry_id: e.id,
      version: v.version,
      occurred_at: v.occurredAt,
      title: v.title,
      body: v.body,
      fields: JSON.stringify(v.fields),
      status: v.status,
      reason: v.reason,
      recorded_at: v.at,
      recorded_by: v.by,
    })
    .execute();
}

export async function insertVersion(db: Kysely<DB>, v: NewVersion): Promise<void> {
  await db
    .insertInto('entry_version')
    .values({
      entry_id: v.entryId,
      version: v.version,
      occurred_at: v.occurredAt,
      title: v.title,
      body: v.body,
      fields: JSON.stringify(v.fields),
      status: v.status,
      reason: v.reason,
      recorded_at: v.at,
      recorded_by: v.by,
    })
    .execute();
}

/** Moves the head to a new version; fails (returns 0) if another correction got there first. */
export async function advanceHead(db: Kysely<DB>, entryId: string, from: number, v: NewVersion, h: HeadColumns): Promise<number> {
  const result = await db
    .updateTable('entry')
    .set({ current_version: v.version, status: v.status, occurred_at: v.occurredAt, updated_at: v.at, subtype: h.subtype, recording_due_by: h.recordingDueBy, finalised_at: h.finalisedAt })
    .where('id', '=', entryId)
    .where('current_version', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

function withVersion(db: Kysely<DB>) {
  return db
    .selectFrom('entry as e')
    .innerJoin('entry_version as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.current_version'))
    .innerJoin('app_user as u', 'u.id', 'v.recorded_by')
    .select([
      'e.id as entry_id',
      'e.child_id',
      'e.kind',
      'e.current_version',
      'e.created_at',
      'e.created_by',
      'e.recording_due_by',
      'e.finalised_at',
      'v.version',
      'v.occurred_at',
      'v.title',
      'v.body',
      'v.fields',
      'v.status',
      'v.reason',
      'v.recorded_at',
      'v.recorded_by',
      'u.display_name as recorded_by_name',
    ]);
}

export async function findEntry(db: Kysely<DB>, id: string): Promise<EntryRow | undefined> {
  return withVersion(db).where('e.id', '=', id).executeTakeFirst();
}

export async function findEntryHead(db: Kysely<DB>, id: string): Promise<Row<'entry'> | undefined> {
  return db.selectFrom('entry').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks the head for a correction: concurrent corrections of one entry queue instead of colliding. */
export async function lockEntryHead(db: Kysely<DB>, id: string): Promise<void> {
  await db.selectFrom('entry').select('id').where('id', '=', id).forUpdate().execute();
}

export async function findVersion(db: Kysely<DB>, id: string, version: number): Promise<VersionRow | undefined> {
  return db
    .selectFrom('entry_version as v')
    .innerJoin('app_user as u', 'u.id', 'v.recorded_by')
    .selectAll('v')
    .select('u.display_name as recorded_by_name')
    .where('v.entry_id', '=', id)
    .where('v.version', '=', version)
    .executeTakeFirst();
}

export async function listVersions(db: Kysely<DB>, id: string): Promise<Array<Pick<VersionRow, 'version' | 'reason' | 'recorded_at' | 'recorded_by' | 'recorded_by_name' | 'status'>>> {
  return db
    .selectFrom('entry_version as v')
    .innerJoin('app_user as u', 'u.id', 'v.recorded_by')
    .select(['v.version', 'v.reason', 'v.recorded_at', 'v.recorded_by', 'u.display_name as recorded_by_name', 'v.status'])
    .where('v.entry_id', '=', id)
    .orderBy('v.version')
    .execute();
}

export interface ChronologyQuery {
  childId: string;
  /** Which entries the reader may see (drafts: their own, or their team's if a manager). */
  visible: RawBuilder<SqlBool>;
  subtype?: string;
  kinds?: string[];
  from?: Date;
  to?: Date;
  after?: { occurredAt: Date; id: string };
  limit: number;
}

/** Newest first, keyset-paged on (occurred_at, id) so pages never skip or repeat. */
export async function chronology(db: Kysely<DB>, q: ChronologyQuery): Promise<EntryRow[]> {
  let query = withVersion(db).where('e.child_id', '=', q.childId).where(q.visible);
  if (q.kinds !== undefined && q.kinds.length > 0) query = query.where('e.kind', 'in', q.kinds);
  if (q.subtype !== undefined) query = query.where('e.subtype', '=', q.subtype);
  if (q.from !== undefined) query = query.where('e.occurred_at', '>=', q.from);
  if (q.to !== undefined) query = query.where('e.occurred_at', '<', q.to);
  if (q.after !== undefined) {
    const after = q.after;
    query = query.where((eb) =>
      eb.or([eb('e.occurred_at', '<', after.occurredAt), eb.and([eb('e.occurred_at', '=', after.occurredAt), eb('e.id', '<', after.id)])]),
    );
  }
  return query.orderBy('e.occurred_at', 'desc').orderBy('e.id', 'desc').limit(q.limit).execute();
}

export async function documentsOfEntries(db: Kysely<DB>, entryIds: string[]): Promise<Array<Row<'document'>>> {
  if (entryIds.length === 0) return [];
  return db.selectFrom('document').selectAll().where('entry_id', 'in', entryIds).orderBy('created_at').execute();
}

/** Current versions of some entries of one child, as the reader may see them. */
export async function chronologyByIds(db: Kysely<DB>, childId: string, ids: string[], visible: RawBuilder<SqlBool>): Promise<EntryRow[]> {
  return withVersion(db).where('e.child_id', '=', childId).where('e.id', 'in', ids).where(visible).execute();
}
