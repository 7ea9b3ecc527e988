import { Readable } from 'node:stream';
import { ManualClock, SYSTEM_ACTOR, type Actor, type Clock } from '@safekeep/core';
import { allocate } from '../children/allocations.service.js';
import { createChild } from '../children/children.service.js';
import { addInvolvement, closeInvolvement } from '../children/involvements.service.js';
import { relate } from '../children/relationships.service.js';
import type { Database } from '../db/connect.js';
import { WorkRunner, type Work } from '../db/work.js';
import type { BlobStore } from '../documents/blob-store.js';
import { createDocumentEntry, stageUpload } from '../documents/documents.service.js';
import { correctEntry, createEntry, finaliseEntry } from '../entries/entries.service.js';
import { createGroupEntry } from '../entries/group.service.js';
import { addCarerEntry, createCarer, duplicateIntoChildren } from '../carers/carers.service.js';
import { findTeamByName } from '../users/users.repository.js';
import { createTeam, insertPreparedUser, prepareUser } from '../users/users.service.js';
import { DEMO_AUTHORITY, STAFF, TEAMS } from './people.js';
import { planCarers, planChildren, type CarerPlan, type ChildPlan } from './plan.js';
import { seedAccessSide } from './access.js';
import { seedRecordsSide } from './retention.js';

export const DEMO_PASSWORD = 'safekeep-demo-2026';

export interface DemoResult {
  created: boolean;
  authority: string;
  logins: Array<{ username: string; description: string }>;
  children: number;
  entries: number;
}

interface Step {
  at: Date;
  actor: string;
  run: (w: Work) => Promise<void>;
}

/**
 * Creates the demo authority on first start: teams, a user for every role, and about 40
 * synthetic children with years of history. The history is replayed in time order
 * through the same services the API uses, with the clock set to each moment, so every
 * version, allocation and audit event is exactly what real use would have left.
 */
export async function seedDemo(database: Database, blobs: BlobStore, clock: Clock, say: (message: string) => void = () => {}): Promise<DemoResult> {
  const logins = STAFF.map((s) => ({ username: s.username, description: s.description }));
  const authority = await database.db.selectFrom('authority').selectAll().where('id', '=', 1).executeTakeFirst();
  if (authority?.demo_seeded_at != null) {
    return { created: false, authority: authority.name, logins, children: 0, entries: 0 };
  }
  if (authority?.demo === true) {
    say('The demo authority was only partly created (the first start was interrupted). Delete the data directory to start again.');
    return { created: false, authority: authority.name, logins, children: 0, entries: 0 };
  }
  const existingUsers = await database.db.selectFrom('app_user').select('id').where('username', '<>', 'admin').limit(1).execute();
  if (existingUsers.length > 0) {
    say('This database already has users; the demo authority is only created in an empty database.');
    return { created: false, authority: authority?.name ?? '(not a demo database)', logins: [], children: 0, entries: 0 };
  }

  const now = clock.now();
  const plans = planChildren(now);
  const firstAt = new Date(Math.min(...plans.map((p) => p.referredAt.getTime())) - 7 * 86_400_000);
  const replay = new ManualClock(firstAt);
  const runner = new WorkRunner(database.db, replay);
  const system = (fn: (w: Work) => Promise<unknown>) => runner.run({ actor: SYSTEM_ACTOR, requestId: 'demo-seed' }, async (w) => void (await fn(w)));

  say(`Creating the demo authority "${DEMO_AUTHORITY}": teams and staff…`);
  await system(async (w) => {
    await w.db
      .insertInto('authority')
      .values({ id: 1, name: DEMO_AUTHORITY, demo: true, created_at: w.now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: DEMO_AUTHORITY, demo: true }))
      .execute();
  });
  const adminActor: Actor = { ...SYSTEM_ACTOR, roles: ['admin'] };
  for (const team of TEAMS) await runner.run({ actor: adminActor, requestId: 'demo-seed' }, (w) => createTeam(w, team));
  const actors = new Map<string, Actor>();
  for (const s of STAFF) {
    const teamId = s.team === null ? null : ((await findTeamByName(database.db, s.team))?.id ?? null);
    const prepared = await prepareUser({ username: s.username, displayName: s.displayName, password: DEMO_PASSWORD, roles: s.roles, teamId });
    const user = await runner.run({ actor: SYSTEM_ACTOR, requestId: 'demo-seed' }, (w) => insertPreparedUser(w, prepared));
    actors.set(s.username, { userId: user.id, username: user.username, displayName: user.displayName, roles: user.roles, teamId: user.teamId, sessionId: null });
  }

  const state: ReplayState = { childIds: new Map(), carerIds: new Map(), latestEntry: new Map() };
  const steps = [...plans.flatMap((p) => stepsFor(p, plans, actors, blobs, state)), ...planCarers(plans, now).flatMap((c) => carerSteps(c, state))];
  steps.sort((a, b) => a.at.getTime() - b.at.getTime());
  say(`Replaying ${steps.length} recorded events for ${plans.length} children (first start only)…`);
  let done = 0;
  for (const step of steps) {
    replay.set(step.at);
    const actor = actors.get(step.actor);
    if (actor === undefined) throw new Error(`demo: unknown actor ${step.actor}`);
    await runner.run({ actor, requestId: 'demo-seed' }, step.run);
    done += 1;
    if (done % 1000 === 0) say(`  ${done} of ${steps.length}`);
  }
  replay.set(now);
  say('Paper files, boxes, holds and notebooks…');
  await seedRecordsSide(runner, actors, state.carerIds, [...state.childIds.values()]);
  say('Grants, a restricted record and a break-glass opening…');
  await seedAccessSide(runner, actors);
  await system(async (w) => {
    await w.db.updateTable('authority').set({ demo_seeded_at: w.now }).execute();
  });
  return { created: true, authority: DEMO_AUTHORITY, logins, children: plans.length, entries: plans.reduce((n, p) => n + p.entries.length, 0) };
}

interface ReplayState {
  childIds: Map<number, string>;
  carerIds: Map<string, string>;
  /** child index → entry kind → the latest entry id written so far (for decisions' informedBy). */
  latestEntry: Map<number, Map<string, string>>;
}

/** Carers' records: created by the supervising social worker, visits recorded and duplicated into the children's records. */
function carerSteps(c: CarerPlan, state: ReplayState): Step[] {
  const steps: Step[] = [
    {
      at: c.createdAt,
      actor: 'sw.amara',
      run: async (w) => void state.carerIds.set(c.name, (await createCarer(w, { kind: c.kind, name: c.name })).id),
    },
  ];
  for (const e of c.entries) {
    steps.push({
      at: e.at,
      actor: 'sw.amara',
      run: async (w) => {
        const carerId = state.carerIds.get(c.name) ?? '';
        const entry = await addCarerEntry(w, carerId, { kind: 'visit', occurredAt: e.at.toISOString(), title: e.title, body: e.body });
        const childIds = e.childIndexes.map((i) => state.childIds.get(i)).filter((id): id is string => id !== undefined);
        if (childIds.length > 0) await duplicateIntoChildren(w, carerId, entry.id, childIds);
      },
    });
  }
  return steps;
}

function stepsFor(p: ChildPlan, all: ChildPlan[], actors: Map<string, Actor>, blobs: BlobStore, state: ReplayState): Step[] {
  const ids = state.childIds;
  const steps: Step[] = [];
  const child = (index: number): string => {
    const id = ids.get(index);
    if (id === undefined) throw new Error(`demo plan out of order: child ${index} used before it was created`);
    return id;
  };
  const userId = (username: string) => actors.get(username)?.userId ?? '';
  steps.push({
    at: p.referredAt,
    actor: p.worker,
    run: async (w) => {
      const created = await createChild(w, {
        givenName: p.givenName,
        familyName: p.familyName,
        dateOfBirth: p.dateOfBirth,
        sex: p.sex,
        identifiers: p.identifiers,
        ...(p.siblingOf !== null ? { duplicateOverride: { reason: 'Sibling: same family, different child.' } } : {}),
      });
      ids.set(p.index, created.id);
    },
  });
  const later = (ms: number) => new Date(p.referredAt.getTime() + ms);
  steps.push({ at: later(3_600_000), actor: p.manager, run: async (w) => void (await allocate(w, child(p.index), { userId: userId(p.manager), role: 'team-manager' })) });
  for (const inv of p.involvements) {
    const startAt = new Date(Math.max(Date.parse(`${inv.start}T10:00:00Z`), p.referredAt.getTime() + 60_000));
    let involvementId = '';
    steps.push({ at: startAt, actor: p.worker, run: async (w) => void (involvementId = (await addInvolvement(w, child(p.index), { kind: inv.kind, startDate: inv.start })).id) });
    if (inv.end !== null) {
      steps.push({ at: new Date(Date.parse(`${inv.end}T16:00:00Z`)), actor: p.worker, run: async (w) => void (await closeInvolvement(w, involvementId, inv.end ?? '')) });
    }
    if (inv.kind === 'looked-after' && p.iro !== null) {
      const iro = p.iro;
      steps.push({ at: new Date(startAt.getTime() + 86_400_000), actor: p.manager, run: async (w) => void (await allocate(w, child(p.index), { userId: userId(iro), role: 'iro' })) });
    }
  }
  if (p.siblingOf !== null) {
    const older = all[p.siblingOf];
    if (older !== undefined) {
      steps.push({ at: later(2 * 3_600_000), actor: p.worker, run: async (w) => void (await relate(w, child(p.index), { relatedChildId: child(older.index), kind: 'sibling' })) });
    }
  }
  const remember = (kind: string, id: string) => {
    const kinds = state.latestEntry.get(p.index) ?? new Map<string, string>();
    kinds.set(kind, id);
    state.latestEntry.set(p.index, kinds);
  };
  for (const e of p.entries) {
    let entryId = '';
    steps.push({
      at: e.recordedAt,
      actor: p.worker,
      run: async (w) => {
        const childId = child(p.index);
        const fields: Record<string, unknown> = { ...e.fields };
        if (e.links?.informedBy !== undefined) {
          const known = state.latestEntry.get(p.index);
          fields['informedBy'] = e.links.informedBy.map((k) => known?.get(k)).filter((id): id is string => id !== undefined);
        }
        if (e.links?.carer !== undefined) fields['carerId'] = state.carerIds.get(e.links.carer) ?? null;
        const input = { kind: e.kind, occurredAt: e.occurredAt.toISOString(), title: e.text.title, body: e.text.body, fields, ...(e.draft !== undefined ? { status: 'draft' as const } : {}) };
        if (e.document !== undefined) {
          const file = await stageUpload(blobs, Readable.from([Buffer.from(e.document.content, 'utf8')]), e.document.filename, 1024 * 1024);
          entryId = (await createDocumentEntry(w, blobs, childId, input, file)).id;
        } else {
          entryId = (await createEntry(w, childId, input)).id;
        }
        remember(e.kind, entryId);
      },
    });
    if (e.draft?.finalisedAt != null) {
      steps.push({ at: e.draft.finalisedAt, actor: p.worker, run: async (w) => void (await finaliseEntry(w, entryId)) });
    }
    if (e.correction !== undefined) {
      const c = e.correction;
      steps.push({ at: c.at, actor: p.worker, run: async (w) => void (await correctEntry(w, entryId, { ...c.changes, reason: c.reason })) });
    }
  }
  for (const g of p.groupVisits) {
    steps.push({
      at: new Date(g.at.getTime() + 3 * 3_600_000),
      actor: p.worker,
      run: async (w) =>
        void (await createGroupEntry(w, [child(g.withIndex), child(p.index)], { kind: 'visit', occurredAt: g.at.toISOString(), title: g.title, body: g.body, fields: { visitType: 'other', seenAlone: false } })),
    });
  }
  return steps;
}
