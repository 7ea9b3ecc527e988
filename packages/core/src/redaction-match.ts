/**
 * Finding known people's names in a record (for redaction.ts). The text is split into
 * words once; each word is looked up by its folded form in an index of name variants,
 * and multi-word variants are checked word by word. No regular expression is built from
 * a name, so nothing needs escaping and nothing can backtrack: the work is linear in
 * the number of words.
 */
import type { KnownPerson, RedactionOptions } from './redaction.js';
import { isFollowedByReportingVerb } from './redaction-contribution.js';
import { COMMON_WORDS, PARTICLES, TITLES, isCapitalised, isInInitials, tokenise, type Token } from './redaction-text.js';

/** A name found in the text, and every proposable person it could belong to. */
export interface NameSpan {
  start: number;
  end: number;
  people: readonly KnownPerson[];
}

interface Variant {
  /** Folded words of the variant, in order. */
  words: readonly string[];
  entry: number;
  /** An everyday word ("Will", "Hope"): needs a capital, a title or the rest of the name. */
  common: boolean;
  /** "Rowes" (the Rowes, Kais house): the match ends one letter early, on the name. */
  plural: boolean;
  /** A spelling of the family name, which may follow the given name even when it is an everyday word. */
  family: boolean;
}

interface Match {
  start: number;
  end: number;
  entries: Set<number>;
  /** The entries this match is the family name of. */
  familyOf: Set<number>;
  weak: boolean;
}

type Named = Pick<KnownPerson, 'givenName' | 'familyName' | 'otherNames'>;

function words(name: string): string[] {
  return tokenise(name).map((t) => t.folded);
}

/** A name as one sequence of words, and split at apostrophes too: "O’Neill" is also written "O Neill". */
function spellings(name: string): string[][] {
  return [words(name), words(name.replace(/['’‘ʼ]/g, ' '))];
}

/** Every way a name may be written: as given, split at apostrophes, and as one word ("SmithJones"). */
function forms(spelled: string[][]): string[][] {
  return [...spelled, ...spelled.filter((v) => v.length > 1).map((v) => [v.join('')])];
}

/** Every way a person may be written: full given and family names, their parts, other names. */
function variantsOf(p: Named): { words: string[]; family: boolean }[] {
  const given = words(p.givenName);
  const family = words(p.familyName);
  // Each part of "Smith-Jones" or "van der Berg" on its own, except bare particles.
  const familyForms = forms([...spellings(p.familyName), ...family.filter((w) => !PARTICLES.has(w)).map((w) => [w])]);
  const otherForms = forms([...spellings(p.givenName), ...given.map((w) => [w]), ...(p.otherNames ?? []).flatMap(spellings)]);
  // "SarahRowe" in a username or an email address.
  if (given.length > 0 && family.length > 0) otherForms.push([[...given, ...family].join('')]);
  const unique = new Map<string, { words: string[]; family: boolean }>();
  for (const v of otherForms) unique.set(v.join(' '), { words: v, family: false });
  for (const v of familyForms) unique.set(v.join(' '), { words: v, family: true });
  return [...unique.values()].filter((v) => v.words.length > 0);
}

function buildIndex(entries: readonly Named[]): Map<string, Variant[]> {
  const index = new Map<string, Variant[]>();
  const add = (key: string, v: Variant): void => {
    const list = index.get(key);
    if (list) list.push(v);
    else index.set(key, [v]);
  };
  entries.forEach((person, entry) => {
    for (const { words: w, family } of variantsOf(person)) {
      const single = w.length === 1 ? (w[0] ?? '') : '';
      const common = single.length === 1 || COMMON_WORDS.has(single);
      add(w[0] ?? '', { words: w, entry, common, plural: false, family });
      if (single.length >= 3 && !single.endsWith('s')) {
        add(`${single}s`, { words: [`${single}s`], entry, common, plural: true, family });
      }
    }
  });
  return index;
}

/** Between two words of one name: spaces, a line break or a hyphen, nothing else. */
function joinsName(gap: string): boolean {
  return gap.length > 0 && gap.length <= 12 && /^[\s\-‐‑–]+$/u.test(gap);
}

/** Index of the variant's last word if it matches the text from word i, else -1. */
function matchAt(text: string, tokens: readonly Token[], i: number, variant: readonly string[]): number {
  for (let k = 0; k < variant.length; k++) {
    const token = tokens[i + k];
    if (token === undefined || token.folded !== variant[k]) return -1;
    const previous = tokens[i + k - 1];
    if (k > 0 && previous && !joinsName(text.slice(previous.end, token.start))) return -1;
  }
  return i + variant.length - 1;
}

/** An everyday word used as a name: "Will", "WILL", "will’s", "grace said". */
function writtenAsName(text: string, start: number, end: number): boolean {
  return isCapitalised(text, start) || "'’".includes(text.charAt(end) || ' ') || isFollowedByReportingVerb(text, end);
}

function findMatches(text: string, tokens: readonly Token[], index: Map<string, Variant[]>): Match[] {
  const found: Match[] = [];
  tokens.forEach((token, i) => {
    for (const v of index.get(token.folded) ?? []) {
      const last = tokens[matchAt(text, tokens, i, v.words)];
      if (!last) continue;
      const end = v.plural ? last.end - 1 : last.end;
      if (end - token.start === 1 && isInInitials(text, token.start, end)) continue;
      const familyOf = new Set(v.family ? [v.entry] : []);
      found.push({ start: token.start, end, entries: new Set([v.entry]), familyOf, weak: v.common && !writtenAsName(text, token.start, end) });
    }
  });
  return found;
}

const TITLE_BEFORE = /(?<![\p{L}\p{M}])(\p{L}{2,6})\.?[^\S\n]{1,3}$/u;

/** "Mrs Rowe", "Dr. Rowe": the title is part of the span, and makes "Mrs rose" a name. */
function withTitle(text: string, m: Match): Match {
  const before = text.slice(Math.max(0, m.start - 12), m.start);
  const t = TITLE_BEFORE.exec(before);
  if (!t?.[1] || !TITLES.has(t[1].toLowerCase())) return m;
  return { ...m, start: m.start - before.length + t.index, weak: false };
}

/** One match per extent; a match inside a longer one (the "Rowe" of "van Rowe") gives way to it. */
function dropContained(matches: Match[]): Match[] {
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Match[] = [];
  for (const m of sorted) {
    const last = kept.at(-1);
    if (last && last.start === m.start && last.end === m.end) {
      for (const e of m.entries) last.entries.add(e);
      for (const e of m.familyOf) last.familyOf.add(e);
      last.weak &&= m.weak;
    } else if (!last || m.end > last.end) {
      kept.push({ ...m, entries: new Set(m.entries), familyOf: new Set(m.familyOf) });
    }
  }
  return kept;
}

/** Between given and family name: spaces or a hyphen, perhaps a middle initial ("Sarah J. Rowe", "K. Mistry"). */
function bridges(gap: string): boolean {
  return gap.length > 0 && gap.length <= 16 && /^\.?[\s\-‐‑–]+(?:\p{L}\.?[\s\-‐‑–]+)?$/u.test(gap);
}

/**
 * "Sarah" + "Rowe" → "Sarah Rowe", kept only for the people both parts can belong to.
 * That is how a shared family name is attributed, and how "Tyler Rowe" (the requester,
 * not proposed) stops the mother's family name "Rowe" inside it from being proposed.
 */
function joinAdjacent(text: string, matches: Match[]): Match[] {
  const joined: Match[] = [];
  for (const m of matches) {
    const last = joined.at(-1);
    if (last && bridges(text.slice(last.end, m.start))) {
      // An everyday word ends a name only as its family name: "ji-woo park", not "Barker will move".
      const common = new Set([...last.entries].filter((e) => m.entries.has(e) && (!m.weak || m.familyOf.has(e))));
      if (common.size > 0) {
        Object.assign(last, { end: m.end, entries: common, familyOf: new Set([...m.familyOf].filter((e) => common.has(e))), weak: last.weak && m.weak });
        continue;
      }
    }
    joined.push({ ...m });
  }
  return joined;
}

/** The names of `people` in `text`, as non-overlapping spans sorted by start. */
export function findNames(text: string, people: readonly KnownPerson[], options: RedactionOptions): NameSpan[] {
  // The index also knows people who are never proposed (the requester, professionals), as
  // null entries, so that their full names can claim the family names they share.
  const notProposed = options.notProposed ?? [];
  const entries: (KnownPerson | null)[] = [...people, ...notProposed.map(() => null)];
  const index = buildIndex([...people, ...notProposed]);
  const matches = findMatches(text, tokenise(text), index).map((m) => withTitle(text, m));
  const spans: NameSpan[] = [];
  for (const m of joinAdjacent(text, dropContained(matches))) {
    if (m.weak && options.lowercaseCommonWords !== true) continue;
    const proposable = [...m.entries].flatMap((e) => entries[e] ?? []);
    if (proposable.length > 0) spans.push({ start: m.start, end: m.end, people: proposable });
  }
  return spans;
}
