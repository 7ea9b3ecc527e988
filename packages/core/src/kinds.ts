/**
 * Kinds of involvement (R11: "record" covers every kind of involvement) and of entry
 * (R2 minimum and R3 recommended contents, API.md "Recording").
 */
export const INVOLVEMENT_KINDS = [
  'child-in-need',
  'child-protection',
  'looked-after',
  'care-leaver',
  'education-welfare',
  'private-fostering',
  'adoption',
  'fostering',
] as const;
export type BuiltInInvolvementKind = (typeof INVOLVEMENT_KINDS)[number];

/** CPPCR 2010 reg 49 minimum contents of the case record. */
export const MINIMUM_ENTRY_KINDS = [
  'care-plan',
  'health-plan',
  'placement-plan',
  'pep',
  'health-assessment',
  'assessment',
  'review',
  'court-order',
  'provider-arrangement',
] as const;

/** Children Act 1989 Guidance Vol 2: recommended contents. */
export const RECOMMENDED_ENTRY_KINDS = [
  'contact-arrangement',
  'court-report',
  'education-progress',
  'planning-document',
  'visit',
  'correspondence',
] as const;

export const OTHER_ENTRY_KINDS = ['case-note', 'decision', 'child-contribution', 'duplicate-entry', 'cross-reference'] as const;

export const ENTRY_KINDS = [...MINIMUM_ENTRY_KINDS, ...RECOMMENDED_ENTRY_KINDS, ...OTHER_ENTRY_KINDS] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const ENTRY_STATUSES = ['draft', 'final'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

// As the DfE returns record it: not known, male, female, not stated.
export const SEXES = ['female', 'male', 'not-known', 'not-stated'] as const;
export type Sex = (typeof SEXES)[number];
