import { sql, type Kysely } from 'kysely';
import { rebuildEntrySummary } from '../packages/server/src/db/migrations/20261122_0300_entry_summary.js';
import type { DB } from '../packages/server/src/db/schema.js';

/**
 * Set-based generation of a realistic authority: INSERT … SELECT over generate_series,
 * so 400,000 entries take seconds, not minutes. Names come from lists of common names;
 * every row satisfies the schema's constraints (entry heads point at version 1).
 */
export interface Shape {
  children: number;
  openChildren: number;
  entriesPerOpenChild: number;
  bigChildEntries: number;
  teams: number;
  workersPerTeam: number;
}

export const DEFAULT_SHAPE: Shape = { children: 100_000, openChildren: 2_000, entriesPerOpenChild: 200, bigChildEntries: 5_000, teams: 8, workersPerTeam: 5 };

const GIVEN = ['olivia', 'noah', 'amelia', 'muhammad', 'isla', 'leo', 'ava', 'oliver', 'freya', 'arthur', 'lily', 'george', 'ivy', 'theo', 'florence', 'oscar', 'willow', 'harry', 'sophia', 'jack', 'aisha', 'kacper', 'zara', 'kofi', 'maya', 'tyler', 'chloe', 'reuben', 'jasmine', 'callum', 'niamh', 'mason', 'zainab', 'ethan', 'poppy', 'dylan', 'ellie', 'rhys', 'hana', 'caleb'];
const FAMILY = ['smith', 'jones', 'taylor', 'brown', 'williams', 'wilson', 'johnson', 'davies', 'patel', 'wright', 'walker', 'roberts', 'khan', 'evans', 'thompson', 'hughes', 'green', 'lewis', 'begum', 'kowalski', 'mensah', 'ahmed', 'clarke', 'oneill', 'murray', 'hussain', 'bennett', 'price', 'novak', 'campbell', 'okoro', 'fraser', 'whitfield', 'underhill', 'ashworth', 'pemberton', 'okafor', 'nakamura', 'schmidt', 'rossi'];

const KINDS = ['visit', 'case-note', 'case-note', 'case-note', 'correspondence', 'assessment', 'review', 'care-plan', 'pep', 'contact-arrangement', 'visit', 'health-assessment', 'placement-plan'];

export interface Generated {
  bigChildId: string;
  workerIds: string[];
  headOfServiceId: string;
  /** The first team and its manager: every open child when the shape has one team. */
  teamId: string;
  teamManagerId: string;
  counts: { children: number; entries: number };
}

export async function generate(db: Kysely<DB>, shape: Shape = DEFAULT_SHAPE, passwordHash: string): Promise<Generated> {
  const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x}'`).join(',')}]`);
  await sql`insert into team (id, name, created_at) select gen_random_uuid(), 'Team ' || t, now() from generate_series(1, ${shape.teams}::int) t`.execute(db);
  await sql`insert into app_user (username, display_name, password_hash, roles, team_id, created_at)
    select 'sw' || t || '_' || w, 'Worker ' || t || '.' || w, ${passwordHash}, array['social-worker'], tm.id, now()
    from generate_series(1, ${shape.teams}::int) t cross join generate_series(1, ${shape.workersPerTeam}::int) w
    join team tm on tm.name = 'Team ' || t`.execute(db);
  await sql`insert into app_user (username, display_name, password_hash, roles, created_at) values ('hos', 'Head of Service', ${passwordHash}, array['head-of-service'], now())`.execute(db);
  await sql`insert into app_user (username, display_name, password_hash, roles, team_id, created_at)
    select 'tm' || t, 'Manager ' || t, ${passwordHash}, array['team-manager'], tm.id, now() from generate_series(1, ${shape.teams}::int) t join team tm on tm.name = 'Team ' || t`.execute(db);

  // Children: 1..N, the first `openChildren` are open cases with entries.
  await sql`create temporary table bench_child as
    select g as n, gen_random_uuid() as id,
      (${arr(GIVEN)})[1 + (g * 7) % ${GIVEN.length}::int] as given,
      (${arr(FAMILY)})[1 + (g * 13 + g / 40) % ${FAMILY.length}::int] || case when g % 3 = 0 then '' else (g % 97)::text end as family,
      date '2008-01-01' + ((g * 37) % 6500) as dob
    from generate_series(1, ${shape.children}::int) g`.execute(db);
  await sql`insert into case_record (child_id, status, opened_at) select id, 'open', now() - interval '3 years' from bench_child`.execute(db);
  await sql`insert into child (id, version, given_name, family_name, search_name, sort_name, date_of_birth, created_at, updated_at)
    select id, 1, initcap(given), initcap(family), given || ' ' || family, family || ' ' || given, dob, now() - interval '3 years', now() - interval '3 years' from bench_child`.execute(db);
  await sql`insert into child_version (child_id, version, details, recorded_at)
    select id, 1, jsonb_build_object('givenName', initcap(given), 'familyName', initcap(family), 'dateOfBirth', dob), now() - interval '3 years' from bench_child`.execute(db);

  // Current allocations for open cases; ended ones for a tenth of the closed.
  await sql`insert into allocation (child_id, user_id, role, starts_on, created_at)
    select c.id, u.id, 'allocated-worker', current_date - 400, now()
    from bench_child c
    join lateral (select id from app_user where roles = array['social-worker'] order by username offset (c.n % ${shape.teams * shape.workersPerTeam}::int) limit 1) u on true
    where c.n <= ${shape.openChildren}::int`.execute(db);
  // Open cases: two in three looked after (for three years), the rest children in need.
  await sql`insert into involvement (child_id, kind, start_date, created_at)
    select id, case when n % 3 = 0 then 'child-in-need' else 'looked-after' end, current_date - 1100, now() - interval '3 years'
      from bench_child where n <= ${shape.openChildren}::int`.execute(db);
  await sql`insert into allocation (child_id, user_id, role, starts_on, created_at, ended_at)
    select c.id, u.id, 'allocated-worker', current_date - 3000, now() - interval '8 years', now() - interval '5 years'
    from bench_child c
    join lateral (select id from app_user where roles = array['social-worker'] order by username offset (c.n % ${shape.teams * shape.workersPerTeam}::int) limit 1) u on true
    where c.n > ${shape.openChildren}::int and c.n % 10 = 0`.execute(db);

  // Entries: child 1 has bigChildEntries, the other open children entriesPerOpenChild.
  const author = (await db.selectFrom('app_user').select('id').where('username', '=', 'sw1_1').executeTakeFirstOrThrow()).id;
  await sql`create temporary table bench_entry as
    select gen_random_uuid() as id, c.id as child_id, (${arr(KINDS)})[1 + (c.n + k) % ${KINDS.length}::int] as kind,
      now() - ((k * 211 + c.n) % (5 * 365 * 24)) * interval '1 hour' as at
    from bench_child c
    cross join lateral generate_series(1, case when c.n = 1 then ${shape.bigChildEntries}::int else ${shape.entriesPerOpenChild}::int end) k
    where c.n <= ${shape.openChildren}::int`.execute(db);
  // A bulk load: the per-row summary trigger is switched off and the summary rebuilt once after.
  await sql`alter table entry disable trigger entry_summary_refresh`.execute(db);
  await db.transaction().execute(async (tx) => {
    await sql`set constraints all deferred`.execute(tx);
    // Visits carry their type and deadline (one in ten recorded late; the newest few still drafts); reviews are looked-after reviews.
    await sql`insert into entry (id, child_id, kind, current_version, status, occurred_at, created_at, created_by, updated_at, subtype, recording_due_by, finalised_at)
      select id, child_id, kind, 1, case when kind = 'visit' and at > now() - interval '5 days' and random() < 0.3 then 'draft' else 'final' end,
             at, at + interval '2 hours', ${author}, at + interval '2 hours',
             case kind when 'visit' then case when random() < 0.7 then 'statutory' else 'other' end when 'review' then 'looked-after-review' else null end,
             case when kind = 'visit' then date_trunc('day', at) + interval '2 days' - interval '1 millisecond' end,
             null
        from bench_entry`.execute(tx);
    await sql`update entry set finalised_at = case when kind = 'visit' and random() < 0.1 then recording_due_by + interval '1 day' else created_at end
      where status = 'final' and child_id in (select id from bench_child where n <= ${shape.openChildren}::int)`.execute(tx);
    await sql`insert into entry_version (entry_id, version, occurred_at, title, body, fields, status, recorded_at, recorded_by)
      select b.id, 1, b.at, initcap(replace(b.kind, '-', ' ')) || ' on ' || to_char(b.at, 'DD Mon YYYY'),
        'Visited at home. The child showed me their room and talked about school. Their carer said they have been sleeping well. '
          || 'No concerns were seen. Next visit agreed for the coming weeks. ' || repeat('Notes continue with ordinary detail of the day. ', 4),
        case b.kind when 'visit' then jsonb_build_object('visitType', e.subtype) when 'review' then jsonb_build_object('reviewType', 'looked-after-review')
                    when 'care-plan' then '{}'::jsonb when 'pep' then '{}'::jsonb else '{}'::jsonb end,
        e.status, b.at + interval '2 hours', ${author}
      from bench_entry b join entry e on e.id = b.id`.execute(tx);
  });
  await sql`alter table entry enable trigger entry_summary_refresh`.execute(db);
  await rebuildEntrySummary(db);
  await sql`vacuum analyze`.execute(db);
  const big = await sql<{ id: string }>`select id from bench_child where n = 1`.execute(db);
  const workers = await db.selectFrom('app_user').select('id').where('username', 'like', 'sw%').orderBy('username').execute();
  const hos = await db.selectFrom('app_user').select('id').where('username', '=', 'hos').executeTakeFirstOrThrow();
  const tm = await db.selectFrom('app_user').select(['id', 'team_id']).where('username', '=', 'tm1').executeTakeFirstOrThrow();
  const entries = await sql<{ n: number }>`select count(*)::int as n from entry`.execute(db);
  return {
    bigChildId: big.rows[0]?.id ?? '',
    workerIds: workers.map((w) => w.id),
    headOfServiceId: hos.id,
    teamId: tm.team_id ?? '',
    teamManagerId: tm.id,
    counts: { children: shape.children, entries: entries.rows[0]?.n ?? 0 },
  };
}
