import type { Kysely } from 'kysely';
import type { DB, NewRow, Row } from '../db/schema.js';

export interface Allocation {
  id: string;
  childId: string;
  userId: string;
  userDisplayName: string;
  role: string;
  from: string;
  endedAt: string | null;
  current: boolean;
}

type AllocationWithName = Row<'allocation'> & { display_name: string };

export function toAllocation(r: AllocationWithName, today: string): Allocation {
  return {
    id: r.id,
    childId: r.child_id,
    userId: r.user_id,
    userDisplayName: r.display_name,
    role: r.role,
    from: r.starts_on,
    endedAt: r.ended_at?.toISOString() ?? null,
    current: r.ended_at === null && r.starts_on <= today,
  };
}

export async function insertAllocation(db: Kysely<DB>, row: NewRow<'allocation'>): Promise<Row<'allocation'>> {
  return db.insertInto('allocation').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findAllocation(db: Kysely<DB>, id: string): Promise<AllocationWithName | undefined> {
  return db
    .selectFrom('allocation as a')
    .innerJoin('app_user as u', 'u.id', 'a.user_id')
    .selectAll('a')
    .select('u.display_name')
    .where('a.id', '=', id)
    .executeTakeFirst();
}

/** The open allocation of a child in a role (at most one: a unique index says so). */
export async function openAllocation(db: Kysely<DB>, childId: string, role: string): Promise<Row<'allocation'> | undefined> {
  return db.selectFrom('allocation').selectAll().where('child_id', '=', childId).where('role', '=', role).where('ended_at', 'is', null).executeTakeFirst();
}

export async function endAllocation(db: Kysely<DB>, id: string, at: Date, by: string | null): Promise<Row<'allocation'> | undefined> {
  return db.updateTable('allocation').set({ ended_at: at, ended_by: by }).where('id', '=', id).where('ended_at', 'is', null).returningAll().executeTakeFirst();
}

export async function listAllocations(db: Kysely<DB>, childId: string): Promise<AllocationWithName[]> {
  return db
    .selectFrom('allocation as a')
    .innerJoin('app_user as u', 'u.id', 'a.user_id')
    .selectAll('a')
    .select('u.display_name')
    .where('a.child_id', '=', childId)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id')
    .execute();
}
