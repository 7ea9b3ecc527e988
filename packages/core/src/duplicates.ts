import { distance } from 'fastest-levenshtein';
import { normaliseName } from './names.js';
import type { ChildDetails } from './children.js';

/**
 * R1: one case record per child. Before a record is created we look for one that may
 * already exist: the same NHS number, UPN or local id; or the same date of birth with a
 * name that is close (typing slips such as Jon/John or Smyth/Smith, given and family
 * names swapped, one of several family names).
 */
export type DuplicateReason = 'nhsNumber' | 'upn' | 'localId' | 'nameAndDateOfBirth';

export interface ExistingChild {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  nhsNumber: string | null;
  upn: string | null;
  localId: string | null;
}

export interface DuplicateCandidate {
  id: string;
  reasons: DuplicateReason[];
}

/** Similarity in [0, 1] from edit distance over the normalised forms. */
export function nameSimilarity(a: string, b: string): number {
  const x = normaliseName(a);
  const y = normaliseName(b);
  if (x.length === 0 && y.length === 0) return 1;
  return 1 - distance(x, y) / Math.max(x.length, y.length);
}

const CLOSE = 0.75;

function tokens(name: string): string[] {
  return normaliseName(name).split(' ').filter((t) => t.length > 0);
}

function familyClose(a: string, b: string): boolean {
  if (nameSimilarity(a, b) >= CLOSE) return true;
  // "Smith-Jones" and "Smith": one family name is among the other's.
  const ta = tokens(a);
  const tb = tokens(b);
  return ta.some((t) => t.length > 1 && tb.includes(t));
}

function givenClose(a: string, b: string): boolean {
  if (nameSimilarity(a, b) >= CLOSE) return true;
  const [fa] = tokens(a);
  const [fb] = tokens(b);
  return fa !== undefined && fa === fb; // first given names agree ("Amy Rose" / "Amy")
}

export function namesClose(a: { givenName: string; familyName: string }, b: { givenName: string; familyName: string }): boolean {
  const straight = givenClose(a.givenName, b.givenName) && familyClose(a.familyName, b.familyName);
  const swapped = givenClose(a.givenName, b.familyName) && familyClose(a.familyName, b.givenName);
  return straight || swapped;
}

/**
 * Identifier matches decide on their own; only when no identifier matches are names and
 * dates of birth compared. (Otherwise a caller could quote a known NHS number to be sure
 * of a refusal and then try names one at a time, learning from the candidates which
 * children exist.)
 */
export function findDuplicateCandidates(child: ChildDetails, existing: readonly ExistingChild[]): DuplicateCandidate[] {
  const ids = child.identifiers;
  const byIdentifier: DuplicateCandidate[] = [];
  for (const e of existing) {
    const reasons: DuplicateReason[] = [];
    if (ids.nhsNumber !== null && ids.nhsNumber === e.nhsNumber) reasons.push('nhsNumber');
    if (ids.upn !== null && ids.upn === e.upn) reasons.push('upn');
    if (ids.localId !== null && ids.localId === e.localId) reasons.push('localId');
    if (reasons.length > 0) byIdentifier.push({ id: e.id, reasons });
  }
  if (byIdentifier.length > 0) return byIdentifier;
  return existing.filter((e) => child.dateOfBirth === e.dateOfBirth && namesClose(child, e)).map((e) => ({ id: e.id, reasons: ['nameAndDateOfBirth'] }));
}
