import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { AccessTables } from './schema-access.js';
import type { AuditMerkleTables } from './schema-audit-merkle.js';
import type { RetentionTables } from './schema-retention.js';
import type { SarTables } from './schema-sars.js';

/**
 * The database as Kysely sees it. DATE columns are strings (`YYYY-MM-DD`, see
 * connect.ts); timestamptz columns are Dates; bigint columns are numbers.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface AuthorityTable {
  id: Generated<number>;
  name: string;
  holiday_region: Generated<string>;
  demo: Generated<boolean>;
  demo_seeded_at: Timestamp | null;
  created_at: Timestamp;
}

export interface TeamTable {
  id: Generated<string>;
  name: string;
  created_at: Timestamp;
  created_by: string | null;
}

export interface AppUserTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  team_id: string | null;
  active: Generated<boolean>;
  failed_logins: Generated<number>;
  last_failed_login_at: Timestamp | null;
  locked_at: Timestamp | null;
  created_at: Timestamp;
  created_by: string | null;
}

export interface SessionTable {
  id: Generated<string>;
  token_hash: Buffer;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
  end_reason: string | null;
}

export interface CaseRecordTable {
  child_id: string;
  status: 'open' | 'archived' | 'destroyed';
  opened_at: Timestamp;
  opened_by: string | null;
}

export interface ChildTable {
  id: string;
  version: number;
  given_name: string;
  family_name: string;
  search_name: string;
  sort_name: string;
  date_of_birth: string;
  sex: string | null;
  date_of_death: string | null;
  nhs_number: string | null;
  upn: string | null;
  local_id: string | null;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
}

export interface ChildVersionTable {
  child_id: string;
  version: number;
  details: ColumnType<unknown, string, never>;
  reason: string | null;
  recorded_at: Timestamp;
  recorded_by: string | null;
}

export interface DuplicateOverrideTable {
  id: Generated<string>;
  child_id: string;
  candidate_ids: string[];
  reason: string;
  decided_by: string;
  decided_at: Timestamp;
}

export interface InvolvementKindTable {
  code: string;
  label: string;
  builtin: boolean;
  record_class: string | null;
}

export interface InvolvementTable {
  id: Generated<string>;
  child_id: string;
  kind: string;
  start_date: string;
  end_date: string | null;
  created_at: Timestamp;
  created_by: string | null;
  closed_at: Timestamp | null;
  closed_by: string | null;
}

export interface AllocationTable {
  id: Generated<string>;
  child_id: string;
  user_id: string;
  role: string;
  starts_on: string;
  created_at: Timestamp;
  created_by: string | null;
  ended_at: Timestamp | null;
  ended_by: string | null;
}

export interface RelationshipTable {
  id: Generated<string>;
  child_id: string;
  related_child_id: string;
  kind: string;
  created_at: Timestamp;
  created_by: string | null;
}

export interface EntryTable {
  id: string;
  child_id: string;
  kind: string;
  current_version: number;
  status: string;
  occurred_at: Timestamp;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
  subtype: string | null;
  recording_due_by: Timestamp | null;
  finalised_at: Timestamp | null;
}

export interface EntryVersionTable {
  entry_id: string;
  version: number;
  occurred_at: Timestamp;
  title: string;
  body: string;
  fields: ColumnType<Record<string, unknown>, string, never>;
  status: string;
  reason: string | null;
  recorded_at: Timestamp;
  recorded_by: string;
}

export interface BlobTable {
  sha256: string;
  size: number;
  content_type: string;
  created_at: Timestamp;
}

export interface DocumentTable {
  id: Generated<string>;
  entry_id: string;
  child_id: string;
  sha256: string;
  size: number;
  content_type: string;
  filename: string | null;
  created_at: Timestamp;
  created_by: string;
}

export interface AuditEventTable {
  seq: number;
  id: string;
  at: Timestamp;
  actor_id: string | null;
  action: string;
  outcome: string;
  basis: string | null;
  child_ids: string[];
  entity_type: string | null;
  entity_id: string | null;
  request_id: string | null;
  detail: ColumnType<Record<string, unknown>, string, never>;
  payload: string;
  leaf_hash: Buffer;
  prev_hash: Buffer;
  chain_hash: Buffer;
}

export interface AuditHeadTable {
  id: Generated<number>;
  next_seq: number;
  prev_chain: Buffer;
  last_chain: Buffer;
}

export interface BankHolidayTable {
  region: string;
  date: string;
  title: string;
  source: string;
}

export interface CarerTable {
  id: Generated<string>;
  kind: string;
  name: string;
  status: Generated<string>;
  ended_on: string | null;
  end_reason: string | null;
  created_at: Timestamp;
  created_by: string | null;
}

export interface CarerAllocationTable {
  id: Generated<string>;
  carer_id: string;
  user_id: string;
  role: string;
  created_at: Timestamp;
  created_by: string | null;
  ended_at: Timestamp | null;
  ended_by: string | null;
}

export interface CarerEntryTable {
  id: string;
  carer_id: string;
  kind: string;
  current_version: number;
  occurred_at: Timestamp;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface CarerEntryVersionTable {
  entry_id: string;
  version: number;
  occurred_at: Timestamp;
  title: string;
  body: string;
  reason: string | null;
  recorded_at: Timestamp;
  recorded_by: string;
}

export interface EntrySummaryTable {
  child_id: string;
  kind: string;
  subtype: string;
  latest_entry_id: string;
  latest_occurred_at: Timestamp;
}

export interface IdempotencyRecordTable {
  user_id: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  status: number;
  body: string;
  created_at: Timestamp;
  child_ids: Generated<string[]>;
}

export interface DB extends RetentionTables, AccessTables, SarTables, AuditMerkleTables {
  authority: AuthorityTable;
  team: TeamTable;
  app_user: AppUserTable;
  session: SessionTable;
  case_record: CaseRecordTable;
  child: ChildTable;
  child_version: ChildVersionTable;
  duplicate_override: DuplicateOverrideTable;
  involvement_kind: InvolvementKindTable;
  involvement: InvolvementTable;
  allocation: AllocationTable;
  relationship: RelationshipTable;
  entry: EntryTable;
  entry_version: EntryVersionTable;
  blob: BlobTable;
  document: DocumentTable;
  audit_event: AuditEventTable;
  audit_head: AuditHeadTable;
  idempotency_record: IdempotencyRecordTable;
  entry_summary: EntrySummaryTable;
  bank_holiday: BankHolidayTable;
  carer: CarerTable;
  carer_allocation: CarerAllocationTable;
  carer_entry: CarerEntryTable;
  carer_entry_version: CarerEntryVersionTable;
}

export type Row<T extends keyof DB> = Selectable<DB[T]>;
export type NewRow<T extends keyof DB> = Insertable<DB[T]>;
