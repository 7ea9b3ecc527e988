/**
 * Identifiers a child may carry, each check-digit validated before it is stored, and
 * normalised so that "401 023 2137" and "401-023-2137" are the same NHS number.
 */

/** Strips spaces and hyphens; returns the 10 digits or null if the shape is wrong. */
export function normaliseNhsNumber(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{10}$/.test(digits) ? digits : null;
}

/**
 * NHS number modulus 11 (NHS Data Dictionary, "NHS Number"): weight the first nine digits
 * 10 down to 2, sum, take 11 minus the remainder mod 11; 11 means 0 and 10 means the
 * number can never be valid.
 */
export function isValidNhsNumber(input: string): boolean {
  const n = normaliseNhsNumber(input);
  if (n === null) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(n[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(n[9]);
}

/** Check-letter alphabet of the Unique Pupil Number (DfE): no I, O or S. */
const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

export function normaliseUpn(input: string): string | null {
  const upn = input.replace(/\s/g, '').toUpperCase();
  // Check letter, LA code (3 digits), establishment (4), year (2), serial (2 digits then a
  // digit, or a letter for a temporary UPN).
  return /^[ABCDEFGHJKLMNPQRTUVWXYZ]\d{11}[\dABCDEFGHJKLMNPQRTUVWXYZ]$/.test(upn) ? upn : null;
}

/**
 * UPN check letter (DfE "Unique Pupil Numbers (UPNs): guidance", Annex; CIN census rule
 * 1510): characters 2–13 weighted 2–13, summed, mod 23, looked up in UPN_LETTERS.
 * Defined for permanent UPNs (13 characters, the last 12 digits).
 */
export function upnCheckLetter(upn: string): string {
  let sum = 0;
  for (let i = 1; i < 13; i++) sum += Number(upn[i]) * (i + 1);
  return UPN_LETTERS[sum % 23] ?? '?';
}

/** A temporary UPN ends in a letter; it is issued until the permanent one is known. */
export function isTemporaryUpn(upn: string): boolean {
  return /[A-Z]$/.test(upn);
}

/**
 * Permanent UPNs must carry the right check letter. For temporary UPNs only the shape is
 * checked: how a letter in position 13 enters the sum is not settled (peers' test vectors
 * disagree with the reading of the DfE table), and refusing a genuine identifier would
 * stop a worker recording, which is worse than storing one we cannot verify.
 */
export function isValidUpn(input: string): boolean {
  const upn = normaliseUpn(input);
  if (upn === null) return false;
  return isTemporaryUpn(upn) || upnCheckLetter(upn) === upn[0];
}

/** A local authority's own child id: free text, trimmed, at most 40 characters. */
export function normaliseLocalId(input: string): string | null {
  const id = input.trim();
  return id.length > 0 && id.length <= 40 ? id : null;
}
