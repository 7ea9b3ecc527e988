import type { Actor } from '@safekeep/core';
import { createGrant, openBreakGlass, setRestriction } from '../access/grants.service.js';
import type { Work, WorkRunner } from '../db/work.js';
import { createSar } from '../sars/sars.service.js';

/**
 * The demo's confidentiality side (R16): an inspector reading three records under an
 * inspection grant, a record restricted to its worker and manager (a staff member's
 * relative), an out-of-hours break-glass opening for the DPO and the manager to
 * review, and a parent's subject access request.
 */
export async function seedAccessSide(runner: WorkRunner, actors: Map<string, Actor>): Promise<void> {
  const actor = (username: string): Actor => {
    const a = actors.get(username);
    if (a === undefined) throw new Error(`demo: unknown actor ${username}`);
    return a;
  };
  const as = <T>(username: string, fn: (w: Work) => Promise<T>): Promise<T> => runner.run({ actor: actor(username), requestId: 'demo-seed' }, fn);
  const amara = actor('sw.amara');
  const ofAmara = await as('dpo.sarah', (w) =>
    w.db
      .selectFrom('allocation as a')
      .innerJoin('case_record as r', 'r.child_id', 'a.child_id')
      .select('a.child_id')
      .where('a.user_id', '=', amara.userId)
      .where('a.role', '=', 'allocated-worker')
      .where('a.ended_at', 'is', null)
      .where('r.status', '=', 'open')
      .orderBy('a.child_id')
      .execute(),
  );
  const ids = ofAmara.map((r) => r.child_id);
  const [restricted, glass, ...inspected] = ids;
  if (restricted === undefined || glass === undefined) return;

  for (const childId of inspected.slice(0, 3)) {
    await as('dpo.sarah', (w) =>
      createGrant(w, {
        childId,
        userId: actor('insp.olivia').userId,
        basis: 'inspection',
        reference: 'Ofsted ILACS inspection, Northmoor, case sample 2026/07',
        scope: { from: `${Number(w.today.slice(0, 4)) - 1}${w.today.slice(4)}` },
        expiresAt: new Date(w.now.getTime() + 14 * 86_400_000).toISOString(),
        note: 'Case sampling: the last twelve months of the record.',
      }),
    );
  }
  await as('hos.helen', (w) =>
    setRestriction(w, restricted, {
      allowedUserIds: [amara.userId, actor('tm.ruth').userId, actor('hos.helen').userId],
      reason: 'The child’s aunt works in the Assessment and Intervention team: the record is limited to the allocated worker, her manager and the head of service.',
    }),
  );
  // A mother's subject access request, received ten days ago, being collated.
  await as('bs.karen', (w) =>
    createSar(w, {
      childId: glass,
      relationship: 'parent-with-parental-responsibility',
      requester: 'The child’s mother (letter with ID, at reception)',
      receivedAt: new Date(w.now.getTime() - 10 * 86_400_000).toISOString(),
      note: 'Asked for the record since the child came into care.',
    }),
  );
  await as('sw.lucy', (w) =>
    openBreakGlass(w, glass, { reason: 'Out of hours: police brought the child to the station at 1am; checking the care plan and placement details.' }, 30),
  );
}
