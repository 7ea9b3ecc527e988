import { addYears, compareDates, type CalendarDate } from './dates.js';

/**
 * Retention maths (R13, R15): which rules of a schedule apply to a record, the date
 * from which each rule allows destruction, and the record's destruction date: the
 * latest of them. The database computes the same thing set-based (migration
 * 20261122_0400_retention, `sk_relabel_*`); a property test holds the two together.
 */

/** What starts a rule's clock (the seed schedule's `trigger` values). */
export const RETENTION_TRIGGERS = [
  'dateOfBirth',
  'closure',
  'adoptionOrder',
  'approvalEnded',
  'placementEnded',
  'applicationRefusedOrWithdrawn',
  'lastEntry',
] as const;
export type RetentionTrigger = (typeof RETENTION_TRIGGERS)[number];

/** Whose record a rule governs. `service` rules cover service-level registers, which are not case records. */
export const RULE_SUBJECTS = ['child', 'carer', 'service'] as const;
export type RuleSubject = (typeof RULE_SUBJECTS)[number];

/**
 * Conditions the seed states in words, made testable. Adoption records follow
 * different rules depending on whether an order was made, when, and whether the child
 * was ever looked after (DAI 2005 reg 6; AAR 2005 reg 40; AAR 1983).
 */
export const RULE_CONDITIONS = [
  'adoption-order-on-or-after-2005-12-30',
  'adoption-order-before-2005-12-30',
  'no-adoption-order-ever-looked-after',
  'no-adoption-order-never-looked-after',
] as const;
export type RuleCondition = (typeof RULE_CONDITIONS)[number];

/** The Adoption and Children Act 2002 adoption provisions commenced on 30 December 2005. */
export const ADOPTION_ACT_COMMENCEMENT: CalendarDate = '2005-12-30';

/** Record classes whose holders were looked after (CPPCR 2010 reg 50 applies to their record). */
export const LOOKED_AFTER_CLASSES: readonly string[] = ['looked-after-child', 'care-leaver'];

export interface DeathRule {
  condition: 'childDiesBeforeAge18';
  trigger: 'dateOfDeath';
  years: number;
}

export interface RetentionRule {
  id: string;
  recordClass: string;
  description: string;
  trigger: RetentionTrigger;
  /** Null: no fixed period; a person must decide (the record needs review). */
  years: number | null;
  deathRule: DeathRule | null;
  minimum: boolean;
  basis: string;
  verified: boolean;
  source: string;
  notes: string;
  appliesTo: RuleSubject;
  condition: RuleCondition | null;
  /** False for optional policies an authority has not adopted (e.g. the archives sector's DOB + 125). */
  active: boolean;
}

/** A record class the record holds, now or in the past, and whether it is still open. */
export interface HeldClass {
  recordClass: string;
  open: boolean;
  /** The last closure of that class (null while open, or where the class has no closure, e.g. a court order). */
  closedOn: CalendarDate | null;
}

export interface ChildRetentionFacts {
  dateOfBirth: CalendarDate;
  dateOfDeath: CalendarDate | null;
  classes: readonly HeldClass[];
  /** The latest adoption order made, if any. */
  adoptionOrderOn: CalendarDate | null;
  /** Day of the latest entry (Europe/London), for rules counted from the last entry. */
  lastEntryOn: CalendarDate | null;
}

export const CARER_END_REASONS = ['approval-ended', 'placement-ended', 'application-refused-or-withdrawn', 'closed'] as const;
export type CarerEndReason = (typeof CARER_END_REASONS)[number];

export interface CarerRetentionFacts {
  recordClass: string | null;
  endedOn: CalendarDate | null;
  endReason: CarerEndReason | null;
  lastEntryOn: CalendarDate | null;
}

/** Which carer ending starts which trigger's clock (FSR 2011 reg 32(1)–(3)). */
export const CARER_TRIGGER_FOR_END: Record<CarerEndReason, RetentionTrigger> = {
  'approval-ended': 'approvalEnded',
  'placement-ended': 'placementEnded',
  'application-refused-or-withdrawn': 'applicationRefusedOrWithdrawn',
  closed: 'closure',
};

/**
 * The anniversary `years` after `date`. A 29 February falls on 1 March in a year without
 * one: the later candidate, so a record is never released a day early (REGULATIONS.md 1.1;
 * a design choice, not a rule of the regulations).
 */
export function anniversary(date: CalendarDate, years: number): CalendarDate {
  const plain = addYears(date, years);
  return date.endsWith('-02-29') && plain.endsWith('-02-28') ? `${plain.slice(0, 4)}-03-01` : plain;
}

/** Died before the 18th birthday (the "died before 18" rules test age on the date of death). */
export function diedBeforeAge18(dateOfBirth: CalendarDate, dateOfDeath: CalendarDate): boolean {
  return compareDates(dateOfDeath, anniversary(dateOfBirth, 18)) < 0;
}

export type RuleOutcome =
  | { state: 'date'; date: CalendarDate; by: 'rule' | 'death-rule' }
  /** The trigger has not happened yet (an involvement still open, no adoption order yet). */
  | { state: 'pending'; waitingFor: RetentionTrigger }
  /** The rule sets no period: a person decides. */
  | { state: 'review' };

export interface AppliedRule {
  rule: RetentionRule;
  outcome: RuleOutcome;
}

export const LABEL_STATUSES = ['determined', 'pending', 'review', 'no-rule'] as const;
export type LabelStatus = (typeof LABEL_STATUSES)[number];

export interface RetentionLabel {
  status: LabelStatus;
  /** The latest date any applicable rule allows destruction from; null unless every applicable rule has a date. */
  destructionDate: CalendarDate | null;
  /** The rules that produced the destruction date (those whose date is the latest). */
  ruleIds: string[];
  applied: AppliedRule[];
  recordClasses: string[];
}

function conditionHolds(condition: RuleCondition | null, facts: ChildRetentionFacts): boolean {
  const lookedAfter = facts.classes.some((c) => LOOKED_AFTER_CLASSES.includes(c.recordClass));
  switch (condition) {
    case null:
      return true;
    case 'adoption-order-on-or-after-2005-12-30':
      return facts.adoptionOrderOn !== null && compareDates(facts.adoptionOrderOn, ADOPTION_ACT_COMMENCEMENT) >= 0;
    case 'adoption-order-before-2005-12-30':
      return facts.adoptionOrderOn !== null && compareDates(facts.adoptionOrderOn, ADOPTION_ACT_COMMENCEMENT) < 0;
    case 'no-adoption-order-ever-looked-after':
      return facts.adoptionOrderOn === null && lookedAfter;
    case 'no-adoption-order-never-looked-after':
      return facts.adoptionOrderOn === null && !lookedAfter;
  }
}

function childOutcome(rule: RetentionRule, held: HeldClass, facts: ChildRetentionFacts): RuleOutcome {
  // A "died before 18" rule replaces the rule's own period (CPPCR 2010 reg 50: 15 years from death).
  if (rule.deathRule !== null && facts.dateOfDeath !== null && diedBeforeAge18(facts.dateOfBirth, facts.dateOfDeath)) {
    return { state: 'date', date: anniversary(facts.dateOfDeath, rule.deathRule.years), by: 'death-rule' };
  }
  if (rule.years === null) return { state: 'review' };
  const from = (date: CalendarDate | null): RuleOutcome =>
    date === null ? { state: 'pending', waitingFor: rule.trigger } : { state: 'date', date: anniversary(date, rule.years as number), by: 'rule' };
  switch (rule.trigger) {
    case 'dateOfBirth':
      return from(facts.dateOfBirth);
    case 'closure':
      return from(held.open ? null : held.closedOn);
    case 'adoptionOrder':
      return from(facts.adoptionOrderOn);
    case 'lastEntry':
      return from(facts.lastEntryOn);
    case 'approvalEnded':
    case 'placementEnded':
    case 'applicationRefusedOrWithdrawn':
      // Carer triggers never start for a child's record.
      return { state: 'pending', waitingFor: rule.trigger };
  }
}

function summarise(applied: AppliedRule[], recordClasses: string[]): RetentionLabel {
  if (applied.length === 0) return { status: 'no-rule', destructionDate: null, ruleIds: [], applied, recordClasses };
  const outcomes = applied.map((a) => a.outcome);
  const status: LabelStatus = outcomes.some((o) => o.state === 'review') ? 'review' : outcomes.some((o) => o.state === 'pending') ? 'pending' : 'determined';
  if (status !== 'determined') return { status, destructionDate: null, ruleIds: [], applied, recordClasses };
  const dates = outcomes.map((o) => (o.state === 'date' ? o.date : ''));
  const latest = dates.reduce((a, b) => (compareDates(a, b) >= 0 ? a : b));
  const ruleIds = applied.filter((_, i) => dates[i] === latest).map((a) => a.rule.id).sort();
  return { status, destructionDate: latest, ruleIds, applied, recordClasses };
}

function byRuleId(a: AppliedRule, b: AppliedRule): number {
  return a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0;
}

/** A child's destruction date: the latest date of every active child rule for every class the record has ever held. */
export function childRetentionLabel(rules: readonly RetentionRule[], facts: ChildRetentionFacts): RetentionLabel {
  const applied: AppliedRule[] = [];
  for (const held of facts.classes) {
    for (const rule of rules) {
      if (!rule.active || rule.appliesTo !== 'child' || rule.recordClass !== held.recordClass) continue;
      if (!conditionHolds(rule.condition, facts)) continue;
      applied.push({ rule, outcome: childOutcome(rule, held, facts) });
    }
  }
  return summarise(applied.sort(byRuleId), [...new Set(facts.classes.map((c) => c.recordClass))].sort());
}

/**
 * A carer's or home's destruction date. While the carer is still active every rule
 * waits (which ending will happen is not yet known); once ended, only the rules whose
 * trigger is that ending apply, with rules counted from the last entry.
 */
export function carerRetentionLabel(rules: readonly RetentionRule[], facts: CarerRetentionFacts): RetentionLabel {
  const applied: AppliedRule[] = [];
  const endTrigger = facts.endReason === null ? null : CARER_TRIGGER_FOR_END[facts.endReason];
  for (const rule of rules) {
    if (!rule.active || rule.appliesTo !== 'carer' || rule.recordClass !== facts.recordClass) continue;
    if (rule.trigger === 'lastEntry') {
      applied.push({ rule, outcome: outcomeFrom(rule, facts.endedOn === null ? null : facts.lastEntryOn ?? facts.endedOn) });
    } else if (facts.endReason === null) {
      // A rule with no period needs a person's decision whatever the ending (as the database labels it).
      applied.push({ rule, outcome: rule.years === null ? { state: 'review' } : { state: 'pending', waitingFor: rule.trigger } });
    } else if (rule.trigger === endTrigger) {
      applied.push({ rule, outcome: outcomeFrom(rule, facts.endedOn) });
    }
  }
  return summarise(applied.sort(byRuleId), facts.recordClass === null ? [] : [facts.recordClass]);
}

function outcomeFrom(rule: RetentionRule, date: CalendarDate | null): RuleOutcome {
  if (rule.years === null) return { state: 'review' };
  return date === null ? { state: 'pending', waitingFor: rule.trigger } : { state: 'date', date: anniversary(date, rule.years), by: 'rule' };
}

/** Bounds a schedule rule's periods must lie in: no negative, zero or absurd periods. */
export const RETENTION_YEARS_MIN = 1;
export const RETENTION_YEARS_MAX = 200;
