import type { ColumnType, Generated } from 'kysely';

/** Access grants, restrictions and break-glass (migration 0500), as Kysely sees them. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface AccessGrantTable {
  id: Generated<string>;
  child_id: string;
  user_id: string;
  basis: string;
  reference: string;
  kinds: string[] | null;
  from_date: ColumnType<string | null, string | null, string | null>;
  to_date: ColumnType<string | null, string | null, string | null>;
  expires_at: Timestamp;
  note: Generated<string>;
  granted_at: Timestamp;
  granted_by: string;
}

export interface AccessGrantRevocationTable {
  grant_id: string;
  reason: string;
  revoked_at: Timestamp;
  revoked_by: string;
}

export interface RestrictionTable {
  seq: Generated<string>;
  id: Generated<string>;
  child_id: string;
  allowed_user_ids: string[] | null;
  reason: string;
  set_at: Timestamp;
  set_by: string;
}

export interface BreakGlassTable {
  id: Generated<string>;
  child_id: string;
  user_id: string;
  reason: string;
  opened_at: Timestamp;
  expires_at: Timestamp;
}

export interface AccessTables {
  access_grant: AccessGrantTable;
  access_grant_revocation: AccessGrantRevocationTable;
  restriction: RestrictionTable;
  break_glass: BreakGlassTable;
}
