import { createHash } from 'node:crypto';
import { applyRedactions, proposeRedactions, type RedactionReason } from '@safekeep/core';
import type { CollatedEntry } from './collation.repository.js';
import type { PeopleSet } from './people.js';

/**
 * An entry as it is reviewed and disclosed: its texts (title, body, and each free-text
 * field of its kind, e.g. a decision's rationale and the parents' views), each with the
 * redactions proposed in it. A proposal's id is derived from the entry version, the
 * field and the span, so it is the same every time the request is collated, and a
 * decision on it never drifts to other text: a corrected entry is a new version whose
 * proposals are new and undecided.
 */

export interface TextField {
  /** `title`, `body`, or `fields.<path>` (e.g. `fields.parentViews.0.view`). */
  field: string;
  label: string;
  text: string;
}

export interface Proposal {
  id: string;
  source: 'proposed' | 'manual';
  field: string;
  start: number;
  end: number;
  text: string;
  reason: RedactionReason | 'manual';
  personId: string | null;
}

/** Fields that link records together (ids, copies, groups): not the child's data as such, never shown. */
const LINK_FIELDS = new Set(['group', 'sourceEntryId', 'sourceVersion', 'sourceKind', 'carerId', 'carerKind', 'informedBy', 'referencedChildId', 'referencedEntryId', 'childsProperty']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function words(key: string): string {
  if (/^\d+$/.test(key)) return String(Number(key) + 1);
  const spaced = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function flatten(value: unknown, path: string[], out: TextField[]): void {
  if (typeof value === 'string') {
    if (value.trim() !== '' && !UUID.test(value)) out.push({ field: `fields.${path.join('.')}`, label: path.map(words).join(' — '), text: value });
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    out.push({ field: `fields.${path.join('.')}`, label: path.map(words).join(' — '), text: typeof value === 'boolean' ? (value ? 'Yes' : 'No') : String(value) });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, [...path, String(i)], out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) if (/^[A-Za-z0-9]+$/.test(k) && !(path.length === 0 && LINK_FIELDS.has(k))) flatten(v, [...path, k], out);
  }
}

/** Title, body, then the kind's own fields in a stable order. */
export function textFieldsOf(entry: Pick<CollatedEntry, 'title' | 'body' | 'fields'>): TextField[] {
  const extra: TextField[] = [];
  flatten(entry.fields, [], extra);
  extra.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return [{ field: 'title', label: 'Title', text: entry.title }, { field: 'body', label: 'Body', text: entry.body }, ...extra];
}

function idFrom(parts: readonly (string | number)[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  // A UUID-shaped name (version 8, RFC 9562 variant) so it sits with every other id of the API.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function proposalId(entryId: string, version: number, field: string, start: number, end: number): string {
  return idFrom(['sar-proposal', entryId.toLowerCase(), version, field, start, end]);
}

export function manualRedactionId(sarId: string, entryId: string, version: number, field: string, start: number, end: number): string {
  return idFrom(['sar-manual', sarId.toLowerCase(), entryId.toLowerCase(), version, field, start, end]);
}

/** The `field` of a redaction in a text document's text. */
export function documentField(documentId: string): string {
  return `document:${documentId.toLowerCase()}`;
}

/** The document a redaction's field names, or null for an entry's text. */
export function documentOfField(field: string): string | null {
  return field.startsWith('document:') ? field.slice('document:'.length) : null;
}

/** A proposal in a document's text: from the document and its content (SHA-256), so the same file proposes the same ids every time. */
export function documentProposalId(documentId: string, sha256: string, start: number, end: number): string {
  return idFrom(['sar-document-proposal', documentId.toLowerCase(), sha256, start, end]);
}

export function documentManualRedactionId(sarId: string, documentId: string, sha256: string, start: number, end: number): string {
  return idFrom(['sar-document-manual', sarId.toLowerCase(), documentId.toLowerCase(), sha256, start, end]);
}

/**
 * Proposals depend only on an entry version's texts (which never change) and on the
 * people set, so they are kept per people set: paging through a request's items, or
 * deciding in batches, proposes each entry once, not once per page. A changed people set
 * (a new sibling, say) has a new key, and everything is proposed afresh.
 */
class ProposalCache {
  readonly #sets = new Map<string, Map<string, Proposal[]>>();

  constructor(private readonly maxSets: number) {}

  forPeople(people: PeopleSet): Map<string, Proposal[]> {
    const key = createHash('sha256').update(JSON.stringify([people.people, people.notProposed])).digest('hex');
    let set = this.#sets.get(key);
    if (set === undefined) {
      set = new Map();
      if (this.#sets.size >= this.maxSets) this.#sets.delete(this.#sets.keys().next().value as string);
    } else this.#sets.delete(key);
    this.#sets.set(key, set); // most recently used last
    return set;
  }
}

const cache = new ProposalCache(16);

/** The proposals in one entry version's texts, in field then text order. */
export function proposalsFor(entry: Pick<CollatedEntry, 'entry_id' | 'version'>, texts: readonly TextField[], people: PeopleSet, cached: Map<string, Proposal[]> = cache.forPeople(people)): Proposal[] {
  const key = `${entry.entry_id}:${entry.version}`;
  const hit = cached.get(key);
  if (hit !== undefined) return hit;
  const out = propose(entry, texts, people);
  cached.set(key, out);
  return out;
}

/** The cache of proposals for one people set: look it up once per collation. */
export function proposalsCacheFor(people: PeopleSet): Map<string, Proposal[]> {
  return cache.forPeople(people);
}

/** The proposals in a text document's text (its content never changes, so they are cached like an entry version's). */
export function documentProposalsFor(doc: { id: string; sha256: string }, text: string, people: PeopleSet, cached: Map<string, Proposal[]> = cache.forPeople(people)): Proposal[] {
  const key = `document:${doc.id}:${doc.sha256}`;
  const hit = cached.get(key);
  if (hit !== undefined) return hit;
  const field = documentField(doc.id);
  const out: Proposal[] =
    people.people.length === 0
      ? []
      : proposeRedactions(text, people.people, { notProposed: people.notProposed }).map((p) => ({
          id: documentProposalId(doc.id, doc.sha256, p.start, p.end),
          source: 'proposed',
          field,
          start: p.start,
          end: p.end,
          text: p.text,
          reason: p.reason,
          personId: p.personId,
        }));
  cached.set(key, out);
  return out;
}

function propose(entry: Pick<CollatedEntry, 'entry_id' | 'version'>, texts: readonly TextField[], people: PeopleSet): Proposal[] {
  if (people.people.length === 0) return [];
  const out: Proposal[] = [];
  for (const t of texts) {
    for (const p of proposeRedactions(t.text, people.people, { notProposed: people.notProposed })) {
      out.push({ id: proposalId(entry.entry_id, entry.version, t.field, p.start, p.end), source: 'proposed', field: t.field, start: p.start, end: p.end, text: p.text, reason: p.reason, personId: p.personId });
    }
  }
  return out;
}

/** A span to take out of one text, and the redaction decisions it stands for. */
export interface Cut {
  start: number;
  end: number;
  ids: string[];
}

/** Overlapping or touching accepted spans become one cut, so one marker stands for them. */
export function mergeCuts(spans: ReadonlyArray<{ id: string; start: number; end: number }>): Cut[] {
  const cuts: Cut[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start || b.end - a.end)) {
    const last = cuts.at(-1);
    if (last !== undefined && s.start <= last.end) {
      last.end = Math.max(last.end, s.end);
      last.ids.push(s.id);
    } else cuts.push({ start: s.start, end: s.end, ids: [s.id] });
  }
  return cuts;
}

/**
 * The text with each cut replaced by a numbered marker, "[redacted 12]": the redacted
 * words are removed, not drawn over, so nothing of them reaches the PDF. `next` is the
 * first marker number; the numbers used are returned with the ids behind each.
 */
export function redactText(text: string, cuts: readonly Cut[], next: number): { text: string; markers: Array<{ marker: number; ids: string[] }> } {
  const markers = cuts.map((c, i) => ({ marker: next + i, ids: c.ids }));
  return { text: applyRedactions(text, cuts.map((c, i) => ({ start: c.start, end: c.end, label: `[redacted ${next + i}]` }))), markers };
}
