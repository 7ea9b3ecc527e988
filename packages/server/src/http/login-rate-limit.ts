import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@safekeep/core';
import type { App } from './app-types.js';

/**
 * How many sign-in attempts one client address, and one username, may make in a window.
 * This sits in front of the per-account throttle and lock (sessions.service.ts): it caps
 * password spraying across many usernames from one address, and the argon2 work an
 * attacker can make the server do, including for usernames that do not exist.
 */
export interface LoginRateLimit {
  windowSeconds: number;
  perIp: number;
  perUsername: number;
}

/** An office behind one NAT address signing in at 9 am stays well under 30 a minute. */
export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = { windowSeconds: 60, perIp: 30, perUsername: 10 };

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
type Outcome = Awaited<ReturnType<ReturnType<App['createRateLimit']>>>;

function enforce(reply: FastifyReply, outcome: Outcome): void {
  if (outcome.isAllowed || !outcome.isExceeded) return;
  const retryAfterSeconds = Math.max(1, outcome.ttlInSeconds);
  reply.header('x-ratelimit-limit', String(outcome.max));
  throw new DomainError('RATE_LIMITED', `Too many sign-in attempts. Try again in ${retryAfterSeconds} s.`, { extra: { retryAfterSeconds } });
}

/**
 * Hooks for POST /api/v1/session, built on @fastify/rate-limit's counters (its in-memory
 * LRU store, per process). The address is checked on arrival, before the body is read;
 * the username once the body has been validated. Every attempt counts, right or wrong.
 */
export function loginRateLimitHooks(app: App, limit: LoginRateLimit): { onRequest: Hook; preHandler: Hook } {
  const timeWindow = limit.windowSeconds * 1000;
  // The library's own key for an address: IPv4 as is, IPv6 by its /64.
  const perIp = app.createRateLimit({ max: limit.perIp, timeWindow });
  const perUsername = app.createRateLimit({
    max: limit.perUsername,
    timeWindow,
    // Runs after validation: the body's username is a string (usernames are stored lower case).
    keyGenerator: (request) => {
      const username = (request.body as { username?: unknown } | undefined)?.username;
      return `username:${typeof username === 'string' ? username.toLowerCase() : ''}`;
    },
  });
  return {
    onRequest: async (request, reply) => enforce(reply, await perIp(request)),
    preHandler: async (request, reply) => enforce(reply, await perUsername(request)),
  };
}
