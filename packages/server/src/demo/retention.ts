import type { Actor } from '@safekeep/core';
import { closeCarer, createCarer } from '../carers/carers.service.js';
import { archiveRecord } from '../children/archive.service.js';
import { createChild } from '../children/children.service.js';
import { addInvolvement } from '../children/involvements.service.js';
import type { WorkRunner, Work } from '../db/work.js';
import { raiseEscalation } from '../escalations/escalations.service.js';
import { approveRelease, placeHold } from '../holds/holds.service.js';
import { markTranscribed, registerNotebook } from '../notebooks/notebooks.service.js';
import { checkOut, createBox, createPaperFile, returnFile } from '../paper/paper.service.js';

/**
 * The demo's records side: closed records of people who were children decades ago,
 * archived and past their destruction dates but kept because the IICSA hold still
 * stands (R10, R13); a foster carer's record past its date too, awaiting disposal; a
 * local inquiry's hold; a released hold; an open escalation; boxes off site with paper
 * files; and practitioners' notebooks. Nothing is destroyed: the IICSA hold covers
 * everything, as it does on every first start.
 */

interface OldRecord {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  localId: string;
  kind: string;
  from: string;
  to: string;
}

const OLD_RECORDS: OldRecord[] = [
  // Looked after 1948–1959: CPPCR reg 50 keeps it to the 75th birthday, 2016.
  { givenName: 'Margaret', familyName: 'Pollard', dateOfBirth: '1941-03-12', localId: 'NBC-1959-0412', kind: 'looked-after', from: '1948-06-01', to: '1959-03-12' },
  // Child protection, closed 1990: 35 years from closure (local practice), 2025.
  { givenName: 'Dean', familyName: 'Whitlock', dateOfBirth: '1979-08-30', localId: 'NBC-1990-1187', kind: 'child-protection', from: '1988-02-15', to: '1990-05-31' },
  // Child in need, closed 2001: to age 30, 2020.
  { givenName: 'Kelly', familyName: 'Ashworth', dateOfBirth: '1990-01-24', localId: 'NBC-2001-3020', kind: 'child-in-need', from: '1999-10-04', to: '2001-07-20' },
  // Born on a leap day, looked after until 18: the 75th anniversary falls on 1 March 2071.
  { givenName: 'Shannon', familyName: 'Brierley', dateOfBirth: '1996-02-29', localId: 'NBC-2014-2210', kind: 'looked-after', from: '2004-09-01', to: '2014-02-28' },
];

export async function seedRecordsSide(runner: WorkRunner, actors: Map<string, Actor>, carerIds: Map<string, string>, currentChildIds: string[]): Promise<void> {
  const as = async <T>(username: string, fn: (w: Work) => Promise<T>): Promise<T> => {
    const actor = actors.get(username);
    if (actor === undefined) throw new Error(`demo: unknown actor ${username}`);
    return runner.run({ actor, requestId: 'demo-seed' }, fn);
  };
  const oldIds: string[] = [];
  for (const r of OLD_RECORDS) {
    const child = await as('hos.helen', (w) => createChild(w, { givenName: r.givenName, familyName: r.familyName, dateOfBirth: r.dateOfBirth, identifiers: { localId: r.localId } }));
    await as('hos.helen', (w) => addInvolvement(w, child.id, { kind: r.kind, startDate: r.from, endDate: r.to }));
    await as('ro.mike', (w) => archiveRecord(w, child.id, { reason: 'Closed paper-era record, scanned and archived.' }));
    oldIds.push(child.id);
  }
  const [pollard, whitlock, ashworth, brierley] = oldIds as [string, string, string, string];

  await as('dpo.sarah', (w) =>
    placeHold(w, {
      name: 'Northmoor CSE review 2025',
      scope: { recordClass: 'child-protection' },
      reason: 'Local review of child sexual exploitation: keep every child protection record until the review reports.',
      authority: 'Northmoor Safeguarding Children Partnership, terms of reference of 3 March 2025',
    }),
  );
  const court = await as('ro.mike', (w) =>
    placeHold(w, {
      name: 'Pollard family proceedings 2019',
      scope: { childIds: [pollard] },
      reason: 'Records requested for family proceedings concerning a relative.',
      authority: 'Order of the Family Court at Northmoor, case NM19F00231',
    }),
  );
  await as('hos.helen', (w) => approveRelease(w, court.id, { reason: 'Proceedings concluded; the court returned the bundle.' }));
  await as('hos.david', (w) => approveRelease(w, court.id, { reason: 'Agreed: the proceedings ended in 2021.' }));

  await as('ro.mike', (w) =>
    raiseEscalation(w, {
      subject: { childId: whitlock },
      question: 'The paper file records an allegation of abuse in 1988. Should this record be kept beyond the schedule for survivors, as IICSA advised?',
      to: 'head-of-service',
    }),
  );

  const offsite = await as('ro.mike', (w) => createBox(w, { barcode: 'NBC-OS-000101', location: 'Northmoor Records Store, Bay 14, Shelf C' }));
  const local = await as('ro.mike', (w) => createBox(w, { barcode: 'NBC-OS-000102', location: 'Civic Centre basement, cage 2' }));
  for (const [id, description] of [
    [pollard, 'Case file 1948–1959, two volumes'],
    [whitlock, 'Child protection file 1988–1990'],
    [ashworth, 'Child in need file 1999–2001'],
  ] as const) {
    await as('ro.mike', (w) => createPaperFile(w, { subject: { childId: id }, description, boxId: offsite.id }));
  }
  await as('bs.karen', (w) => createPaperFile(w, { subject: { childId: brierley }, description: 'Care file 2004–2014, pre-electronic volumes', boxId: local.id }));
  const current = currentChildIds[0];
  if (current !== undefined) {
    const file = await as('bs.karen', (w) => createPaperFile(w, { subject: { childId: current }, description: 'Court bundle (paper copy)', location: 'Children in Care team, locked cabinet 3' }));
    const amara = actors.get('sw.amara');
    if (amara !== undefined) {
      await as('bs.karen', (w) => checkOut(w, file.id, { toUserId: amara.userId, note: 'For the looked-after review' }));
      await as('bs.karen', (w) => returnFile(w, file.id, { note: 'Returned after the review' }));
    }
  }

  const amara = actors.get('sw.amara');
  const tom = actors.get('sw.tom');
  if (amara !== undefined && tom !== undefined) {
    const book = await as('sw.amara', (w) => registerNotebook(w, { ownerUserId: amara.userId, from: '2025-01-06', to: '2025-06-27', description: 'A5 notebook, black' }));
    await as('sw.amara', (w) => markTranscribed(w, book.id, { note: 'All visit notes typed into the children’s records.' }));
    await as('sw.amara', (w) => registerNotebook(w, { ownerUserId: amara.userId, from: '2025-06-30', to: '2026-12-31', description: 'A5 notebook, blue (in use)' }));
    await as('tm.ruth', (w) => registerNotebook(w, { ownerUserId: tom.userId, from: '2026-01-05', to: '2026-12-31', description: 'Diary 2026' }));
  }

  // A foster carer whose approval ended in 2008: FSR 2011 reg 32(1) keeps the record 10
  // years, to 2018. Past its date, it waits only for the IICSA hold to be released.
  const former = await as('hos.helen', (w) => createCarer(w, { kind: 'foster-carer', name: 'Mr and Mrs Whitcombe' }));
  await as('hos.helen', (w) => closeCarer(w, former.id, { endedOn: '2008-09-30', reason: 'approval-ended' }));
  await as('ro.mike', (w) => createPaperFile(w, { subject: { carerId: former.id }, description: 'Foster carer file 1996–2008', boxId: offsite.id }));

  const farrell = carerIds.get('Mrs Farrell');
  if (farrell !== undefined) await as('tm.ruth', (w) => closeCarer(w, farrell, { endedOn: '2026-03-31', reason: 'approval-ended' }));
}
