import { sql } from 'kysely';
import {
  DomainError,
  RECORD_CLASS_FOR_CARER,
  carerRetentionLabel,
  childRetentionLabel,
  disposalBlockers,
  invalid,
  ruleFromInput,
  scheduleProblems,
  type AppliedRule,
  type DisposalBlocker,
  type LabelStatus,
  type RetentionLabel,
  type RetentionRule,
  type RuleInput,
} from '@safekeep/core';
import { requireRecordsAccess } from '../access/child-access.js';
import { requireRole } from '../access/roles.js';
import { requireCarerRecordsAccess } from '../carers/carers.service.js';
import { SCHEDULE_LOCK_KEY } from '../db/migrations/20261122_0400_retention.js';
import { actorRef, type Work } from '../db/work.js';
import { openEscalationIds } from '../escalations/escalations.service.js';
import { openSubjectAccessRequestIds } from '../sars/sars.service.js';
import * as repo from './retention.repository.js';

/**
 * The retention schedule (R15) and every record's destruction date (R13). The database
 * keeps each record's label current (migration 0400); this service publishes schedules,
 * explains a label rule by rule (core/retention.ts), and lists what blocks a disposal.
 */

/** The roles that publish a new schedule: the records officer who runs retention, or a head of service. */
const SCHEDULE_ROLES = ['records-officer', 'head-of-service'] as const;

export interface RuleView extends RetentionRule {
  /** Unverified in the research behind the default schedule: check before relying on it. */
  flag: string | null;
}

function ruleView(r: RetentionRule): RuleView {
  return { ...r, flag: r.verified ? null : 'Unverified: the period or its source has not been confirmed against the regulation text. Check before relying on it.' };
}

export async function currentRules(w: Work): Promise<{ scheduleVersion: number; rules: RuleView[] }> {
  const version = await repo.currentVersion(w.db);
  return { scheduleVersion: version, rules: (await repo.rulesOf(w.db, version)).map(ruleView) };
}

export async function schedules(w: Work) {
  const rows = await repo.listSchedules(w.db);
  return { items: rows.map((r) => ({ version: r.version, note: r.note, publishedAt: r.publishedAt.toISOString(), publishedBy: r.publishedBy, rules: r.rules })) };
}

export async function schedule(w: Work, version: number): Promise<{ scheduleVersion: number; rules: RuleView[] }> {
  const rules = await repo.rulesOf(w.db, version);
  if (rules.length === 0) throw new DomainError('NOT_FOUND', `There is no schedule version ${version}.`);
  return { scheduleVersion: version, rules: rules.map(ruleView) };
}

/**
 * Publishes a new version of the whole schedule (earlier versions are kept) and
 * relabels every record in the same transaction, set-based in SQL: a changed period
 * moves the dates of records already labelled.
 */
export async function publishSchedule(w: Work, input: { note: string; rules: RuleInput[] }) {
  requireRole(w, 'retention.schedule-publish', SCHEDULE_ROLES);
  const rules: RetentionRule[] = [];
  input.rules.forEach((r, i) => {
    try {
      rules.push(ruleFromInput(r));
    } catch (e) {
      throw invalid({ field: `rules.${i}.trigger`, message: e instanceof Error ? e.message : String(e) });
    }
  });
  const problems = scheduleProblems(rules);
  if (problems.length > 0) throw invalid(problems);
  // One publication at a time, and no record relabelled under the old rules meanwhile
  // (sk_relabel_children shares this lock): versions are consecutive and complete.
  await sql`select pg_advisory_xact_lock(${SCHEDULE_LOCK_KEY})`.execute(w.db);
  await w.db.selectFrom('retention_schedule').select('version').forUpdate().execute();
  const version = (await repo.currentVersion(w.db)) + 1;
  await repo.insertSchedule(w.db, version, input.note.trim(), w.now, actorRef(w), rules);
  const relabelled = await repo.relabelAll(w.db);
  w.audit({ action: 'retention.schedule-publish', entityType: 'retention-schedule', detail: { version, rules: rules.length, relabelledChildren: relabelled.children, relabelledCarers: relabelled.carers } });
  return { version, rules: rules.length, relabelled };
}

export interface RuleOutcomeView {
  id: string;
  recordClass: string;
  trigger: string;
  years: number | null;
  deathRuleYears: number | null;
  verified: boolean;
  flag: string | null;
  basis: string;
  source: string;
  outcome: 'date' | 'pending' | 'review';
  date: string | null;
  /** `death-rule` when the "died before 18" period replaced the rule's own. */
  by: 'rule' | 'death-rule' | null;
  waitingFor: string | null;
  /** This rule's date is the destruction date. */
  governs: boolean;
}

function outcomeView(a: AppliedRule, governing: readonly string[]): RuleOutcomeView {
  const o = a.outcome;
  return {
    id: a.rule.id,
    recordClass: a.rule.recordClass,
    trigger: a.rule.trigger,
    years: a.rule.years,
    deathRuleYears: a.rule.deathRule?.years ?? null,
    verified: a.rule.verified,
    flag: ruleView(a.rule).flag,
    basis: a.rule.basis,
    source: a.rule.source,
    outcome: o.state,
    date: o.state === 'date' ? o.date : null,
    by: o.state === 'date' ? o.by : null,
    waitingFor: o.state === 'pending' ? o.waitingFor : null,
    governs: governing.includes(a.rule.id),
  };
}

export interface RetentionView {
  recordStatus: string;
  status: LabelStatus;
  destructionDate: string | null;
  ruleIds: string[];
  scheduleVersion: number | null;
  computedAt: string | null;
  recordClasses: string[];
  rules: RuleOutcomeView[];
  unverifiedRuleIds: string[];
  holds: repo.ActiveHold[];
  /** R13: the DO NOT DESTROY marking, shown whenever any hold covers the record, even past its date. */
  doNotDestroy: boolean;
  disposable: boolean;
  blockers: DisposalBlocker[];
}

function view(recordStatus: string, stored: repo.StoredLabel | null, explained: RetentionLabel, holds: repo.ActiveHold[], blockers: DisposalBlocker[]): RetentionView {
  const ruleIds = stored?.ruleIds ?? [];
  return {
    recordStatus,
    status: stored?.status ?? explained.status,
    destructionDate: stored?.destructionDate ?? null,
    ruleIds,
    scheduleVersion: stored?.scheduleVersion ?? null,
    computedAt: stored?.computedAt.toISOString() ?? null,
    recordClasses: stored?.recordClasses ?? explained.recordClasses,
    rules: explained.applied.map((a) => outcomeView(a, ruleIds)),
    unverifiedRuleIds: explained.applied.filter((a) => !a.rule.verified).map((a) => a.rule.id),
    holds,
    doNotDestroy: holds.length > 0,
    disposable: blockers.length === 0,
    blockers,
  };
}

/** The facts that decide a child's disposal, with every blocker (core/disposal.ts). */
export async function childRetentionStatus(w: Work, childId: string, options: { excludeDisposalId?: string; openRequestIds?: string[] } = {}) {
  const stored = await repo.childLabel(w.db, childId);
  const holds = await repo.childActiveHolds(w.db, childId);
  const involvements = await w.db.selectFrom('involvement').select('id').where('child_id', '=', childId).where('end_date', 'is', null).orderBy('start_date').execute();
  const pending = await w.db
    .selectFrom('disposal as d')
    .leftJoin('disposal_execution as x', 'x.disposal_id', 'd.id')
    .select('d.id')
    .where('d.child_id', '=', childId)
    .where('x.disposal_id', 'is', null)
    .$if(options.excludeDisposalId !== undefined, (q) => q.where('d.id', '<>', options.excludeDisposalId as string))
    .orderBy('d.requested_at')
    .executeTakeFirst();
  const blockers = disposalBlockers({
    today: w.today,
    label: { status: stored?.status ?? 'no-rule', destructionDate: stored?.destructionDate ?? null },
    holds,
    openInvolvementIds: involvements.map((i) => i.id),
    openEscalationIds: await openEscalationIds(w, { childId }),
    openRequestIds: options.openRequestIds ?? (await openSubjectAccessRequestIds(w, childId)),
    pendingDisposalId: pending?.id ?? null,
  });
  return { stored, holds, blockers };
}

export async function childRetention(w: Work, childId: string): Promise<RetentionView> {
  const basis = await requireRecordsAccess(w, childId, 'retention.read');
  const record = await w.db.selectFrom('case_record').select('status').where('child_id', '=', childId).executeTakeFirstOrThrow();
  const { stored, holds, blockers } = await childRetentionStatus(w, childId);
  const facts = await repo.childFacts(w.db, childId);
  const rules = await repo.rulesOf(w.db, stored?.scheduleVersion ?? (await repo.currentVersion(w.db)));
  const explained = facts === null ? { status: 'no-rule' as const, destructionDate: null, ruleIds: [], applied: [], recordClasses: stored?.recordClasses ?? [] } : childRetentionLabel(rules, facts);
  w.audit({ action: 'retention.read', childIds: [childId], basis, entityType: 'child', entityId: childId });
  return view(record.status, stored, explained, holds, record.status === 'destroyed' ? [] : blockers);
}

/**
 * The facts that decide a carer's or home's disposal, with every blocker: holds (all,
 * its record class, naming it), its label, the record still active (FSR 2011 reg 32
 * counts from its end), undecided escalations about it, another disposal awaiting approval.
 */
export async function carerRetentionStatus(w: Work, carerId: string, options: { excludeDisposalId?: string } = {}) {
  const stored = await repo.carerLabel(w.db, carerId);
  const holds = await repo.carerActiveHolds(w.db, carerId);
  const carer = await w.db.selectFrom('carer').select('status').where('id', '=', carerId).executeTakeFirst();
  const pending = await w.db
    .selectFrom('disposal as d')
    .leftJoin('disposal_execution as x', 'x.disposal_id', 'd.id')
    .select('d.id')
    .where('d.carer_id', '=', carerId)
    .where('x.disposal_id', 'is', null)
    .$if(options.excludeDisposalId !== undefined, (q) => q.where('d.id', '<>', options.excludeDisposalId as string))
    .orderBy('d.requested_at')
    .executeTakeFirst();
  const blockers = disposalBlockers({
    today: w.today,
    label: { status: stored?.status ?? 'no-rule', destructionDate: stored?.destructionDate ?? null },
    holds,
    recordStillOpen: carer?.status === 'active',
    openInvolvementIds: [],
    openEscalationIds: await openEscalationIds(w, { carerId }),
    openRequestIds: [],
    pendingDisposalId: pending?.id ?? null,
  });
  return { stored, holds, blockers, status: carer?.status };
}

/** A carer's record status as a record's: `open` while the carer is active. */
const carerRecordStatus = (status: string | undefined) => (status === 'active' ? 'open' : (status ?? 'open'));

export async function carerRetention(w: Work, carerId: string): Promise<RetentionView> {
  const basis = await requireCarerRecordsAccess(w, carerId, 'retention.read');
  const { stored, holds, blockers, status } = await carerRetentionStatus(w, carerId);
  // A destroyed record's entries are gone: only its stored label (as destroyed) explains it, as for a child's.
  const facts = status === 'destroyed' ? null : await repo.carerFacts(w.db, carerId, (kind) => RECORD_CLASS_FOR_CARER[kind] ?? null);
  const rules = await repo.rulesOf(w.db, stored?.scheduleVersion ?? (await repo.currentVersion(w.db)));
  const explained = facts === null ? { status: 'no-rule' as const, destructionDate: null, ruleIds: [], applied: [], recordClasses: [] } : carerRetentionLabel(rules, facts);
  w.audit({ action: 'retention.read', basis, entityType: 'carer', entityId: carerId });
  return view(carerRecordStatus(status), stored, explained, holds, status === 'destroyed' ? [] : blockers);
}

/** The short form shown with a record: its destruction date and whether it must not be destroyed (R13). */
export async function retentionSummary(w: Work, childId: string): Promise<{ destructionDate: string | null; status: LabelStatus; doNotDestroy: boolean }> {
  const stored = await repo.childLabel(w.db, childId);
  const holds = await repo.childActiveHolds(w.db, childId);
  return { destructionDate: stored?.destructionDate ?? null, status: stored?.status ?? 'no-rule', doNotDestroy: holds.length > 0 };
}
