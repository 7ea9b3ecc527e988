import type { FastifyRequest } from 'fastify';
import { DomainError, type Actor } from '@safekeep/core';
import type { WorkContext } from '../db/work.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user; null on public routes. */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in. */
    public?: boolean;
  }
}

export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === null) throw new DomainError('UNAUTHENTICATED', 'Sign in first.');
  return request.actor;
}

export function workContext(request: FastifyRequest): WorkContext {
  return { actor: actorOf(request), requestId: request.id };
}
