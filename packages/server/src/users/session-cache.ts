import type { Actor } from '@safekeep/core';

interface Cached {
  actor: Actor;
  lastSeenAt: number;
  expiresAt: number;
  checkedAt: number;
}

/**
 * Remembers, for a few seconds, who a bearer token belongs to, so a busy client does not
 * pay a database round trip per request. Signing out, deactivating or changing a user
 * forgets them at once in this process; another process serving the same PostgreSQL
 * database notices within `ttlMs` (5 s by default).
 */
export class SessionCache {
  readonly #entries = new Map<string, Cached>();

  constructor(
    readonly ttlMs = 5_000,
    readonly max = 10_000,
  ) {}

  get(key: string, now: number): Cached | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    if (now - hit.checkedAt >= this.ttlMs || now < hit.checkedAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit;
  }

  set(key: string, value: Cached): void {
    if (this.#entries.size >= this.max) this.#entries.clear();
    this.#entries.set(key, value);
  }

  forgetSession(sessionId: string): void {
    for (const [key, value] of this.#entries) if (value.actor.sessionId === sessionId) this.#entries.delete(key);
  }

  forgetUser(userId: string): void {
    for (const [key, value] of this.#entries) if (value.actor.userId === userId) this.#entries.delete(key);
  }
}
