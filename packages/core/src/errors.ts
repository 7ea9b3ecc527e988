/**
 * The one error vocabulary of Safekeep. Services throw DomainError with a stable code;
 * the HTTP layer maps each code to a status once (server/src/http/problem.ts) and writes
 * RFC 9457 problem+json. Services never throw HTTP errors.
 */

export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'ACCESS_DENIED',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'LOGIN_THROTTLED',
  'ACCOUNT_LOCKED',
  'RATE_LIMITED',
  'CSRF_TOKEN_INVALID',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'DUPLICATE_CHILD_SUSPECTED',
  'USERNAME_TAKEN',
  'TEAM_NAME_TAKEN',
  'ALREADY_ALLOCATED',
  'ALLOCATION_ENDED',
  'INVOLVEMENT_CLOSED',
  'RELATIONSHIP_EXISTS',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_FLIGHT',
  'HOLD_BLOCKS_DISPOSAL',
  'RETENTION_NOT_EXPIRED',
  'RETENTION_UNDETERMINED',
  'OPEN_INVOLVEMENT',
  'RECORD_STILL_OPEN',
  'OPEN_ESCALATION',
  'OPEN_SUBJECT_ACCESS_REQUEST',
  'DISPOSAL_PENDING',
  'RECORD_DESTROYED',
  'RECORD_ARCHIVED',
  'OWN_REQUEST',
  'SAME_APPROVER',
  'ROLE_REQUIRED',
  'HOLD_LOCKED',
  'HOLD_RELEASED',
  'HOLD_NAME_TAKEN',
  'ALREADY_DECIDED',
  'ALREADY_DONE',
  'BOX_EMPTY',
  'BARCODE_TAKEN',
  'NOT_TRANSCRIBED',
  'REDACTIONS_UNREVIEWED',
  'DOCUMENTS_UNREVIEWED',
  'IDENTITY_NOT_VERIFIED',
  'SAR_NOT_APPROVED',
  'SAR_CLOSED',
  'EXTENSION_NOT_ALLOWED',
  'CONFLICT',
  'APPEND_ONLY_VIOLATION',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with one field of the input, named as the client sent it (e.g. `dateOfBirth`). */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  fields?: FieldProblem[];
  /** Extra members for the problem document, e.g. duplicate candidates. No personal data unless the caller may see it. */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldProblem[];
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.fields = options.fields ?? [];
    this.extra = options.extra ?? {};
  }
}

/** A validation failure naming one or more fields. */
export function invalid(fields: FieldProblem[] | FieldProblem, message?: string): DomainError {
  const list = Array.isArray(fields) ? fields : [fields];
  const summary = message ?? list.map((f) => `${f.field}: ${f.message}`).join('; ');
  return new DomainError('VALIDATION_FAILED', summary, { fields: list });
}

export function notFound(what: string): DomainError {
  return new DomainError('NOT_FOUND', `${what} was not found.`);
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
