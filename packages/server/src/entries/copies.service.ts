import { sql, type Kysely } from 'kysely';
import { anonymise, DomainError, hasRole, invalid, normaliseName, type Person, type Replacement } from '@safekeep/core';
import { accessBases, isFullBasis, recordStatus } from '../access/access.repository.js';
import { WRITING_ROLES } from '../access/child-access.js';
import type { DB } from '../db/schema.js';
import type { Work } from '../db/work.js';

/**
 * Copies of one text into several children's records (a group event, R9; a carer record
 * entry, R8), each with the other children named only by initials (R7).
 */
export interface NamedChild extends Person {
  id: string;
}

export interface Copy {
  childId: string;
  title: string;
  body: string;
  replacements: Array<Pick<Replacement, 'text' | 'initials'> & { in: 'title' | 'body' }>;
}

/** Children whose full name appears in the text: every run of two to four words is looked up. */
export async function childrenNamedIn(db: Kysely<DB>, text: string): Promise<NamedChild[]> {
  const words = normaliseName(text).split(' ').filter((w) => w.length > 0);
  const candidates = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    for (let n = 2; n <= 4 && i + n <= words.length; n++) {
      const run = words.slice(i, i + n);
      candidates.add(run.join(' '));
      candidates.add([...run.slice(1), run[0]].join(' ')); // "Smith Jamie"
    }
  }
  if (candidates.size === 0) return [];
  const { rows } = await sql<{ id: string; given_name: string; family_name: string }>`
    select id, given_name, family_name from child where search_name = any(${[...candidates]}::text[]) limit 500`.execute(db);
  return rows.map((r) => ({ id: r.id, givenName: r.given_name, familyName: r.family_name }));
}

/**
 * The copy for each target child: every other child in the group (and any other child
 * the text names in full, or `alsoHide`) becomes initials; the child's own name stays.
 */
export async function copiesFor(db: Kysely<DB>, targets: NamedChild[], title: string, body: string, alsoHide: NamedChild[] = []): Promise<Copy[]> {
  const named = await childrenNamedIn(db, `${title}\n${body}`);
  return targets.map((target) => {
    const byId = new Map<string, NamedChild>();
    for (const c of [...targets, ...alsoHide]) if (c.id !== target.id) byId.set(c.id, c);
    const fullNameOnly = named.filter((c) => c.id !== target.id && !byId.has(c.id));
    const opts = { keepGivenNames: [target.givenName] };
    const t1 = anonymise(title, [...byId.values()], opts);
    const t2 = anonymise(t1.text, fullNameOnly, { ...opts, givenNameAlone: false });
    const b1 = anonymise(body, [...byId.values()], opts);
    const b2 = anonymise(b1.text, fullNameOnly, { ...opts, givenNameAlone: false });
    return {
      childId: target.id,
      title: t2.text,
      body: b2.text,
      replacements: [
        ...[...t1.replacements, ...t2.replacements].map((r) => ({ text: r.text, initials: r.initials, in: 'title' as const })),
        ...[...b1.replacements, ...b2.replacements].map((r) => ({ text: r.text, initials: r.initials, in: 'body' as const })),
      ],
    };
  });
}

/**
 * Each target child must exist (400, naming the position) and the author must be able to
 * add to their record (403, naming it): a role that writes to records (WRITING_ROLES, as
 * for one entry) and a full basis for each child, never a grant's read-only one. Ids are
 * returned in lower case, as stored. Any failure writes nothing.
 */
export async function requireWritableChildren(w: Work, childIds: string[], field: string): Promise<Array<NamedChild & { basis: string }>> {
  if (!hasRole(w.actor, ...WRITING_ROLES)) {
    w.auditDenied({ action: 'entry.create', detail: { reason: 'role', via: field } });
    throw new DomainError('ACCESS_DENIED', 'Your role does not add to children’s records.');
  }
  const ids = childIds.map((id) => id.toLowerCase());
  const unique = [...new Set(ids)];
  if (unique.length !== ids.length) throw invalid({ field, message: 'must not name a child twice' });
  const rows = await w.db.selectFrom('child').select(['id', 'given_name', 'family_name']).where('id', 'in', unique.length > 0 ? unique : ['00000000-0000-0000-0000-000000000000']).execute();
  const found = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.map((id, i) => ({ id, i })).filter((x) => !found.has(x.id));
  if (missing.length > 0) throw invalid(missing.map((m) => ({ field: `${field}.${m.i}`, message: 'there is no child record with that id' })));
  const out: Array<NamedChild & { basis: string }> = [];
  for (const [i, id] of ids.entries()) {
    const bases = (await accessBases(w.db, w, id)).filter(isFullBasis);
    const status = await recordStatus(w.db, id);
    if (bases.length === 0 || status === undefined) {
      w.auditDenied({ action: 'entry.create', childIds: [id], detail: { reason: 'no-basis', via: field } });
      throw new DomainError('ACCESS_DENIED', 'You cannot add to one of these children’s records.', { fields: [{ field: `${field}.${i}`, message: 'you cannot add to this child’s record' }] });
    }
    if (status === 'archived') throw new DomainError('RECORD_ARCHIVED', 'One of these records is archived and read-only. Reopen it to add to it.', { fields: [{ field: `${field}.${i}`, message: 'this record is archived' }] });
    if (status === 'destroyed') throw new DomainError('RECORD_DESTROYED', 'One of these records was destroyed under an approved disposal.', { fields: [{ field: `${field}.${i}`, message: 'this record was destroyed' }] });
    const r = found.get(id);
    w.touches(id);
    if (r !== undefined) out.push({ id, givenName: r.given_name, familyName: r.family_name, basis: bases[0] ?? 'unknown' });
  }
  return out;
}
