import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import { DomainError, invalid } from '@safekeep/core';
import type { Work, WorkRunner } from '../db/work.js';
import { requireChildAccess } from '../access/child-access.js';
import { workContext } from './context.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** A fingerprint of what was asked: method, route, path parameters, query and body. */
export function requestFingerprint(request: FastifyRequest, body: unknown = request.body): string {
  const text = canonicalize({
    method: request.method,
    route: request.routeOptions.url ?? '',
    params: request.params ?? null,
    query: request.query ?? null,
    body: body ?? null,
  });
  return createHash('sha256').update(text ?? '').digest('hex');
}

/** A read: no transaction (each statement sees committed data; the audit event is one atomic statement). */
export function read<T>(runner: WorkRunner, request: FastifyRequest, fn: (w: Work) => Promise<T>): Promise<T> {
  return runner.run(workContext(request), fn, { transaction: false });
}

/**
 * Runs a route's work in one transaction and sends its result with `status`. A mutating
 * request may carry `Idempotency-Key`: its response is stored in the same transaction as
 * the change, so a repeat with the same key and the same request replays that response
 * and writes nothing; the same key with a different request is refused.
 */
export async function respond<T>(
  runner: WorkRunner,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  fn: (w: Work) => Promise<T>,
  options: { fingerprint?: string; transaction?: boolean } = {},
): Promise<FastifyReply> {
  const ctx = workContext(request);
  const rawKey = request.headers['idempotency-key'];
  if (rawKey === undefined || request.method === 'GET') {
    return reply.code(status).send(await runner.run(ctx, fn, { transaction: options.transaction !== false }));
  }
  // With a key, the stored response must commit with the change: always a transaction.
  const key = Array.isArray(rawKey) ? rawKey[0] : rawKey;
  if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
    throw invalid({ field: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' });
  }
  const fingerprint = options.fingerprint ?? requestFingerprint(request);
  type Outcome = { replay: { status: number; body: string } } | { value: T };
  const outcome = await runner.run<Outcome>(ctx, async (w) => {
    // Requests with the same key queue here, so a repeat sent while the first is still
    // running waits for it and then replays its answer.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`idempotency:${ctx.actor.userId}:${key}`}, 0))`.execute(w.db);
    const stored = await w.db
      .selectFrom('idempotency_record')
      .select(['request_hash', 'status', 'body', 'child_ids'])
      .where('user_id', '=', ctx.actor.userId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (stored !== undefined) {
      if (stored.request_hash !== fingerprint) {
        throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request. Use a new key for a new request.', {
          fields: [{ field: 'Idempotency-Key', message: 'was used for a different request' }],
        });
      }
      // The reply may show a child's record: only to someone who may still see it, and audited.
      for (const childId of stored.child_ids) await requireChildAccess(w, childId, 'request.replay');
      if (stored.child_ids.length > 0) w.audit({ action: 'request.replay', childIds: stored.child_ids, detail: { status: stored.status } });
      return { replay: { status: stored.status, body: stored.body } };
    }
    const value = await fn(w);
    await w.db
      .insertInto('idempotency_record')
      .values({
        user_id: ctx.actor.userId,
        key,
        method: request.method,
        path: request.url.split('?')[0] ?? '',
        request_hash: fingerprint,
        status,
        body: JSON.stringify(value),
        created_at: w.now,
        child_ids: w.subjects(),
      })
      .execute();
    return { value };
  });
  if ('replay' in outcome) return reply.code(outcome.replay.status).header('idempotent-replayed', 'true').send(JSON.parse(outcome.replay.body));
  return reply.code(status).send(outcome.value);
}
