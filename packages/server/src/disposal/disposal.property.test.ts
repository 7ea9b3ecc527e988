import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addYears, anniversary, compareDates, IICSA_HOLD_NAME, londonDate, type DisposalBlockerCode, type HoldScope } from '@safekeep/core';
import { teamWithStaff } from '../../test/builders.js';
import { APPROVERS, attempt, expectedApproval, roleOf, type Approver, type PendingDisposal } from '../../test/disposal-model.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';
import { createChild as createChildService, correctChild } from '../children/children.service.js';
import { addInvolvement, closeInvolvement } from '../children/involvements.service.js';
import { correctEntry, createEntry } from '../entries/entries.service.js';
import { decideEscalation, raiseEscalation } from '../escalations/escalations.service.js';
import { approveRelease, placeHold } from '../holds/holds.service.js';
import { approveDisposal, requestDisposal } from './disposal.service.js';

/**
 * Random sequences of what happens to a few records over the years (holds placed and
 * released, entries added and corrected, dates of birth corrected, involvements closed,
 * escalations, the clock moving on, disposals asked for and approved by whoever) run
 * against a model of the rules. After every step the database must show that:
 *
 *   - no record covered by an active hold was destroyed;
 *   - no record was destroyed before its destruction date;
 *   - every destroyed record has its certificate;
 *   - nothing was removed except by an executed disposal;
 *
 * and every step must succeed or be refused exactly as the model says.
 *
 * One database serves every run (a fresh one costs seconds): the IICSA hold is released
 * once, by two heads of service, as the design allows; each run works on its own new
 * children, and releases the holds it placed when it ends (its locked holds name only its
 * own children). The clock only moves forward, one second per step and more when a step
 * moves it, so every row's time orders the steps.
 */

const KINDS = ['child-in-need', 'child-protection', 'education-welfare'] as const;
type Kind = (typeof KINDS)[number];
/** The default schedule (domain/retention-schedule.json) for these classes. */
const RULE: Record<Kind, { from: 'birth' | 'closure'; years: number }> = {
  'child-in-need': { from: 'birth', years: 30 },
  'education-welfare': { from: 'birth', years: 25 },
  'child-protection': { from: 'closure', years: 35 },
};

const HEADS = ['hos1', 'hos2', 'hos3'] as const;

interface ModelInvolvement {
  kind: Kind;
  start: string;
  end: string | null;
}
interface ModelChild {
  dob: string;
  involvements: ModelInvolvement[];
  entries: number;
  entryVersions: number;
  childVersions: number;
  openEscalations: number;
  pending: PendingDisposal | null;
  destroyed: boolean;
}
type ScopeSpec = { kind: 'all' } | { kind: 'class'; cls: Kind } | { kind: 'children'; children: number[] };
interface ModelHold {
  scope: ScopeSpec;
  locked: boolean;
  approvals: string[];
  released: boolean;
}
interface Model {
  today: string;
  children: ModelChild[];
  holds: ModelHold[];
}
interface Real {
  childIds: string[];
  involvementIds: string[][];
  entryIds: string[][];
  escalationIds: string[][];
  disposalIds: Array<string | null>;
  holdIds: string[];
}

let h: Harness;
let worker: TestUser;
const users = {} as Record<Approver, TestUser>;

beforeAll(async () => {
  h = await startHarness();
  ({ worker } = await teamWithStaff(h));
  for (const u of APPROVERS) users[u] = await h.user([roleOf(u)]);
  const { id } = await h.db.selectFrom('hold').select('id').where('name', '=', IICSA_HOLD_NAME).executeTakeFirstOrThrow();
  await h.as(users.hos1, (w) => approveRelease(w, id, { reason: 'The inquiry has reported.' }));
  await h.as(users.hos2, (w) => approveRelease(w, id, { reason: 'Agreed.' }));
});
afterAll(async () => h.close());

// ---- the model's rules -------------------------------------------------------------

function classesOf(c: ModelChild): Kind[] {
  return [...new Set(c.involvements.map((i) => i.kind))];
}

/** The destruction date the schedule gives, or null while undetermined (no rule, or waiting for a closure). */
function destructionDate(c: ModelChild): string | null {
  if (c.involvements.length === 0) return null;
  let latest: string | null = null;
  for (const kind of classesOf(c)) {
    const rule = RULE[kind];
    let date: string;
    if (rule.from === 'birth') date = anniversary(c.dob, rule.years);
    else {
      const these = c.involvements.filter((i) => i.kind === kind);
      if (these.some((i) => i.end === null)) return null;
      const closed = these.map((i) => i.end as string).sort(compareDates).at(-1) as string;
      date = anniversary(closed, rule.years);
    }
    if (latest === null || compareDates(date, latest) > 0) latest = date;
  }
  return latest;
}

function covers(hold: ModelHold, index: number, c: ModelChild): boolean {
  if (hold.released) return false;
  if (hold.scope.kind === 'all') return true;
  if (hold.scope.kind === 'class') return classesOf(c).includes(hold.scope.cls);
  return hold.scope.children.includes(index);
}

function blockers(m: Model, index: number, options: { excludePending: boolean }): DisposalBlockerCode[] {
  const c = m.children[index] as ModelChild;
  const out: DisposalBlockerCode[] = [];
  if (m.holds.some((hold) => covers(hold, index, c))) out.push('HOLD_BLOCKS_DISPOSAL');
  const date = destructionDate(c);
  if (date === null) out.push('RETENTION_UNDETERMINED');
  else if (compareDates(m.today, date) < 0) out.push('RETENTION_NOT_EXPIRED');
  if (c.involvements.some((i) => i.end === null)) out.push('OPEN_INVOLVEMENT');
  if (c.openEscalations > 0) out.push('OPEN_ESCALATION');
  if (c.pending !== null && !options.excludePending) out.push('DISPOSAL_PENDING');
  return out;
}

// ---- what the database must show after every step ----------------------------------

async function checkInvariants(m: Model, r: Real): Promise<void> {
  const ids = r.childIds;
  // No record covered by an active hold was destroyed: no hold placed before the
  // execution and not released by then covered the record as it was classed then.
  const held = await sql<{ child_id: string; name: string }>`
    select x.child_id, h.name from disposal_execution x
      join hold h on h.created_at <= x.executed_at
      left join hold_release r on r.hold_id = h.id
     where x.child_id = any(${ids}::uuid[])
       and (r.hold_id is null or r.released_at > x.executed_at)
       and (h.scope = 'all'
         or (h.scope = 'children' and exists (select 1 from hold_subject s where s.hold_id = h.id and s.child_id = x.child_id))
         or (h.scope = 'record-class' and h.record_class in (select jsonb_array_elements_text(x.certificate -> 'retention' -> 'recordClasses'))))`.execute(h.db);
  expect(held.rows).toEqual([]);

  const rows = await sql<{
    child_id: string;
    status: string;
    label_status: string | null;
    label_date: string | null;
    executed_on: string | null;
    certificate: Record<string, unknown> | null;
    sha256: string | null;
    child: number;
    child_versions: number;
    entries: number;
    entry_versions: number;
    involvements: number;
    allocations: number;
  }>`
    select r.child_id, r.status, l.status as label_status, l.destruction_date::text as label_date,
           (x.executed_at at time zone 'Europe/London')::date::text as executed_on, x.certificate, x.certificate_sha256 as sha256,
           (select count(*)::int from child where id = r.child_id) as child,
           (select count(*)::int from child_version where child_id = r.child_id) as child_versions,
           (select count(*)::int from entry where child_id = r.child_id) as entries,
           (select count(*)::int from entry_version v join entry e on e.id = v.entry_id where e.child_id = r.child_id) as entry_versions,
           (select count(*)::int from involvement where child_id = r.child_id) as involvements,
           (select count(*)::int from allocation where child_id = r.child_id) as allocations
      from case_record r
      left join retention_label l on l.child_id = r.child_id
      left join disposal_execution x on x.child_id = r.child_id
     where r.child_id = any(${ids}::uuid[])`.execute(h.db);
  expect(rows.rows).toHaveLength(ids.length);
  for (const row of rows.rows) {
    const c = m.children[ids.indexOf(row.child_id)] as ModelChild;
    if (row.status === 'destroyed') {
      // Every destroyed record has its certificate, intact, and was destroyed on or after its date.
      expect(row.certificate).not.toBeNull();
      expect(createHash('sha256').update(canonicalize(row.certificate) ?? '').digest('hex')).toBe(row.sha256);
      expect((row.certificate?.['record'] as { childId: string }).childId).toBe(row.child_id);
      expect(row.label_status).toBe('determined');
      expect(compareDates(row.executed_on ?? '', row.label_date ?? '9999-12-31')).toBeGreaterThanOrEqual(0);
      expect(compareDates(row.executed_on ?? '', destructionDate(c) ?? '9999-12-31')).toBeGreaterThanOrEqual(0);
      expect([row.child, row.child_versions, row.entries, row.entry_versions, row.involvements, row.allocations]).toEqual([0, 0, 0, 0, 0, 0]);
      expect(c.destroyed).toBe(true);
    } else {
      // Nothing was removed except by an executed disposal: the record holds all the model says.
      expect(row.executed_on).toBeNull();
      expect({ status: row.status, child: row.child, childVersions: row.child_versions, entries: row.entries, entryVersions: row.entry_versions, involvements: row.involvements, allocations: row.allocations }).toEqual({
        status: 'open',
        child: 1,
        childVersions: c.childVersions,
        entries: c.entries,
        entryVersions: c.entryVersions,
        involvements: c.involvements.length,
        allocations: 1,
      });
      // The database's destruction date is the one the schedule gives.
      const date = destructionDate(c);
      expect({ status: row.label_status === 'determined' ? 'determined' : 'undetermined', date: row.label_date }).toEqual({ status: date === null ? 'undetermined' : 'determined', date });
      expect(c.destroyed).toBe(false);
    }
  }
}

// ---- the steps ---------------------------------------------------------------------

type Command = fc.AsyncCommand<Model, Real>;

/** Every step moves the clock a second, so the times of rows order the steps. */
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
        this.scope.kind === 'all' ? { all: true } : this.scope.kind === 'class' ? { recordClass: this.scope.cls } : { childIds: this.scope.children.map((i) => r.childIds[i] as string) };
      const hold = await h.as(users.hos3, (w) =>
        placeHold(w, { name: `Property hold ${randomBytes(6).toString('hex')}`, scope, reason: 'Generated.', authority: 'Test', ...(this.locked ? { lock: { reason: 'Generated lock.' } } : {}) }),
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
  constructor(readonly child: number) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const c = m.children[this.child] as ModelChild;
      let id = '';
      const got = await attempt(async () => {
        id = (await h.as(worker, (w) => createEntry(w, r.childIds[this.child] as string, { kind: 'case-note', occurredAt: h.clock.now().toISOString(), title: 'Visit', body: 'Generated.' }))).id;
      });
      expect(got.code).toBe(c.destroyed ? 'RECORD_DESTROYED' : null);
      if (got.code === null) {
        (r.entryIds[this.child] as string[]).push(id);
        c.entries += 1;
        c.entryVersions += 1;
      }
    });
  }
  toString() {
    return `AddEntry(${this.child})`;
  }
}

class CorrectEntry implements Command {
  constructor(
    readonly child: number,
    readonly pick: number,
  ) {}
  check(m: Readonly<Model>) {
    const c = m.children[this.child] as ModelChild;
    return !c.destroyed && c.entries > 0;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const entries = r.entryIds[this.child] as string[];
      // Each correction says something new: one that changes nothing is refused.
      await h.as(worker, (w) => correctEntry(w, entries[this.pick % entries.length] as string, { body: `Corrected ${randomBytes(4).toString('hex')}.`, reason: 'Generated correction.' }));
      (m.children[this.child] as ModelChild).entryVersions += 1;
    });
  }
  toString() {
    return `CorrectEntry(${this.child}, ${this.pick})`;
  }
}

class CorrectDateOfBirth implements Command {
  constructor(
    readonly child: number,
    readonly yearsAgo: number,
    readonly month: number,
    readonly day: number,
  ) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const c = m.children[this.child] as ModelChild;
      const dob = `${Number(m.today.slice(0, 4)) - this.yearsAgo}-${String(this.month).padStart(2, '0')}-${String(this.day).padStart(2, '0')}`;
      const got = await attempt(() => h.as(worker, (w) => correctChild(w, r.childIds[this.child] as string, { dateOfBirth: dob, reason: 'Birth certificate seen.' })));
      expect(got.code).toBe(c.destroyed ? 'RECORD_DESTROYED' : null);
      if (got.code === null) {
        c.dob = dob;
        c.childVersions += 1;
      }
    });
  }
  toString() {
    return `CorrectDateOfBirth(${this.child}, ${this.yearsAgo} years ago, ${this.month}/${this.day})`;
  }
}

class CloseInvolvement implements Command {
  constructor(readonly child: number) {}
  check(m: Readonly<Model>) {
    const c = m.children[this.child] as ModelChild;
    return !c.destroyed && c.involvements.some((i) => i.end === null);
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const c = m.children[this.child] as ModelChild;
      const index = c.involvements.findIndex((i) => i.end === null);
      await h.as(worker, (w) => closeInvolvement(w, (r.involvementIds[this.child] as string[])[index] as string, m.today));
      (c.involvements[index] as ModelInvolvement).end = m.today;
    });
  }
  toString() {
    return `CloseInvolvement(${this.child})`;
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
  constructor(readonly child: number) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const c = m.children[this.child] as ModelChild;
      let id = '';
      const got = await attempt(async () => {
        id = (await h.as(worker, (w) => raiseEscalation(w, { subject: { childId: r.childIds[this.child] as string }, question: 'Keep this?', to: 'head-of-service' }))).id;
      });
      expect(got.code).toBe(c.destroyed ? 'RECORD_DESTROYED' : null);
      if (got.code === null) {
        (r.escalationIds[this.child] as string[]).push(id);
        c.openEscalations += 1;
      }
    });
  }
  toString() {
    return `RaiseEscalation(${this.child})`;
  }
}

class DecideEscalation implements Command {
  constructor(readonly child: number) {}
  check(m: Readonly<Model>) {
    return (m.children[this.child] as ModelChild).openEscalations > 0;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const id = (r.escalationIds[this.child] as string[]).shift() as string;
      await h.as(users.hos1, (w) => decideEscalation(w, id, { decision: 'Follow the schedule.' }));
      (m.children[this.child] as ModelChild).openEscalations -= 1;
    });
  }
  toString() {
    return `DecideEscalation(${this.child})`;
  }
}

class RequestDisposal implements Command {
  constructor(
    readonly child: number,
    readonly by: Approver,
  ) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      const c = m.children[this.child] as ModelChild;
      const expected = c.destroyed ? [] : blockers(m, this.child, { excludePending: false });
      let id = '';
      const got = await attempt(async () => {
        id = (await h.as(users[this.by], (w) => requestDisposal(w, { childId: r.childIds[this.child], reason: 'Generated.' }))).id;
      });
      if (c.destroyed) expect(got.code).toBe('RECORD_DESTROYED');
      else if (expected.length === 0) expect(got.code).toBeNull();
      else expect(got.blockers).toEqual(expected);
      if (got.code === null) {
        expect(expected).toEqual([]);
        c.pending = { requestedBy: this.by, approvals: [] };
        r.disposalIds[this.child] = id;
      }
    });
  }
  toString() {
    return `RequestDisposal(${this.child}, ${this.by})`;
  }
}

class ApproveDisposal implements Command {
  constructor(
    readonly pick: number,
    readonly by: Approver,
  ) {}
  check(m: Readonly<Model>) {
    return m.children.some((c) => c.pending !== null);
  }
  async run(m: Model, r: Real) {
    await step(m, r, async () => {
      // One of the disposals awaiting approval.
      const waiting = m.children.flatMap((c, i) => (c.pending === null ? [] : [i]));
      const child = waiting[this.pick % waiting.length] as number;
      const c = m.children[child] as ModelChild;
      const p = c.pending as NonNullable<ModelChild['pending']>;
      const found = blockers(m, child, { excludePending: true });
      const expected = expectedApproval(p, this.by, found);
      const got = await attempt(() => h.as(users[this.by], (w) => approveDisposal(w, r.disposalIds[child] as string, h.blobs)));
      if (expected === 'blocked') expect(got.blockers).toEqual(found);
      else expect(got.code).toBe(expected);
      if (expected === null) {
        p.approvals.push(this.by);
        if (p.approvals.length === 2) {
          // The model keeps the record's facts: the invariants compare the day it went with its date.
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

// ---- generators ----------------------------------------------------------------------

const CHILDREN = 3;
const childIndex = fc.nat(CHILDREN - 1);
const approver = fc.constantFrom(...APPROVERS);
const generatedChild = fc.record({
  yearsAgo: fc.integer({ min: 20, max: 80 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  involvements: fc.array(fc.record({ kind: fc.constantFrom<Kind>('child-in-need', 'child-in-need', 'education-welfare', 'child-protection'), open: fc.constantFrom(false, false, false, false, false, true), years: fc.integer({ min: 1, max: 14 }) }), { minLength: 1, maxLength: 2 }),
});
const scope: fc.Arbitrary<ScopeSpec> = fc.oneof(
  fc.constant({ kind: 'all' as const }),
  fc.constantFrom(...KINDS).map((cls) => ({ kind: 'class' as const, cls })),
  fc.uniqueArray(childIndex, { minLength: 1, maxLength: CHILDREN }).map((children) => ({ kind: 'children' as const, children })),
);
const placing = fc.tuple(scope, fc.boolean()).map(([s, lock]) => new PlaceHold(s, lock && s.kind === 'children'));
const releasing = fc.tuple(fc.nat(20), fc.constantFrom(...HEADS)).map(([pick, head]) => new ApproveHoldRelease(pick, head));
const requesting = fc.tuple(childIndex, approver).map(([c, by]) => new RequestDisposal(c, by));
const approving = fc.tuple(fc.nat(5), approver).map(([pick, by]) => new ApproveDisposal(pick, by));
const commands = fc.array(
  fc.oneof(
    // Only a hold naming this run's children is ever locked: it must not outlive the run elsewhere.
    placing,
    releasing,
    releasing,
    releasing,
    childIndex.map((c) => new AddEntry(c)),
    fc.tuple(childIndex, fc.nat(20)).map(([c, pick]) => new CorrectEntry(c, pick)),
    fc.tuple(childIndex, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(([c, y, mo, d]) => new CorrectDateOfBirth(c, y, mo, d)),
    childIndex.map((c) => new CloseInvolvement(c)),
    childIndex.map((c) => new CloseInvolvement(c)),
    fc.constantFrom(1, 40, 400, 4000).map((d) => new MoveClock(d)),
    childIndex.map((c) => new RaiseEscalation(c)),
    childIndex.map((c) => new DecideEscalation(c)),
    childIndex.map((c) => new DecideEscalation(c)),
    // Disposals are what is under test: asked for and approved more often than anything else.
    requesting,
    requesting,
    requesting,
    approving,
    approving,
    approving,
    approving,
    approving,
    approving,
  ),
  { minLength: 25, maxLength: 50 },
);

/** A name nobody else has, so duplicate detection never steps in. */
const name = () =>
  [...randomBytes(8)]
    .map((b) => String.fromCharCode(97 + (b % 26)))
    .join('')
    .replace(/^./, (x) => x.toUpperCase());

describe('holds, dates and approvals over random histories (property)', () => {
  it('never destroys a held record or one before its date, always leaves a certificate, and removes nothing otherwise', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(generatedChild, { minLength: CHILDREN, maxLength: CHILDREN }), commands, async (generated, cmds) => {
        h.clock.advance(86_400_000);
        const today = londonDate(h.clock.now());
        const model: Model = { today, children: [], holds: [] };
        const real: Real = { childIds: [], involvementIds: [], entryIds: [], escalationIds: [], disposalIds: [], holdIds: [] };
        try {
          for (const g of generated) {
            const dob = `${Number(today.slice(0, 4)) - g.yearsAgo}-${String(g.month).padStart(2, '0')}-${String(g.day).padStart(2, '0')}`;
            const child = await h.as(worker, (w) => createChildService(w, { givenName: name(), familyName: name(), dateOfBirth: dob }));
            const involvements: ModelInvolvement[] = [];
            const ids: string[] = [];
            for (const i of g.involvements) {
              const start = addYears(dob, 1);
              const end = i.open ? null : addYears(dob, 1 + i.years);
              const inv = await h.as(worker, (w) => addInvolvement(w, child.id, { kind: i.kind, startDate: start, endDate: end }));
              ids.push(inv.id);
              involvements.push({ kind: i.kind, start, end });
            }
            real.childIds.push(child.id);
            real.involvementIds.push(ids);
            real.entryIds.push([]);
            real.escalationIds.push([]);
            real.disposalIds.push(null);
            model.children.push({ dob, involvements, entries: 0, entryVersions: 0, childVersions: 1, openEscalations: 0, pending: null, destroyed: false });
          }
          await checkInvariants(model, real);
          for (const cmd of cmds) if (cmd.check(model)) await cmd.run(model, real);
        } finally {
          // Release what this run placed, as the database has it (a locked hold names only this run's children).
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
