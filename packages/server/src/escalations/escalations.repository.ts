import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export interface EscalationRow {
  id: string;
  child_id: string | null;
  carer_id: string | null;
  question: string;
  to_role: string;
  raised_at: Date;
  raised_by: string;
  raised_by_name: string;
  decision: string | null;
  decided_at: Date | null;
  decided_by: string | null;
  decided_by_name: string | null;
}

function base(db: Kysely<DB>) {
  return db
    .selectFrom('escalation as e')
    .innerJoin('app_user as r', 'r.id', 'e.raised_by')
    .leftJoin('escalation_decision as d', 'd.escalation_id', 'e.id')
    .leftJoin('app_user as u', 'u.id', 'd.decided_by')
    .select(['e.id', 'e.child_id', 'e.carer_id', 'e.question', 'e.to_role', 'e.raised_at', 'e.raised_by', 'r.display_name as raised_by_name', 'd.decision', 'd.decided_at', 'd.decided_by', 'u.display_name as decided_by_name']);
}

export async function insertEscalation(db: Kysely<DB>, e: { childId: string | null; carerId: string | null; question: string; toRole: string; at: Date; by: string }): Promise<string> {
  const row = await db
    .insertInto('escalation')
    .values({ child_id: e.childId, carer_id: e.carerId, question: e.question, to_role: e.toRole, raised_at: e.at, raised_by: e.by })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findEscalation(db: Kysely<DB>, id: string): Promise<EscalationRow | undefined> {
  return base(db).where('e.id', '=', id).executeTakeFirst();
}

/** Records the decision; false when another decision got there first (the first one stands). */
export async function insertDecision(db: Kysely<DB>, d: { id: string; decision: string; at: Date; by: string }): Promise<boolean> {
  const rows = await db
    .insertInto('escalation_decision')
    .values({ escalation_id: d.id, decision: d.decision, decided_at: d.at, decided_by: d.by })
    .onConflict((oc) => oc.doNothing())
    .returning('escalation_id')
    .execute();
  return rows.length === 1;
}

export async function listEscalations(db: Kysely<DB>, q: { toRoles: string[]; raisedBy: string; open: boolean | null; childId?: string }): Promise<EscalationRow[]> {
  let query = base(db).where((eb) => eb.or([eb('e.to_role', 'in', q.toRoles.length > 0 ? q.toRoles : ['-']), eb('e.raised_by', '=', q.raisedBy)]));
  if (q.open === true) query = query.where('d.escalation_id', 'is', null);
  if (q.open === false) query = query.where('d.escalation_id', 'is not', null);
  if (q.childId !== undefined) query = query.where('e.child_id', '=', q.childId);
  return query.orderBy('e.raised_at', 'desc').limit(500).execute();
}

export async function openEscalationIds(db: Kysely<DB>, subject: { childId?: string; carerId?: string }): Promise<string[]> {
  let query = db.selectFrom('escalation as e').leftJoin('escalation_decision as d', 'd.escalation_id', 'e.id').select('e.id').where('d.escalation_id', 'is', null);
  if (subject.childId !== undefined) query = query.where('e.child_id', '=', subject.childId);
  if (subject.carerId !== undefined) query = query.where('e.carer_id', '=', subject.carerId);
  return (await query.orderBy('e.raised_at').execute()).map((r) => r.id);
}
