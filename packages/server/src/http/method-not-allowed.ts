import { DomainError } from '@safekeep/core';
import type { App } from './app-types.js';

const ALL = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Answers 405 with an Allow header for the methods a path does not take, instead of a
 * 404 that would suggest the path does not exist. Nothing in a record is edited in
 * place or deleted through the API.
 */
export function refuseMethods(app: App, url: string, allowed: ReadonlyArray<(typeof ALL)[number]>, detail: string): void {
  const allow = allowed.join(', ');
  for (const method of ALL.filter((m) => !allowed.includes(m))) {
    app.route({
      method,
      url,
      config: { public: true },
      schema: { hide: true },
      handler: () => {
        throw new DomainError('METHOD_NOT_ALLOWED', detail, { extra: { allow } });
      },
    });
  }
}
