import { initials, normaliseName } from './names.js';

/**
 * R7: in a child's record, other children are named by their initials. Given text
 * written once (for a group of siblings, or in a carer's record) and the children who
 * must not be named in this copy, replaces each mention of them, full name or given
 * name alone, with their initials. Matching ignores case and accents and respects word
 * boundaries: "Sam" is replaced, "Samuel" and "same" are not.
 */
export interface Person {
  givenName: string;
  familyName: string;
}

export interface Replacement {
  start: number;
  end: number;
  text: string;
  initials: string;
}

export interface AnonymiseOptions {
  /** Also replace a given name on its own (for children the text is known to be about). Default true. */
  givenNameAlone?: boolean;
  /** Given names left alone when on their own: the record's own child may share one. */
  keepGivenNames?: readonly string[];
}

interface Folded {
  text: string;
  /** For each folded character, the index of the original character it came from. */
  from: number[];
}

/** Lower case without accents, apostrophes dropped, every other non-letter a space; indices kept. */
function fold(text: string): Folded {
  let out = '';
  const from: number[] = [];
  let i = 0;
  for (const ch of text) {
    const plain = ch.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    if (/^['’‘`]$/.test(ch)) {
      // dropped
    } else if (/^[\p{L}\p{N}]+$/u.test(plain)) {
      for (const c of plain) {
        out += c;
        from.push(i);
      }
    } else {
      out += ' ';
      from.push(i);
    }
    i += ch.length;
  }
  from.push(i);
  return { text: out, from };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function pattern(name: string): RegExp {
  const words = normaliseName(name).split(' ').filter((w) => w.length > 0).map(escape);
  return new RegExp(`(?<![\\p{L}\\p{N}])${words.join(' +')}(?![\\p{L}\\p{N}])`, 'gu');
}

export function anonymise(text: string, others: readonly Person[], options: AnonymiseOptions = {}): { text: string; replacements: Replacement[] } {
  const keep = new Set((options.keepGivenNames ?? []).map(normaliseName));
  const folded = fold(text);
  const candidates: Array<{ regex: RegExp; initials: string; weight: number }> = [];
  for (const p of others) {
    const ini = initials(p.givenName, p.familyName);
    for (const full of [`${p.givenName} ${p.familyName}`, `${p.familyName} ${p.givenName}`]) {
      candidates.push({ regex: pattern(full), initials: ini, weight: full.length });
    }
    if (options.givenNameAlone !== false && !keep.has(normaliseName(p.givenName)) && normaliseName(p.givenName).length > 0) {
      candidates.push({ regex: pattern(p.givenName), initials: ini, weight: p.givenName.length });
    }
  }
  // Longest names first, so "Amy Rose Smith" wins over "Amy"; matches never overlap.
  candidates.sort((a, b) => b.weight - a.weight);
  const found: Replacement[] = [];
  for (const c of candidates) {
    for (const m of folded.text.matchAll(c.regex)) {
      const start = folded.from[m.index] ?? 0;
      const end = folded.from[m.index + m[0].length] ?? text.length;
      if (found.some((r) => start < r.end && end > r.start)) continue;
      found.push({ start, end, text: text.slice(start, end), initials: c.initials });
    }
  }
  found.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const r of found) {
    // "…with Sam." becomes "…with S.J." rather than "S.J..".
    const ini = text.charAt(r.end) === '.' ? r.initials.replace(/\.$/, '') : r.initials;
    out += text.slice(at, r.start) + ini;
    at = r.end;
  }
  return { text: out + text.slice(at), replacements: found };
}
