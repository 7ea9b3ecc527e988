import { invalid } from '@safekeep/core';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Lower-cases UUIDs and refuses NUL characters anywhere in the input, naming the field. */
export function normaliseInput(value: unknown, where: string, path = ''): unknown {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw invalid({ field: path === '' ? where : path, message: 'must not contain a NUL character' });
    return UUID.test(value) ? value.toLowerCase() : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => normaliseInput(v, where, path === '' ? String(i) : `${path}.${i}`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normaliseInput(v, where, path === '' ? k : `${path}.${k}`);
    return out;
  }
  return value;
}
