import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addYears, anniversary, compareDates, IICSA_HOLD_NAME, londonDate, type CarerEndReason, type DisposalBlockerCode, type HoldScope } from '@safekeep/core';
import { teamWithStaff } from '../../test/builders.js';
import { APPROVERS, attempt, expectedApproval, roleOf, type Approver, type PendingDisposal } from '../../test/disposal-model.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { addCarerEntry, closeCarer, createCarer } from '../carers/carers.service.js';
import { decideEscalation, raiseEscalation } from '../escalations/escalations.service.js';
import { approveRelease, placeHold } from '../holds/holds.service.js';
import { approveDisposal, requestDisposal } from './disposal.service.js';

/**
 * The property of disposal.property.test.ts, for foster carers' and children's homes'
 * records (R8, R14; FSR 2011 reg 32): random histories of holds placed and released,
 * entries added, records ended, escalations, the clock moving on, and disposals asked
 * for and approved by whoever. After every step the database must show that:
 *
 *   - no carer record covered by an active hold was destroyed;
 *   - none was destroyed before its destruction date, nor while still active;
 *   - every destroyed record has its certificate and keeps no entries, allocations or name;
 *   - nothing was removed except by an executed disposal;
 *
 * and every step must succeed or be refused exactly as the model says. A model of its
 * own (carers end, children have involvements) keeps each file's model small; the
 * database, the clock and the approach are the same.
 */

type Kind = 'foster-carer' | 'childrens-home';
const CLASS: Record<Kind, string> = { 'foster-carer': 'fostering', 'childrens-home': 'childrens-home' };
/** The default schedule for these kinds (domain/retention-schedule.json, as core reads it). */
function destructionDate(c: ModelCarer): string | null {
  if (c.ended === null) return null;
  if (c.kind === 'childrens-home') return anniversary(c.lastEntryOn ?? c.ended.on, 15); // CHR reg 37, from the last entry
  const years: Record<CarerEndReason, number | null> = { 'approval-ended': 10, 'placement-ended': 10, 'application-refused-or-withdrawn': 3, closed: null }; // FSR reg 32(1)–(3)
  const y = years[c.ended.reason];
  return y === null ? null : anniversary(c.ended.on, y);
}

const HEADS = ['hos1', 'hos2', 'hos3'] as const;

interface ModelCarer {
  kind: Kind;
  ended: { on: string; reason: CarerEndReason } | null;
  lastEntryOn: string | null;
  entries: number;
  openEscalations: number;
  pending: PendingDisposal | null;
  destroyed: boolean;
}
type ScopeSpec = { kind: 'all' } | { kind: 'class'; cls: Kind } | { kind: 'carers'; carers: number[] };
interface ModelHold {
  scope: ScopeSpec;
  locked: boolean;
  approvals: string[];
  released: boolean;
}
interface Model {
  today: string;
  carers: ModelCarer[];
  holds: ModelHold[];
}
interface Real {
  carerIds: string[];
  escalationIds: string[][];
  disposalIds: Array<string | null>;
  holdIds: string[];
}

let h: Harness;
let worker: TestUser;
let manager: TestUser;
const users = {} as Record<Approver, TestUser>;

beforeAll(async () => {
  h = await startHarness();
  ({ worker, manager } = await teamWithStaff(h));
  for (const u of APPROVERS) users[u] = await h.user([roleOf(u)]);
  const { id } = await h.db.selectFrom('hold').select('id').where('name', '=', IICSA_HOLD_NAME).executeTakeFirstOrThrow();
  await h.as(users.hos1, (w) => approveRelease(w, id, { reason: 'The inquiry has reported.' }));
  await h.as(users.hos2, (w) => approveRelease(w, id, { reason: 'Agreed.' }));
});
afterAll(async () => h.close());

function covers(hold: ModelHold, index: number, c: ModelCarer): boolean {
  if (hold.released) return false;
  if (hold.scope.kind === 'all') return true;
  if (hold.scope.kind === 'class') return hold.scope.cls === c.kind;
  return hold.scope.carers.includes(index);
}

function blockers(m: Model, index: number, options: { excludePending: boolean }): DisposalBlockerCode[] {
  const c = m.carers[index] as ModelCarer;
  const out: DisposalBlockerCode[] = [];
  if (m.holds.some((hold) => covers(hold, index, c))) out.push('HOLD_BLOCKS_DISPOSAL');
  const date = destructionDate(c);
  if (date === null) out.push('RETENTION_UNDETERMINED');
  else if (compareDates(m.today, date) < 0) out.push('RETENTION_NOT_EXPIRED');
  if (c.ended === null) out.push('RECORD_STILL_OPEN');
  if (c.openEscalations > 0) out.push('OPEN_ESCALATION');
  if (c.pending !== null && !options.excludePending) out.push('DISPOSAL_PENDING');
  return out;
}

async function checkInvariants(m: Model, r: Real): Promise<void> {
  const ids = r.carerIds;
  // No hold placed before the execution and not released by then covered the record as it was classed then.
  const held = await sql<{ carer_id: string; name: string }>`
    select x.carer_id, h.name from disposal_execution x
      join hold h on h.created_at <= x.executed_at
      left join hold_release r on r.hold_id = h.id
     where x.carer_id = any(${ids}::uuid[])
       and (r.hold_id is null or r.released_at > x.executed_at)
       and (h.scope = 'all'
         or (h.scope = 'carers' and exists (select 1 from hold_subject s where s.hold_id = h.id and s.carer_id = x.carer_id))
         or (h.scope = 'record-class' and h.record_class in (select jsonb_array_elements_text(x.certificate -> 'retention' -> 'recordClasses'))))`.execute(h.db);
  expect(held.rows).toEqual([]);

  const rows = await sql<{
    id: string;
    status: string;
    name: string;
    label_status: string | null;
    label_date: string | null;
    executed_on: string | null;
    certificate: Record<string, unknown> | null;
    sha256: string | null;
    entries: number;
    versions: number;
    allocations: number;
  }>`
    select c.id, c.status, c.name, l.status as label_status, l.destruction_date::text as label_date,
           (x.executed_at at time zone 'Europe/London')::date::text as executed_on, x.certificate, x.certificate_sha256 as sha256,
           (select count(*)::int from carer_entry where carer_id = c.id) as entries,
           (select count(*)::int from carer_entry_version v join carer_entry e on e.id = v.entry_id where e.carer_id = c.id) as versions,
           (select count(*)::int from carer_allocation where carer_id = c.id) as allocations
      from carer c
      left join carer_retention_label l on l.carer_id = c.id
      left join disposal_execution x on x.carer_id = c.id
     where c.id = any(${ids}::uuid[])`.execute(h.db);
  expect(rows.rows).toHaveLength(ids.length);
  for (const row of rows.rows) {
    const c = m.carers[ids.indexOf(row.id)] as ModelCarer;
    if (row.status === 'destroyed') {
      expect(row.certificate).not.toBeNull();
      expect(createHash('sha256').update(canonicalize(row.certificate) ?? '').digest('hex')).toBe(row.sha256);
      expect((row.certificate?.['record'] as { carerId: string }).carerId).toBe(row.id);
      expect(row.label_status).toBe('determined');
      expect(compareDates(row.executed_on ?? '', row.label_date ?? '9999-12-31')).toBeGreaterThanOrEqual(0);
      expect(compareDates(row.executed_on ?? '', destructionDate(c) ?? '9999-12-31')).toBeGreaterThanOrEqual(0);
      expect(c.ended).not.toBeNull();
      expect([row.entries, row.versions, row.allocations, row.name]).toEqual([0, 0, 0, 'Destroyed record']);
      expect(c.destroyed).toBe(true);
    } else {
      expect(row.executed_on).toBeNull();
      expect({ status: row.status, entries: row.entries, versions: row.versions, allocations: row.allocations }).toEqual({
        status: c.ended === null ? 'active' : 'closed',
        entries: c.entries,
        versions: c.entries,
        allocations: 1,
      });
      const date = destructionDate(c);
      expect({ status: row.label_status === 'determined' ? 'determined' : 'undetermined', date: row.label_date }).toEqual({ status: date === null ? 'undetermined' : 'determined', date });
      expect(c.destroyed).toBe(false);
    }
  }
}

type Command = fc.AsyncCommand<Model, Real>;

async function step(m: Model, r: Real, body: () => Promise<void>): Promise<void> {
  h.clock.advance(1000);
  m.today = londonDate(h.clock.now());
  await body();
  await checkInvariants(m, r);
}

class PlaceHold implements Command {
  constructor(
    readonly scope: ScopeSpec,
    readonly locked: boolean,
  ) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const scope: HoldScope =
        this.scope.kind === 'all' ? { all: true } : this.scope.kind === 'class' ? { recordClass: CLASS[this.scope.cls] } : { carerIds: this.scope.carers.map((i) => r.carerIds[i] as string) };
      const hold = await h.as(users.hos3, (w) =>
        placeHold(w, { name: `Carer property hold ${randomBytes(6).toString('hex')}`, scope, reason: 'Generated.', authority: 'Test', ...(this.locked ? { lock: { reason: 'Generated lock.' } } : {}) }),
      );
      r.holdIds.push(hold.id);
      m.holds.push({ scope: this.scope, locked: this.locked, approvals: [], released: false });
    });
  }
  toString() {
    return `PlaceHold(${JSON.stringify(this.scope)}${this.locked ? ', locked' : ''})`;
  }
}

class ApproveHoldRelease implements Command {
  constructor(
    readonly pick: number,
    readonly head: (typeof HEADS)[number],
  ) {}
  check(m: Readonly<Model>) {
    return m.holds.length > 0;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const index = this.pick % m.holds.length;
      const hold = m.holds[index] as ModelHold;
      const expected = hold.released ? 'HOLD_RELEASED' : hold.locked ? 'HOLD_LOCKED' : hold.approvals.includes(this.head) ? 'SAME_APPROVER' : null;
      const got = await attempt(() => h.as(users[this.head], (w) => approveRelease(w, r.holdIds[index] as string, { reason: 'Generated release.' })));
      expect(got.code).toBe(expected);
      if (expected === null) {
        hold.approvals.push(this.head);
        if (hold.approvals.length === 2) hold.released = true;
      }
    });
  }
  toString() {
    return `ApproveHoldRelease(${this.pick}, ${this.head})`;
  }
}

class AddEntry implements Command {
  constructor(readonly carer: number) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const c = m.carers[this.carer] as ModelCarer;
      const got = await attempt(() => h.as(worker, (w) => addCarerEntry(w, r.carerIds[this.carer] as string, { kind: 'visit', occurredAt: h.clock.now().toISOString(), title: 'Visit', body: 'Generated.' })));
      expect(got.code).toBe(c.destroyed ? 'RECORD_DESTROYED' : null);
      if (got.code === null) {
        c.entries += 1;
        c.lastEntryOn = m.today;
      }
    });
  }
  toString() {
    return `AddEntry(${this.carer})`;
  }
}

class EndRecord implements Command {
  constructor(
    readonly carer: number,
    readonly reason: CarerEndReason,
  ) {}
  check(m: Readonly<Model>) {
    return (m.carers[this.carer] as ModelCarer).ended === null;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      await h.as(manager, (w) => closeCarer(w, r.carerIds[this.carer] as string, { endedOn: m.today, reason: this.reason }));
      (m.carers[this.carer] as ModelCarer).ended = { on: m.today, reason: this.reason };
    });
  }
  toString() {
    return `EndRecord(${this.carer}, ${this.reason})`;
  }
}

class MoveClock implements Command {
  constructor(readonly days: number) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      h.clock.advance(this.days * 86_400_000);
      m.today = londonDate(h.clock.now());
    });
  }
  toString() {
    return `MoveClock(${this.days} days)`;
  }
}

class RaiseEscalation implements Command {
  constructor(readonly carer: number) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const c = m.carers[this.carer] as ModelCarer;
      let id = '';
      const got = await attempt(async () => {
        id = (await h.as(worker, (w) => raiseEscalation(w, { subject: { carerId: r.carerIds[this.carer] as string }, question: 'Keep this?', to: 'head-of-service' }))).id;
      });
      expect(got.code).toBe(c.destroyed ? 'RECORD_DESTROYED' : null);
      if (got.code === null) {
        (r.escalationIds[this.carer] as string[]).push(id);
        c.openEscalations += 1;
      }
    });
  }
  toString() {
    return `RaiseEscalation(${this.carer})`;
  }
}

class DecideEscalation implements Command {
  constructor(readonly carer: number) {}
  check(m: Readonly<Model>) {
    return (m.carers[this.carer] as ModelCarer).openEscalations > 0;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const id = (r.escalationIds[this.carer] as string[]).shift() as string;
      await h.as(users.hos1, (w) => decideEscalation(w, id, { decision: 'Follow the schedule.' }));
      (m.carers[this.carer] as ModelCarer).openEscalations -= 1;
    });
  }
  toString() {
    return `DecideEscalation(${this.carer})`;
  }
}

class RequestDisposal implements Command {
  constructor(
    readonly carer: number,
    readonly by: Approver,
  ) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const c = m.carers[this.carer] as ModelCarer;
      const expected = c.destroyed ? [] : blockers(m, this.carer, { excludePending: false });
      let id = '';
      const got = await attempt(async () => {
        id = (await h.as(users[this.by], (w) => requestDisposal(w, { carerId: r.carerIds[this.carer], reason: 'Generated.' }))).id;
      });
      if (c.destroyed) expect(got.code).toBe('RECORD_DESTROYED');
      else if (expected.length === 0) expect(got.code).toBeNull();
      else expect(got.blockers).toEqual(expected);
      if (got.code === null) {
        expect(expected).toEqual([]);
        c.pending = { requestedBy: this.by, approvals: [] };
        r.disposalIds[this.carer] = id;
      }
    });
  }
  toString() {
    return `RequestDisposal(${this.carer}, ${this.by})`;
  }
}

class ApproveDisposal implements Command {
  constructor(
    readonly pick: number,
    readonly by: Approver,
  ) {}
  check(m: Readonly<Model>) {
    return m.carers.some((c) => c.pending !== null);
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const waiting = m.carers.flatMap((c, i) => (c.pending === null ? [] : [i]));
      const index = waiting[this.pick % waiting.length] as number;
      const c = m.carers[index] as ModelCarer;
      const p = c.pending as NonNullable<ModelCarer['pending']>;
      const found = blockers(m, index, { excludePending: true });
      const expected = expectedApproval(p, this.by, found);
      const got = await attempt(() => h.as(users[this.by], (w) => approveDisposal(w, r.disposalIds[index] as string, h.blobs)));
      if (expected === 'blocked') expect(got.blockers).toEqual(found);
      else expect(got.code).toBe(expected);
      if (expected === null) {
        p.approvals.push(this.by);
        if (p.approvals.length === 2) {
          c.destroyed = true;
          c.pending = null;
        }
      }
    });
  }
  toString() {
    return `ApproveDisposal(${this.pick}, ${this.by})`;
  }
}

const CARERS = 3;
const carerIndex = fc.nat(CARERS - 1);
const approver = fc.constantFrom(...APPROVERS);
const endReason = fc.constantFrom<CarerEndReason>('approval-ended', 'approval-ended', 'placement-ended', 'application-refused-or-withdrawn', 'closed');
const generatedCarer = fc.record({
  kind: fc.constantFrom<Kind>('foster-carer', 'foster-carer', 'childrens-home'),
  // Ended this many years ago (0: still active), with an entry this many years before that.
  endedYearsAgo: fc.constantFrom(0, 1, 9, 12, 12, 20, 20),
  entryYearsBefore: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
  reason: endReason,
});
const scope: fc.Arbitrary<ScopeSpec> = fc.oneof(
  fc.constant({ kind: 'all' as const }),
  fc.constantFrom<Kind>('foster-carer', 'childrens-home').map((cls) => ({ kind: 'class' as const, cls })),
  fc.uniqueArray(carerIndex, { minLength: 1, maxLength: CARERS }).map((carers) => ({ kind: 'carers' as const, carers })),
);
const requesting = fc.tuple(carerIndex, approver).map(([c, by]) => new RequestDisposal(c, by));
const approving = fc.tuple(fc.nat(5), approver).map(([pick, by]) => new ApproveDisposal(pick, by));
const releasing = fc.tuple(fc.nat(20), fc.constantFrom(...HEADS)).map(([pick, head]) => new ApproveHoldRelease(pick, head));
const commands = fc.array(
  fc.oneof(
    // Only a hold naming this run's carers is ever locked: it must not outlive the run elsewhere.
    fc.tuple(scope, fc.boolean()).map(([s, lock]) => new PlaceHold(s, lock && s.kind === 'carers')),
    releasing,
    releasing,
    releasing,
    carerIndex.map((c) => new AddEntry(c)),
    fc.tuple(carerIndex, endReason).map(([c, reason]) => new EndRecord(c, reason)),
    fc.constantFrom(1, 40, 400, 4000).map((d) => new MoveClock(d)),
    carerIndex.map((c) => new RaiseEscalation(c)),
    carerIndex.map((c) => new DecideEscalation(c)),
    carerIndex.map((c) => new DecideEscalation(c)),
    requesting,
    requesting,
    requesting,
    approving,
    approving,
    approving,
    approving,
    approving,
  ),
  { minLength: 20, maxLength: 40 },
);

describe('carer and home records: holds, dates and approvals over random histories (property)', () => {
  it('never destroys a held carer record, an active one or one before its date, always leaves a certificate, and removes nothing otherwise', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(generatedCarer, { minLength: CARERS, maxLength: CARERS }), commands, async (generated, cmds) => {
        h.clock.advance(86_400_000);
        const today = londonDate(h.clock.now());
        const model: Model = { today, carers: [], holds: [] };
        const real: Real = { carerIds: [], escalationIds: [], disposalIds: [], holdIds: [] };
        try {
          for (const g of generated) {
            const carer = await h.as(worker, (w) => createCarer(w, { kind: g.kind, name: `Carer ${randomBytes(4).toString('hex')}` }));
            const endedOn = g.endedYearsAgo === 0 ? null : addYears(today, -g.endedYearsAgo);
            const m: ModelCarer = { kind: g.kind, ended: null, lastEntryOn: null, entries: 0, openEscalations: 0, pending: null, destroyed: false };
            if (g.entryYearsBefore !== null) {
              const on = addYears(endedOn ?? today, -g.entryYearsBefore);
              await h.as(worker, (w) => addCarerEntry(w, carer.id, { kind: 'case-note', occurredAt: `${on}T00:30:00Z`, title: 'Earlier note', body: 'Generated.' }));
              m.entries = 1;
              m.lastEntryOn = on;
            }
            if (endedOn !== null) {
              await h.as(manager, (w) => closeCarer(w, carer.id, { endedOn, reason: g.reason }));
              m.ended = { on: endedOn, reason: g.reason };
            }
            real.carerIds.push(carer.id);
            real.escalationIds.push([]);
            real.disposalIds.push(null);
            model.carers.push(m);
          }
          await checkInvariants(model, real);
          for (const cmd of cmds) if (cmd.check(model)) await cmd.run(model, real);
        } finally {
          for (const holdId of real.holdIds) {
            const state = await h.db
              .selectFrom('hold as x')
              .leftJoin('hold_lock as l', 'l.hold_id', 'x.id')
              .leftJoin('hold_release as r', 'r.hold_id', 'x.id')
              .select(['l.hold_id as locked', 'r.hold_id as released'])
              .where('x.id', '=', holdId)
              .executeTakeFirstOrThrow();
            if (state.locked !== null || state.released !== null) continue;
            const given = (await h.db.selectFrom('hold_release_approval').select('approver_id').where('hold_id', '=', holdId).execute()).map((a) => a.approver_id);
            for (const head of HEADS.filter((x) => !given.includes(users[x].id)).slice(0, 2 - given.length)) {
              await h.as(users[head], (w) => approveRelease(w, holdId, { reason: 'End of run.' }));
            }
          }
        }
      }),
      { numRuns: 20 },
    );
  });
});
