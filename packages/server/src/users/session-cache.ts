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
  /** Bumped by every forget: a lookup that began before one must not cache what it read. */
  #generation = 0;

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

  /** Take before reading the database; pass to set() after. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Remembers an entry read from the database, unless a session or user was forgotten
   * since `generation` was taken: that read may predate a sign-out or deactivation.
   */
  set(key: string, value: Cached, generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#entries.size >= this.max) this.#entries.clear();
    this.#entries.set(key, value);
  }

  forgetSession(sessionId: string): void {
    this.#generation += 1;
    for (const [key, value] of this.#entries) if (value.actor.sessionId === sessionId) this.#entries.delete(key);
  }

  forgetUser(userId: string): void {
    this.#generation += 1;
    for (const [key, value] of this.#entries) if (value.actor.userId === userId) this.#entries.delete(key);
  }
}
