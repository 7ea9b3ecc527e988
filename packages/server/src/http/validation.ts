import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Two validators. Bodies are taken exactly as sent: no type coercion, no silent removal
 * of unknown members (they are refused), all errors reported. Query strings, path
 * parameters and headers arrive as text, so there numbers and booleans are coerced.
 * ajv-formats in full mode checks real calendar dates (2023-02-30 fails) and requires an
 * offset on date-times.
 */
function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes, removeAdditional: false, useDefaults: true, strict: false, discriminator: true });
  // ajv-formats is CommonJS: its plugin is the default export's default.
  const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ?? formatsModule) as FormatsPlugin;
  addFormats(ajv, { mode: 'full' });
  return ajv;
}

export const bodyAjv = makeAjv(false);
const textAjv = makeAjv('array');

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object);

const cache = new WeakMap<object, ValidateFunction>();

/** Validates a value that did not come through Fastify's own parsing (a multipart field). */
export function compileBody<T>(schema: object): ValidateFunction<T> {
  const cached = cache.get(schema);
  if (cached !== undefined) return cached as ValidateFunction<T>;
  const fn = bodyAjv.compile(schema);
  cache.set(schema, fn);
  return fn as ValidateFunction<T>;
}
