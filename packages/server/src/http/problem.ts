import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode, type FieldProblem } from '@safekeep/core';
import { translateDatabaseError } from '../db/errors.js';

/** The one table from error code to HTTP status. */
export const STATUS_OF: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  ACCESS_DENIED: 403,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  LOGIN_THROTTLED: 429,
  ACCOUNT_LOCKED: 423,
  RATE_LIMITED: 429,
  CSRF_TOKEN_INVALID: 403,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  DUPLICATE_CHILD_SUSPECTED: 409,
  USERNAME_TAKEN: 409,
  TEAM_NAME_TAKEN: 409,
  ALREADY_ALLOCATED: 409,
  ALLOCATION_ENDED: 409,
  INVOLVEMENT_CLOSED: 409,
  RELATIONSHIP_EXISTS: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_FLIGHT: 409,
  HOLD_BLOCKS_DISPOSAL: 409,
  RETENTION_NOT_EXPIRED: 409,
  RETENTION_UNDETERMINED: 409,
  OPEN_INVOLVEMENT: 409,
  RECORD_STILL_OPEN: 409,
  OPEN_ESCALATION: 409,
  OPEN_SUBJECT_ACCESS_REQUEST: 409,
  DISPOSAL_PENDING: 409,
  RECORD_DESTROYED: 410,
  RECORD_ARCHIVED: 409,
  OWN_REQUEST: 403,
  SAME_APPROVER: 409,
  ROLE_REQUIRED: 403,
  HOLD_LOCKED: 409,
  HOLD_RELEASED: 409,
  HOLD_NAME_TAKEN: 409,
  ALREADY_DECIDED: 409,
  ALREADY_DONE: 409,
  BOX_EMPTY: 409,
  BARCODE_TAKEN: 409,
  NOT_TRANSCRIBED: 409,
  REDACTIONS_UNREVIEWED: 409,
  DOCUMENTS_UNREVIEWED: 409,
  IDENTITY_NOT_VERIFIED: 409,
  SAR_NOT_APPROVED: 409,
  SAR_CLOSED: 409,
  EXTENSION_NOT_ALLOWED: 409,
  CONFLICT: 409,
  APPEND_ONLY_VIOLATION: 409,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

const TITLE_OF: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'The request is not valid',
  NOT_FOUND: 'Not found',
  ACCESS_DENIED: 'You do not have access',
  UNAUTHENTICATED: 'Sign in first',
  INVALID_CREDENTIALS: 'Username or password not recognised',
  DUPLICATE_CHILD_SUSPECTED: 'This child may already have a record',
  INTERNAL_ERROR: 'Something went wrong on our side',
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance: string;
  requestId: string;
  errors?: Array<FieldProblem & { in?: string }>;
  [extra: string]: unknown;
}

function titleOf(code: ErrorCode): string {
  return TITLE_OF[code] ?? code.charAt(0) + code.slice(1).toLowerCase().replaceAll('_', ' ');
}

export function problemOf(error: DomainError, request: FastifyRequest): ProblemBody {
  const body: ProblemBody = {
    ...error.extra,
    type: `urn:safekeep:problem:${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: titleOf(error.code),
    status: STATUS_OF[error.code],
    detail: error.message,
    code: error.code,
    instance: request.url.split('?')[0] ?? request.url,
    requestId: request.id,
  };
  if (error.fields.length > 0) body.errors = error.fields;
  return body;
}

export function sendProblem(reply: FastifyReply, error: DomainError): FastifyReply {
  const body = problemOf(error, reply.request);
  if (error.code === 'METHOD_NOT_ALLOWED' && typeof error.extra['allow'] === 'string') reply.header('allow', error.extra['allow']);
  if ((error.code === 'LOGIN_THROTTLED' || error.code === 'RATE_LIMITED') && typeof error.extra['retryAfterSeconds'] === 'number')
    reply.header('retry-after', String(error.extra['retryAfterSeconds']));
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body);
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const PART_NAME: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

/** Turns ajv's findings into field problems: one per field, the clearest message first. */
export function fieldProblemsFromValidation(errors: readonly AjvError[], context: string | undefined): Array<FieldProblem & { in: string }> {
  const where = PART_NAME[context ?? 'body'] ?? 'body';
  const byField = new Map<string, string>();
  for (const e of errors) {
    let path = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
    let message = e.message ?? 'is not valid';
    if (e.keyword === 'required') {
      path = [path, String(e.params['missingProperty'])].filter(Boolean).join('.');
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      path = [path, String(e.params['additionalProperty'])].filter(Boolean).join('.');
      message = 'is not a known field';
    } else if (e.keyword === 'format') {
      const format = String(e.params['format']);
      message =
        format === 'date' ? 'must be a real calendar date, YYYY-MM-DD'
        : format === 'date-time' ? 'must be an ISO 8601 date and time with an offset, e.g. 2026-11-22T10:30:00Z'
        : format === 'uuid' ? 'must be a UUID'
        : `must be a valid ${format}`;
    } else if (e.keyword === 'pattern') {
      const pattern = String(e.params['pattern']);
      message = pattern.startsWith('^[0-9a-fA-F]{8}') ? 'must be a UUID' : pattern.startsWith('^(1[89]|2[0-9])') ? 'must be a date between the years 1800 and 2999' : 'is not in the expected form';
    } else if (e.keyword === 'discriminator') {
      path = [path, String(e.params['tag'])].filter(Boolean).join('.');
      message = e.params['tagValue'] === undefined ? 'is required' : 'is not a kind that can be written here (see the API for the kinds and their fields)';
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${(e.params['allowedValues'] as unknown[]).join(', ')}`;
    }
    const field = path === '' ? where : path;
    // The first finding per field is the most specific; anyOf/oneOf wrappers only repeat it.
    if (!byField.has(field)) byField.set(field, message);
  }
  return [...byField].map(([field, message]) => ({ field, in: where, message }));
}

const invalidJson = (message: string) => new DomainError('VALIDATION_FAILED', 'The body is not valid JSON.', { fields: [{ field: 'body', message: message || 'is not valid JSON' }] });
const tooLarge = () => new DomainError('PAYLOAD_TOO_LARGE', 'The request body is larger than this server accepts.');
const wrongType = () => new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON (application/json), or multipart/form-data where a file is expected.');
const tooManyParts = (message: string) => new DomainError('VALIDATION_FAILED', 'Too many parts in the upload.', { fields: [{ field: 'body', message: message || 'too many parts' }] });

/** Fastify's and its plugins' own error codes, in our vocabulary. */
const FRAMEWORK_ERRORS: Record<string, (message: string) => DomainError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: invalidJson,
  FST_ERR_CTP_EMPTY_JSON_BODY: invalidJson,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: invalidJson,
  FST_ERR_CTP_BODY_TOO_LARGE: tooLarge,
  FST_REQ_FILE_TOO_LARGE: tooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: wrongType,
  FST_ERR_CTP_INVALID_TYPE: wrongType,
  FST_INVALID_MULTIPART_CONTENT_TYPE: wrongType,
  FST_PARTS_LIMIT: tooManyParts,
  FST_FILES_LIMIT: tooManyParts,
  FST_FIELDS_LIMIT: tooManyParts,
};

/** Maps any error to a DomainError: framework errors by their codes, the rest to INTERNAL_ERROR. */
export function toDomainError(raw: unknown): DomainError {
  const error = translateDatabaseError(raw);
  if (error instanceof DomainError) return error;
  const fe = error as Partial<FastifyError> & { validation?: AjvError[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const fields = fieldProblemsFromValidation(fe.validation, fe.validationContext);
    return new DomainError('VALIDATION_FAILED', fields.map((f) => `${f.field} ${f.message}`).join('; '), { fields });
  }
  const framework = fe.code === undefined ? undefined : FRAMEWORK_ERRORS[fe.code];
  if (framework !== undefined) return framework(fe.message ?? '');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new DomainError('VALIDATION_FAILED', fe.message ?? 'The request is not valid.', { fields: [{ field: 'request', message: fe.message ?? 'is not valid' }] });
  }
  return new DomainError('INTERNAL_ERROR', 'The server could not complete the request. It has been logged with the request id.', { cause: error });
}
