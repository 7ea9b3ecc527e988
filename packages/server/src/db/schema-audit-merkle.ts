/** The audit trail's stored Merkle subtrees (migration 0600), as Kysely sees them. */

export interface AuditMerkleNodeTable {
  /** The subtree covers 2^level events. */
  level: number;
  /** …starting at event seq idx × 2^level. */
  idx: number;
  hash: Buffer;
}

export interface AuditMerkleTables {
  audit_merkle_node: AuditMerkleNodeTable;
}
