import { Type } from 'typebox';
import { ALLOCATION_ROLES, SEXES } from '@safekeep/core';
import { CalendarDate, Instant, NonBlank, Nullable, Obj, StringEnum, Uuid } from '../http/schemas.js';
import { RELATIONSHIP_KINDS } from './relationships.service.js';

export const Identifiers = Obj(
  {
    nhsNumber: Type.Optional(Nullable(Type.String({ maxLength: 20, description: 'NHS number; spaces and hyphens allowed; modulus 11 checked.' }))),
    upn: Type.Optional(Nullable(Type.String({ maxLength: 20, description: 'Unique Pupil Number; check letter verified.' }))),
    localId: Type.Optional(Nullable(Type.String({ maxLength: 40, description: "The authority's own id for the child." }))),
  },
  { description: 'Identifiers; each is used to catch duplicate records.' },
);

const Name = NonBlank(100);

export const NewChild = Obj({
  givenName: Name,
  familyName: Name,
  dateOfBirth: CalendarDate,
  sex: Type.Optional(Nullable(StringEnum(SEXES))),
  dateOfDeath: Type.Optional(Nullable(CalendarDate)),
  identifiers: Type.Optional(Identifiers),
  duplicateOverride: Type.Optional(
    Obj(
      { reason: NonBlank(2000, 'Why this is a different child from the suspected duplicates.') },
      { description: 'Team managers only: create the record although a duplicate is suspected.' },
    ),
  ),
});

export const ChildCorrection = Obj({
  givenName: Type.Optional(Name),
  familyName: Type.Optional(Name),
  dateOfBirth: Type.Optional(CalendarDate),
  sex: Type.Optional(Nullable(StringEnum(SEXES))),
  dateOfDeath: Type.Optional(Nullable(CalendarDate)),
  identifiers: Type.Optional(Identifiers),
  reason: NonBlank(2000, 'Why the details are being corrected.'),
  duplicateOverride: Type.Optional(Obj({ reason: NonBlank(2000) }, { description: 'Team managers only: the corrected details match another record, and this is a different child.' })),
});

const IdentifiersOut = Obj({ nhsNumber: Nullable(Type.String()), upn: Nullable(Type.String()), localId: Nullable(Type.String()) });

export const ChildDetailsOut = Obj({
  givenName: Type.String(),
  familyName: Type.String(),
  dateOfBirth: CalendarDate,
  sex: Nullable(Type.String()),
  dateOfDeath: Nullable(CalendarDate),
  identifiers: IdentifiersOut,
});

export const ChildSummary = Obj({
  id: Uuid,
  givenName: Type.String(),
  familyName: Type.String(),
  dateOfBirth: CalendarDate,
  sex: Nullable(Type.String()),
  dateOfDeath: Nullable(CalendarDate),
  identifiers: IdentifiersOut,
  version: Type.Integer(),
  createdAt: Instant,
  updatedAt: Instant,
});

export const Involvement = Obj({ id: Uuid, childId: Uuid, kind: Type.String(), startDate: CalendarDate, endDate: Nullable(CalendarDate), createdAt: Instant });

export const Allocation = Obj({
  id: Uuid,
  childId: Uuid,
  userId: Uuid,
  userDisplayName: Type.String(),
  role: Type.String(),
  from: CalendarDate,
  endedAt: Nullable(Instant),
  current: Type.Boolean(),
});

export const Relationship = Obj({
  id: Uuid,
  kind: Type.String(),
  relatedChildId: Uuid,
  relatedChildName: Type.String({ description: "The related child's name; initials if you cannot see that child's record; \"Restricted record\" if it is restricted to named people and you are not one." }),
  relatedChildVisible: Type.Boolean(),
});

export const Child = Obj({
  ...ChildSummary.properties,
  recordStatus: Type.String({ description: 'open, archived (read-only) or destroyed' }),
  retention: Obj({ destructionDate: Nullable(CalendarDate), status: Type.String(), doNotDestroy: Type.Boolean({ description: 'R13: a hold covers this record: DO NOT DESTROY, even past its date.' }) }),
  involvements: Type.Array(Involvement),
  allocations: Type.Array(Allocation),
  relationships: Type.Array(Relationship),
});

export const NewAllocation = Obj({ userId: Uuid, role: StringEnum(ALLOCATION_ROLES), from: Type.Optional(CalendarDate) });
export const NewInvolvement = Obj({
  kind: Type.String({ pattern: '^[a-z][a-z0-9-]{1,40}$', description: 'child-in-need, child-protection, looked-after, care-leaver, education-welfare, private-fostering, adoption, fostering, or one the authority configured.' }),
  startDate: CalendarDate,
  endDate: Type.Optional(Nullable(CalendarDate)),
});
export const CloseInvolvement = Obj({ endDate: CalendarDate });
export const NewRelationship = Obj({ relatedChildId: Uuid, kind: StringEnum(RELATIONSHIP_KINDS) });

export const DuplicateCandidate = Obj({
  id: Uuid,
  matchedOn: Type.Array(Type.String()),
  visible: Type.Boolean(),
  givenName: Type.String(),
  familyName: Type.String(),
  dateOfBirth: CalendarDate,
});
