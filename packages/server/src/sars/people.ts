import type { Kysely } from 'kysely';
import { normaliseName, type KnownPerson } from '@safekeep/core';
import type { DB } from '../db/schema.js';
import * as collation from './collation.repository.js';

/**
 * Who is proposed for redaction when a child's record is disclosed (core/redaction.ts
 * proposes; a reviewer decides). The set is decided here, once per request, over the
 * whole scope, so a proposal's id is the same on every page and at approval.
 *
 * Other children (reason `other-child`):
 *   - children related to this one (siblings and other relationships, both ways);
 *   - children this child's group entries and cross-references point to;
 *   - children who received a copy of the same carer-record entry, or are placed with
 *     the same carer (R7: "other children in placement");
 *   - any other child of the authority named in full (capitalised, "Kai Rowe") in the
 *     texts in scope.
 * Third parties (reason `third-party`, and what they said: `third-party-contribution`):
 *   - foster carers the record links to (placement plans, copies of their records),
 *     "Sarah and Tom Rowe" read as two people, "Mr and Mrs Hall" as the Halls;
 *   - people whose views a decision records (`parentViews[].name`), unless the name
 *     is only a role ("Mother", "Birth father").
 * Never proposed, but recognised so their names are not half-matched:
 *   - the subject child (their own request is about them);
 *   - the requester (a parent asking is not a third party to their own words);
 *   - staff who recorded in or are allocated to the record (professionals acting in
 *     their role, DPA 2018 Sch 2 Pt 3 para 17; ICO "Social work data").
 * Children's homes and other providers are organisations and are not proposed.
 */

type Named = Pick<KnownPerson, 'givenName' | 'familyName'>;

export interface PeopleSet {
  people: KnownPerson[];
  notProposed: Named[];
}

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'master', 'prof', 'rev', 'sir', 'dame', 'lady', 'lord']);
/** Words that name a role, not a person: a name made only of these (and titles) is skipped. */
const ROLE_WORDS = new Set([
  'mother', 'father', 'mum', 'mom', 'mam', 'mummy', 'dad', 'daddy', 'parent', 'parents', 'stepmother', 'stepfather', 'stepmum', 'stepdad',
  'step', 'birth', 'maternal', 'paternal', 'foster', 'adoptive', 'grandmother', 'grandfather', 'grandma', 'grandad', 'granddad', 'grandparent',
  'grandparents', 'nan', 'nana', 'nanna', 'gran', 'granny', 'grandpa', 'aunt', 'auntie', 'aunty', 'uncle', 'sister', 'brother', 'cousin',
  'carer', 'carers', 'guardian', 'special', 'partner', 'boyfriend', 'girlfriend', 'the', 'of', 'childs', 'child', 'unknown', 'not', 'known',
]);

/** The words of one written name, its title noted: "Mrs. Hall" → titled, ["Hall"]. */
function parsePart(part: string): { titled: boolean; words: string[] } {
  const words = part.replace(/\([^)]*\)/g, ' ').split(/[\s,]+/).filter((w) => w.length > 0);
  let titled = false;
  const kept: string[] = [];
  for (const w of words) {
    const bare = normaliseName(w.replace(/\.$/, ''));
    if (TITLES.has(bare)) titled = true;
    else if (!ROLE_WORDS.has(bare) && bare !== '') kept.push(w);
  }
  return { titled, words: kept };
}

/**
 * The people in a name as written on a carer's record or a decision: "Sarah and Tom
 * Rowe" → Sarah Rowe, Tom Rowe; "Mr and Mrs Hall" → the Halls (no given name);
 * "Birth mother" → nobody.
 */
export function peopleInName(name: string): Named[] {
  const parts = name.split(/\s+(?:and|&)\s+/i).map(parsePart);
  const last = parts.at(-1);
  const shared = last === undefined ? '' : last.words.length >= 2 ? (last.words.at(-1) ?? '') : last.titled ? (last.words[0] ?? '') : '';
  const out = new Map<string, Named>();
  for (const p of parts) {
    let person: Named;
    if (p.words.length >= 2) person = { givenName: p.words.slice(0, -1).join(' '), familyName: p.words.at(-1) ?? '' };
    else if (p.words.length === 1 && p.titled) person = { givenName: '', familyName: p.words[0] ?? '' };
    else if (p.words.length === 1) person = { givenName: p.words[0] ?? '', familyName: shared };
    else person = { givenName: '', familyName: shared };
    if (person.givenName === '' && person.familyName === '') continue;
    out.set(normaliseName(`${person.givenName} ${person.familyName}`), person);
  }
  return [...out.values()];
}

const WORD = /[\p{Lu}][\p{L}\p{M}'’-]*/uy;

/**
 * Runs of two to four capitalised words ("Kai Rowe", "Rowe Kai"), normalised as
 * `child.search_name` is, with the first word also moved last (a family name written
 * first): the candidates for "a child named in full".
 */
export function fullNameCandidates(texts: Iterable<string>, into: Set<string> = new Set()): Set<string> {
  for (const text of texts) {
    const re = /[\p{L}][\p{L}\p{M}'’-]*/gu;
    let m: RegExpExecArray | null;
    let run: string[] = [];
    let lastEnd = -1;
    const flush = () => {
      for (let i = 0; i < run.length; i++) {
        for (let n = 2; n <= 4 && i + n <= run.length; n++) {
          const w = run.slice(i, i + n);
          into.add(normaliseName(w.join(' ')));
          into.add(normaliseName([...w.slice(1), w[0]].join(' ')));
        }
      }
      run = [];
    };
    while ((m = re.exec(text)) !== null) {
      WORD.lastIndex = m.index;
      const capital = WORD.test(text);
      const gap = text.slice(lastEnd, m.index);
      if (!capital || (lastEnd >= 0 && !/^[ \t\n]{1,3}$/.test(gap))) flush();
      if (capital) run.push(m[0]);
      lastEnd = m.index + m[0].length;
    }
    flush();
  }
  return into;
}

function sameName(a: Named, b: Named): boolean {
  return normaliseName(`${a.givenName} ${a.familyName}`) === normaliseName(`${b.givenName} ${b.familyName}`);
}

export async function knownPeople(
  db: Kysely<DB>,
  sar: { childId: string; requester: string; relationship: string | null },
  subject: Named,
  texts: Iterable<string>,
): Promise<PeopleSet> {
  const children = new Map<string, collation.NamedRow>();
  for (const c of await collation.connectedChildren(db, sar.childId)) children.set(c.id, c);
  for (const c of await collation.childrenBySearchName(db, [...fullNameCandidates(texts)])) if (c.id !== sar.childId) children.set(c.id, c);

  // The requester asks for the child's data; when they are the child (or the care leaver), they are the subject already.
  const requester = sar.relationship === 'the-child' || sar.relationship === 'care-leaver' ? [] : peopleInName(sar.requester);
  const third: KnownPerson[] = [];
  const addThird = (id: string, named: Named) => {
    if (requester.some((r) => sameName(r, named))) return;
    if (third.some((t) => sameName(t, named))) return;
    third.push({ id, kind: 'third-party', givenName: named.givenName, familyName: named.familyName });
  };
  for (const carer of await collation.linkedCarers(db, sar.childId)) {
    if (carer.kind !== 'foster-carer') continue;
    peopleInName(carer.name).forEach((p, i) => addThird(`carer:${carer.id}:${i}`, p));
  }
  for (const name of await collation.parentViewNames(db, sar.childId)) {
    for (const p of peopleInName(name)) addThird(`named:${normaliseName(`${p.givenName} ${p.familyName}`).replaceAll(' ', '-')}`, p);
  }

  const people: KnownPerson[] = [
    ...[...children.values()].sort((a, b) => a.id.localeCompare(b.id)).map((c) => ({ id: c.id, kind: 'child' as const, givenName: c.given_name, familyName: c.family_name })),
    ...third,
  ];
  const staff = (await collation.staffNames(db, sar.childId)).flatMap((n) => peopleInName(n));
  return { people, notProposed: [subject, ...requester, ...staff] };
}
