import { toHex } from '@safekeep/core';
import { openForReading } from '../bootstrap.js';
import { verifyAuditTrail } from '../audit/audit.service.js';
import { currentTreeHead } from '../audit/merkle.service.js';
import { configFrom, describeDatabase, type DatabaseFlags } from './shared.js';

const EXPLAIN: Record<string, string> = {
  'sequence-gap': 'an event is missing or out of place',
  'payload-mismatch': 'the stored columns no longer match what was hashed',
  'leaf-hash-mismatch': 'the event was altered after it was written',
  'prev-hash-mismatch': 'the link to the previous event is broken',
  'chain-hash-mismatch': 'the chain hash does not follow from the event and its predecessor',
  'head-mismatch': 'events are missing from the end of the trail (the chain head records more)',
  'merkle-node-mismatch': 'a stored Merkle subtree hash does not follow from the events it covers',
};

export async function auditVerifyCommand(flags: DatabaseFlags): Promise<void> {
  const config = configFrom(flags);
  const database = await openForReading(config);
  try {
    const result = await verifyAuditTrail(database.db);
    if (result.ok) {
      console.log(`Audit trail intact: ${result.size} events checked in ${describeDatabase(config)}.`);
      if (result.head !== null) console.log(`Chain head: ${result.head}`);
      if (result.treeHead !== null) console.log(`Tree head: ${JSON.stringify(result.treeHead)}`);
    } else if (result.firstBad !== null) {
      console.log(`Audit trail TAMPERED at position ${result.firstBad.seq}: ${EXPLAIN[result.firstBad.problem] ?? result.firstBad.problem} (${result.firstBad.problem}).`);
      console.log(`Events 0 to ${result.firstBad.seq - 1} are intact.`);
      process.exitCode = 1;
    }
  } finally {
    await database.close();
  }
}

/**
 * `safekeep audit checkpoint`: the RFC 9162 tree head over the whole trail as JSON,
 * `{treeSize, rootHash}`. It stores the Merkle subtrees the log has grown since the last
 * checkpoint (append-only rows that only summarise events already there); it changes
 * no event.
 */
export async function auditCheckpointCommand(flags: DatabaseFlags): Promise<void> {
  const database = await openForReading(configFrom(flags));
  try {
    const head = await currentTreeHead(database.db, false);
    console.log(JSON.stringify({ treeSize: head.treeSize, rootHash: toHex(head.rootHash) }));
  } finally {
    await database.close();
  }
}
