import type { Migration } from 'kysely';
import * as foundation from './20261122_0100_foundation.js';
import * as recording from './20261122_0200_recording.js';
import * as summary from './20261122_0300_entry_summary.js';
import * as retention from './20261122_0400_retention.js';
import * as disposal from './20261122_0410_disposal.js';
import * as paper from './20261122_0420_paper.js';
import * as access from './20261122_0500_access.js';
import * as sars from './20261122_0510_sars.js';
import * as disposalApprovalRoles from './20261122_0520_disposal_approval_roles.js';
import * as auditMerkle from './20261122_0600_audit_merkle.js';
import * as relabelPerStatement from './20261122_0700_relabel_per_statement.js';
import * as carerDisposal from './20261122_0710_carer_disposal.js';
import * as sarDocuments from './20261122_0720_sar_documents.js';

/**
 * Every migration, in order. Append-only: a shipped migration is never edited or removed
 * (a test checks the names stay sorted and unique).
 */
export const MIGRATIONS: Record<string, Migration> = {
  '20261122_0100_foundation': foundation,
  '20261122_0200_recording': recording,
  '20261122_0300_entry_summary': summary,
  '20261122_0400_retention': retention,
  '20261122_0410_disposal': disposal,
  '20261122_0420_paper': paper,
  '20261122_0500_access': access,
  '20261122_0510_sars': sars,
  '20261122_0520_disposal_approval_roles': disposalApprovalRoles,
  '20261122_0600_audit_merkle': auditMerkle,
  '20261122_0700_relabel_per_statement': relabelPerStatement,
  '20261122_0710_carer_disposal': carerDisposal,
  '20261122_0720_sar_documents': sarDocuments,
};
