import type { FieldProblem } from './errors.js';
import type { BuiltInInvolvementKind } from './kinds.js';
import { RETENTION_TRIGGERS, RETENTION_YEARS_MAX, RETENTION_YEARS_MIN, type DeathRule, type RetentionRule, type RetentionTrigger, type RuleCondition, type RuleSubject } from './retention.js';

/**
 * How the default schedule (`domain/retention-schedule.json`) is read. The file says in
 * words whose record each rule governs and under what condition; this is that reading,
 * written down once so it can be reviewed and tested.
 */

/** One rule as the seed file spells it. */
export interface SeedRule {
  id: string;
  recordClass: string;
  description: string;
  trigger: string;
  years: number | null;
  deathRule: DeathRule | null;
  minimum: boolean;
  basis: string;
  verified: boolean;
  source: string;
  notes: string;
}

interface Reading {
  appliesTo: RuleSubject;
  condition?: RuleCondition;
  /** Optional policies are offered, not adopted, until the authority publishes them as active. */
  active?: boolean;
}

const READINGS: Record<string, Reading> = {
  'childrens-home-other-records': { appliesTo: 'carer' },
  'foster-carer-record': { appliesTo: 'carer' },
  'connected-person-carer-record': { appliesTo: 'carer' },
  'foster-applicant-not-approved': { appliesTo: 'carer' },
  // Registers the fostering service keeps about itself, not anyone's case record.
  'fostering-service-records': { appliesTo: 'service' },
  'adoption-section56-information': { appliesTo: 'child', condition: 'adoption-order-on-or-after-2005-12-30' },
  'adoption-pre-2005': { appliesTo: 'child', condition: 'adoption-order-before-2005-12-30' },
  'adoption-record-no-order-child-was-looked-after': { appliesTo: 'child', condition: 'no-adoption-order-ever-looked-after' },
  'adoption-record-no-order-child-not-looked-after': { appliesTo: 'child', condition: 'no-adoption-order-never-looked-after' },
  // A prospective adopter's record: not a child's, and no carer kind holds it yet.
  'prospective-adopter-record-no-order': { appliesTo: 'carer' },
  // "Not a legal requirement; offer as a council-selectable policy above the statutory minimum."
  'care-experienced-extended-good-practice': { appliesTo: 'child', active: false },
};

const CARER_TRIGGERS: readonly RetentionTrigger[] = ['approvalEnded', 'placementEnded', 'applicationRefusedOrWithdrawn'];

function isTrigger(value: string): value is RetentionTrigger {
  return (RETENTION_TRIGGERS as readonly string[]).includes(value);
}

/** A rule as an authority publishes it: the seed's fields, with how to read it optional. */
export interface RuleInput extends SeedRule {
  appliesTo?: RuleSubject;
  condition?: RuleCondition | null;
  active?: boolean;
}

/** Reads one rule; what it does not say is read as the seed is (READINGS), or from its trigger. */
export function ruleFromInput(r: RuleInput): RetentionRule {
  if (!isTrigger(r.trigger)) throw new RangeError(`retention rule ${r.id}: unknown trigger ${r.trigger}`);
  const reading = READINGS[r.id] ?? { appliesTo: CARER_TRIGGERS.includes(r.trigger) || r.trigger === 'lastEntry' ? 'carer' : 'child' };
  return {
    ...r,
    trigger: r.trigger,
    appliesTo: r.appliesTo ?? reading.appliesTo,
    condition: r.condition === undefined ? (reading.condition ?? null) : r.condition,
    active: r.active ?? reading.active ?? true,
  };
}

/** The seed file's rules as Safekeep keeps them. Throws on a trigger it does not know. */
export function rulesFromSeed(seed: readonly SeedRule[]): RetentionRule[] {
  return seed.map((r) => ruleFromInput(r));
}

const TRIGGERS_FOR: Record<RuleSubject, readonly RetentionTrigger[]> = {
  // A child's label is kept by the database on every change to its inputs; the last
  // entry is not one of them (it would relabel on every entry written).
  child: ['dateOfBirth', 'closure', 'adoptionOrder'],
  carer: ['approvalEnded', 'placementEnded', 'applicationRefusedOrWithdrawn', 'closure', 'lastEntry'],
  service: RETENTION_TRIGGERS,
};

const inBounds = (years: number) => Number.isInteger(years) && years >= RETENTION_YEARS_MIN && years <= RETENTION_YEARS_MAX;
const BOUNDS = `must be whole years from ${RETENTION_YEARS_MIN} to ${RETENTION_YEARS_MAX}`;

/**
 * What is wrong with a schedule as a whole, each problem naming its field as request
 * validation does (`rules.3.trigger`).
 */
export function scheduleProblems(rules: readonly RetentionRule[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const at = `rules.${i}`;
    if (r.years !== null && !inBounds(r.years)) problems.push({ field: `${at}.years`, message: BOUNDS });
    if (r.deathRule !== null && !inBounds(r.deathRule.years)) problems.push({ field: `${at}.deathRule.years`, message: BOUNDS });
    if (seen.has(r.id)) problems.push({ field: `${at}.id`, message: `appears twice: ${r.id}` });
    seen.add(r.id);
    if (!TRIGGERS_FOR[r.appliesTo].includes(r.trigger)) {
      problems.push({ field: `${at}.trigger`, message: `a ${r.appliesTo} rule cannot start from ${r.trigger} (use one of ${TRIGGERS_FOR[r.appliesTo].join(', ')})` });
    }
    if (r.deathRule !== null && r.appliesTo !== 'child') problems.push({ field: `${at}.deathRule`, message: 'only a child’s record has a "died before 18" rule' });
    if (r.condition !== null && r.appliesTo !== 'child') problems.push({ field: `${at}.condition`, message: 'conditions apply to children’s records only' });
    if (r.years === null && r.deathRule === null && r.active && r.basis === 'statute' && r.minimum) {
      problems.push({ field: `${at}.years`, message: 'a statutory minimum needs a period' });
    }
  });
  if (!rules.some((r) => r.active && r.appliesTo === 'child')) problems.push({ field: 'rules', message: 'the schedule must keep at least one active rule for children’s records' });
  return problems;
}

/** Which record class each built-in kind of involvement puts a child's record in. */
export const RECORD_CLASS_FOR_INVOLVEMENT: Record<BuiltInInvolvementKind, string> = {
  'child-in-need': 'child-in-need',
  'child-protection': 'child-protection',
  'looked-after': 'looked-after-child',
  'care-leaver': 'care-leaver',
  'education-welfare': 'education-welfare',
  'private-fostering': 'private-fostering',
  adoption: 'adoption',
  // A child fostered by the authority is looked after (CPPCR 2010 reg 50 governs the record).
  fostering: 'looked-after-child',
};

/** Court orders that put a record in a class by themselves, whatever involvement is open. */
export const RECORD_CLASS_FOR_COURT_ORDER: Readonly<Record<string, string>> = {
  'adoption-order': 'adoption',
  'supervision-order': 'court-orders',
  'secure-accommodation-order': 'secure-accommodation',
};

/** Which record class each kind of carer record is in. */
export const RECORD_CLASS_FOR_CARER: Readonly<Record<string, string | null>> = {
  'foster-carer': 'fostering',
  'childrens-home': 'childrens-home',
  'other-provider': null,
};
