import type { Kysely } from 'kysely';
import type { DB, Row } from '../db/schema.js';

export async function insertRelationshipPair(
  db: Kysely<DB>,
  r: { childId: string; relatedChildId: string; kind: string; at: Date; by: string | null },
): Promise<Row<'relationship'>> {
  const [forward] = await db
    .insertInto('relationship')
    .values([
      { child_id: r.childId, related_child_id: r.relatedChildId, kind: r.kind, created_at: r.at, created_by: r.by },
      { child_id: r.relatedChildId, related_child_id: r.childId, kind: r.kind, created_at: r.at, created_by: r.by },
    ])
    .returningAll()
    .execute();
  if (forward === undefined) throw new Error('relationship insert returned nothing');
  return forward;
}

export async function listRelationships(db: Kysely<DB>, childId: string): Promise<Array<Row<'relationship'>>> {
  return db.selectFrom('relationship').selectAll().where('child_id', '=', childId).orderBy('created_at').orderBy('id').execute();
}
