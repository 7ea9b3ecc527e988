import type { ColumnType, Generated } from 'kysely';

/** Subject access and court-ordered disclosure tables (migrations 0510 and 0700), as Kysely sees them. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, never>;
type NullableJson<T> = ColumnType<T | null, string | null, never>;

export interface SarTable {
  id: Generated<string>;
  child_id: string;
  kind: string;
  requester: string;
  relationship: string | null;
  court: string | null;
  order_reference: string | null;
  order_due_date: string | null;
  received_on: string;
  scope_kinds: string[] | null;
  scope_from: string | null;
  scope_to: string | null;
  note: Generated<string>;
  status: Generated<string>;
  due_date: string | null;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface SarIdentityTable {
  sar_id: string;
  method: string;
  authority_evidence: string | null;
  note: Generated<string>;
  verified_on: string;
  verified_at: Timestamp;
  verified_by: string;
}

export interface SarPauseTable {
  id: Generated<string>;
  sar_id: string;
  reason: string;
  note: Generated<string>;
  paused_on: string;
  paused_at: Timestamp;
  paused_by: string;
}

export interface SarResumeTable {
  pause_id: string;
  note: Generated<string>;
  resumed_on: string;
  resumed_at: Timestamp;
  resumed_by: string;
}

export interface SarExtensionTable {
  id: Generated<string>;
  sar_id: string;
  months: number;
  reason: string;
  told_on: string;
  extended_at: Timestamp;
  extended_by: string;
}

export interface SarRedactionDecisionTable {
  seq: ColumnType<number, never, never>;
  sar_id: string;
  redaction_id: string;
  source: string;
  entry_id: string;
  entry_version: number;
  field: string;
  start_offset: number;
  end_offset: number;
  reason: string;
  accept: boolean;
  exemption: string | null;
  note: Generated<string>;
  decided_at: Timestamp;
  decided_by: string;
}

export interface SarApprovalTable {
  sar_id: string;
  /** The exact entry versions approved: `[{ entryId, version }]`. */
  entries: Json<Array<{ entryId: string; version: number }>>;
  /** The accepted redactions (proposed and manual) the bundle applies. */
  redaction_ids: string[];
  /** The documents covered and how each is disclosed (null: approved before documents were reviewed). */
  documents: NullableJson<ApprovedDocument[]>;
  proposals: number;
  accepted: number;
  approved_at: Timestamp;
  approved_by: string;
}

export interface SarRefusalTable {
  sar_id: string;
  grounds: string;
  reason: string;
  refused_at: Timestamp;
  refused_by: string;
}

export interface SarDisclosureTable {
  id: Generated<string>;
  sar_id: string;
  bundle_sha256: string;
  pages: number;
  bytes: number;
  /** What this download disclosed or withheld of each document (null on rows from before migration 0700). */
  documents: NullableJson<DisclosedDocument[]>;
  disclosed_at: Timestamp;
  disclosed_by: string;
}

/** How a document leaves in the bundle: its text (redacted), its image, in full beside the bundle, or not at all. */
export type DocumentDisclosure = 'text' | 'image' | 'separately' | 'withheld';

export interface ApprovedDocument {
  documentId: string;
  sha256: string;
  entryId: string;
  disclose: boolean;
  as: DocumentDisclosure;
}

export interface DisclosedDocument {
  documentId: string;
  sha256: string;
  as: DocumentDisclosure;
  exemption: string | null;
}

export interface SarDocumentDecisionTable {
  seq: ColumnType<number, never, never>;
  sar_id: string;
  document_id: string;
  entry_id: string;
  sha256: string;
  disclose: boolean;
  exemption: string | null;
  note: Generated<string>;
  decided_at: Timestamp;
  decided_by: string;
}

export interface SarTables {
  sar: SarTable;
  sar_identity: SarIdentityTable;
  sar_pause: SarPauseTable;
  sar_resume: SarResumeTable;
  sar_extension: SarExtensionTable;
  sar_redaction_decision: SarRedactionDecisionTable;
  sar_document_decision: SarDocumentDecisionTable;
  sar_approval: SarApprovalTable;
  sar_refusal: SarRefusalTable;
  sar_disclosure: SarDisclosureTable;
}
