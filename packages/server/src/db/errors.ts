import { DomainError } from '@safekeep/core';

/** The one place database errors become domain errors. */
interface PgError {
  code?: string;
  constraint?: string;
  table?: string;
}

function pgError(e: unknown): PgError | null {
  return typeof e === 'object' && e !== null && 'code' in e ? (e as PgError) : null;
}

export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = pgError(e);
  return err?.code === '23505' && (constraint === undefined || err.constraint === constraint);
}

export function translateDatabaseError(e: unknown): unknown {
  const err = pgError(e);
  if (err === null) return e;
  if (err.code === 'SK001') {
    return new DomainError('APPEND_ONLY_VIOLATION', 'The record is append-only: that change is not allowed.', { cause: e });
  }
  if (err.code === 'SK003') {
    return new DomainError('RECORD_DESTROYED', 'This record was destroyed under an approved disposal; only its certificate remains.', { cause: e });
  }
  if (err.code === 'SK002') {
    return new DomainError('RECORD_ARCHIVED', 'This record is archived (or destroyed): nothing can be added to it. Reopen it first.', { cause: e });
  }
  if (err.code === '23505') {
    // Two requests raced for the same unique thing; the loser hears what happened.
    switch (err.constraint) {
      case 'team_name_key':
        return new DomainError('TEAM_NAME_TAKEN', 'There is already a team with that name.', { cause: e, fields: [{ field: 'name', message: 'is taken' }] });
      case 'app_user_username_key':
        return new DomainError('USERNAME_TAKEN', 'That username is taken.', { cause: e, fields: [{ field: 'username', message: 'is taken' }] });
      case 'hold_name_key':
        return new DomainError('HOLD_NAME_TAKEN', 'There is already a hold with that name.', { cause: e, fields: [{ field: 'name', message: 'is taken' }] });
      case 'box_barcode_key':
        return new DomainError('BARCODE_TAKEN', 'Another box already has that barcode.', { cause: e, fields: [{ field: 'barcode', message: 'is taken' }] });
      case 'disposal_approval_pkey':
      case 'disposal_approval_disposal_id_role_key':
      case 'hold_release_approval_pkey':
        return new DomainError('SAME_APPROVER', 'That approval was already given.', { cause: e });
      case 'allocation_current_key':
        return new DomainError('ALREADY_ALLOCATED', 'Someone else allocated this child in that role a moment ago.', { cause: e });
      default:
        return new DomainError('CONFLICT', 'The change clashed with another made at the same moment; reload and try again.', { cause: e });
    }
  }
  if (err.code === '40001' || err.code === '40P01') {
    return new DomainError('CONFLICT', 'The change clashed with another; please try again.', { cause: e });
  }
  return e;
}
