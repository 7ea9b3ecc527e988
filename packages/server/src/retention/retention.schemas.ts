import { Type } from 'typebox';
import { RETENTION_TRIGGERS, RETENTION_YEARS_MAX, RETENTION_YEARS_MIN, RULE_CONDITIONS, RULE_SUBJECTS, LABEL_STATUSES } from '@safekeep/core';
import { CalendarDate, Instant, NonBlank, Nullable, Obj, StringEnum, Uuid } from '../http/schemas.js';

const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,79}$', description: 'Lower-case letters, digits and hyphens.' });
const Years = Type.Integer({ minimum: RETENTION_YEARS_MIN, maximum: RETENTION_YEARS_MAX, description: `Whole years, ${RETENTION_YEARS_MIN}–${RETENTION_YEARS_MAX}.` });

export const DeathRule = Obj({ condition: StringEnum(['childDiesBeforeAge18'] as const), trigger: StringEnum(['dateOfDeath'] as const), years: Years });

/** A rule as published: the seed file's fields, and optionally how to read it. */
export const RuleInput = Obj({
  id: Slug,
  recordClass: Slug,
  description: NonBlank(2000),
  trigger: StringEnum(RETENTION_TRIGGERS),
  years: Nullable(Years),
  deathRule: Nullable(DeathRule),
  minimum: Type.Boolean(),
  basis: NonBlank(80),
  verified: Type.Boolean(),
  source: NonBlank(2000),
  notes: Type.String({ maxLength: 4000 }),
  appliesTo: Type.Optional(StringEnum(RULE_SUBJECTS)),
  condition: Type.Optional(Nullable(StringEnum(RULE_CONDITIONS))),
  active: Type.Optional(Type.Boolean({ description: 'False for an optional policy kept in the schedule but not applied.' })),
});

export const Rule = Obj({
  id: Type.String(),
  recordClass: Type.String(),
  description: Type.String(),
  trigger: Type.String(),
  years: Nullable(Type.Integer()),
  deathRule: Nullable(Obj({ condition: Type.String(), trigger: Type.String(), years: Type.Integer() })),
  minimum: Type.Boolean(),
  basis: Type.String(),
  verified: Type.Boolean(),
  source: Type.String(),
  notes: Type.String(),
  appliesTo: Type.String(),
  condition: Nullable(Type.String()),
  active: Type.Boolean(),
  flag: Nullable(Type.String({ description: 'Set when the rule is unverified.' })),
});

export const Rules = Obj({ scheduleVersion: Type.Integer(), rules: Type.Array(Rule) });

const Blocker = Type.Object(
  {
    code: Type.String(),
    holds: Type.Optional(Type.Array(Obj({ id: Uuid, name: Type.String() }))),
    destructionDate: Type.Optional(CalendarDate),
    status: Type.Optional(Type.String()),
    involvementIds: Type.Optional(Type.Array(Uuid)),
    escalationIds: Type.Optional(Type.Array(Uuid)),
    requestIds: Type.Optional(Type.Array(Uuid)),
    disposalId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export const Blockers = Type.Array(Blocker);

export const Retention = Obj({
  recordStatus: Type.String(),
  status: StringEnum(LABEL_STATUSES),
  destructionDate: Nullable(CalendarDate),
  ruleIds: Type.Array(Type.String()),
  scheduleVersion: Nullable(Type.Integer()),
  computedAt: Nullable(Instant),
  recordClasses: Type.Array(Type.String()),
  rules: Type.Array(
    Obj({
      id: Type.String(),
      recordClass: Type.String(),
      trigger: Type.String(),
      years: Nullable(Type.Integer()),
      deathRuleYears: Nullable(Type.Integer()),
      verified: Type.Boolean(),
      flag: Nullable(Type.String()),
      basis: Type.String(),
      source: Type.String(),
      outcome: Type.String(),
      date: Nullable(CalendarDate),
      by: Nullable(Type.String()),
      waitingFor: Nullable(Type.String()),
      governs: Type.Boolean(),
    }),
  ),
  unverifiedRuleIds: Type.Array(Type.String()),
  holds: Type.Array(Obj({ id: Uuid, name: Type.String() })),
  doNotDestroy: Type.Boolean(),
  disposable: Type.Boolean(),
  blockers: Blockers,
});
