/**
 * Third-party contributions (for redaction.ts): what a known third party said, told,
 * reported or alleged. The speaker is found by name (redaction-match.ts), so this only
 * looks at the words around each name of a third party, never the whole text again.
 *
 * Forms recognised, with the span proposed in [brackets]:
 *   Sarah Rowe (mother) told the worker that [Tyler had not been home].
 *   Sarah rang the office and said [the bus had not come].   Sarah rang to say [she was ill].
 *   Sarah said, [“He’s not welcome here.”]
 *   “[He’s not welcome here],” Sarah said.     “[…],” said Sarah, [“…”]
 *   According to Sarah, [Tyler was home by ten].     [Tyler was home by ten], according to Sarah.
 * Not recognised: pronouns and role words ("She said", "Mum reported"); the reviewer reads those.
 */
import type { KnownPerson } from './redaction.js';
import type { NameSpan } from './redaction-match.js';
import { MAX_SENTENCE, sentenceEnd, sentenceStart } from './redaction-text.js';

export interface ContributionSpan {
  start: number;
  end: number;
  speakers: readonly KnownPerson[];
}

const PAST_AND_PRESENT = [
  'said', 'says', 'say', 'told', 'tells', 'tell', 'reported', 'reports', 'explained', 'explains', 'stated',
  'states', 'disclosed', 'discloses', 'alleged', 'alleges', 'shared', 'shares', 'described', 'describes',
  'mentioned', 'mentions', 'claimed', 'claims', 'informed', 'informs', 'added', 'adds', 'confirmed',
  'confirms', 'admitted', 'admits', 'complained', 'complains', 'wrote', 'writes', 'texted', 'emailed', 'messaged',
].join('|');
const PARTICIPLES = [
  'saying', 'telling', 'reporting', 'explaining', 'stating', 'disclosing', 'alleging', 'sharing', 'describing',
  'mentioning', 'claiming', 'informing', 'adding', 'confirming', 'admitting', 'complaining',
].join('|');
/** After "to": "rang to say", "came in to report". */
const INFINITIVES = 'say|tell|report|explain|disclose|allege|share|describe|mention|claim|inform|confirm|complain|ask';
const WORD_END = '(?![\\p{L}\\p{M}])';

/**
 * Words allowed between the speaker and the verb: "has also said", "later told",
 * "tearfully disclosed". No form of "be": in "Sarah was told" she was the listener.
 */
const BETWEEN = '(?:has|had|have|did|does|do|also|later|then|further|again|both|previously|initially|subsequently|first|herself|himself|themselves|would|will|\\p{L}+ly)';

/** After the speaker's name: an optional aside (", Tyler’s mother," or "(neighbour)"), then the verb. */
const VERB_AFTER = new RegExp(
  `s?(?:[ \\t]*(?:,[^,.!?;()\\n]{1,60},|\\([^()\\n]{1,60}\\)))?,?\\s+(?:${BETWEEN}\\s+){0,3}(?:${PAST_AND_PRESENT})${WORD_END}`,
  'iuy',
);
/**
 * A later verb of the same subject, within 80 characters of the same sentence: "Sarah
 * arrived late and said…", "Pieter rang the police, reporting…", "Sarah rang to say…".
 * The bounded, lazy run keeps the work per name small.
 */
const LATER_VERB = new RegExp(
  `[^.!?;\\n“”"]{1,80}?(?:(?:,?\\s+and|,)\\s+(?:${BETWEEN}\\s+){0,2}(?:${PAST_AND_PRESENT}|${PARTICIPLES})|\\s+to\\s+(?:${INFINITIVES}))${WORD_END}`,
  'iuy',
);
/** A name straight before a reporting verb ("grace said") is a name even when it is also a word. */
const VERB_NEXT = new RegExp(`s?\\s+(?:${PAST_AND_PRESENT})${WORD_END}`, 'iuy');
/** A name after these words is an object, so a later verb is someone else's: "Priya rang Sarah to explain…". */
const BEFORE_OBJECT = new Set([
  'to', 'with', 'by', 'from', 'for', 'at', 'about', 'against', 'towards', 'of', 'on', 'in', 'into', 'than',
  'saw', 'met', 'told', 'asked', 'called', 'phoned', 'rang', 'visited', 'contacted', 'emailed', 'texted',
  'informed', 'advised', 'reminded', 'thanked', 'warned', 'hugged', 'helped', 'supported', 'collected', 'took', 'drove',
]);
/** ", said Sarah" and "” said Sarah": the words came before; a comma or quote rules out "Police said Sarah was…". */
const VERB_BEFORE = /[,”"]\s*(?:said|says|added|explained)\s+$/iu;
const ACCORDING_TO = /(?<![\p{L}\p{M}])according\s+to\s+$/iu;
const QUOTES: Readonly<Record<string, string>> = { '“': '”', '"': '"' };

type Range = readonly [number, number];

function skipForward(text: string, from: number, chars: RegExp): number {
  let i = from;
  while (i < text.length && chars.test(text.charAt(i))) i++;
  return i;
}

function skipBack(text: string, to: number, from: number, chars: RegExp): number {
  let i = to;
  while (i > from && chars.test(text.charAt(i - 1))) i--;
  return i;
}

function nonEmpty(start: number, end: number): Range[] {
  return end > start ? [[start, end]] : [];
}

/** The quotation opening at `start`, marks included, if it closes within a sentence's length. */
function quotationAt(text: string, start: number): Range[] {
  const close = QUOTES[text.charAt(start)];
  if (close === undefined) return [];
  const end = text.indexOf(close, start + 1);
  return end > start && end - start < MAX_SENTENCE ? [[start, end + 1]] : [];
}

/** What was said after the verb: a quotation, or the rest of the sentence ("that" left out). */
function saidAfter(text: string, from: number): Range[] {
  let start = skipForward(text, from, /[\s,:;–—-]/u);
  if (/^that(?![\p{L}\p{M}])/iu.test(text.slice(start, start + 5))) start = skipForward(text, start + 4, /\s/);
  const quoted = quotationAt(text, start);
  if (quoted.length > 0) return quoted;
  return nonEmpty(start, skipBack(text, sentenceEnd(text, start), start, /[\s.!?]/));
}

/** What was said before the speaker: the quotation just before, else the sentence so far. */
function saidBefore(text: string, to: number): Range[] {
  const start = sentenceStart(text, to);
  const end = skipBack(text, to, start, /[\s,;:–—-]/u);
  const closing = text.charAt(end - 1);
  const opening = closing === '”' ? '“' : closing === '"' ? '"' : '';
  if (opening !== '') {
    // A quotation may hold several sentences, so its opening mark can lie before `start`.
    const open = text.lastIndexOf(opening, end - 2);
    if (open >= 0 && end - open < MAX_SENTENCE) return nonEmpty(open + 1, skipBack(text, end - 1, open + 1, /[\s,.!?]/));
  }
  return nonEmpty(skipForward(text, start, /["“\s]/), end);
}

function wordBefore(text: string, at: number): string {
  const end = skipBack(text, at, 0, /\s/);
  return text.slice(skipBack(text, end, 0, /[\p{L}\p{M}]/u), end).toLowerCase();
}

/** The end of the reporting verb whose subject is the name at [start, end), or -1. */
function verbEndAfter(text: string, start: number, end: number): number {
  VERB_AFTER.lastIndex = end;
  if (VERB_AFTER.test(text)) return VERB_AFTER.lastIndex;
  if (BEFORE_OBJECT.has(wordBefore(text, start))) return -1;
  LATER_VERB.lastIndex = end;
  return LATER_VERB.test(text) ? LATER_VERB.lastIndex : -1;
}

/** "grace said", "rose told": a name straight before a reporting verb, whatever its case. */
export function isFollowedByReportingVerb(text: string, end: number): boolean {
  VERB_NEXT.lastIndex = end;
  return VERB_NEXT.test(text);
}

function spokenBy(text: string, speaker: NameSpan): Range[] {
  const before = text.slice(Math.max(0, speaker.start - 24), speaker.start);
  const according = ACCORDING_TO.exec(before);
  if (according) {
    const after = saidAfter(text, speaker.end);
    return after.length > 0 ? after : saidBefore(text, speaker.start - according[0].length);
  }
  const inverted = VERB_BEFORE.exec(before);
  if (inverted) {
    // “…,” said Femi, “…”: the quotation may go on after the name.
    const resumed = quotationAt(text, skipForward(text, speaker.end, /[\s,]/));
    return [...saidBefore(text, speaker.start - inverted[0].length + 1), ...resumed];
  }
  const verbEnd = verbEndAfter(text, speaker.start, speaker.end);
  if (verbEnd < 0) return [];
  const after = saidAfter(text, verbEnd);
  // “…,” Kwame said, “…”: a quotation straight before the speaker is theirs too.
  const beforeSpeaker = skipBack(text, speaker.start, Math.max(0, speaker.start - 8), /[\s,]/);
  const quotedBefore = beforeSpeaker > 0 && '”"'.includes(text.charAt(beforeSpeaker - 1));
  return after.length > 0 && !quotedBefore ? after : [...saidBefore(text, speaker.start), ...after];
}

/** The contributions of the third parties among the named people. Children's own words are not proposed. */
export function findContributions(text: string, names: readonly NameSpan[]): ContributionSpan[] {
  const found: ContributionSpan[] = [];
  for (const name of names) {
    const speakers = name.people.filter((p) => p.kind === 'third-party');
    if (speakers.length === 0) continue;
    for (const [start, end] of spokenBy(text, name)) found.push({ start, end, speakers });
  }
  return found;
}
