import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * The reads that collate a child's record for a subject access request or a court: the
 * entries in scope, the documents attached to them, and the people the system knows who
 * are connected with the child (for redaction proposals, see people.ts).
 */

export interface ScopeQuery {
  childId: string;
  kinds: readonly string[] | null;
  /** London calendar dates, inclusive. */
  from: string | null;
  to: string | null;
}

export interface CollatedEntry {
  entry_id: string;
  version: number;
  kind: string;
  occurred_at: Date;
  title: string;
  body: string;
  fields: Record<string, unknown>;
  recorded_at: Date;
  recorded_by_name: string;
}

const london = sql`(e.occurred_at at time zone 'Europe/London')::date`;

/** Current versions of the child's final entries in scope, oldest first (drafts are not yet part of the record). */
export async function entriesInScope(db: Kysely<DB>, q: ScopeQuery): Promise<CollatedEntry[]> {
  const { rows } = await sql<CollatedEntry>`
    select e.id as entry_id, v.version, e.kind, v.occurred_at, v.title, v.body, v.fields, v.recorded_at, u.display_name as recorded_by_name
      from entry e
      join entry_version v on v.entry_id = e.id and v.version = e.current_version
      join app_user u on u.id = v.recorded_by
     where e.child_id = ${q.childId} and e.status = 'final'
       ${q.kinds === null ? sql`` : sql`and e.kind = any(${[...q.kinds]}::text[])`}
       ${q.from === null ? sql`` : sql`and ${london} >= ${q.from}::date`}
       ${q.to === null ? sql`` : sql`and ${london} <= ${q.to}::date`}
     order by v.occurred_at, e.id`.execute(db);
  return rows;
}

/** Exactly these entry versions (an approved bundle), oldest first. */
export async function entryVersions(db: Kysely<DB>, childId: string, pairs: ReadonlyArray<{ entryId: string; version: number }>): Promise<CollatedEntry[]> {
  if (pairs.length === 0) return [];
  const { rows } = await sql<CollatedEntry>`
    select e.id as entry_id, v.version, e.kind, v.occurred_at, v.title, v.body, v.fields, v.recorded_at, u.display_name as recorded_by_name
      from unnest(${pairs.map((p) => p.entryId)}::uuid[], ${pairs.map((p) => p.version)}::int[]) as want(entry_id, version)
      join entry e on e.id = want.entry_id and e.child_id = ${childId}
      join entry_version v on v.entry_id = want.entry_id and v.version = want.version
      join app_user u on u.id = v.recorded_by
     order by v.occurred_at, e.id`.execute(db);
  return rows;
}

export interface DocumentRow {
  id: string;
  entry_id: string;
  sha256: string;
  size: number;
  content_type: string;
  filename: string | null;
}

export async function documentsOf(db: Kysely<DB>, childId: string, entryIds: readonly string[]): Promise<DocumentRow[]> {
  if (entryIds.length === 0) return [];
  return db
    .selectFrom('document')
    .select(['id', 'entry_id', 'sha256', 'size', 'content_type', 'filename'])
    .where('child_id', '=', childId)
    .where('entry_id', '=', sql<string>`any(${[...entryIds]}::uuid[])`)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export interface NamedRow {
  id: string;
  given_name: string;
  family_name: string;
}

/**
 * Other children connected with this one: siblings and other relationships (kept both
 * ways), children its group and cross-reference entries point to, children who received
 * a copy of the same carer-record entry, and children placed with the same carer.
 */
export async function connectedChildren(db: Kysely<DB>, childId: string): Promise<NamedRow[]> {
  const { rows } = await sql<NamedRow>`
    with mine as (
      select v.fields, e.kind from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version where e.child_id = ${childId}
    ),
    ids as (
      select related_child_id as id from relationship where child_id = ${childId}
      union select child_id from relationship where related_child_id = ${childId}
      union select (x ->> 'childId')::uuid from mine, jsonb_array_elements(case when jsonb_typeof(mine.fields -> 'group' -> 'crossReferences') = 'array' then mine.fields -> 'group' -> 'crossReferences' else '[]'::jsonb end) x
      union select (fields ->> 'referencedChildId')::uuid from mine where kind = 'cross-reference' and fields ? 'referencedChildId'
      union select e.child_id from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version
             where e.kind = 'duplicate-entry' and v.fields ->> 'sourceEntryId' in (select fields ->> 'sourceEntryId' from mine where kind = 'duplicate-entry')
      union select e.child_id from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version
             where e.kind = 'placement-plan' and v.fields ->> 'carerId' in (select fields ->> 'carerId' from mine where kind = 'placement-plan')
    )
    select c.id, c.given_name, c.family_name from child c join ids on ids.id = c.id where c.id <> ${childId} order by c.id`.execute(db);
  return rows;
}

/** Children whose normalised full name (`child.search_name`, given then family) is one of these. */
export async function childrenBySearchName(db: Kysely<DB>, names: readonly string[]): Promise<NamedRow[]> {
  const out: NamedRow[] = [];
  for (let i = 0; i < names.length; i += 5_000) {
    const { rows } = await sql<NamedRow>`select id, given_name, family_name from child where search_name = any(${names.slice(i, i + 5_000)}::text[]) order by id`.execute(db);
    out.push(...rows);
  }
  return out;
}

/** Carers and homes the child's record links to: placement plans and copies of carer-record entries. */
export async function linkedCarers(db: Kysely<DB>, childId: string): Promise<Array<{ id: string; kind: string; name: string }>> {
  // A destroyed carer record keeps no name (migration 0710), but the child's copies of its
  // entries still carry it (`carerName`): that is the name to find in the child's record.
  const { rows } = await sql<{ id: string; kind: string; name: string }>`
    with linked as (
      select v.fields ->> 'carerId' as carer_id, v.fields ->> 'carerName' as carer_name
        from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version
       where e.child_id = ${childId} and e.kind in ('placement-plan', 'duplicate-entry') and v.fields ? 'carerId')
    select distinct on (k.id) k.id, k.kind, case when k.status = 'destroyed' then l.carer_name else k.name end as name
      from carer k join linked l on l.carer_id = k.id::text
     where k.status <> 'destroyed' or l.carer_name is not null
     order by k.id, l.carer_name nulls last`.execute(db);
  return rows;
}

/** Names given for parents and others whose views a decision records. */
export async function parentViewNames(db: Kysely<DB>, childId: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select distinct p ->> 'name' as name
      from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version,
           jsonb_array_elements(case when jsonb_typeof(v.fields -> 'parentViews') = 'array' then v.fields -> 'parentViews' else '[]'::jsonb end) p
     where e.child_id = ${childId} and e.kind = 'decision' and p ? 'name'
     order by 1`.execute(db);
  return rows.map((r) => r.name);
}

/** Staff who recorded in or are allocated to the record: professionals acting in their role, never proposed (DPA Sch 2 Pt 3 para 17). */
export async function staffNames(db: Kysely<DB>, childId: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select distinct u.display_name as name from app_user u
     where u.id in (select v.recorded_by from entry e join entry_version v on v.entry_id = e.id where e.child_id = ${childId})
        or u.id in (select a.user_id from allocation a where a.child_id = ${childId})
     order by 1`.execute(db);
  return rows.map((r) => r.name);
}
