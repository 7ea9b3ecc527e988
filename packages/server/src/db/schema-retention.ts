import type { ColumnType, Generated } from 'kysely';

/** Retention, holds, disposal, escalation and paper tables (migrations 0400–0420), as Kysely sees them. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, never>;

export interface RetentionScheduleTable {
  version: number;
  note: string;
  published_at: Timestamp;
  published_by: string | null;
}

export interface RetentionRuleTable {
  schedule_version: number;
  rule_id: string;
  record_class: string;
  description: string;
  trigger: string;
  years: number | null;
  death_years: number | null;
  minimum: boolean;
  basis: string;
  verified: boolean;
  source: string;
  notes: string;
  applies_to: string;
  condition: string | null;
  active: boolean;
}

export interface RetentionLabelColumns {
  status: string;
  destruction_date: string | null;
  rule_ids: string[];
  applied_rule_ids: string[];
  record_classes: string[];
  schedule_version: number;
  computed_at: Timestamp;
}

export interface RetentionLabelTable extends RetentionLabelColumns {
  child_id: string;
}

export interface CarerRetentionLabelTable extends RetentionLabelColumns {
  carer_id: string;
}

export interface HoldTable {
  id: Generated<string>;
  name: string;
  scope: string;
  record_class: string | null;
  reason: string;
  authority: string;
  created_at: Timestamp;
  created_by: string | null;
}

export interface HoldSubjectTable {
  hold_id: string;
  child_id: string | null;
  carer_id: string | null;
}

export interface HoldLockTable {
  hold_id: string;
  reason: string;
  locked_at: Timestamp;
  locked_by: string | null;
}

export interface HoldReleaseApprovalTable {
  hold_id: string;
  approver_id: string;
  reason: string;
  approved_at: Timestamp;
}

export interface HoldReleaseTable {
  hold_id: string;
  released_at: Timestamp;
}

export interface RecordStatusChangeTable {
  id: Generated<string>;
  child_id: string;
  status: string;
  reason: string;
  changed_at: Timestamp;
  changed_by: string | null;
}

export interface EscalationTable {
  id: Generated<string>;
  child_id: string | null;
  carer_id: string | null;
  question: string;
  to_role: string;
  raised_at: Timestamp;
  raised_by: string;
}

export interface EscalationDecisionTable {
  escalation_id: string;
  decision: string;
  decided_at: Timestamp;
  decided_by: string;
}

export interface DisposalTable {
  id: Generated<string>;
  /** Exactly one of child_id and carer_id (migration 0710). */
  child_id: string | null;
  carer_id: string | null;
  reason: string;
  requested_at: Timestamp;
  requested_by: string;
}

export interface DisposalApprovalTable {
  disposal_id: string;
  approver_id: string;
  role: string;
  approved_at: Timestamp;
}

export interface DisposalExecutionTable {
  disposal_id: string;
  child_id: string | null;
  carer_id: string | null;
  executed_at: Timestamp;
  /** Set by the database (the executing transaction). */
  txid: ColumnType<number, never, never>;
  audit_seq: number | null;
  certificate: Json<Record<string, unknown>>;
  certificate_sha256: string;
}

export interface BoxTable {
  id: Generated<string>;
  barcode: string;
  created_at: Timestamp;
  created_by: string | null;
}

export interface BoxLocationTable {
  id: Generated<string>;
  box_id: string;
  location: string;
  moved_at: Timestamp;
  moved_by: string | null;
}

export interface PaperFileTable {
  id: Generated<string>;
  child_id: string | null;
  carer_id: string | null;
  description: string;
  box_id: string | null;
  location: string | null;
  checked_out_to: string | null;
  checked_out_at: Timestamp | null;
  destroyed_at: Timestamp | null;
  created_at: Timestamp;
  created_by: string | null;
}

export interface PaperFileEventTable {
  id: Generated<string>;
  paper_file_id: string;
  event: string;
  box_id: string | null;
  location: string | null;
  holder_id: string | null;
  note: string | null;
  at: Timestamp;
  by_user: string | null;
}

export interface NotebookTable {
  id: Generated<string>;
  owner_user_id: string;
  from_date: string;
  to_date: string;
  description: string | null;
  registered_at: Timestamp;
  registered_by: string | null;
}

export interface NotebookTranscriptionTable {
  notebook_id: string;
  note: string | null;
  transcribed_at: Timestamp;
  transcribed_by: string;
}

export interface NotebookDisposalApprovalTable {
  notebook_id: string;
  approver_id: string;
  role: string;
  reason: string;
  approved_at: Timestamp;
}

export interface NotebookDisposalTable {
  notebook_id: string;
  disposed_at: Timestamp;
}

export interface RetentionTables {
  retention_schedule: RetentionScheduleTable;
  retention_rule: RetentionRuleTable;
  retention_label: RetentionLabelTable;
  carer_retention_label: CarerRetentionLabelTable;
  hold: HoldTable;
  hold_subject: HoldSubjectTable;
  hold_lock: HoldLockTable;
  hold_release_approval: HoldReleaseApprovalTable;
  hold_release: HoldReleaseTable;
  record_status_change: RecordStatusChangeTable;
  escalation: EscalationTable;
  escalation_decision: EscalationDecisionTable;
  disposal: DisposalTable;
  disposal_approval: DisposalApprovalTable;
  disposal_execution: DisposalExecutionTable;
  box: BoxTable;
  box_location: BoxLocationTable;
  paper_file: PaperFileTable;
  paper_file_event: PaperFileEventTable;
  notebook: NotebookTable;
  notebook_transcription: NotebookTranscriptionTable;
  notebook_disposal_approval: NotebookDisposalApprovalTable;
  notebook_disposal: NotebookDisposalTable;
}
