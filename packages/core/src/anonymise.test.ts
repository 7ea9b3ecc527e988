import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anonymise } from './anonymise.js';

describe('other children named by initials (R7)', () => {
  const others = [
    { givenName: 'Zoë', familyName: "O'Brien" },
    { givenName: 'Sam', familyName: 'Jones' },
    { givenName: 'Jamie-Lee', familyName: 'Smith' },
  ];

  it('replaces full names, reversed names and given names alone, whatever the case and accents', () => {
    const r = anonymise("zoe obrien and Zoe went out with SAM. Smith Jamie-Lee stayed; JONES SAM too.", others);
    expect(r.text).toBe('Z.O. and Z.O. went out with S.J. J.L.S. stayed; S.J. too.');
    expect(r.replacements.map((x) => x.text)).toEqual(['zoe obrien', 'Zoe', 'SAM', 'Smith Jamie-Lee', 'JONES SAM']);
  });

  it('leaves other words alone: Samuel, same, Zoey', () => {
    expect(anonymise('Samuel said the same to Zoey.', others).text).toBe('Samuel said the same to Zoey.');
  });

  it('keeps a given name the record’s own child shares, unless the full name is used', () => {
    const r = anonymise('Sam and Sam Jones played.', others, { keepGivenNames: ['Sam'] });
    expect(r.text).toBe('Sam and S.J. played.');
  });

  it('never leaves a replaced name in the text (property)', () => {
    const name = fc.constantFrom('Ava', 'Noah', 'Isla', 'Leo', 'Ruby', 'Kofi');
    const family = fc.constantFrom('Smith', 'Khan', 'Novak', 'Okoro');
    const filler = fc.constantFrom('went to school', 'said hello', '.', ',', 'and', 'then', 'with', '(', ')');
    fc.assert(
      fc.property(name, family, fc.array(fc.oneof(filler, name, family), { maxLength: 20 }), (g, f, words) => {
        const text = words.join(' ') + ` ${g} ${f}`;
        const out = anonymise(text, [{ givenName: g, familyName: f }]).text;
        expect(out.toLowerCase().split(/[^a-z]+/)).not.toContain(g.toLowerCase());
      }),
      { numRuns: 300 },
    );
  });
});
