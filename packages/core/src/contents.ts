import type { EntryKind } from './kinds.js';

/**
 * What a case record should contain (R2, R3), and when each item applies. The minimum
 * contents are those of CPPCR 2010 reg 49 for a looked-after child; the recommended
 * ones come from the Children Act 1989 Guidance and Regulations, Vol 2 (2015), as both
 * seed procedures list them.
 */
export type Requirement = 'minimum' | 'recommended';
export type ContentStatus = 'present' | 'missing' | 'none-recorded' | 'not-applicable';

export interface ContentRule {
  kind: EntryKind;
  label: string;
  requirement: Requirement;
  /** Applies only while or after the child is looked after. */
  lookedAfterOnly: boolean;
  /** Only if there is one (a court order, a provider arrangement): absence is not a gap. */
  ifAny: boolean;
  /** Only for children of school age (4 to 17). */
  schoolAge: boolean;
  rule: string;
}

const REG49 = 'CPPCR 2010 reg 49 (minimum contents)';
const VOL2 = 'Children Act 1989 Guidance Vol 2 (recommended contents)';

export const CONTENT_RULES: readonly ContentRule[] = [
  { kind: 'care-plan', label: 'Care plan and every change to it', requirement: 'minimum', lookedAfterOnly: true, ifAny: false, schoolAge: false, rule: REG49 },
  { kind: 'health-plan', label: 'Health plan', requirement: 'minimum', lookedAfterOnly: true, ifAny: false, schoolAge: false, rule: REG49 },
  { kind: 'placement-plan', label: 'Placement plan', requirement: 'minimum', lookedAfterOnly: true, ifAny: false, schoolAge: false, rule: REG49 },
  { kind: 'pep', label: 'Personal education plan (PEP)', requirement: 'minimum', lookedAfterOnly: true, ifAny: false, schoolAge: true, rule: REG49 },
  { kind: 'health-assessment', label: 'Health assessment reports', requirement: 'minimum', lookedAfterOnly: true, ifAny: false, schoolAge: false, rule: REG49 },
  { kind: 'assessment', label: 'Assessments of the child’s needs (education assessments too)', requirement: 'minimum', lookedAfterOnly: false, ifAny: false, schoolAge: false, rule: REG49 },
  { kind: 'review', label: 'Reviews of the child’s case', requirement: 'minimum', lookedAfterOnly: true, ifAny: false, schoolAge: false, rule: REG49 },
  { kind: 'court-order', label: 'Court orders', requirement: 'minimum', lookedAfterOnly: false, ifAny: true, schoolAge: false, rule: REG49 },
  { kind: 'provider-arrangement', label: 'Arrangements with an independent fostering or social work provider', requirement: 'minimum', lookedAfterOnly: true, ifAny: true, schoolAge: false, rule: REG49 },
  { kind: 'contact-arrangement', label: 'Contact arrangements', requirement: 'recommended', lookedAfterOnly: true, ifAny: false, schoolAge: false, rule: VOL2 },
  { kind: 'court-report', label: 'Court reports (guardian’s reports, specialist assessments)', requirement: 'recommended', lookedAfterOnly: false, ifAny: true, schoolAge: false, rule: VOL2 },
  { kind: 'education-progress', label: 'Educational progress', requirement: 'recommended', lookedAfterOnly: false, ifAny: false, schoolAge: true, rule: VOL2 },
  { kind: 'planning-document', label: 'Planning and review documents, including the child’s views', requirement: 'recommended', lookedAfterOnly: false, ifAny: false, schoolAge: false, rule: VOL2 },
  { kind: 'visit', label: 'Records of visits', requirement: 'recommended', lookedAfterOnly: false, ifAny: false, schoolAge: false, rule: VOL2 },
  { kind: 'correspondence', label: 'Other correspondence', requirement: 'recommended', lookedAfterOnly: false, ifAny: true, schoolAge: false, rule: VOL2 },
];

export interface ContentContext {
  /** The child is or has been looked after. */
  lookedAfter: boolean;
  /** The child is of school age (4 to 17) today. */
  schoolAge: boolean;
}

export function contentStatus(rule: ContentRule, context: ContentContext, hasEntry: boolean): ContentStatus {
  if (hasEntry) return 'present';
  if ((rule.lookedAfterOnly && !context.lookedAfter) || (rule.schoolAge && !context.schoolAge)) return 'not-applicable';
  return rule.ifAny ? 'none-recorded' : 'missing';
}
