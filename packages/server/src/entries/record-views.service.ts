import { sql } from 'kysely';
import { DomainError, PLAN_DOCUMENT_KINDS, type EntryKind } from '@safekeep/core';
import { entryVisibleSql } from '../access/access.repository.js';
import { requireChildAccess } from '../access/child-access.js';
import type { Work } from '../db/work.js';
import * as repo from './entries.repository.js';
import { isUuid } from './entry-rules.js';
import { docRef, toView, type DocumentRef, type EntryView } from './entry-views.js';

/**
 * Ways of reading a child's record besides the chronology: each plan document as a
 * timeline of its versions (R2), the trail of decisions with what informed them (R6),
 * and the child's own contributions (R5). Each is one audited read.
 */

async function entriesOfKind(w: Work, childId: string, kind: EntryKind, finalOnly: boolean): Promise<EntryView[]> {
  const rows = await repo.chronology(w.db, {
    childId,
    visible: finalOnly ? sql`e.status = 'final'` : entryVisibleSql(w.actor),
    kinds: [kind],
    limit: 10_000,
  });
  const docs = await repo.documentsOfEntries(w.db, rows.map((r) => r.entry_id));
  const byEntry = new Map<string, DocumentRef[]>();
  for (const d of docs) byEntry.set(d.entry_id, [...(byEntry.get(d.entry_id) ?? []), docRef(d)]);
  return rows.map((r) => toView(r, byEntry.get(r.entry_id) ?? [], w.now));
}

export interface PlanTimelineItem {
  entryId: string;
  version: number;
  title: string;
  status: string;
  occurredAt: string;
  recordedAt: string;
  recordedBy: { id: string; displayName: string };
  reason: string | null;
  current: boolean;
}

/**
 * A plan document (care plan, health plan, placement plan, PEP): the current one, and
 * every version of every such plan as a timeline, oldest first. The current plan is the
 * most recent final one; its current version is what applies now.
 */
export async function planTimeline(w: Work, childId: string, kind: EntryKind) {
  if (!PLAN_DOCUMENT_KINDS.includes(kind)) throw new DomainError('NOT_FOUND', `${kind} is not a plan document: use the chronology.`);
  const basis = await requireChildAccess(w, childId, 'entry.list');
  const plans = await entriesOfKind(w, childId, kind, false);
  const current = plans.find((p) => p.status === 'final') ?? null;
  const versions = await w.db
    .selectFrom('entry_version as v')
    .innerJoin('entry as e', 'e.id', 'v.entry_id')
    .innerJoin('app_user as u', 'u.id', 'v.recorded_by')
    .select(['v.entry_id', 'v.version', 'v.title', 'v.status', 'v.occurred_at', 'v.recorded_at', 'v.recorded_by', 'u.display_name', 'v.reason', 'e.current_version'])
    .where('e.id', 'in', plans.length > 0 ? plans.map((p) => p.id) : ['00000000-0000-0000-0000-000000000000'])
    .orderBy('v.recorded_at')
    .orderBy('v.version')
    .execute();
  w.audit({ action: 'entry.list', childIds: [childId], basis, detail: { view: 'plan-timeline', kind, returned: versions.length } });
  return {
    kind,
    current,
    timeline: versions.map(
      (v): PlanTimelineItem => ({
        entryId: v.entry_id,
        version: v.version,
        title: v.title,
        status: v.status,
        occurredAt: v.occurred_at.toISOString(),
        recordedAt: v.recorded_at.toISOString(),
        recordedBy: { id: v.recorded_by, displayName: v.display_name },
        reason: v.reason,
        current: current !== null && v.entry_id === current.id && v.version === v.current_version,
      }),
    ),
  };
}

/** The current version of each plan document, and how many versions each has had. */
export async function planSummary(w: Work, childId: string) {
  const basis = await requireChildAccess(w, childId, 'entry.list');
  const out = [];
  for (const kind of PLAN_DOCUMENT_KINDS) {
    const plans = (await entriesOfKind(w, childId, kind, true)).slice(0, 1);
    const count = await w.db
      .selectFrom('entry_version as v')
      .innerJoin('entry as e', 'e.id', 'v.entry_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('e.child_id', '=', childId)
      .where('e.kind', '=', kind)
      .where('e.status', '=', 'final')
      .executeTakeFirstOrThrow();
    out.push({ kind, current: plans[0] ?? null, versions: Number(count.n) });
  }
  w.audit({ action: 'entry.list', childIds: [childId], basis, detail: { view: 'plans' } });
  return { items: out };
}

export interface DecisionLink {
  entryId: string;
  kind: string | null;
  title: string | null;
  occurredAt: string | null;
  /** False when the entry is not visible to the reader (a colleague's draft). */
  available: boolean;
}

/**
 * The decision trail (R6), newest first: what was decided, by whom, why, the child's and
 * parents' views, the entries that informed it, and later decisions it informed.
 */
export async function decisionTrail(w: Work, childId: string) {
  const basis = await requireChildAccess(w, childId, 'entry.list');
  const decisions = await entriesOfKind(w, childId, 'decision', false);
  const informedByOf = (d: EntryView) => ((d.fields['informedBy'] as string[] | undefined) ?? []).map((id) => id.toLowerCase());
  const linked = [...new Set(decisions.flatMap(informedByOf))];
  const rows = linked.length === 0 ? [] : await repo.chronologyByIds(w.db, childId, linked, entryVisibleSql(w.actor));
  const byId = new Map(rows.map((r) => [r.entry_id, r]));
  // decidedBy is a user id (any case) or a name: only a real UUID is looked up.
  const deciderId = (d: EntryView) => {
    const v = String(d.fields['decidedBy']).trim();
    return isUuid(v) ? v.toLowerCase() : null;
  };
  const deciders = [...new Set(decisions.map(deciderId).filter((v): v is string => v !== null))];
  const users = deciders.length === 0 ? [] : await w.db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', deciders).execute();
  const userName = new Map(users.map((u) => [u.id, u.display_name]));
  w.audit({ action: 'entry.list', childIds: [childId], basis, detail: { view: 'decisions', returned: decisions.length } });
  return {
    items: decisions.map((d) => {
      const informedBy = informedByOf(d).map((id): DecisionLink => {
        const r = byId.get(id);
        return { entryId: id, kind: r?.kind ?? null, title: r?.title ?? null, occurredAt: r?.occurred_at.toISOString() ?? null, available: r !== undefined };
      });
      const id = deciderId(d);
      const name = id === null ? undefined : userName.get(id);
      return {
        ...d,
        decidedBy: { text: String(d.fields['decidedBy']), user: id !== null && name !== undefined ? { id, displayName: name } : null },
        informedBy,
        informs: decisions.filter((o) => informedByOf(o).includes(d.id)).map((o) => o.id),
      };
    }),
  };
}

/** The child's own contributions (R5): writing, photos, certificates, marked as theirs. */
export async function contributions(w: Work, childId: string) {
  const basis = await requireChildAccess(w, childId, 'entry.list');
  const items = await entriesOfKind(w, childId, 'child-contribution', false);
  w.audit({ action: 'entry.list', childIds: [childId], basis, detail: { view: 'contributions', returned: items.length } });
  return { items };
}
