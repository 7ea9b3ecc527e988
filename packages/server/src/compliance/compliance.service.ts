import {
  ageOn,
  CONTENT_RULES,
  contentStatus,
  DomainError,
  epochDay,
  hasRole,
  londonDate,
  statutoryTimescales,
  type ContentStatus,
  type Requirement,
  type Timescale,
} from '@safekeep/core';
import { canSeeChild, entryVisibleSql } from '../access/access.repository.js';
import { requireChildAccess } from '../access/child-access.js';
import type { Work } from '../db/work.js';
import * as repo from './compliance.repository.js';

export interface ContentItem {
  item: string;
  label: string;
  requirement: Requirement;
  status: ContentStatus;
  latest: { entryId: string; occurredAt: string; title: string; version: number } | null;
  rule: string;
}

export interface RecordingItem {
  entryId: string;
  kind: string;
  title: string;
  occurredAt: string;
  recordingDueBy: string;
  recordedAt: string | null;
  authorId: string;
}

export interface ComplianceReport {
  childId: string;
  asOf: string;
  lookedAfter: boolean;
  lookedAfterSince: string | null;
  contents: ContentItem[];
  timescales: Timescale[];
  lateRecordings: { count: number; recent: RecordingItem[] };
  overdueDrafts: RecordingItem[];
  draftsDueSoon: RecordingItem[];
}

const recordingItem = (f: repo.RecordingFact): RecordingItem => ({
  entryId: f.entryId,
  kind: f.kind,
  title: f.title,
  occurredAt: f.occurredAt.toISOString(),
  recordingDueBy: f.recordingDueBy.toISOString(),
  recordedAt: f.finalisedAt?.toISOString() ?? null,
  authorId: f.authorId,
});

/** Compliance for several children at once (the same few queries for one or three hundred). */
/**
 * `full`: everything (one child's compliance). Otherwise what a worklist needs: minimum
 * contents only, no titles, no late-recording history.
 */
async function reports(w: Work, ids: string[], options: { full: boolean }): Promise<{ facts: repo.ChildFacts[]; reports: Map<string, ComplianceReport> }> {
  const rules = options.full ? CONTENT_RULES : CONTENT_RULES.filter((r) => r.requirement === 'minimum' && !r.ifAny);
  // Independent reads: outside a transaction they run side by side on separate connections.
  const [facts, latest, drafts, lateCounts, late, timescale] = await Promise.all([
    repo.childFacts(w.db, ids),
    repo.latestByKind(w.db, ids, rules.map((r) => r.kind), { titles: options.full }),
    repo.draftsWithDeadlines(w.db, ids, entryVisibleSql(w.actor)),
    options.full ? repo.lateRecordingCounts(w.db, ids) : Promise.resolve(new Map<string, number>()),
    options.full ? repo.lateRecordings(w.db, ids, new Date(w.now.getTime() - 365 * 86_400_000), 50) : Promise.resolve([]),
    repo.timescaleFacts(w.db, ids),
  ]);
  const calendar = await w.calendar();

  const out = new Map<string, ComplianceReport>();
  for (const child of facts) {
    const age = ageOn(child.dateOfBirth, w.today);
    const context = { lookedAfter: child.lookedAfterEver, schoolAge: age >= 4 && age < 18 };
    const mine = new Map(latest.filter((l) => l.childId === child.id).map((l) => [l.kind, l]));
    const contents = rules.map((rule): ContentItem => {
      const l = mine.get(rule.kind);
      return {
        item: rule.kind,
        label: rule.label,
        requirement: rule.requirement,
        status: contentStatus(rule, context, l !== undefined),
        latest: l === undefined ? null : { entryId: l.entryId, occurredAt: l.occurredAt.toISOString(), title: l.title, version: l.version },
        rule: rule.rule,
      };
    });
    const t = timescale.get(child.id) ?? { placement: null, statutoryVisits: [], reviews: [], healthAssessments: [], peps: [] };
    const timescales =
      child.lookedAfterSince === null
        ? []
        : statutoryTimescales(
            {
              today: w.today,
              dateOfBirth: child.dateOfBirth,
              lookedAfterSince: child.lookedAfterSince,
              placement: t.placement,
              statutoryVisits: t.statutoryVisits.map(londonDate),
              reviews: t.reviews.map(londonDate),
              healthAssessments: t.healthAssessments.map(londonDate),
              peps: t.peps.map(londonDate),
            },
            calendar,
          );
    const myDrafts = drafts.filter((d) => d.childId === child.id);
    out.set(child.id, {
      childId: child.id,
      asOf: w.now.toISOString(),
      lookedAfter: child.lookedAfterSince !== null,
      lookedAfterSince: child.lookedAfterSince,
      contents,
      timescales,
      lateRecordings: { count: lateCounts.get(child.id) ?? 0, recent: late.filter((l) => l.childId === child.id).map(recordingItem) },
      overdueDrafts: myDrafts.filter((d) => d.recordingDueBy.getTime() < w.now.getTime()).map(recordingItem),
      draftsDueSoon: myDrafts.filter((d) => d.recordingDueBy.getTime() >= w.now.getTime()).map(recordingItem),
    });
  }
  return { facts, reports: out };
}

/**
 * A child's compliance (R2–R4): each minimum and recommended content item present or
 * missing with its latest entry; statutory timescales with their rules; visits
 * recorded late; drafts overdue or coming due.
 */
export async function compliance(w: Work, childId: string): Promise<ComplianceReport> {
  const basis = await requireChildAccess(w, childId, 'child.read');
  const { reports: all } = await reports(w, [childId], { full: true });
  const report = all.get(childId);
  if (report === undefined) throw new DomainError('NOT_FOUND', 'There is no child record with that id.');
  w.audit({ action: 'child.read', childIds: [childId], basis, detail: { view: 'compliance' } });
  return report;
}

export type WorkItemStatus = 'overdue' | 'review' | 'due-soon' | 'missing' | 'late';

export interface WorkItem {
  childId: string;
  childName: string;
  area: 'timescale' | 'content' | 'recording' | 'access';
  item: string;
  status: WorkItemStatus;
  dueBy: string | null;
  daysOverdue: number | null;
  detail: string;
  rule: string | null;
  entryId: string | null;
}

const DAY = 86_400_000;
const RANK: Record<WorkItemStatus, number> = { overdue: 0, review: 1, 'due-soon': 2, missing: 3, late: 4 };
/** How far back a worklist shows break-glass openings on its children, for the manager to review. */
const BREAK_GLASS_WINDOW_DAYS = 14;
const rank = (i: WorkItem) => RANK[i.status];
/** Whole London days from one instant's day to another's (a deadline at 23:59 is a day overdue at 00:30). */
const londonDaysBetween = (from: Date | string, to: Date | string) => epochDay(londonDate(new Date(to))) - epochDay(londonDate(new Date(from)));
/** How far back a worklist shows visits recorded late (the compliance view shows a year). */
const LATE_WINDOW_DAYS = 28;

export interface WorklistParams {
  userId?: string;
  teamId?: string;
  groupBy?: 'sibling-group';
}

/**
 * What is overdue, coming due in the next fortnight, or missing for a worker's or a
 * team's children, most urgent first: overdue (longest overdue first), then due soon
 * (soonest first), then missing minimum contents, then visits recorded late in the last
 * four weeks (as the compliance view lists them). Only children the caller may see.
 */
export async function worklist(w: Work, p: WorklistParams) {
  if (p.userId !== undefined && p.teamId !== undefined) throw new DomainError('VALIDATION_FAILED', 'Give userId or teamId, not both.', { fields: [{ field: 'teamId', message: 'give userId or teamId, not both' }] });
  const scope = p.teamId !== undefined ? { teamId: p.teamId } : { userId: p.userId ?? w.actor.userId };
  await requireScope(w, scope);
  const allocated = await repo.allocatedChildIds(w.db, scope, w.today);
  const visible = allocated.length === 0 ? [] : (await w.db.selectFrom('child').select('id').where('id', 'in', allocated).where(canSeeChild(w, 'child.id')).execute()).map((r) => r.id);
  const { facts, reports: all } = await reports(w, visible, { full: false });
  const late = await repo.lateRecordings(w.db, visible, new Date(w.now.getTime() - LATE_WINDOW_DAYS * DAY), 1000, { recordedSince: true });
  const glass =
    visible.length === 0
      ? []
      : await w.db
          .selectFrom('break_glass as b')
          .innerJoin('app_user as u', 'u.id', 'b.user_id')
          .select(['b.child_id', 'b.reason', 'b.opened_at', 'u.display_name'])
          .where('b.child_id', 'in', visible)
          .where('b.opened_at', '>', new Date(w.now.getTime() - BREAK_GLASS_WINDOW_DAYS * DAY))
          .orderBy('b.opened_at', 'desc')
          .execute();
  const items: WorkItem[] = [];
  for (const child of facts) {
    const r = all.get(child.id);
    if (r === undefined) continue;
    const name = `${child.givenName} ${child.familyName}`;
    for (const t of r.timescales) {
      if (t.status === 'upcoming') continue;
      const overdueDays = Math.round((Date.parse(w.today) - Date.parse(t.dueBy)) / DAY);
      items.push({ childId: child.id, childName: name, area: 'timescale', item: t.item, status: t.status, dueBy: t.dueBy, daysOverdue: t.status === 'overdue' ? overdueDays : null, detail: t.explanation, rule: t.rule, entryId: null });
    }
    for (const d of r.overdueDrafts) {
      const days = londonDaysBetween(d.recordingDueBy, w.now);
      items.push({ childId: child.id, childName: name, area: 'recording', item: `${d.kind}-draft`, status: 'overdue', dueBy: d.recordingDueBy, daysOverdue: days, detail: `Draft “${d.title}” not finalised by its recording deadline.`, rule: 'Case Records and Retention procedure §1', entryId: d.entryId });
    }
    for (const d of r.draftsDueSoon) {
      items.push({ childId: child.id, childName: name, area: 'recording', item: `${d.kind}-draft`, status: 'due-soon', dueBy: d.recordingDueBy, daysOverdue: null, detail: `Draft “${d.title}” to be finalised.`, rule: 'Case Records and Retention procedure §1', entryId: d.entryId });
    }
    for (const l of late.filter((x) => x.childId === child.id)) {
      const recordedOn = londonDate(l.finalisedAt ?? w.now);
      items.push({
        childId: child.id,
        childName: name,
        area: 'recording',
        item: `${l.kind}-late`,
        status: 'late',
        dueBy: l.recordingDueBy.toISOString(),
        daysOverdue: londonDaysBetween(l.recordingDueBy, l.finalisedAt ?? w.now),
        detail: `“${l.title}” was recorded on ${recordedOn}, after its deadline (${londonDate(l.recordingDueBy)}).`,
        rule: 'Case Records and Retention procedure §1',
        entryId: l.entryId,
      });
    }
    for (const b of glass.filter((x) => x.child_id === child.id)) {
      items.push({
        childId: child.id,
        childName: name,
        area: 'access',
        item: 'break-glass',
        status: 'review',
        dueBy: null,
        daysOverdue: null,
        detail: `${b.display_name} opened this record by break-glass on ${londonDate(b.opened_at)}: “${b.reason}”`,
        rule: 'R16: break-glass openings are reviewed by the allocated worker’s manager and the DPO',
        entryId: null,
      });
    }
    for (const c of r.contents) {
      if (c.status === 'missing' && c.requirement === 'minimum') {
        items.push({ childId: child.id, childName: name, area: 'content', item: c.item, status: 'missing', dueBy: null, daysOverdue: null, detail: `${c.label}: none on the record.`, rule: c.rule, entryId: null });
      }
    }
  }
  items.sort((a, b) => rank(a) - rank(b) || (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0) || (a.dueBy ?? '').localeCompare(b.dueBy ?? '') || a.childName.localeCompare(b.childName));
  w.audit({ action: 'child.read', childIds: visible, detail: { view: 'worklist', items: items.length } });
  const result = { asOf: w.now.toISOString(), scope, children: facts.length, items };
  if (p.groupBy !== 'sibling-group') return result;
  return { ...result, groups: groupBySiblings(facts.map((f) => f.id), await repo.siblingLinks(w.db, visible), items) };
}

/** Who may see a worklist: your own; your team's (team managers, or workers in it); anyone's (heads of service). */
async function requireScope(w: Work, scope: { userId: string } | { teamId: string }): Promise<void> {
  if (hasRole(w.actor, 'head-of-service')) return;
  if ('userId' in scope) {
    if (scope.userId === w.actor.userId) return;
    const user = await w.db.selectFrom('app_user').select('team_id').where('id', '=', scope.userId).executeTakeFirst();
    if (hasRole(w.actor, 'team-manager') && user?.team_id != null && user.team_id === w.actor.teamId) return;
  } else if (scope.teamId === w.actor.teamId && hasRole(w.actor, 'team-manager', 'social-worker')) {
    return;
  }
  w.auditDenied({ action: 'child.read', detail: { view: 'worklist', reason: 'scope' } });
  throw new DomainError('ACCESS_DENIED', 'You may see your own worklist and your team’s; a team manager sees their team members’; a head of service anyone’s.');
}

/** Sibling groups (connected by sibling relationships), each with its items; children without siblings form groups of one. */
function groupBySiblings(ids: string[], links: Array<[string, string]>, items: WorkItem[]) {
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  for (const [a, b] of links) parent.set(find(a), find(b));
  const groups = new Map<string, { childIds: string[]; items: WorkItem[] }>();
  for (const id of ids) {
    const root = find(id);
    const g = groups.get(root) ?? { childIds: [], items: [] };
    g.childIds.push(id);
    groups.set(root, g);
  }
  for (const item of items) groups.get(find(item.childId))?.items.push(item);
  return [...groups.values()].filter((g) => g.items.length > 0).sort((a, b) => rank(a.items[0]!) - rank(b.items[0]!) || (b.items[0]?.daysOverdue ?? 0) - (a.items[0]?.daysOverdue ?? 0));
}
