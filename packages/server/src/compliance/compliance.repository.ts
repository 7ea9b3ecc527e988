import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * Set-based reads for compliance and worklists: one query per fact, for any number of
 * children at once, each served by an index on (child_id, kind, …). A worklist of 300
 * children costs the same handful of queries as one child's compliance.
 */
export interface ChildFacts {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  lookedAfterEver: boolean;
  /** Start of the open looked-after involvement, if any. */
  lookedAfterSince: string | null;
}

export async function childFacts(db: Kysely<DB>, ids: string[]): Promise<ChildFacts[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ id: string; given_name: string; family_name: string; date_of_birth: string; ever: boolean; since: string | null }>`
    select c.id, c.given_name, c.family_name, c.date_of_birth,
      exists (select 1 from involvement i where i.child_id = c.id and i.kind = 'looked-after') as ever,
      (select max(i.start_date) from involvement i where i.child_id = c.id and i.kind = 'looked-after' and i.end_date is null) as since
    from child c where c.id = any(${ids}::uuid[])
    order by c.sort_name, c.id`.execute(db);
  return rows.map((r) => ({ id: r.id, givenName: r.given_name, familyName: r.family_name, dateOfBirth: r.date_of_birth, lookedAfterEver: r.ever, lookedAfterSince: r.since }));
}

export interface LatestOfKind {
  childId: string;
  kind: string;
  entryId: string;
  occurredAt: Date;
  title: string;
  version: number;
}

/** The most recent final entry of each of these kinds, per child (from the summary the database keeps). */
export async function latestByKind(db: Kysely<DB>, ids: string[], kinds: readonly string[], options: { titles: boolean } = { titles: true }): Promise<LatestOfKind[]> {
  if (ids.length === 0) return [];
  const { rows } = options.titles
    ? await sql<{ child_id: string; kind: string; id: string; occurred_at: Date; title: string; current_version: number }>`
    select s.child_id, s.kind, s.latest_entry_id as id, s.latest_occurred_at as occurred_at, v.title, e.current_version
      from entry_summary s join entry e on e.id = s.latest_entry_id join entry_version v on v.entry_id = e.id and v.version = e.current_version
     where s.child_id = any(${ids}::uuid[]) and s.subtype = '*' and s.kind = any(${[...kinds]}::text[])`.execute(db)
    : await sql<{ child_id: string; kind: string; id: string; occurred_at: Date; title: string; current_version: number }>`
    select s.child_id, s.kind, s.latest_entry_id as id, s.latest_occurred_at as occurred_at, '' as title, 0 as current_version
      from entry_summary s
     where s.child_id = any(${ids}::uuid[]) and s.subtype = '*' and s.kind = any(${[...kinds]}::text[])`.execute(db);
  return rows.map((r) => ({ childId: r.child_id, kind: r.kind, entryId: r.id, occurredAt: r.occurred_at, title: r.title, version: r.current_version }));
}

export interface TimescaleFacts {
  childId: string;
  placement: { start: string; longTerm: boolean } | null;
  statutoryVisits: Date[];
  reviews: Date[];
  healthAssessments: Date[];
  peps: Date[];
}

/**
 * What the statutory timescales need, for those of these children looked after now: the
 * latest statutory visit, health assessment, PEP and placement plan (from the summary),
 * and of the looked-after reviews since the child became looked after, the first two
 * and the last (all the review rules need).
 */
export async function timescaleFacts(db: Kysely<DB>, ids: string[]): Promise<Map<string, TimescaleFacts>> {
  const out = new Map<string, TimescaleFacts>();
  if (ids.length === 0) return out;
  const fact = (id: string) => {
    let f = out.get(id);
    if (f === undefined) {
      f = { childId: id, placement: null, statutoryVisits: [], reviews: [], healthAssessments: [], peps: [] };
      out.set(id, f);
    }
    return f;
  };
  const latestQuery = sql<{ child_id: string; kind: string; subtype: string; at: Date; fields: Record<string, unknown> | null }>`
    select s.child_id, s.kind, s.subtype, s.latest_occurred_at as at, case when s.kind = 'placement-plan' then v.fields end as fields
      from entry_summary s
      left join entry e on s.kind = 'placement-plan' and e.id = s.latest_entry_id
      left join entry_version v on v.entry_id = e.id and v.version = e.current_version
     where s.child_id = any(${ids}::uuid[])
       and ((s.kind = 'visit' and s.subtype = 'statutory') or (s.kind in ('health-assessment', 'pep', 'placement-plan') and s.subtype = '*'))`.execute(db);
  const reviewsQuery = sql<{ child_id: string; at: Date }>`
    with c as (
      select i.child_id as id, max(i.start_date) as since from involvement i
       where i.child_id = any(${ids}::uuid[]) and i.kind = 'looked-after' and i.end_date is null group by i.child_id
    )
    select c.id as child_id, x.at from c cross join lateral (
      (select e.occurred_at as at from entry e where e.child_id = c.id and e.kind = 'review' and e.subtype = 'looked-after-review' and e.status = 'final' and e.occurred_at >= c.since order by e.occurred_at asc limit 2)
      union all
      (select s.latest_occurred_at from entry_summary s where s.child_id = c.id and s.kind = 'review' and s.subtype = 'looked-after-review' and s.latest_occurred_at >= c.since)
    ) x`.execute(db);
  const [latest, reviews] = await Promise.all([latestQuery, reviewsQuery]);
  for (const l of latest.rows) {
    const f = fact(l.child_id);
    if (l.kind === 'visit') f.statutoryVisits.push(l.at);
    else if (l.kind === 'health-assessment') f.healthAssessments.push(l.at);
    else if (l.kind === 'pep') f.peps.push(l.at);
    else if (l.fields !== null && typeof l.fields['placementStart'] === 'string') f.placement = { start: l.fields['placementStart'], longTerm: l.fields['longTerm'] === true };
  }
  for (const r of reviews.rows) {
    const f = fact(r.child_id);
    if (!f.reviews.some((x) => x.getTime() === r.at.getTime())) f.reviews.push(r.at);
  }
  return out;
}

export interface RecordingFact {
  childId: string;
  entryId: string;
  kind: string;
  title: string;
  occurredAt: Date;
  recordingDueBy: Date;
  finalisedAt: Date | null;
  authorId: string;
}

/** Drafts past (or before) their recording deadline that the reader may see. */
export async function draftsWithDeadlines(db: Kysely<DB>, ids: string[], visible: RawBuilder<SqlBool>): Promise<RecordingFact[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ child_id: string; id: string; kind: string; title: string; occurred_at: Date; recording_due_by: Date; created_by: string }>`
    select e.child_id, e.id, e.kind, v.title, e.occurred_at, e.recording_due_by, e.created_by
      from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version
     where e.child_id = any(${ids}::uuid[]) and e.status = 'draft' and e.recording_due_by is not null and ${visible}
     order by e.recording_due_by`.execute(db);
  return rows.map((r) => ({ childId: r.child_id, entryId: r.id, kind: r.kind, title: r.title, occurredAt: r.occurred_at, recordingDueBy: r.recording_due_by, finalisedAt: null, authorId: r.created_by }));
}

/**
 * Visits recorded after their deadline, newest first: those that happened since `since`
 * (a child's compliance), or with `recordedSince`, those recorded since then (a worklist).
 */
export async function lateRecordings(db: Kysely<DB>, ids: string[], since: Date, limit: number, options: { recordedSince?: boolean } = {}): Promise<RecordingFact[]> {
  if (ids.length === 0) return [];
  const after = options.recordedSince === true ? sql`e.finalised_at >= ${since}` : sql`e.occurred_at >= ${since}`;
  const { rows } = await sql<{ child_id: string; id: string; kind: string; title: string; occurred_at: Date; recording_due_by: Date; finalised_at: Date; created_by: string }>`
    select e.child_id, e.id, e.kind, v.title, e.occurred_at, e.recording_due_by, e.finalised_at, e.created_by
      from entry e join entry_version v on v.entry_id = e.id and v.version = e.current_version
     where e.child_id = any(${ids}::uuid[]) and e.finalised_at > e.recording_due_by and ${after}
     order by e.occurred_at desc limit ${limit}`.execute(db);
  return rows.map((r) => ({ childId: r.child_id, entryId: r.id, kind: r.kind, title: r.title, occurredAt: r.occurred_at, recordingDueBy: r.recording_due_by, finalisedAt: r.finalised_at, authorId: r.created_by }));
}

export async function lateRecordingCounts(db: Kysely<DB>, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ child_id: string; n: number }>`
    select child_id, count(*)::int as n from entry where child_id = any(${ids}::uuid[]) and finalised_at > recording_due_by group by child_id`.execute(db);
  return new Map(rows.map((r) => [r.child_id, r.n]));
}

/** Current allocations: children of one person, or of a team's workers and managers. */
export async function allocatedChildIds(db: Kysely<DB>, scope: { userId: string } | { teamId: string }, today: string): Promise<string[]> {
  const rows =
    'userId' in scope
      ? await db.selectFrom('allocation').select('child_id').distinct().where('user_id', '=', scope.userId).where('ended_at', 'is', null).where('starts_on', '<=', today).execute()
      : await db
          .selectFrom('allocation as a')
          .innerJoin('app_user as u', 'u.id', 'a.user_id')
          .select('a.child_id')
          .distinct()
          .where('u.team_id', '=', scope.teamId)
          .where('a.role', 'in', ['allocated-worker', 'team-manager'])
          .where('a.ended_at', 'is', null)
          .where('a.starts_on', '<=', today)
          .execute();
  return rows.map((r) => r.child_id);
}

/** Sibling links among these children (kept both ways, so each pair appears twice). */
export async function siblingLinks(db: Kysely<DB>, ids: string[]): Promise<Array<[string, string]>> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('relationship')
    .select(['child_id', 'related_child_id'])
    .where('child_id', 'in', ids)
    .where('related_child_id', 'in', ids)
    .where('kind', 'in', ['sibling', 'half-sibling', 'step-sibling'])
    .execute();
  return rows.map((r) => [r.child_id, r.related_child_id]);
}
