import { describe, expect, it } from 'vitest';
import type { Actor } from '@safekeep/core';
import { SessionCache } from './session-cache.js';

const actor = (userId: string, sessionId: string): Actor => ({ userId, username: 'u', displayName: 'U', roles: ['social-worker'], teamId: null, sessionId });
const entry = (a: Actor) => ({ actor: a, lastSeenAt: 1_000, expiresAt: 100_000, checkedAt: 1_000 });

describe('the session cache', () => {
  it('forgets a deactivated user’s sessions, and a lookup that began before the forget cannot put them back', () => {
    const cache = new SessionCache();
    const a = actor('user-a', 'session-1');
    cache.set('k1', entry(a), cache.generation);
    cache.set('k2', entry(actor('user-b', 'session-2')), cache.generation);
    expect(cache.get('k1', 1_500)?.actor).toEqual(a);

    // A request read the session from the database (user still active)…
    const startedAt = cache.generation;
    // …then the user was deactivated and forgotten before that request cached its answer.
    cache.forgetUser('user-a');
    cache.set('k1', entry(a), startedAt);
    expect(cache.get('k1', 1_500)).toBeUndefined();
    expect(cache.get('k2', 1_500)?.actor.userId).toBe('user-b');

    // Lookups that begin afterwards cache as usual.
    cache.set('k3', entry(actor('user-c', 'session-3')), cache.generation);
    expect(cache.get('k3', 1_500)?.actor.userId).toBe('user-c');
  });

  it('does the same for a signed-out session', () => {
    const cache = new SessionCache();
    const startedAt = cache.generation;
    cache.forgetSession('session-1');
    cache.set('k1', entry(actor('user-a', 'session-1')), startedAt);
    expect(cache.get('k1', 1_500)).toBeUndefined();
  });
});
