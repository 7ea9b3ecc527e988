import { invalid } from '@safekeep/core';

/** Opaque keyset cursors: base64url of a small JSON object, every value checked on the way back in. */
export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

const CHECKS = {
  text: (v: string) => v.length <= 1000 && !v.includes('\u0000'),
  uuid: (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v),
  instant: (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v)),
  integer: (v: string) => /^\d{1,15}$/.test(v),
} as const;

export function decodeCursor<K extends string>(cursor: string | undefined, shape: Record<K, keyof typeof CHECKS>): Record<K, string> | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as Record<string, unknown>;
      const ok = (Object.entries(shape) as Array<[K, keyof typeof CHECKS]>).every(([k, check]) => typeof record[k] === 'string' && CHECKS[check](record[k]));
      if (ok) return record as Record<K, string>;
    }
  } catch {
    // fall through
  }
  throw invalid({ field: 'cursor', message: 'is not a cursor this list gave out' });
}
