/**
 * Text helpers for the SAR redaction engine (redaction.ts): words with their offsets,
 * the folded form names are compared in, and where sentences begin and end. Everything
 * works on the original string's UTF-16 offsets; only single words are ever folded, so
 * no offset map is needed.
 */

/** A word of the text: letters and combining marks, with internal apostrophes (O'Neill). */
export interface Token {
  start: number;
  end: number;
  /** Lower case, accents and apostrophes removed: "O’Néill" → "oneill". */
  folded: string;
}

const APOSTROPHES = /['’‘ʼ]/g;
/** Endings after an apostrophe that are grammar, not part of a name: Kai's, Kai'd, Kai'll. */
const CLITICS = new Set(['s', 'd', 'll', 've', 're']);
const PLAIN_LOWER = /^[a-z'’‘ʼ]*$/;
/** Letters NFD does not decompose but people still type without the accent: Møller → Moller. */
const EXTRA_FOLDS: Readonly<Record<string, string>> = {
  ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', æ: 'ae', œ: 'oe', ß: 'ss', ı: 'i', ħ: 'h', ŧ: 't', ŀ: 'l',
};
const EXTRA_FOLD_CHARS = /[øłđðþæœßıħŧŀ]/g;

/** The form names are compared in: case folded, NFD with combining marks stripped, apostrophes dropped. */
export function fold(word: string): string {
  const lower = word.toLowerCase();
  // Most words are plain ASCII; skipping normalize() for them keeps a 2 MB record fast.
  if (PLAIN_LOWER.test(lower)) return lower.replace(APOSTROPHES, '');
  return lower
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(EXTRA_FOLD_CHARS, (c) => EXTRA_FOLDS[c] ?? c)
    .replace(APOSTROPHES, '');
}

const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
const nonAsciiLetters = new Map<number, boolean>();

/** Code units taken by the letter or combining mark at i (2 for a surrogate pair), or 0. */
function letterWidth(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return 1;
  if (c < 128 || Number.isNaN(c)) return 0;
  const cp = text.codePointAt(i) ?? 0;
  let letter = nonAsciiLetters.get(cp);
  if (letter === undefined) {
    letter = LETTER_OR_MARK.test(String.fromCodePoint(cp));
    nonAsciiLetters.set(cp, letter);
  }
  return letter ? (cp > 0xffff ? 2 : 1) : 0;
}

const isApostrophe = (c: number): boolean => c === 39 || c === 0x2019 || c === 0x2018 || c === 0x2bc;

/**
 * Every word of the text in order: a run of Unicode letters and combining marks, joined
 * by apostrophes that have letters on both sides ("O'Neill"). A grammatical ending after
 * the last apostrophe is left out: "Kai’s" gives the word "Kai". A hand-written scanner,
 * not a regular expression, because this runs over every character of a 2 MB record.
 */
export function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  const lower = text.toLowerCase();
  // Lower-casing keeps offsets unless the text has a letter like "İ" that grows; then fold word by word.
  const aligned = lower.length === text.length;
  let i = 0;
  while (i < text.length) {
    const width = letterWidth(text, i);
    if (width === 0) {
      i += 1;
      continue;
    }
    let end = i + width;
    let ascii = width === 1 && text.charCodeAt(i) < 128;
    let apostrophe = -1;
    for (;;) {
      const w = letterWidth(text, end);
      if (w > 0) {
        ascii &&= text.charCodeAt(end) < 128;
        end += w;
      } else if (isApostrophe(text.charCodeAt(end)) && letterWidth(text, end + 1) > 0) {
        apostrophe = end;
        end += 1;
      } else break;
    }
    const scanned = end;
    if (apostrophe > 0 && CLITICS.has(text.slice(apostrophe + 1, end).toLowerCase())) end = apostrophe;
    const folded = ascii && aligned && apostrophe < 0 ? lower.slice(i, end) : fold(text.slice(i, end));
    tokens.push({ start: i, end, folded });
    i = scanned;
  }
  return tokens;
}

export function isLetter(ch: string): boolean {
  return /^[\p{L}\p{M}]$/u.test(ch);
}

/** Written with a capital first letter ("Will", "WILL"), as names almost always are. */
export function isCapitalised(text: string, at: number): boolean {
  const first = String.fromCodePoint(text.codePointAt(at) ?? 32);
  return first !== first.toLowerCase();
}

/**
 * "J." in "J.R." or the "R" after it: initials stand for a name already anonymised, so a
 * person whose given name is a single letter must not be found inside them.
 */
export function isInInitials(text: string, start: number, end: number): boolean {
  const followedByInitial = text.charAt(end) === '.' && isLetter(text.charAt(end + 1));
  const precededByInitial = text.charAt(start - 1) === '.' && isLetter(text.charAt(start - 2));
  return followedByInitial || precededByInitial;
}

export const TITLES: ReadonlySet<string> = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'master', 'rev', 'sir', 'dame', 'lady', 'lord',
]);

/** Family-name particles never proposed on their own: "van der Berg" is found, "van" is not. */
export const PARTICLES: ReadonlySet<string> = new Set([
  'van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'das', 'dos', 'du', 'la', 'le', 'les',
  'ten', 'ter', 'te', 'st', 'o', 'ni', 'nic', 'mac', 'mc', 'al', 'el', 'bin', 'ibn', 'bint', 'ap', 'y',
]);

/**
 * Names that are also everyday words. Written in lower case they are almost always the
 * word ("we hope", "he will"), so they are proposed only when capitalised, titled
 * ("Mrs rose") or joined to another part of the same person's name ("grace okafor").
 * Not exhaustive: a name missing from here is simply matched in any case.
 */
export const COMMON_WORDS: ReadonlySet<string> = new Set([
  'a', 'i', 'o', 'will', 'bill', 'hope', 'grace', 'faith', 'joy', 'mark', 'may', 'rose', 'april', 'june',
  'summer', 'autumn', 'dawn', 'ivy', 'holly', 'hazel', 'amber', 'jade', 'ruby', 'pearl', 'iris', 'daisy',
  'heather', 'poppy', 'lily', 'violet', 'robin', 'jack', 'frank', 'grant', 'earnest', 'rich', 'sunny',
  'sky', 'river', 'storm', 'star', 'honey', 'penny', 'patience', 'harmony', 'melody', 'charity', 'sue',
  'pat', 'rob', 'bob', 'guy', 'dean', 'drew', 'gene', 'ray', 'chase', 'cliff', 'glen', 'lance', 'miles',
  'norman', 'reed', 'rod', 'wade', 'ward', 'max', 'sandy', 'rusty', 'brook', 'brooke', 'hunter', 'page',
  'carol', 'sally', 'kitty', 'happy', 'more', 'long', 'brown', 'green', 'white', 'black', 'gray', 'grey',
  'young', 'king', 'wood', 'hill', 'hall', 'bell', 'price', 'cook', 'baker', 'turner', 'walker', 'mason',
  'banks', 'best', 'good', 'little', 'small', 'short', 'field', 'marsh', 'fox', 'lamb', 'rice', 'ball',
  'bird', 'fish', 'moss', 'stone', 'west', 'north', 'south', 'east', 'lane', 'street', 'park', 'church',
  'house', 'money', 'cross', 'day', 'knight', 'bishop', 'hart', 'nash', 'noble', 'sharp', 'wise', 'love',
  'friend', 'child', 'gay', 'major', 'justice', 'early', 'winter', 'spring', 'march', 'august',
]);

const TERMINATORS = '.!?';
const CLOSERS = '"”’\')]';
const ABBREVIATIONS: ReadonlySet<string> = new Set([...TITLES, 'st', 'approx', 'etc', 'vs', 'tel']);
/** No sentence runs further than this; it bounds the work on text with no full stops. */
export const MAX_SENTENCE = 4000;

function wordBefore(text: string, at: number): string {
  let i = at;
  while (i > 0 && isLetter(text.charAt(i - 1))) i--;
  return text.slice(i, at);
}

/** If a sentence ends at the terminator at i, the index after it and any closing quotes; else -1. */
function sentenceEndAt(text: string, i: number): number {
  const ch = text.charAt(i);
  if (!TERMINATORS.includes(ch) || ch === '') return -1;
  let j = i + 1;
  while (j < text.length && CLOSERS.includes(text.charAt(j))) j++;
  if (j < text.length && !/\s/.test(text.charAt(j))) return -1; // 2.5, e.g., "J.R."
  if (ch === '.') {
    const word = wordBefore(text, i);
    // "Mrs. Rowe", "J. Rowe", "no. 14": a full stop after a title, an initial or "no." before a number.
    if (word.length === 1 || ABBREVIATIONS.has(fold(word))) return -1;
    if (fold(word) === 'no' && /^\s*\d/.test(text.slice(j, j + 4))) return -1;
  }
  return j;
}

/** A blank line ends a sentence even without a full stop: notes are often written as short paragraphs. */
function isParagraphBreak(text: string, newline: number): boolean {
  let j = newline + 1;
  while (j < text.length && ' \t\r'.includes(text.charAt(j))) j++;
  return text.charAt(j) === '\n';
}

/** The newline at `newline` closes an empty line, so a paragraph starts after it. */
function followsBlankLine(text: string, newline: number): boolean {
  let k = newline - 1;
  while (k >= 0 && ' \t\r'.includes(text.charAt(k))) k--;
  return k >= 0 && text.charAt(k) === '\n';
}

/** Where the sentence containing `from` ends: just after its terminator (and closing quotes). */
export function sentenceEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_SENTENCE);
  for (let i = from; i < limit; i++) {
    const ch = text.charAt(i);
    if (ch === '\n' && isParagraphBreak(text, i)) return i;
    const end = sentenceEndAt(text, i);
    if (end >= 0) return end;
  }
  return limit;
}

/** Where the sentence containing `before - 1` starts (its first non-space character). */
export function sentenceStart(text: string, before: number): number {
  const limit = Math.max(0, before - MAX_SENTENCE);
  let start = limit;
  for (let i = before - 1; i >= limit; i--) {
    const ch = text.charAt(i);
    if (ch === '\n' && followsBlankLine(text, i)) {
      start = i + 1;
      break;
    }
    const end = sentenceEndAt(text, i);
    if (end >= 0 && end <= before) {
      start = end;
      break;
    }
  }
  while (start < before && /\s/.test(text.charAt(start))) start++;
  return start;
}
