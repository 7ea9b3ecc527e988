import type { EntryKind } from './kinds.js';

/**
 * What each kind of entry is, beyond its fields: which field gives its sub-type (kept on
 * the entry head, so timescales can ask for "the last statutory visit" cheaply), whether
 * it is a plan document whose versions form a timeline, and whether people may write it
 * directly (a duplicate entry is made only by duplicating a carer record entry).
 */
export interface EntryKindInfo {
  label: string;
  subtypeField: string | null;
  planDocument: boolean;
  writable: boolean;
}

export const ENTRY_KIND_INFO: Record<EntryKind, EntryKindInfo> = {
  'care-plan': { label: 'Care plan', subtypeField: null, planDocument: true, writable: true },
  'health-plan': { label: 'Health plan', subtypeField: null, planDocument: true, writable: true },
  'placement-plan': { label: 'Placement plan', subtypeField: null, planDocument: true, writable: true },
  pep: { label: 'Personal education plan', subtypeField: null, planDocument: true, writable: true },
  'health-assessment': { label: 'Health assessment', subtypeField: 'assessmentType', planDocument: false, writable: true },
  assessment: { label: 'Assessment', subtypeField: 'assessmentType', planDocument: false, writable: true },
  review: { label: 'Review', subtypeField: 'reviewType', planDocument: false, writable: true },
  'court-order': { label: 'Court order', subtypeField: 'orderType', planDocument: false, writable: true },
  'provider-arrangement': { label: 'Provider arrangement', subtypeField: null, planDocument: false, writable: true },
  'contact-arrangement': { label: 'Contact arrangement', subtypeField: null, planDocument: false, writable: true },
  'court-report': { label: 'Court report', subtypeField: 'reportType', planDocument: false, writable: true },
  'education-progress': { label: 'Education progress', subtypeField: null, planDocument: false, writable: true },
  'planning-document': { label: 'Planning document', subtypeField: null, planDocument: false, writable: true },
  visit: { label: 'Visit', subtypeField: 'visitType', planDocument: false, writable: true },
  correspondence: { label: 'Correspondence', subtypeField: 'direction', planDocument: false, writable: true },
  'case-note': { label: 'Case note', subtypeField: null, planDocument: false, writable: true },
  decision: { label: 'Decision', subtypeField: null, planDocument: false, writable: true },
  'child-contribution': { label: 'The child’s own contribution', subtypeField: 'contributionType', planDocument: false, writable: true },
  'duplicate-entry': { label: 'Entry from a carer or home record', subtypeField: 'sourceKind', planDocument: false, writable: false },
  'cross-reference': { label: 'Cross-reference', subtypeField: null, planDocument: false, writable: true },
};

export const PLAN_DOCUMENT_KINDS = (Object.keys(ENTRY_KIND_INFO) as EntryKind[]).filter((k) => ENTRY_KIND_INFO[k].planDocument);

export function subtypeOf(kind: EntryKind, fields: Record<string, unknown>): string | null {
  const field = ENTRY_KIND_INFO[kind].subtypeField;
  const value = field === null ? undefined : fields[field];
  return typeof value === 'string' ? value : null;
}

export const COURT_ORDER_TYPES = [
  'care-order',
  'interim-care-order',
  'supervision-order',
  'interim-supervision-order',
  'placement-order',
  'adoption-order',
  'special-guardianship-order',
  'child-arrangements-order',
  'emergency-protection-order',
  'secure-accommodation-order',
  'other',
] as const;

export const REVIEW_TYPES = ['looked-after-review', 'child-protection-conference', 'child-in-need-review', 'pathway-plan-review', 'other'] as const;
export const ASSESSMENT_TYPES = ['child-and-family', 'section-47', 'education', 'specialist', 'parenting', 'other'] as const;
export const HEALTH_ASSESSMENT_TYPES = ['initial', 'review'] as const;
export const COURT_REPORT_TYPES = ['childrens-guardian', 'specialist-assessment', 'social-work-statement', 'other'] as const;
export const CONTRIBUTION_TYPES = ['writing', 'photo', 'certificate', 'drawing', 'recording', 'other'] as const;
