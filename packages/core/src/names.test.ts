import { describe, expect, it } from 'vitest';
import { initials, normaliseName, searchName, sortName } from './names.js';

describe('names', () => {
  it('normalises accents, apostrophes, hyphens and case', () => {
    expect(normaliseName("Zoë O'Brien-Smith")).toBe('zoe obrien smith');
    expect(normaliseName('  ÉMILE   d’Arcy ')).toBe('emile darcy');
    expect(searchName('Siân', 'Ó Súilleabháin')).toBe('sian o suilleabhain');
  });

  it('sorts by family name then given name, ignoring accents', () => {
    const names = [sortName('Zoë', 'Éclair'), sortName('adam', 'eclair'), sortName('Bob', 'Ellis')];
    expect([...names].sort()).toEqual(['eclair adam', 'eclair zoe', 'ellis bob']);
  });

  it('gives initials for other children (R7)', () => {
    expect(initials('Jamie Lee', 'Smith')).toBe('J.L.S.');
    expect(initials('ana', 'García-López')).toBe('A.G.L.');
  });
});
