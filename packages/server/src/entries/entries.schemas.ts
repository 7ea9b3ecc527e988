import { Type } from 'typebox';
import { ENTRY_KINDS, ENTRY_STATUSES } from '@safekeep/core';
import { CalendarDate, Instant, NonBlank, Nullable, Obj, PageQuery, Person, StringEnum, Uuid } from '../http/schemas.js';

export const EntryKind = StringEnum(ENTRY_KINDS);
export const EntryStatus = StringEnum(ENTRY_STATUSES, { description: 'draft entries are finalised later; final entries are corrected only by new versions.' });

const Title = NonBlank(300);
const Body = Type.String({ maxLength: 100_000 });

export { NewEntryBody as NewEntry } from './kinds.schemas.js';

/** A correction: any common field, any of the kind's fields (checked once merged), and why. */
export const EntryCorrection = Type.Object(
  {
    occurredAt: Type.Optional(Instant),
    title: Type.Optional(Title),
    body: Type.Optional(Body),
    status: Type.Optional(EntryStatus),
    reason: NonBlank(2000, 'Why the entry is being corrected.'),
  },
  { additionalProperties: true, description: 'Changed common fields and kind fields, with the reason. The kind itself never changes.' },
);

export const Finalise = Obj({ note: Type.Optional(Type.String({ maxLength: 2000, description: 'Recorded as the reason of the final version (default "Finalised").' })) });


export const DocumentRef = Obj({ id: Uuid, sha256: Type.String(), size: Type.Integer(), contentType: Type.String(), filename: Nullable(Type.String()) });

export const VersionSummary = Obj({ version: Type.Integer(), status: Type.String(), recordedAt: Instant, recordedBy: Person, reason: Nullable(Type.String()) });

/** An entry as read: its base fields plus whatever fields its kind carries. */
export const Entry = Type.Object(
  {
    id: Uuid,
    childId: Uuid,
    kind: Type.String(),
    version: Type.Integer({ description: 'The version shown.' }),
    currentVersion: Type.Integer(),
    status: Type.String(),
    occurredAt: Instant,
    title: Type.String(),
    body: Type.String(),
    reason: Nullable(Type.String({ description: 'Why this version was made (null for version 1).' })),
    recordedAt: Instant,
    recordedBy: Person,
    createdAt: Instant,
    finalisedAt: Nullable(Instant),
    recordingDueBy: Nullable(Instant),
    recordedLate: Nullable(Type.Boolean()),
    recordingState: Nullable(Type.String({ description: 'on-time, late, pending or overdue (visits only)' })),
    documents: Type.Array(DocumentRef),
    versions: Type.Optional(Type.Array(VersionSummary)),
  },
  { additionalProperties: true },
);

export const ChronologyQuery = Obj({
  kind: Type.Optional(Type.Array(EntryKind, { description: 'Repeat to ask for several kinds: ?kind=visit&kind=case-note' })),
  from: Type.Optional(Type.Union([CalendarDate, Instant], { description: 'From this date (London) or instant, inclusive.' })),
  to: Type.Optional(Type.Union([CalendarDate, Instant], { description: 'Up to this date (London, inclusive) or instant (exclusive).' })),
  ...PageQuery,
});

/** A version number: at most what the database's integer holds, so a huge one is a 400, not an overflow. */
export const VersionParams = Obj({ id: Uuid, n: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

/** Each child's copy of a text written once (a group entry, a carer record entry), before saving. */
export const Copies = Obj({
  copies: Type.Array(Obj({ childId: Uuid, title: Type.String(), body: Type.String(), replacements: Type.Array(Obj({ text: Type.String(), initials: Type.String(), in: Type.String() })) })),
});
