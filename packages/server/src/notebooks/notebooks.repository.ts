import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export interface NotebookRow {
  id: string;
  owner_user_id: string;
  owner_name: string;
  owner_team_id: string | null;
  from_date: string;
  to_date: string;
  description: string | null;
  registered_at: Date;
  transcribed_at: Date | null;
  transcribed_by_name: string | null;
  transcription_note: string | null;
  disposed_at: Date | null;
}

function base(db: Kysely<DB>) {
  return db
    .selectFrom('notebook as n')
    .innerJoin('app_user as o', 'o.id', 'n.owner_user_id')
    .leftJoin('notebook_transcription as t', 't.notebook_id', 'n.id')
    .leftJoin('app_user as tu', 'tu.id', 't.transcribed_by')
    .leftJoin('notebook_disposal as d', 'd.notebook_id', 'n.id')
    .select([
      'n.id',
      'n.owner_user_id',
      'o.display_name as owner_name',
      'o.team_id as owner_team_id',
      'n.from_date',
      'n.to_date',
      'n.description',
      'n.registered_at',
      't.transcribed_at',
      'tu.display_name as transcribed_by_name',
      't.note as transcription_note',
      'd.disposed_at',
    ]);
}

export async function findNotebook(db: Kysely<DB>, id: string): Promise<NotebookRow | undefined> {
  return base(db).where('n.id', '=', id).executeTakeFirst();
}

export async function listNotebooks(db: Kysely<DB>, q: { ownerUserId?: string; teamId?: string }): Promise<NotebookRow[]> {
  let query = base(db);
  if (q.ownerUserId !== undefined) query = query.where('n.owner_user_id', '=', q.ownerUserId);
  if (q.teamId !== undefined) query = query.where('o.team_id', '=', q.teamId);
  return query.orderBy('o.display_name').orderBy('n.from_date').limit(1000).execute();
}

export async function insertNotebook(db: Kysely<DB>, n: { ownerUserId: string; from: string; to: string; description: string | null; at: Date; by: string | null }): Promise<string> {
  const row = await db
    .insertInto('notebook')
    .values({ owner_user_id: n.ownerUserId, from_date: n.from, to_date: n.to, description: n.description, registered_at: n.at, registered_by: n.by })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertTranscription(db: Kysely<DB>, t: { id: string; note: string | null; at: Date; by: string }): Promise<void> {
  await db.insertInto('notebook_transcription').values({ notebook_id: t.id, note: t.note, transcribed_at: t.at, transcribed_by: t.by }).execute();
}

export async function approvals(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('notebook_disposal_approval as a')
    .innerJoin('app_user as u', 'u.id', 'a.approver_id')
    .select(['a.approver_id', 'u.display_name', 'a.role', 'a.reason', 'a.approved_at'])
    .where('a.notebook_id', '=', id)
    .orderBy('a.approved_at')
    .execute();
}

export async function insertApproval(db: Kysely<DB>, a: { id: string; approverId: string; role: string; reason: string; at: Date }): Promise<void> {
  await db.insertInto('notebook_disposal_approval').values({ notebook_id: a.id, approver_id: a.approverId, role: a.role, reason: a.reason, approved_at: a.at }).execute();
}

export async function insertDisposal(db: Kysely<DB>, id: string, at: Date): Promise<void> {
  await db.insertInto('notebook_disposal').values({ notebook_id: id, disposed_at: at }).execute();
}

export async function notebookHolds(db: Kysely<DB>): Promise<Array<{ id: string; name: string }>> {
  return (await sql<{ id: string; name: string }>`select id, name from sk_notebook_holds() order by name`.execute(db)).rows;
}
