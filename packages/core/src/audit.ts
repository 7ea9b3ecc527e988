import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * The audit trail is a hash chain whose leaves are laid out for an RFC 9162 Merkle tree:
 * event `seq` (0, 1, 2, … with no gaps) is leaf number `seq`; its leaf hash is
 * SHA-256(0x00 ‖ payload) (RFC 9162 §2.1.1); its chain hash is SHA-256(prev ‖ leaf),
 * where prev is the chain hash of event seq−1 (32 zero bytes for event 0). The payload
 * is the event without its position (the position is the leaf index, bound by the
 * chain), so it can be hashed before the database assigns the position. The chain lets
 * `safekeep audit verify` find the first altered row; the leaf hashes let a Merkle tree
 * be built later over the same rows without rewriting any of them.
 */

/** A closed set of event kinds (Documenso's model): adding one is a reviewed change. */
export const AUDIT_ACTIONS = [
  'session.login',
  'session.login-refused',
  'session.logout',
  'session.csrf-refused',
  'team.create',
  'user.create',
  'user.update',
  'child.create',
  'child.duplicate-override',
  'child.correct',
  'child.read',
  'child.search',
  'involvement.create',
  'involvement.close',
  'allocation.create',
  'allocation.end',
  'relationship.create',
  'entry.create',
  'entry.correct',
  'entry.finalise',
  'entry.read',
  'entry.list',
  'document.create',
  'document.read',
  'access-log.read',
  'request.replay',
  'authority.update',
  'calendar.import',
  'carer.create',
  'carer.read',
  'carer.allocate',
  'carer-entry.create',
  'carer-entry.read',
  'entry.duplicate',
  'entry.group',
  'carer.close',
  'retention.read',
  'retention.schedule-publish',
  'retention.report',
  'hold.create',
  'hold.read',
  'hold.lock',
  'hold.release-approve',
  'hold.release',
  'disposal.request',
  'disposal.approve',
  'disposal.execute',
  'disposal.read',
  'escalation.raise',
  'escalation.decide',
  'escalation.read',
  'record.archive',
  'record.reopen',
  'box.create',
  'box.move',
  'box.read',
  'box.label',
  'paper-file.create',
  'paper-file.move',
  'paper-file.check-out',
  'paper-file.return',
  'paper-file.read',
  'notebook.register',
  'notebook.transcribed',
  'notebook.disposal-approve',
  'notebook.dispose',
  'notebook.read',
  'sar.create',
  'sar.read',
  'sar.list',
  'sar.identity',
  'sar.pause',
  'sar.resume',
  'sar.extend',
  'sar.items-read',
  'sar.redaction-decide',
  'sar.redaction-add',
  'sar.document-decide',
  'sar.document-read',
  'sar.approve',
  'sar.refuse',
  'sar.disclose',
  'sar.schedule-read',
  'access-grant.create',
  'access-grant.revoke',
  'access-grant.read',
  'restriction.set',
  'restriction.lift',
  'restriction.read',
  'break-glass.open',
  'break-glass.read',
  'access.explain',
  'audit.read',
  'audit.checkpoint',
  'audit.proof',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = 'allowed' | 'denied';

/** What a service says happened. No names or free text about a child: ids only. */
export interface AuditEventInput {
  action: AuditAction;
  outcome?: AuditOutcome;
  /** On what basis access was exercised: `role:head-of-service`, `allocation`, `team`, … */
  basis?: string | null;
  childIds?: readonly string[];
  entityType?: string | null;
  entityId?: string | null;
  detail?: Record<string, string | number | boolean | null | readonly string[]>;
}

/** One row of the trail as hashed: every column that matters is in the payload. */
export interface AuditRecord {
  seq: number;
  id: string;
  at: string;
  actorId: string | null;
  action: string;
  outcome: AuditOutcome;
  basis: string | null;
  childIds: string[];
  entityType: string | null;
  entityId: string | null;
  requestId: string | null;
  detail: Record<string, unknown>;
}

export const PAYLOAD_VERSION = 1;
export const GENESIS_HASH: Uint8Array = new Uint8Array(32);

const encoder = new TextEncoder();

/** RFC 8785 canonical JSON of the record (without its position), with the payload format version. */
export function auditPayload(record: Omit<AuditRecord, 'seq'> & { seq?: number }): string {
  const { seq: _position, ...content } = record;
  const text = canonicalize({ v: PAYLOAD_VERSION, ...content });
  if (text === undefined) throw new Error('audit record cannot be canonicalised');
  return text;
}

/** RFC 9162 §2.1.1 leaf hash: SHA-256(0x00 ‖ data). */
export function leafHash(payload: string): Uint8Array {
  const bytes = encoder.encode(payload);
  const input = new Uint8Array(bytes.length + 1);
  input[0] = 0x00;
  input.set(bytes, 1);
  return sha256(input);
}

export function chainHash(prev: Uint8Array, leaf: Uint8Array): Uint8Array {
  const input = new Uint8Array(64);
  input.set(prev, 0);
  input.set(leaf, 32);
  return sha256(input);
}

export interface SealedAuditRecord {
  record: AuditRecord;
  payload: string;
  leafHash: Uint8Array;
  prevHash: Uint8Array;
  chainHash: Uint8Array;
}

/** Seals records (already numbered from the predecessor's seq + 1) onto the chain. */
export function sealAuditRecords(prev: Uint8Array, records: readonly AuditRecord[]): SealedAuditRecord[] {
  const out: SealedAuditRecord[] = [];
  let last = prev;
  for (const record of records) {
    const payload = auditPayload(record);
    const leaf = leafHash(payload);
    const chain = chainHash(last, leaf);
    out.push({ record, payload, leafHash: leaf, prevHash: last, chainHash: chain });
    last = chain;
  }
  return out;
}

export type AuditRowProblem =
  | 'sequence-gap'
  | 'payload-mismatch'
  | 'leaf-hash-mismatch'
  | 'prev-hash-mismatch'
  | 'chain-hash-mismatch';

export interface StoredAuditRow {
  record: AuditRecord;
  payload: string;
  leafHash: Uint8Array;
  prevHash: Uint8Array;
  chainHash: Uint8Array;
}

/**
 * Checks one stored row against its predecessor's chain hash and expected position.
 * Returns the first problem found, or null when the row is intact.
 */
export function checkAuditRow(row: StoredAuditRow, expectedSeq: number, prev: Uint8Array): AuditRowProblem | null {
  if (row.record.seq !== expectedSeq) return 'sequence-gap';
  if (auditPayload(row.record) !== row.payload) return 'payload-mismatch';
  const leaf = leafHash(row.payload);
  if (!bytesEqual(leaf, row.leafHash)) return 'leaf-hash-mismatch';
  if (!bytesEqual(prev, row.prevHash)) return 'prev-hash-mismatch';
  if (!bytesEqual(chainHash(prev, leaf), row.chainHash)) return 'chain-hash-mismatch';
  return null;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}
