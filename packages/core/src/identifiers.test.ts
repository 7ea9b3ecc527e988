import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidNhsNumber, isValidUpn, normaliseNhsNumber, normaliseUpn, upnCheckLetter } from './identifiers.js';

// Third-party vectors (MIT): test-data/oracle/README.md.
const vectors = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../test-data/oracle/uk-identifier-vectors.json', import.meta.url)), 'utf8'),
) as { nhsNumber: Array<{ text: string; valid: boolean }>; upn: Array<{ text: string; checkLetterValid?: boolean; temporaryUPN?: boolean }> };

describe('NHS number', () => {
  it.each(vectors.nhsNumber)('$text is valid: $valid (presidio vectors)', ({ text, valid }) => {
    expect(isValidNhsNumber(text)).toBe(valid);
  });

  it('normalises spaces and hyphens', () => {
    expect(normaliseNhsNumber('401 023 2137')).toBe('4010232137');
    expect(normaliseNhsNumber('401-023-2137')).toBe('4010232137');
    expect(normaliseNhsNumber('40102321')).toBeNull();
    expect(normaliseNhsNumber('40102321AB')).toBeNull();
  });

  it('catches every single-digit typing error in a valid number (modulus 11 property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }), fc.nat(9), fc.integer({ min: 1, max: 9 }), (nine, pos, delta) => {
        const sum = nine.reduce((s, d, i) => s + d * (10 - i), 0);
        const check = 11 - (sum % 11);
        fc.pre(check !== 10);
        const valid = [...nine, check === 11 ? 0 : check];
        expect(isValidNhsNumber(valid.join(''))).toBe(true);
        const typo = [...valid];
        typo[pos] = ((typo[pos] ?? 0) + delta) % 10;
        expect(isValidNhsNumber(typo.join(''))).toBe(false);
      }),
    );
  });
});

describe('UPN', () => {
  const checked = vectors.upn.filter((v) => v.checkLetterValid !== undefined);
  it.each(checked)('$text check letter valid: $checkLetterValid (CIN rule 1510 / sfdata-faker vectors)', ({ text, checkLetterValid }) => {
    expect(isValidUpn(text)).toBe(checkLetterValid);
  });

  it('refuses the wrong shape', () => {
    for (const v of vectors.upn.filter((x) => x.checkLetterValid === undefined)) expect(isValidUpn(v.text)).toBe(false);
    expect(normaliseUpn('i950000178301')).toBeNull(); // I is never a check letter
  });

  it('computes the check letter for a permanent UPN', () => {
    expect(upnCheckLetter('A950000178301')).toBe('A');
    expect(upnCheckLetter('R247962919251')).toBe('Q');
  });
});
