import { addDays, londonDate, upnCheckLetter, type EntryKind, type BuiltInInvolvementKind, type Sex } from '@safekeep/core';
import { CARERS, FAMILY_NAMES, GIVEN_NAMES, SCHOOLS, type DemoTeam } from './people.js';
import { CORRECTIONS, fill, TEXTS, type Template } from './texts.js';

/** A small, fast, seeded generator (mulberry32): the same demo every time. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
const between = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const DAY = 86_400_000;

/** A valid NHS number in the 999 range the NHS keeps for testing. */
function nhsNumber(rng: Rng): string {
  for (;;) {
    const digits = [9, 9, 9, ...Array.from({ length: 6 }, () => between(rng, 0, 9))];
    const sum = digits.reduce((s, d, i) => s + d * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${digits.join('')}${check === 11 ? 0 : check}`;
  }
}

/** A valid permanent UPN for the fictional local authority 888. */
function upn(rng: Rng, yearOfEntry: number): string {
  const body = `888${between(rng, 2000, 2999)}${String(yearOfEntry % 100).padStart(2, '0')}${String(between(rng, 1, 999)).padStart(3, '0')}`;
  const placeholder = `A${body}`;
  return `${upnCheckLetter(placeholder)}${body}`;
}

export type Story = 'child-in-need' | 'child-protection' | 'looked-after' | 'care-leaver';

export interface PlannedEntry {
  kind: EntryKind;
  occurredAt: Date;
  recordedAt: Date;
  text: Template;
  fields: Record<string, unknown>;
  /** Saved as a draft at recordedAt, then finalised at this moment (or left a draft if null). */
  draft?: { finalisedAt: Date | null };
  /** Fields only known when the history is replayed: the latest entries of these kinds, the carer's id. */
  links?: { informedBy?: EntryKind[]; carer?: string };
  correction?: { at: Date; reason: string; changes: Partial<Template> };
  document?: { filename: string; content: string };
}

export interface ChildPlan {
  index: number;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: Sex;
  identifiers: { nhsNumber: string; upn?: string; localId: string };
  team: DemoTeam;
  worker: string;
  manager: string;
  iro: string | null;
  story: Story;
  referredAt: Date;
  involvements: Array<{ kind: BuiltInInvolvementKind; start: string; end: string | null }>;
  entries: PlannedEntry[];
  siblingOf: number | null;
  /** Looked-after children: the foster carers or home they live with. */
  carer: string | null;
  /** Visits to this child and an older sibling together, written once as a group entry. */
  groupVisits: Array<{ at: Date; withIndex: number; title: string; body: string }>;
}

export interface CarerPlan {
  name: string;
  kind: 'foster-carer' | 'childrens-home';
  createdAt: Date;
  entries: Array<{ at: Date; title: string; body: string; childIndexes: number[] }>;
}

const TEAM_STAFF: Record<DemoTeam, { manager: string; workers: string[] }> = {
  'Children in Care': { manager: 'tm.ruth', workers: ['sw.amara', 'sw.tom'] },
  'Assessment and Intervention': { manager: 'tm.gareth', workers: ['sw.lucy', 'sw.daniel'] },
  'Leaving Care': { manager: 'tm.nadia', workers: ['sw.ewa'] },
};

function storyFor(i: number): Story {
  if (i < 10) return 'child-in-need';
  if (i < 18) return 'child-protection';
  if (i < 34) return 'looked-after';
  return 'care-leaver';
}

function teamFor(story: Story): DemoTeam {
  return story === 'looked-after' ? 'Children in Care' : story === 'care-leaver' ? 'Leaving Care' : 'Assessment and Intervention';
}

/** Kinds written between visits, weighted by how often they occur in a real chronology. */
const BETWEEN_VISITS: Record<Story, EntryKind[]> = {
  'child-in-need': ['case-note', 'case-note', 'correspondence', 'planning-document'],
  'child-protection': ['case-note', 'case-note', 'case-note', 'correspondence', 'assessment'],
  'looked-after': ['case-note', 'case-note', 'contact-arrangement', 'education-progress', 'correspondence', 'child-contribution', 'planning-document'],
  'care-leaver': ['case-note', 'case-note', 'correspondence', 'education-progress'],
};

const PERIODIC: Record<Story, Array<{ kind: EntryKind; everyDays: number }>> = {
  'child-in-need': [{ kind: 'assessment', everyDays: 365 }],
  'child-protection': [{ kind: 'review', everyDays: 180 }, { kind: 'decision', everyDays: 120 }],
  'looked-after': [
    { kind: 'care-plan', everyDays: 180 },
    { kind: 'placement-plan', everyDays: 365 },
    { kind: 'health-assessment', everyDays: 365 },
    { kind: 'health-plan', everyDays: 365 },
    { kind: 'pep', everyDays: 120 },
    { kind: 'review', everyDays: 180 },
    { kind: 'decision', everyDays: 200 },
  ],
  'care-leaver': [{ kind: 'planning-document', everyDays: 180 }, { kind: 'review', everyDays: 365 }],
};

const WITH_DOCUMENT = new Set<EntryKind>(['assessment', 'court-report', 'health-assessment', 'pep', 'court-order', 'correspondence']);

export function planChildren(now: Date, count = 40): ChildPlan[] {
  const rng = random(20_261_122);
  const plans: ChildPlan[] = [];
  const workerTurn: Record<DemoTeam, number> = { 'Children in Care': 0, 'Assessment and Intervention': 0, 'Leaving Care': 0 };
  for (let i = 0; i < count; i++) {
    const story = storyFor(i);
    const team = teamFor(story);
    // Every fifth child is the younger sibling of the one before: same family, same team and worker.
    const sibling = i % 5 === 1 && plans[i - 1]?.story === story ? (plans[i - 1] ?? null) : null;
    const staff = TEAM_STAFF[team];
    const worker = sibling?.worker ?? staff.workers[workerTurn[team]++ % staff.workers.length] ?? staff.workers[0] ?? 'sw.amara';
    const age = story === 'care-leaver' ? between(rng, 17, 20) : between(rng, 1, 16);
    const dobDate = new Date(now.getTime() - (age * 365 + between(rng, 10, 350)) * DAY);
    const historyYears = Math.min(story === 'looked-after' || story === 'care-leaver' ? 5 : 2, Math.max(1, age - 1));
    const referredAt = new Date(Math.max(dobDate.getTime() + 200 * DAY, now.getTime() - between(rng, 250, historyYears * 365) * DAY));
    const familyName = sibling?.familyName ?? pick(rng, FAMILY_NAMES);
    const schoolAge = age >= 5;
    const plan: ChildPlan = {
      index: i,
      givenName: pick(rng, GIVEN_NAMES),
      familyName,
      dateOfBirth: londonDate(dobDate),
      sex: rng() < 0.5 ? 'female' : 'male',
      identifiers: {
        nhsNumber: nhsNumber(rng),
        ...(schoolAge ? { upn: upn(rng, dobDate.getUTCFullYear() + 5) } : {}),
        localId: `NBC-${String(10_400 + i * 7).padStart(6, '0')}`,
      },
      team,
      worker,
      manager: staff.manager,
      iro: story === 'looked-after' || story === 'care-leaver' ? 'iro.james' : null,
      story,
      // A younger sibling is referred with or after the older one.
      referredAt: atHour(sibling !== null && sibling.referredAt > referredAt ? new Date(sibling.referredAt.getTime() + DAY) : referredAt, 9),
      involvements: [],
      entries: [],
      siblingOf: sibling?.index ?? null,
      carer: story === 'looked-after' ? (sibling?.carer ?? pick(rng, CARERS)) : null,
      groupVisits: [],
    };
    planInvolvements(plan, now, rng);
    planEntries(plan, now, rng);
    if (sibling !== null) planGroupVisits(plan, sibling, now, rng);
    plans.push(plan);
  }
  return plans;
}

function atHour(d: Date, hour: number): Date {
  const x = new Date(d);
  x.setUTCHours(hour, 0, 0, 0);
  return x;
}

function planInvolvements(p: ChildPlan, now: Date, rng: Rng): void {
  const start = londonDate(p.referredAt);
  const today = londonDate(now);
  const mid = londonDate(new Date((p.referredAt.getTime() + now.getTime()) / 2));
  switch (p.story) {
    case 'child-in-need': {
      const closed = rng() < 0.3;
      p.involvements.push({ kind: 'child-in-need', start, end: closed ? addDays(mid, 30) : null });
      break;
    }
    case 'child-protection':
      p.involvements.push({ kind: 'child-in-need', start, end: addDays(start, 40) });
      p.involvements.push({ kind: 'child-protection', start: addDays(start, 40), end: null });
      break;
    case 'looked-after':
      p.involvements.push({ kind: 'child-in-need', start, end: addDays(start, 60) });
      p.involvements.push({ kind: 'looked-after', start: addDays(start, 60), end: null });
      break;
    case 'care-leaver':
      p.involvements.push({ kind: 'looked-after', start, end: mid });
      p.involvements.push({ kind: 'care-leaver', start: mid, end: null });
      break;
  }
  for (const inv of p.involvements) if (inv.end !== null && inv.end > today) inv.end = null;
}

function planEntries(p: ChildPlan, now: Date, rng: Rng): void {
  const values = { name: p.givenName, carer: p.carer ?? pick(rng, CARERS), school: pick(rng, SCHOOLS), worker: p.worker };
  const text = (kind: EntryKind): Template => {
    const t = pick(rng, TEXTS[kind] ?? TEXTS['case-note'] ?? []);
    return { title: fill(t.title, values), body: fill(t.body, values) };
  };
  const latest = now.getTime() - 2 * 3_600_000;
  const add = (kind: EntryKind, occurredAt: Date) => {
    // Most recordings land within a day; some take a week (the late ones a worklist shows).
    const delayHours = rng() < 0.85 ? between(rng, 1, 20) : between(rng, 30, 200);
    const recordedAt = new Date(Math.min(occurredAt.getTime() + delayHours * 3_600_000, latest));
    if (recordedAt.getTime() <= occurredAt.getTime()) return;
    const entry: PlannedEntry = { kind, occurredAt, recordedAt, text: text(kind), fields: fieldsFor(kind, p, occurredAt, rng, values) };
    if (kind === 'decision') entry.links = { informedBy: ['assessment', 'review', 'health-assessment'] };
    if (kind === 'placement-plan' && p.carer !== null) entry.links = { carer: p.carer };
    // Some visits are saved as drafts first. Recent ones may still be drafts now: the
    // worklist shows them overdue or coming due.
    if (kind === 'visit') {
      const recent = latest - occurredAt.getTime() < 10 * DAY;
      if (recent ? rng() < 0.35 : rng() < 0.1) {
        const finalisedAt = new Date(recordedAt.getTime() + between(rng, 2, 120) * 3_600_000);
        entry.draft = { finalisedAt: recent && rng() < 0.7 ? null : finalisedAt.getTime() < latest ? finalisedAt : null };
      }
    }
    if (rng() < 0.08) {
      const applicable = CORRECTIONS.filter((c) => Object.entries(c.change(entry.text)).some(([k, v]) => entry.text[k as keyof Template] !== v));
      const c = pick(rng, applicable);
      const at = new Date(recordedAt.getTime() + between(rng, 2, 72) * 3_600_000);
      if (c !== undefined && at.getTime() < latest) entry.correction = { at, reason: c.reason, changes: c.change(entry.text) };
    }
    if (WITH_DOCUMENT.has(kind) && rng() < 0.35) {
      entry.document = {
        filename: `${kind}-${londonDate(occurredAt)}.txt`,
        content: `${entry.text.title}\n\n${entry.text.body}\n\n${p.givenName} ${p.familyName}, born ${p.dateOfBirth}.\nNorthmoor Borough Council (demo data, not a real child).\n`,
      };
    }
    p.entries.push(entry);
  };

  const start = p.referredAt.getTime() + DAY;
  const visitEvery = p.story === 'looked-after' ? 42 : p.story === 'child-protection' ? 14 : 21;
  const lastByKind = new Map<EntryKind, number>();
  for (let t = start; t < latest; t += between(rng, Math.floor(visitEvery * 0.6), visitEvery) * DAY) {
    add('visit', atHour(new Date(t), between(rng, 9, 16)));
    const notes = between(rng, 0, p.story === 'child-protection' ? 3 : 2);
    for (let n = 0; n < notes; n++) {
      const at = t + between(rng, 1, visitEvery - 1) * DAY;
      if (at < latest) add(pick(rng, BETWEEN_VISITS[p.story]), atHour(new Date(at), between(rng, 9, 17)));
    }
    for (const periodic of PERIODIC[p.story]) {
      const last = lastByKind.get(periodic.kind) ?? start - periodic.everyDays * DAY;
      if (t - last >= periodic.everyDays * DAY) {
        add(periodic.kind, atHour(new Date(t + between(rng, 1, 5) * DAY), 11));
        lastByKind.set(periodic.kind, t);
      }
    }
  }
  if (p.story === 'looked-after') {
    const lac = p.involvements.find((i) => i.kind === 'looked-after');
    if (lac !== undefined) {
      const at = new Date(Date.parse(`${lac.start}T10:00:00Z`) + 20 * DAY);
      if (at.getTime() < latest) {
        add('court-order', at);
        add('provider-arrangement', new Date(at.getTime() + 3 * DAY));
        add('court-report', new Date(at.getTime() - 5 * DAY));
      }
    }
  }
  p.entries = p.entries.filter((e) => e.occurredAt.getTime() > p.referredAt.getTime()).slice(0, 190);
}

/** A younger sibling's visits sometimes include the older one: written once, saved in both records. */
function planGroupVisits(p: ChildPlan, older: ChildPlan, now: Date, rng: Rng): void {
  const latest = now.getTime() - 3 * DAY;
  for (let t = Math.max(p.referredAt.getTime(), older.referredAt.getTime()) + 30 * DAY; t < latest; t += between(rng, 60, 120) * DAY) {
    p.groupVisits.push({
      at: atHour(new Date(t), 15),
      withIndex: older.index,
      title: `Visit to ${older.givenName} and ${p.givenName}`,
      body: `I saw ${older.givenName} and ${p.givenName} together after school. ${p.givenName} showed me a new drawing; ${older.givenName} ${older.familyName} talked about football. Both said they like sharing a room.`,
    });
  }
}

/** The carers' and homes' own records: supervisory visits that mention the children placed there. */
export function planCarers(plans: ChildPlan[], now: Date): CarerPlan[] {
  const rng = random(1122);
  const out: CarerPlan[] = [];
  for (const name of CARERS) {
    const placed = plans.filter((p) => p.carer === name);
    if (placed.length === 0) continue;
    const from = Math.min(...placed.map((p) => p.referredAt.getTime()));
    const carer: CarerPlan = { name, kind: name.includes('home') ? 'childrens-home' : 'foster-carer', createdAt: new Date(from - 2 * DAY), entries: [] };
    for (let t = from + 14 * DAY; t < now.getTime() - 2 * DAY; t += between(rng, 50, 80) * DAY) {
      const there = placed.filter((p) => p.referredAt.getTime() + 60 * DAY < t);
      if (there.length === 0) continue;
      const names = there.map((p) => p.givenName);
      carer.entries.push({
        at: atHour(new Date(t), 11),
        title: `Supervisory visit to ${name}`,
        body: `Supervisory visit. ${names.join(' and ')} ${names.length > 1 ? 'were' : 'was'} at school. The carers said ${names[0] ?? ''} has been sleeping better and that the family routine is working. Training needs discussed: therapeutic parenting course booked.`,
        childIndexes: there.map((p) => p.index),
      });
    }
    out.push(carer);
  }
  return out;
}

/** The fields each kind needs (API.md, Recording), filled in plausibly for the demo. */
function fieldsFor(kind: EntryKind, p: ChildPlan, occurredAt: Date, rng: Rng, values: Record<string, string>): Record<string, unknown> {
  const day = londonDate(occurredAt);
  switch (kind) {
    case 'visit':
      return { visitType: p.story === 'looked-after' || p.story === 'child-protection' ? 'statutory' : 'other', seenAlone: rng() < 0.7 };
    case 'review':
      return { reviewType: p.story === 'child-protection' ? 'child-protection-conference' : p.story === 'care-leaver' ? 'pathway-plan-review' : p.story === 'looked-after' ? 'looked-after-review' : 'child-in-need-review', chair: 'James Whitfield (IRO)' };
    case 'assessment':
      return { assessmentType: p.story === 'child-protection' ? 'section-47' : 'child-and-family' };
    case 'health-assessment':
      return { assessmentType: 'review', assessedBy: 'Looked-after children’s nurse' };
    case 'court-order':
      return { orderType: 'care-order', court: 'Northmoor Family Court', madeOn: day };
    case 'provider-arrangement':
      return { provider: 'Brightwater Fostering (independent fostering agency)', functions: ['placement with approved foster carers', 'supervision and support of the carers'] };
    case 'court-report':
      return { reportType: 'childrens-guardian', author: 'Children’s guardian (Cafcass)' };
    case 'correspondence':
      return { direction: rng() < 0.5 ? 'outgoing' : 'incoming', correspondent: rng() < 0.5 ? 'Parent' : values['school'] };
    case 'placement-plan':
      return { placementStart: londonDate(new Date(occurredAt.getTime() - 2 * DAY)), longTerm: p.story === 'looked-after' && rng() < 0.5 };
    case 'pep':
      return { school: values['school'] };
    case 'education-progress':
      return { school: values['school'] };
    case 'contact-arrangement':
      return { withWhom: 'Mother; brother', frequency: 'Every other Saturday', supervised: true };
    case 'child-contribution':
      return { childsProperty: true, originalHeldBy: 'child', copyGivenToChild: true, contributionType: 'drawing' };
    case 'decision':
      return {
        decision: 'Family time with mum stays supervised for the next three months.',
        rationale: 'The last two sessions went well, but mum missed one without notice; the plan is to build up reliability first.',
        decidedBy: 'Ruth Adeyemi, team manager',
        informedBy: [],
        childView: { view: `${values['name']} said they like seeing mum and want to go to the park together.`, howObtained: 'Talked with the child at the last visit' },
        parentViews: [{ name: 'Mother', relationship: 'mother', view: 'Wants unsupervised time soon.' }],
      };
    case 'planning-document':
      return { purpose: 'Child’s views before the review' };
    default:
      return {};
  }
}
