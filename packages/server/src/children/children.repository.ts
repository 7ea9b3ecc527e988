import { sql, type Kysely, type QueryCreator } from 'kysely';
import type { ChildDetails, ExistingChild } from '@safekeep/core';
import { canSeeChild, type Viewer } from '../access/access.repository.js';
import type { DB, NewRow, Row } from '../db/schema.js';

export async function insertCaseRecord(db: Kysely<DB>, childId: string, at: Date, by: string | null): Promise<void> {
  await db.insertInto('case_record').values({ child_id: childId, status: 'open', opened_at: at, opened_by: by }).execute();
}

export async function insertChild(db: Kysely<DB>, row: NewRow<'child'>): Promise<Row<'child'>> {
  return db.insertInto('child').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateChildHead(db: Kysely<DB>, id: string, changes: Partial<NewRow<'child'>>): Promise<Row<'child'>> {
  return db.updateTable('child').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function insertChildVersion(
  db: Kysely<DB>,
  v: { childId: string; version: number; details: ChildDetails; reason: string | null; at: Date; by: string | null },
): Promise<void> {
  await db
    .insertInto('child_version')
    .values({ child_id: v.childId, version: v.version, details: JSON.stringify(v.details), reason: v.reason, recorded_at: v.at, recorded_by: v.by })
    .execute();
}

export async function listChildVersions(db: Kysely<DB>, childId: string): Promise<Array<Row<'child_version'>>> {
  return db.selectFrom('child_version').selectAll().where('child_id', '=', childId).orderBy('version').execute();
}

export async function findChild(db: Kysely<DB>, id: string, options: { forUpdate?: boolean } = {}): Promise<Row<'child'> | undefined> {
  const q = db.selectFrom('child').selectAll().where('id', '=', id);
  return (options.forUpdate === true ? q.forUpdate() : q).executeTakeFirst();
}

export async function findRecordStatus(db: Kysely<DB>, id: string): Promise<string | undefined> {
  return (await db.selectFrom('case_record').select('status').where('child_id', '=', id).executeTakeFirst())?.status;
}

/**
 * Serialises creations that could duplicate each other: two people entering the same
 * child at the same moment both see the other's record, or one waits for the other.
 */
export async function lockForDuplicateCheck(db: Kysely<DB>, keys: string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`child-identity:${key}`}, 0))`.execute(db);
  }
}

/** Children sharing the date of birth or any identifier: the pool a duplicate would be in. */
export async function findDuplicatePool(db: Kysely<DB>, d: ChildDetails, excludeId?: string): Promise<ExistingChild[]> {
  const rows = await db
    .selectFrom('child')
    .select(['id', 'given_name', 'family_name', 'date_of_birth', 'nhs_number', 'upn', 'local_id'])
    .where((eb) =>
      eb.or([
        eb('date_of_birth', '=', d.dateOfBirth),
        ...(d.identifiers.nhsNumber !== null ? [eb('nhs_number', '=', d.identifiers.nhsNumber)] : []),
        ...(d.identifiers.upn !== null ? [eb('upn', '=', d.identifiers.upn)] : []),
        ...(d.identifiers.localId !== null ? [eb('local_id', '=', d.identifiers.localId)] : []),
      ]),
    )
    .$if(excludeId !== undefined, (q) => q.where('id', '<>', excludeId ?? ''))
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    givenName: r.given_name,
    familyName: r.family_name,
    dateOfBirth: r.date_of_birth,
    nhsNumber: r.nhs_number,
    upn: r.upn,
    localId: r.local_id,
  }));
}

export async function insertDuplicateOverride(db: Kysely<DB>, o: { childId: string; candidateIds: string[]; reason: string; by: string; at: Date }): Promise<void> {
  await db
    .insertInto('duplicate_override')
    .values({ child_id: o.childId, candidate_ids: o.candidateIds, reason: o.reason, decided_by: o.by, decided_at: o.at })
    .execute();
}

/** What a search asks for; every kind also matches the authority's own local id. */
export type SearchTerm =
  | { kind: 'all' }
  | { kind: 'nhsNumber'; value: string; raw: string }
  | { kind: 'upn'; value: string; raw: string }
  | { kind: 'dateOfBirth'; value: string; raw: string }
  | { kind: 'name'; tokens: string[]; raw: string };

/**
 * Children the actor may see that match, in name order, keyset-paged on (sort_name, id).
 * A name search with a word of three letters or more first collects every match through
 * the trigram index, then sorts (a MATERIALIZED CTE keeps the planner from walking the
 * name index in order instead, which takes 50 ms over 100,000 children when matches are
 * rare); shorter words walk the name index, where matches come early.
 */
export async function searchChildren(
  db: Kysely<DB>,
  viewer: Viewer,
  term: SearchTerm,
  after: { sortName: string; id: string } | null,
  limit: number,
): Promise<Array<Row<'child'>>> {
  const matching = (qb: QueryCreator<DB>) => {
    let q = qb.selectFrom('child').selectAll().where(canSeeChild(viewer, 'child.id'));
    switch (term.kind) {
      case 'all':
        break;
      case 'nhsNumber':
        q = q.where((eb) => eb.or([eb('nhs_number', '=', term.value), eb('local_id', '=', term.raw)]));
        break;
      case 'upn':
        q = q.where((eb) => eb.or([eb('upn', '=', term.value), eb('local_id', '=', term.raw)]));
        break;
      case 'dateOfBirth':
        q = q.where((eb) => eb.or([eb('date_of_birth', '=', term.value), eb('local_id', '=', term.raw)]));
        break;
      case 'name':
        // Each word must appear in the name (the trigram index serves LIKE '%…%'), or the
        // whole query is the local id.
        q = q.where((eb) =>
          eb.or([
            eb.and(term.tokens.map((t) => eb('search_name', 'like', `%${t.replace(/[%_\\]/g, '\\$&')}%`))),
            eb('local_id', '=', term.raw),
          ]),
        );
        break;
    }
    if (after !== null) {
      q = q.where((eb) => eb.or([eb('sort_name', '>', after.sortName), eb.and([eb('sort_name', '=', after.sortName), eb('id', '>', after.id)])]));
    }
    return q;
  };
  if (term.kind === 'name' && term.tokens.some((t) => t.length >= 3)) {
    return db
      .with((cte) => cte('matches').materialized(), (qb) => matching(qb))
      .selectFrom('matches')
      .selectAll()
      .orderBy('sort_name')
      .orderBy('id')
      .limit(limit)
      .execute();
  }
  return matching(db).orderBy('sort_name').orderBy('id').limit(limit).execute();
}

export interface ChildName {
  id: string;
  givenName: string;
  familyName: string;
}

export async function childNames(db: Kysely<DB>, ids: string[]): Promise<Map<string, ChildName>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('child').select(['id', 'given_name', 'family_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, givenName: r.given_name, familyName: r.family_name }]));
}
