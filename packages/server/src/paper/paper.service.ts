import { DomainError, compareDates, invalid } from '@safekeep/core';
import { nameableChildren, RESTRICTED_LABEL } from '../access/access.repository.js';
import { RECORDS_ROLES, requireRecordsAccess } from '../access/child-access.js';
import { requireRole } from '../access/roles.js';
import { requireCarerRecordsAccess } from '../carers/carers.service.js';
import { actorRef, type Work } from '../db/work.js';
import * as repo from './paper.repository.js';

/**
 * Paper and off-site storage (R13, R17): boxes with barcodes and locations, paper files
 * for a child or a carer, each check-out and return with who and when. A file carries
 * its record's destruction date and DO NOT DESTROY while a hold covers the record; a box
 * shows the latest date of what is in it.
 *
 * A file's description names whose file it is, so it is shown only to those who may name
 * the child (access.repository.ts#canNameChild); anyone else managing the file sees its
 * id, box, location, dates and holds, `restricted: true` and "Restricted record".
 */

const PAPER_ROLES = ['records-officer', 'business-support', 'head-of-service'] as const;

export interface PaperFileView {
  id: string;
  subject: { childId: string } | { carerId: string };
  description: string;
  /** The file is a restricted child's and the caller is not named: its description (and notes) are withheld. */
  restricted: boolean;
  status: 'in-place' | 'checked-out' | 'destroyed';
  box: { id: string; barcode: string } | null;
  location: string | null;
  checkedOut: { to: { id: string; displayName: string }; at: string } | null;
  destructionDate: string | null;
  retentionStatus: string;
  holds: string[];
  doNotDestroy: boolean;
  createdAt: string;
  destroyedAt: string | null;
}

function fileView(r: repo.PaperFileRow, nameable: ReadonlySet<string>): PaperFileView {
  const restricted = r.child_id !== null && !nameable.has(r.child_id);
  return {
    id: r.id,
    subject: r.child_id !== null ? { childId: r.child_id } : { carerId: r.carer_id ?? '' },
    description: restricted ? RESTRICTED_LABEL : r.description,
    restricted,
    status: r.destroyed_at !== null ? 'destroyed' : r.checked_out_to !== null ? 'checked-out' : 'in-place',
    box: r.box_id === null || r.box_barcode === null ? null : { id: r.box_id, barcode: r.box_barcode },
    location: r.location,
    checkedOut: r.checked_out_to === null || r.checked_out_at === null ? null : { to: { id: r.checked_out_to, displayName: r.checked_out_to_name ?? '' }, at: r.checked_out_at.toISOString() },
    destructionDate: r.destruction_date,
    retentionStatus: r.label_status ?? 'no-rule',
    holds: r.holds,
    doNotDestroy: r.holds.length > 0,
    createdAt: r.created_at.toISOString(),
    destroyedAt: r.destroyed_at?.toISOString() ?? null,
  };
}

/** Views of these files for this caller: one query decides whose children it may name. */
async function fileViews(w: Work, rows: repo.PaperFileRow[]): Promise<PaperFileView[]> {
  const nameable = await nameableChildren(w.db, w, rows.map((r) => r.child_id));
  return rows.map((r) => fileView(r, nameable));
}

export interface BoxView {
  id: string;
  barcode: string;
  location: string;
  files: number;
  /** The latest destruction date of its contents; null if any is not yet determined, or it is empty. */
  destroyFrom: string | null;
  undeterminedFiles: number;
  holds: string[];
  doNotDestroy: boolean;
  createdAt: string;
  contents?: PaperFileView[];
  history?: Array<{ location: string; movedAt: string; movedBy: string | null }>;
}

function boxSummary(b: repo.BoxRow, contents: PaperFileView[]): BoxView {
  const dated = contents.map((f) => f.destructionDate).filter((d): d is string => d !== null);
  const undetermined = contents.length - dated.length;
  const latest = dated.reduce<string | null>((a, d) => (a === null || compareDates(d, a) > 0 ? d : a), null);
  const holds = [...new Set(contents.flatMap((f) => f.holds))].sort();
  return {
    id: b.id,
    barcode: b.barcode,
    location: b.location,
    files: contents.length,
    destroyFrom: undetermined > 0 ? null : latest,
    undeterminedFiles: undetermined,
    holds,
    doNotDestroy: holds.length > 0,
    createdAt: b.created_at.toISOString(),
  };
}

async function loadBox(w: Work, id: string, detail: boolean): Promise<BoxView> {
  const [b] = await repo.findBoxes(w.db, [id]);
  if (b === undefined) throw new DomainError('NOT_FOUND', 'There is no box with that id.');
  const contents = await fileViews(w, await repo.findPaperFiles(w.db, { boxId: id }));
  const view = boxSummary(b, contents);
  if (!detail) return view;
  const history = await repo.boxHistory(w.db, id);
  return { ...view, contents, history: history.map((h) => ({ location: h.location, movedAt: h.moved_at.toISOString(), movedBy: h.display_name })) };
}

export async function createBox(w: Work, input: { barcode: string; location: string }): Promise<BoxView> {
  requireRole(w, 'box.create', PAPER_ROLES);
  const id = await repo.insertBox(w.db, { barcode: input.barcode, location: input.location.trim(), at: w.now, by: actorRef(w) });
  w.audit({ action: 'box.create', entityType: 'box', entityId: id, detail: { barcode: input.barcode } });
  return loadBox(w, id, true);
}

export async function moveBox(w: Work, id: string, input: { location: string }): Promise<BoxView> {
  requireRole(w, 'box.move', PAPER_ROLES);
  await loadBox(w, id, false);
  await repo.moveBox(w.db, { boxId: id, location: input.location.trim(), at: w.now, by: actorRef(w) });
  w.audit({ action: 'box.move', entityType: 'box', entityId: id });
  return loadBox(w, id, true);
}

export async function listBoxes(w: Work): Promise<{ items: BoxView[] }> {
  requireRole(w, 'box.read', RECORDS_ROLES);
  const boxes = await repo.findBoxes(w.db, null);
  const items: BoxView[] = [];
  for (const b of boxes) items.push(boxSummary(b, await fileViews(w, await repo.findPaperFiles(w.db, { boxId: b.id }))));
  return { items };
}

export async function getBox(w: Work, id: string): Promise<BoxView> {
  requireRole(w, 'box.read', RECORDS_ROLES);
  const box = await loadBox(w, id, true);
  w.audit({ action: 'box.read', childIds: childIdsOf(box.contents ?? []), entityType: 'box', entityId: id });
  return box;
}

function childIdsOf(files: PaperFileView[]): string[] {
  return [...new Set(files.flatMap((f) => ('childId' in f.subject ? [f.subject.childId] : [])))];
}

/** What a box label prints: no names or descriptions (labels travel to off-site stores), only the box and its dates. */
export async function boxForLabel(w: Work, id: string): Promise<BoxView> {
  requireRole(w, 'box.label', PAPER_ROLES);
  const box = await loadBox(w, id, true);
  if (box.files === 0) throw new DomainError('BOX_EMPTY', 'That box is empty: there is nothing to label. Add paper files to it first.');
  w.audit({ action: 'box.label', childIds: childIdsOf(box.contents ?? []), entityType: 'box', entityId: id, detail: { files: box.files, doNotDestroy: box.doNotDestroy } });
  return box;
}

type Subject = { childId: string } | { carerId: string };

async function subjectAccess(w: Work, subject: Subject, action: 'paper-file.create' | 'paper-file.read'): Promise<string> {
  return 'childId' in subject ? requireRecordsAccess(w, subject.childId, action) : requireCarerRecordsAccess(w, subject.carerId, action);
}

async function placeOf(w: Work, input: { boxId?: string | undefined; location?: string | undefined }, field = ''): Promise<{ boxId: string | null; location: string | null }> {
  if (input.boxId === undefined && input.location === undefined) throw invalid({ field: `${field}boxId`, message: 'give a box or a location' });
  if (input.boxId !== undefined) {
    const [b] = await repo.findBoxes(w.db, [input.boxId]);
    if (b === undefined) throw invalid({ field: `${field}boxId`, message: 'is not a box' });
  }
  return { boxId: input.boxId ?? null, location: input.location?.trim() ?? null };
}

async function loadFile(w: Work, id: string): Promise<PaperFileView> {
  const [f] = await repo.findPaperFiles(w.db, { id });
  if (f === undefined) throw new DomainError('NOT_FOUND', 'There is no paper file with that id.');
  return (await fileViews(w, [f]))[0] as PaperFileView;
}

export async function createPaperFile(w: Work, input: { subject: Subject; description: string; boxId?: string; location?: string }): Promise<PaperFileView> {
  requireRole(w, 'paper-file.create', PAPER_ROLES);
  const basis = await subjectAccess(w, input.subject, 'paper-file.create');
  const place = await placeOf(w, input);
  const childId = 'childId' in input.subject ? input.subject.childId : null;
  const carerId = 'carerId' in input.subject ? input.subject.carerId : null;
  const id = await repo.insertPaperFile(w.db, { childId, carerId, description: input.description.trim(), ...place, at: w.now, by: actorRef(w) });
  await repo.insertFileEvent(w.db, { fileId: id, event: 'registered', ...place, holderId: null, note: null, at: w.now, by: actorRef(w) });
  w.audit({ action: 'paper-file.create', childIds: childId === null ? [] : [childId], basis, entityType: 'paper-file', entityId: id, detail: carerId === null ? {} : { carerId } });
  return loadFile(w, id);
}

async function changeFile(w: Work, id: string, action: 'paper-file.move' | 'paper-file.check-out' | 'paper-file.return', change: (f: PaperFileView) => Promise<void>): Promise<PaperFileView> {
  requireRole(w, action, PAPER_ROLES);
  // Two check-outs of one file at once: the second waits, then sees the file is out.
  await repo.lockPaperFile(w.db, id);
  const file = await loadFile(w, id);
  if (file.status === 'destroyed') throw new DomainError('RECORD_DESTROYED', 'That paper file has been destroyed.');
  await change(file);
  w.audit({ action, childIds: childIdsOf([file]), entityType: 'paper-file', entityId: id });
  return loadFile(w, id);
}

export async function moveFile(w: Work, id: string, input: { boxId?: string; location?: string }): Promise<PaperFileView> {
  return changeFile(w, id, 'paper-file.move', async (file) => {
    if (file.status === 'checked-out') throw new DomainError('CONFLICT', 'That file is checked out: record its return first.');
    const place = await placeOf(w, input);
    await repo.updatePaperFile(w.db, id, { box_id: place.boxId, location: place.location });
    await repo.insertFileEvent(w.db, { fileId: id, event: 'moved', ...place, holderId: null, note: null, at: w.now, by: actorRef(w) });
  });
}

export async function checkOut(w: Work, id: string, input: { toUserId: string; note?: string }): Promise<PaperFileView> {
  return changeFile(w, id, 'paper-file.check-out', async (file) => {
    if (file.status === 'checked-out') throw new DomainError('CONFLICT', `That file is already checked out to ${file.checkedOut?.to.displayName ?? 'someone'}.`);
    const user = await w.db.selectFrom('app_user').select(['id', 'active']).where('id', '=', input.toUserId).executeTakeFirst();
    if (user === undefined || !user.active) throw invalid({ field: 'toUserId', message: 'must be an active user' });
    await repo.updatePaperFile(w.db, id, { checked_out_to: input.toUserId, checked_out_at: w.now });
    await repo.insertFileEvent(w.db, { fileId: id, event: 'checked-out', boxId: null, location: null, holderId: input.toUserId, note: input.note?.trim() ?? null, at: w.now, by: actorRef(w) });
  });
}

export async function returnFile(w: Work, id: string, input: { boxId?: string; location?: string; note?: string }): Promise<PaperFileView> {
  return changeFile(w, id, 'paper-file.return', async (file) => {
    if (file.status !== 'checked-out') throw new DomainError('CONFLICT', 'That file is not checked out.');
    const place = input.boxId === undefined && input.location === undefined ? { boxId: file.box?.id ?? null, location: file.location } : await placeOf(w, input);
    await repo.updatePaperFile(w.db, id, { checked_out_to: null, checked_out_at: null, box_id: place.boxId, location: place.location });
    await repo.insertFileEvent(w.db, { fileId: id, event: 'returned', ...place, holderId: null, note: input.note?.trim() ?? null, at: w.now, by: actorRef(w) });
  });
}

export async function listPaperFiles(w: Work, subject: Subject): Promise<{ items: PaperFileView[] }> {
  const basis = await subjectAccess(w, subject, 'paper-file.read');
  const items = await fileViews(w, await repo.findPaperFiles(w.db, 'childId' in subject ? { childId: subject.childId } : { carerId: subject.carerId }));
  w.audit({ action: 'paper-file.read', childIds: 'childId' in subject ? [subject.childId] : [], basis, detail: { returned: items.length } });
  return { items };
}

export async function getPaperFile(w: Work, id: string) {
  const file = await loadFile(w, id);
  const basis = await subjectAccess(w, file.subject, 'paper-file.read');
  const events = await repo.fileEvents(w.db, id);
  w.audit({ action: 'paper-file.read', childIds: childIdsOf([file]), basis, entityType: 'paper-file', entityId: id });
  return {
    ...file,
    // A note on a check-out or return is text about the file: withheld with its description.
    events: events.map((e) => ({ event: e.event, boxBarcode: e.barcode, location: e.location, holder: e.holder, note: file.restricted && e.note !== null ? RESTRICTED_LABEL : e.note, at: e.at.toISOString(), by: e.by_name })),
  };
}
