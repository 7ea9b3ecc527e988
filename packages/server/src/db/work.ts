import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { londonDate, SYSTEM_ACTOR, type Actor, type AuditEventInput, type AuditRecord, type Clock, type WorkingDayCalendar } from '@safekeep/core';
import { CalendarCache } from '../calendar/calendar.repository.js';
import { appendAuditRecords } from '../audit/audit.repository.js';
import { translateDatabaseError } from './errors.js';
import type { DB } from './schema.js';

/**
 * A unit of work: one acting user, one instant, and normally one transaction. Services
 * receive it as their first argument, check access before touching data, and note
 * audit events on it; the events are chained into the audit trail inside the same
 * transaction, just before it commits. A change and its audit event are committed
 * together or not at all.
 *
 * A unit may instead run without a transaction (`{ transaction: false }`) when it is
 * read-only, or when its one change is a single statement that writes its own audit
 * event (see auditEventCtes): a single statement is atomic by itself, and skipping
 * BEGIN and COMMIT saves two round trips on the busiest paths. Events noted with
 * `audit()` in such a unit are appended afterwards, one atomic statement each.
 */
export interface Work {
  readonly actor: Actor;
  readonly db: Kysely<DB>;
  /** Whether `db` is a transaction (false: each statement commits on its own). */
  readonly transactional: boolean;
  /** The instant of this request; every timestamp written by it is this one. */
  readonly now: Date;
  /** Today in Europe/London. */
  readonly today: string;
  readonly requestId: string | null;
  /** The authority's working-day calendar (its nation's bank holidays). */
  calendar(): Promise<WorkingDayCalendar>;
  /** Notes that this work read or changed this child's record (kept with an idempotent reply). */
  touches(childId: string): void;
  /** The children this work has read or changed so far. */
  subjects(): string[];
  /** Records an event to be committed with the change. */
  audit(event: AuditEventInput): void;
  /** Records a refused attempt: it is kept even though the work is rolled back. */
  auditDenied(event: AuditEventInput): void;
  /**
   * Appends an event to the chain now, inside this transaction, and returns its position
   * (for records that must cite it, such as a destruction certificate).
   */
  auditNow(event: AuditEventInput): Promise<number>;
  /** Runs once the change has committed (e.g. removing files no row refers to any more); failures are left to housekeeping. */
  afterCommit(fn: (db: Kysely<DB>) => Promise<void>): void;
}

export interface WorkContext {
  actor: Actor;
  requestId: string | null;
}

export interface RunOptions {
  /** Default true. See Work. */
  transaction?: boolean;
}

export class WorkRunner {
  readonly calendars: CalendarCache;

  constructor(
    readonly db: Kysely<DB>,
    readonly clock: Clock,
    calendars?: CalendarCache,
  ) {
    this.calendars = calendars ?? new CalendarCache(db);
  }

  async run<T>(ctx: WorkContext, fn: (work: Work) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const now = this.clock.now();
    const denied: AuditEventInput[] = [];
    const events: AuditEventInput[] = [];
    const subjects = new Set<string>();
    const afterCommit: Array<(db: Kysely<DB>) => Promise<void>> = [];
    const make = (db: Kysely<DB>, transactional: boolean): Work => ({
      actor: ctx.actor,
      db,
      transactional,
      now,
      today: londonDate(now),
      requestId: ctx.requestId,
      calendar: () => this.calendars.get(db),
      touches: (childId) => void subjects.add(childId.toLowerCase()),
      subjects: () => [...subjects],
      audit: (e) => {
        for (const id of e.childIds ?? []) subjects.add(id.toLowerCase());
        events.push(e);
      },
      auditDenied: (e) => void denied.push({ ...e, outcome: 'denied' }),
      auditNow: async (e) => {
        if (!transactional) throw new Error('auditNow needs a transaction');
        for (const id of e.childIds ?? []) subjects.add(id.toLowerCase());
        return appendAuditRecords(db, [auditRecord(e, ctx, now)]);
      },
      afterCommit: (f) => void afterCommit.push(f),
    });
    const settle = async () => {
      for (const f of afterCommit) await f(this.db).catch(() => undefined);
    };
    try {
      if (options.transaction === false) {
        const result = await fn(make(this.db, false));
        await appendAuditRecords(this.db, [...events, ...denied].map((e) => auditRecord(e, ctx, now)));
        await settle();
        return result;
      }
      const result = await this.db.transaction().execute(async (tx) => {
        const value = await fn(make(tx, true));
        // Refusals noted on work that still succeeded are committed with it, in order.
        await appendAuditRecords(tx, [...events, ...denied].map((e) => auditRecord(e, ctx, now)));
        return value;
      });
      await settle();
      return result;
    } catch (error) {
      if (denied.length > 0) {
        await this.db.transaction().execute((tx) => appendAuditRecords(tx, denied.map((e) => auditRecord(e, ctx, now))));
      }
      throw translateDatabaseError(error);
    }
  }
}

/** The audit record for an event noted on this unit of work. */
export function auditRecordFor(w: Pick<Work, 'actor' | 'now' | 'requestId'>, e: AuditEventInput): Omit<AuditRecord, 'seq'> {
  return auditRecord(e, { actor: w.actor, requestId: w.requestId }, w.now);
}

function auditRecord(e: AuditEventInput, ctx: WorkContext, at: Date): Omit<AuditRecord, 'seq'> {
  return {
    id: randomUUID(),
    at: at.toISOString(),
    actorId: ctx.actor.userId === SYSTEM_ACTOR.userId ? null : ctx.actor.userId,
    action: e.action,
    outcome: e.outcome ?? 'allowed',
    basis: e.basis ?? null,
    // The database stores uuid columns in lower case; hash them as stored.
    childIds: (e.childIds ?? []).map((id) => id.toLowerCase()),
    entityType: e.entityType ?? null,
    entityId: e.entityId?.toLowerCase() ?? null,
    requestId: ctx.requestId,
    detail: { ...(e.detail ?? {}) },
  };
}

/** The acting user's id for `created_by` columns; null when the system itself acts. */
export function actorRef(w: Pick<Work, 'actor'>): string | null {
  return w.actor.userId === SYSTEM_ACTOR.userId ? null : w.actor.userId;
}
