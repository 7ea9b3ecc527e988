import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../test/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** The foundation's paths, exactly as API.md promises them. */
const PROMISED: Array<[string, string]> = [
  ['post', '/api/v1/session'],
  ['delete', '/api/v1/session'],
  ['get', '/api/v1/me'],
  ['post', '/api/v1/teams'],
  ['post', '/api/v1/users'],
  ['get', '/api/v1/users'],
  ['patch', '/api/v1/users/{id}'],
  ['post', '/api/v1/children'],
  ['get', '/api/v1/children'],
  ['get', '/api/v1/children/{id}'],
  ['post', '/api/v1/children/{id}/allocations'],
  ['post', '/api/v1/allocations/{id}/end'],
  ['post', '/api/v1/children/{id}/involvements'],
  ['post', '/api/v1/involvements/{id}/close'],
  ['post', '/api/v1/children/{id}/entries'],
  ['get', '/api/v1/children/{id}/entries'],
  ['get', '/api/v1/entries/{id}'],
  ['get', '/api/v1/entries/{id}/versions/{n}'],
  ['post', '/api/v1/entries/{id}/versions'],
  ['post', '/api/v1/children/{id}/documents'],
  ['get', '/api/v1/documents/{id}/content'],
  ['get', '/api/v1/children/{id}/access-log'],
  ['get', '/healthz'],
  ['get', '/readyz'],
];

describe('OpenAPI', () => {
  it('is an OpenAPI 3.1 document generated from the validating schemas, with every promised path', async () => {
    const res = await h.request<{ openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; parameters?: unknown[] }>> }>('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const [method, path] of PROMISED) expect(res.body.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    const create = res.body.paths['/api/v1/children']?.['post']?.requestBody?.content['application/json']?.schema as { properties: Record<string, unknown>; additionalProperties: boolean; required: string[] };
    expect(create.additionalProperties).toBe(false);
    expect(create.required).toEqual(expect.arrayContaining(['givenName', 'familyName', 'dateOfBirth']));
    expect(create.properties['dateOfBirth']).toMatchObject({ format: 'date' });
  });

  it('documents neither the 405 refusals nor the placeholder page', async () => {
    const res = await h.request<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/openapi.json');
    expect(res.body.paths['/api/v1/entries/{id}']?.['delete']).toBeUndefined();
    expect(res.body.paths['/']).toBeUndefined();
  });

  it('serves the API documentation page without signing in', async () => {
    const res = await h.request('GET', '/api/docs/');
    expect([200, 302]).toContain(res.status);
  });
});
