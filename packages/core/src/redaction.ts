/**
 * Redaction proposals for subject access requests. When a child, care leaver or parent
 * asks for their record, the names of other children, the names of third parties
 * known to the system (family, friends, neighbours, carers; not professionals) and what
 * those third parties said are proposed for removal. A person reviews every proposal;
 * this module only proposes, and then applies the ones accepted. It is pure: the caller
 * decides who is proposed (never the requester, never professionals).
 *
 * Recall comes first: a name left in a disclosed record is a data breach, a name
 * proposed wrongly costs a reviewer a click. Matching ignores case and accents
 * ("ZOE" finds Zoë), respects word boundaries ("Ann" is not in "Annual" or "Joanne"),
 * and finds given names, family names (with their title: "Mrs Rowe"), each part of a
 * double-barrelled or multi-word family name, other names and nicknames, and full
 * names across a line break or with a middle initial.
 *
 * Decisions the integrating code relies on:
 * - Offsets are UTF-16 code units into the original text; `text` is always
 *   `text.slice(start, end)`.
 * - Possessives: the span is the name only ("Kai" in "Kai’s", "Rowe" in "the Rowes").
 * - Overlaps are merged into one proposal: a contribution that contains names absorbs
 *   them. The merged proposal keeps the strongest reason (other-child > third-party >
 *   third-party-contribution), so a reviewer rejecting it knows a child's name goes
 *   with it, and the person behind that reason; `personId` is null when that could be
 *   more than one person ("Mrs Rowe" when two Rowes are known).
 * - Everyday words that are also names ("Will", "Hope", "May", "Rose") are proposed
 *   only when written as names: capitalised, titled, or beside the rest of the name.
 *   `lowercaseCommonWords` proposes them in any case.
 */
import { findContributions } from './redaction-contribution.js';
import { findNames } from './redaction-match.js';

export interface KnownPerson {
  id: string;
  kind: 'child' | 'third-party';
  givenName: string;
  /** May be empty when only one name is known. */
  familyName: string;
  /** Nicknames, former family names, names used in the family: each matched as written. */
  otherNames?: readonly string[];
}

export type RedactionReason = 'other-child' | 'third-party' | 'third-party-contribution';

export interface ProposedRedaction {
  start: number;
  end: number;
  text: string;
  reason: RedactionReason;
  personId: string | null;
}

export interface RedactionOptions {
  /**
   * People never proposed (the requester, professionals) but whose full names should be
   * recognised, so that "Tyler Rowe" does not yield his mother's family name "Rowe".
   * Their names alone ("Rowe", "Mrs Rowe") are still proposed for the known people.
   */
  notProposed?: readonly Pick<KnownPerson, 'givenName' | 'familyName' | 'otherNames'>[];
  /** Propose names that are everyday words even in lower case ("we hope", "he will"). Default false. */
  lowercaseCommonWords?: boolean;
}

interface Span {
  start: number;
  end: number;
  reason: RedactionReason;
  personIds: Set<string>;
}

const PRIORITY: Readonly<Record<RedactionReason, number>> = {
  'other-child': 3,
  'third-party': 2,
  'third-party-contribution': 1,
};

/** Overlapping spans become one, with the strongest reason and the people behind it. */
function mergeOverlapping(spans: Span[]): Span[] {
  const merged: Span[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start || b.end - a.end)) {
    const last = merged.at(-1);
    if (!last || s.start >= last.end) {
      merged.push({ ...s, personIds: new Set(s.personIds) });
      continue;
    }
    last.end = Math.max(last.end, s.end);
    if (PRIORITY[s.reason] > PRIORITY[last.reason]) {
      last.reason = s.reason;
      last.personIds = new Set(s.personIds);
    } else if (s.reason === last.reason) {
      for (const id of s.personIds) last.personIds.add(id);
    }
  }
  return merged;
}

/** Proposals sorted by start, never overlapping, each `text.slice(start, end)`. */
export function proposeRedactions(text: string, people: readonly KnownPerson[], options: RedactionOptions = {}): ProposedRedaction[] {
  const names = findNames(text, people, options);
  const spans: Span[] = names.map((n) => ({
    start: n.start,
    end: n.end,
    reason: n.people.some((p) => p.kind === 'child') ? 'other-child' : 'third-party',
    personIds: new Set(n.people.map((p) => p.id)),
  }));
  for (const c of findContributions(text, names)) {
    spans.push({ start: c.start, end: c.end, reason: 'third-party-contribution', personIds: new Set(c.speakers.map((p) => p.id)) });
  }
  return mergeOverlapping(spans).map((s) => ({
    start: s.start,
    end: s.end,
    text: text.slice(s.start, s.end),
    reason: s.reason,
    personId: s.personIds.size === 1 ? ([...s.personIds][0] ?? null) : null,
  }));
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function checkSpan(text: string, span: { start: number; end: number }): void {
  const { start, end } = span;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > text.length || start >= end) {
    throw new RangeError(`Redaction ${start}–${end} is not a non-empty span of a text of length ${text.length}`);
  }
  // Cutting between the halves of an emoji or rare letter would leave half a character behind.
  if (isLowSurrogate(text.charCodeAt(start)) || (end < text.length && isLowSurrogate(text.charCodeAt(end)))) {
    throw new RangeError(`Redaction ${start}–${end} splits a character`);
  }
}

/**
 * The text with each accepted span replaced by its label (default "[redacted]"). Spans
 * may come in any order; they must lie inside the text and must not overlap.
 */
export function applyRedactions(text: string, spans: readonly { start: number; end: number; label?: string }[]): string {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const span of sorted) {
    checkSpan(text, span);
    if (span.start < at) throw new RangeError(`Redactions overlap at ${span.start}`);
    out += text.slice(at, span.start) + (span.label ?? '[redacted]');
    at = span.end;
  }
  return out + text.slice(at);
}
