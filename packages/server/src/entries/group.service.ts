import { randomUUID } from 'node:crypto';
import { DomainError, hasRole, invalid, type EntryKind } from '@safekeep/core';
import { WRITING_ROLES } from '../access/child-access.js';
import type { Work } from '../db/work.js';
import { copiesFor, requireWritableChildren, type Copy } from './copies.service.js';
import { insertNewEntry, type EntryView, type NewEntryInput } from './entries.service.js';
import { checkKindRules } from './entry-rules.js';

/** Kinds that belong to one child alone and are never written for a group. */
const NOT_FOR_GROUPS = new Set<EntryKind>(['decision', 'child-contribution', 'duplicate-entry', 'cross-reference']);

export interface GroupResult {
  groupId: string;
  entries: Array<{ childId: string; entry: EntryView }>;
}

async function prepare(w: Work, childIds: string[], entry: NewEntryInput): Promise<Array<Copy & { basis: string }>> {
  if (!hasRole(w.actor, ...WRITING_ROLES)) throw new DomainError('ACCESS_DENIED', 'Your role does not add to children’s records.');
  if (childIds.length < 2) throw invalid({ field: 'childIds', message: 'a group entry is for two or more children; for one child add an ordinary entry' });
  if (NOT_FOR_GROUPS.has(entry.kind)) throw invalid({ field: 'entry.kind', message: `${entry.kind} entries belong to one child and are not written for a group` });
  const children = await requireWritableChildren(w, childIds, 'childIds');
  for (const c of children) await checkKindRules(w, c.id, entry.kind, entry.fields ?? {});
  const bases = new Map(children.map((c) => [c.id, c.basis]));
  return (await copiesFor(w.db, children, entry.title, entry.body)).map((c) => ({ ...c, basis: bases.get(c.childId) ?? 'unknown' }));
}

/** What each child's copy will say, before saving: the author checks the initials. */
export async function previewGroupEntry(w: Work, childIds: string[], entry: NewEntryInput): Promise<{ copies: Copy[] }> {
  return { copies: (await prepare(w, childIds, entry)).map(({ basis: _basis, ...c }) => c) };
}

/**
 * An event that concerns several children (R9): written once, saved as a separate entry
 * in each child's record (never one shared entry), each cross-referencing the others,
 * with the other children named only by their initials (R7).
 */
export async function createGroupEntry(w: Work, childIds: string[], entry: NewEntryInput): Promise<GroupResult> {
  const copies = await prepare(w, childIds, entry);
  const groupId = randomUUID();
  const ids = new Map(copies.map((c) => [c.childId, randomUUID()]));
  const members = copies.map((c) => ({ childId: c.childId, entryId: ids.get(c.childId) ?? '' }));
  const out: GroupResult['entries'] = [];
  for (const copy of copies) {
    const id = ids.get(copy.childId) ?? randomUUID();
    const fields = { ...(entry.fields ?? {}), group: { groupId, crossReferences: members.filter((m) => m.childId !== copy.childId) } };
    const view = await insertNewEntry(w, copy.childId, { ...entry, title: copy.title, body: copy.body, fields }, { id });
    w.audit({ action: 'entry.group', childIds: [copy.childId], basis: copy.basis, entityType: 'entry', entityId: id, detail: { groupId, kind: entry.kind, initialsUsed: copy.replacements.length } });
    out.push({ childId: copy.childId, entry: view });
  }
  return { groupId, entries: out };
}
