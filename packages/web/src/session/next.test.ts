import { describe, expect, it } from 'vitest';
import { safeNext } from './next';

describe('where sign-in returns to', () => {
  it('returns to a page of the app, with its query', () => {
    expect(safeNext('/children/9f1c6d1e-0000-4000-8000-000000000000')).toBe('/children/9f1c6d1e-0000-4000-8000-000000000000');
    expect(safeNext('/children?q=Ahmed')).toBe('/children?q=Ahmed');
  });

  it('never leaves the app, nor loops back to sign-in', () => {
    for (const next of [null, '', 'children', '//evil.example/x', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/sign-in?next=/x']) {
      expect(safeNext(next), String(next)).toBe('/children');
    }
  });
});
