import { describe, expect, it } from 'vitest';
import { findDuplicateCandidates, namesClose } from './duplicates.js';
import { validateChildDetails } from './children.js';

const child = (givenName: string, familyName: string, dateOfBirth = '2015-03-04', identifiers = {}) =>
  validateChildDetails({ givenName, familyName, dateOfBirth, identifiers }, '2026-01-01');

const existing = (id: string, givenName: string, familyName: string, dateOfBirth = '2015-03-04', ids: Partial<{ nhsNumber: string; upn: string; localId: string }> = {}) => ({
  id,
  givenName,
  familyName,
  dateOfBirth,
  nhsNumber: ids.nhsNumber ?? null,
  upn: ids.upn ?? null,
  localId: ids.localId ?? null,
});

describe('likely duplicates (R1)', () => {
  it.each([
    ['John', 'Smith', 'Jon', 'Smith', true],
    ['Katie', 'Smyth', 'Kate', 'Smith', true],
    ['Amy Rose', 'Jones', 'Amy', 'Jones', true],
    ['Leo', 'Smith-Jones', 'Leo', 'Smith', true],
    ['Smith', 'Leo', 'Leo', 'Smith', true],
    ['Zoë', "O'Brien", 'Zoe', 'OBrien', true],
    ['Leo', 'Smith', 'Isla', 'Smith', false],
    ['Christopher', 'Ward', 'Chris', 'Warden', false],
    ['Noah', 'Patel', 'Noah', 'Evans', false],
  ])('%s %s vs %s %s: close = %s', (g1, f1, g2, f2, expected) => {
    expect(namesClose({ givenName: g1, familyName: f1 }, { givenName: g2, familyName: f2 })).toBe(expected);
  });

  it('needs the same date of birth for a name match', () => {
    expect(findDuplicateCandidates(child('Jon', 'Smith'), [existing('a', 'John', 'Smith', '2015-03-05')])).toEqual([]);
    expect(findDuplicateCandidates(child('Jon', 'Smith'), [existing('a', 'John', 'Smith')])).toEqual([{ id: 'a', reasons: ['nameAndDateOfBirth'] }]);
  });

  it('matches on identifiers whatever the name', () => {
    const c = child('Ava', 'Green', '2016-01-01', { nhsNumber: '401 023 2137', upn: 'A950000178301', localId: 'L1' });
    const found = findDuplicateCandidates(c, [
      existing('n', 'Someone', 'Else', '2010-01-01', { nhsNumber: '4010232137' }),
      existing('u', 'Other', 'Person', '2011-01-01', { upn: 'A950000178301' }),
      existing('l', 'Third', 'One', '2012-01-01', { localId: 'L1' }),
      existing('x', 'Unrelated', 'Child', '2013-01-01', { nhsNumber: '2213951837' }),
    ]);
    expect(found).toEqual([
      { id: 'n', reasons: ['nhsNumber'] },
      { id: 'u', reasons: ['upn'] },
      { id: 'l', reasons: ['localId'] },
    ]);
  });

  it('does not compare names when an identifier already matches (no probing by name)', () => {
    const c = child('Philippa', 'Grimsditch', '2015-03-01', { nhsNumber: '401 023 2137' });
    const found = findDuplicateCandidates(c, [existing('mine', 'My', 'Own', '2014-01-01', { nhsNumber: '4010232137' }), existing('hidden', 'Philippa', 'Grimsditch', '2015-03-01')]);
    expect(found.map((f) => f.id)).toEqual(['mine']);
  });
});

describe('child details', () => {
  it('refuses impossible, future and inconsistent dates, naming each field', () => {
    expect(() => validateChildDetails({ givenName: 'A', familyName: 'B', dateOfBirth: '2023-02-30' }, '2026-01-01')).toThrow(/dateOfBirth/);
    expect(() => validateChildDetails({ givenName: 'A', familyName: 'B', dateOfBirth: '2026-01-02' }, '2026-01-01')).toThrow(/dateOfBirth: must not be in the future/);
    expect(() => validateChildDetails({ givenName: 'A', familyName: 'B', dateOfBirth: '2020-01-02', dateOfDeath: '2020-01-01' }, '2026-01-01')).toThrow(/dateOfDeath: must not be before the date of birth/);
    expect(() => validateChildDetails({ givenName: ' ', familyName: 'B', dateOfBirth: '2020-01-02', identifiers: { nhsNumber: '401-023-2138' } }, '2026-01-01')).toThrow(
      /givenName.*identifiers\.nhsNumber/,
    );
  });
});
