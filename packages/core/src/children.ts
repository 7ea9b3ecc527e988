import { invalid, type FieldProblem } from './errors.js';
import { compareDates, isCalendarDate, type CalendarDate } from './dates.js';
import { isValidNhsNumber, isValidUpn, normaliseLocalId, normaliseNhsNumber, normaliseUpn } from './identifiers.js';
import type { Sex } from './kinds.js';

export interface ChildIdentifiers {
  nhsNumber?: string | null;
  upn?: string | null;
  localId?: string | null;
}

export interface ChildDetails {
  givenName: string;
  familyName: string;
  dateOfBirth: CalendarDate;
  sex: Sex | null;
  dateOfDeath: CalendarDate | null;
  identifiers: { nhsNumber: string | null; upn: string | null; localId: string | null };
}

export interface ChildDetailsInput {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex?: Sex | null;
  dateOfDeath?: string | null;
  identifiers?: ChildIdentifiers;
}

/**
 * Rules a child's details must satisfy whoever supplies them: real calendar dates, no
 * birth in the future, no death before birth or in the future, check-digit-valid
 * identifiers. Returns the details normalised, or throws VALIDATION_FAILED naming every
 * field at fault.
 */
export function validateChildDetails(input: ChildDetailsInput, today: CalendarDate): ChildDetails {
  const problems: FieldProblem[] = [];
  const givenName = input.givenName.trim();
  const familyName = input.familyName.trim();
  if (givenName.length === 0) problems.push({ field: 'givenName', message: 'must not be blank' });
  if (familyName.length === 0) problems.push({ field: 'familyName', message: 'must not be blank' });

  const dob = input.dateOfBirth;
  if (!isCalendarDate(dob)) problems.push({ field: 'dateOfBirth', message: `${dob} is not a real calendar date` });
  else if (compareDates(dob, today) > 0) problems.push({ field: 'dateOfBirth', message: 'must not be in the future' });

  const dod = input.dateOfDeath ?? null;
  if (dod !== null) {
    if (!isCalendarDate(dod)) problems.push({ field: 'dateOfDeath', message: `${dod} is not a real calendar date` });
    else if (isCalendarDate(dob) && compareDates(dod, dob) < 0)
      problems.push({ field: 'dateOfDeath', message: 'must not be before the date of birth' });
    else if (compareDates(dod, today) > 0) problems.push({ field: 'dateOfDeath', message: 'must not be in the future' });
  }

  const ids = input.identifiers ?? {};
  let nhsNumber: string | null = null;
  if (ids.nhsNumber != null) {
    nhsNumber = normaliseNhsNumber(ids.nhsNumber);
    if (nhsNumber === null || !isValidNhsNumber(nhsNumber))
      problems.push({ field: 'identifiers.nhsNumber', message: 'is not a valid NHS number (10 digits with a modulus 11 check digit)' });
  }
  let upn: string | null = null;
  if (ids.upn != null) {
    upn = normaliseUpn(ids.upn);
    if (upn === null || !isValidUpn(upn))
      problems.push({ field: 'identifiers.upn', message: 'is not a valid Unique Pupil Number (13 characters with a check letter)' });
  }
  let localId: string | null = null;
  if (ids.localId != null) {
    localId = normaliseLocalId(ids.localId);
    if (localId === null) problems.push({ field: 'identifiers.localId', message: 'must be 1 to 40 characters' });
  }

  if (problems.length > 0) throw invalid(problems);
  return { givenName, familyName, dateOfBirth: dob, sex: input.sex ?? null, dateOfDeath: dod, identifiers: { nhsNumber, upn, localId } };
}
