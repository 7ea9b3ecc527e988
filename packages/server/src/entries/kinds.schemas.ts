import { Type, type Static, type TObject, type TProperties } from 'typebox';
import {
  ASSESSMENT_TYPES,
  CONTRIBUTION_TYPES,
  COURT_ORDER_TYPES,
  COURT_REPORT_TYPES,
  ENTRY_STATUSES,
  HEALTH_ASSESSMENT_TYPES,
  REVIEW_TYPES,
  type EntryKind,
} from '@safekeep/core';
import { CalendarDate, Instant, NonBlank, Nullable, Obj, StringEnum, Uuid } from '../http/schemas.js';

/**
 * Each kind of entry has its own fields (API.md, Recording). The fields of each kind are
 * one schema, used three ways: inside the create body (a oneOf chosen by `kind`, which
 * ajv's discriminator validates branch by branch so errors name the right field), to
 * check a correction once merged with the current version, and in the OpenAPI document.
 */
const Text = (max: number, description?: string) => Type.String({ maxLength: max, ...(description ? { description } : {}) });

const ChildView = Type.Unsafe<{ view: string; howObtained: string } | { notObtainedReason: string }>({
  oneOf: [
    Obj({ view: NonBlank(10_000, 'What the child said or showed, in their words where possible.'), howObtained: NonBlank(2_000, 'How the view was obtained: in person, by an advocate, a drawing…') }),
    Obj({ notObtainedReason: NonBlank(2_000, 'Why the child’s view was not obtained.') }),
  ],
  description: 'The child’s view and how it was obtained, or why it was not.',
});

const ParentView = Type.Unsafe<{ name: string; relationship: string; view: string } | { name: string; relationship: string; notObtainedReason: string }>({
  oneOf: [
    Obj({ name: NonBlank(200), relationship: NonBlank(100), view: NonBlank(10_000) }),
    Obj({ name: NonBlank(200), relationship: NonBlank(100), notObtainedReason: NonBlank(2_000) }),
  ],
});

export const KIND_FIELDS = {
  'care-plan': {},
  'health-plan': {},
  'placement-plan': {
    placementStart: CalendarDate,
    longTerm: Type.Optional(Type.Boolean({ description: 'The plan is for the child to stay until 18 (changes the visit interval after the first year).' })),
    carerId: Type.Optional(Nullable(Uuid)),
  },
  pep: { school: Type.Optional(Text(200)) },
  'health-assessment': { assessmentType: StringEnum(HEALTH_ASSESSMENT_TYPES), assessedBy: Type.Optional(Text(200)) },
  assessment: { assessmentType: StringEnum(ASSESSMENT_TYPES) },
  review: { reviewType: StringEnum(REVIEW_TYPES), chair: Type.Optional(Text(200)) },
  'court-order': {
    orderType: StringEnum(COURT_ORDER_TYPES),
    court: NonBlank(200, 'The court that made the order.'),
    madeOn: CalendarDate,
    endsOn: Type.Optional(Nullable(CalendarDate)),
  },
  'provider-arrangement': {
    provider: NonBlank(200, 'The independent fostering agency or social work provider.'),
    functions: Type.Union([NonBlank(2_000), Type.Array(NonBlank(500), { minItems: 1 })], { description: 'The authority’s functions the provider carries out.' }),
  },
  'contact-arrangement': { withWhom: Type.Optional(Text(500)), frequency: Type.Optional(Text(200)), supervised: Type.Optional(Type.Boolean()) },
  'court-report': { reportType: StringEnum(COURT_REPORT_TYPES), author: Type.Optional(Text(200)) },
  'education-progress': { school: Type.Optional(Text(200)) },
  'planning-document': { purpose: Type.Optional(Text(500)) },
  visit: {
    visitType: StringEnum(['statutory', 'other'] as const, { description: 'statutory: recorded by the end of the next working day; other: by the end of the fifth.' }),
    seenAlone: Type.Optional(Type.Boolean()),
  },
  correspondence: { direction: StringEnum(['incoming', 'outgoing'] as const), correspondent: Type.Optional(Text(200)) },
  'case-note': {},
  decision: {
    decision: NonBlank(10_000, 'What was decided.'),
    rationale: NonBlank(10_000, 'Why.'),
    decidedBy: NonBlank(200, 'Who decided: a user id, or the name of a person or body (a court, a panel).'),
    informedBy: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true, description: 'Entries in this child’s record that informed the decision.' })),
    childView: ChildView,
    parentViews: Type.Array(ParentView, { maxItems: 10, description: 'Each parent’s view, or why it was not obtained; empty only with noParentViewsReason.' }),
    noParentViewsReason: Type.Optional(NonBlank(2_000, 'Why no parent’s view is recorded at all (no parent involved, both parents dead…). Needed when parentViews is empty.')),
  },
  'child-contribution': {
    childsProperty: Type.Literal(true, { description: 'Marked as the child’s property (R5).' }),
    originalHeldBy: StringEnum(['child', 'authority'] as const),
    copyGivenToChild: Type.Boolean(),
    contributionType: Type.Optional(StringEnum(CONTRIBUTION_TYPES)),
  },
  'cross-reference': { referencedChildId: Uuid, referencedEntryId: Type.Optional(Uuid) },
} satisfies Record<Exclude<EntryKind, 'duplicate-entry'>, TProperties>;

export type WritableKind = keyof typeof KIND_FIELDS;

const BASE = {
  occurredAt: Instant,
  title: NonBlank(300),
  body: Type.String({ maxLength: 100_000 }),
  status: Type.Optional(StringEnum(ENTRY_STATUSES, { description: 'draft: seen by the author and their manager until finalised.' })),
};

/** The fields of one kind, alone: for checking a correction merged with the current version. */
export const FIELDS_SCHEMA = Object.fromEntries(Object.entries(KIND_FIELDS).map(([kind, props]) => [kind, Obj(props)])) as Record<WritableKind, TObject>;

function branch<K extends WritableKind>(kind: K) {
  return Obj({ kind: Type.Literal(kind), ...BASE, ...KIND_FIELDS[kind] });
}

const BRANCHES = (Object.keys(KIND_FIELDS) as WritableKind[]).map((k) => branch(k));
type Branch = Static<(typeof BRANCHES)[number]>;

/** A new entry: common fields plus those of its kind, chosen by `kind`. */
export const NewEntryBody = Type.Unsafe<Branch>({
  oneOf: BRANCHES,
  discriminator: { propertyName: 'kind' },
  description: 'An entry: kind, occurredAt, title, body, optional status, and the fields of its kind.',
});

export const BASE_KEYS = new Set(['kind', 'occurredAt', 'title', 'body', 'status']);

/** Splits a request into the common part and the kind's own fields. */
export function splitFields(body: Record<string, unknown>, alsoBase: readonly string[] = []): { base: Record<string, unknown>; fields: Record<string, unknown> } {
  const base: Record<string, unknown> = {};
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) (BASE_KEYS.has(k) || alsoBase.includes(k) ? base : fields)[k] = v;
  return { base, fields };
}
