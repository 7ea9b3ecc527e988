import { Type, type TSchema, type TObject, type TProperties, type TUnsafe } from 'typebox';
import { DEFAULT_LIMIT, MAX_LIMIT } from '@safekeep/core';

/**
 * Building blocks for route schemas. Every object refuses unknown members: a misspelt
 * field is an error the client hears about, not data silently dropped.
 */
export function Obj<P extends TProperties>(properties: P, options: { description?: string; title?: string } = {}): TObject<P> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** A string from a closed list, as a plain JSON-schema `enum`. */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** A UUID in its plain form (ajv's format would also take "urn:uuid:…"). Services lower-case what they store and audit. */
export const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', description: 'A UUID.' });
/** Years 1800–2999: real records, and nothing the database cannot hold (it has no year 0). */
const YEARS = '^(1[89]|2[0-9])[0-9]{2}-';
export const CalendarDate = Type.String({ format: 'date', pattern: YEARS, description: 'A calendar date, YYYY-MM-DD.' });
export const Instant = Type.String({ format: 'date-time', pattern: YEARS, description: 'An instant, ISO 8601 with offset.' });
export const NonBlank = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', ...(description ? { description } : {}) });

export const IdParams = Obj({ id: Uuid });
/** A user as replies name them. */
export const Person = Obj({ id: Uuid, displayName: Type.String() });
/** A body that is only a reason, as releases, revocations and archiving take. */
export const Reason = Obj({ reason: NonBlank(2000) });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'Opaque cursor from a previous page.' })),
};

export function PageOf<T extends TSchema>(item: T) {
  return Obj({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });
}

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable upper-snake error code.' }),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), in: Type.Optional(Type.String()), message: Type.String() }))),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details.' },
);
