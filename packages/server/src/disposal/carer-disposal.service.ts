import type { Work } from '../db/work.js';
import { carerLabel } from '../retention/retention.repository.js';
import { issueCertificate, requireDestructionDate } from './certificate.js';
import { carerContentDigest, carerInventory, removeCarerRecord } from './carer-disposal.repository.js';
import * as repo from './disposal.repository.js';
import type { DisposalView } from './disposal.service.js';

/**
 * The second approval of a carer's or home's disposal (R8, R14; FSR 2011 reg 32 sets the
 * period): certificate, audit event, then the record's entries, versions and
 * allocations go and the carer row becomes a nameless tombstone, in one transaction.
 * The database checks the conditions again (migration 0710).
 *
 * What stays: the tombstone (id, kind, when it ended) that holds, escalations, paper
 * files and the label point at; the certificate; and the `duplicate-entry` copies in
 * children's records, which are the children's records now (R8) and are kept under
 * the children's own retention, whatever happens to their source.
 */
export async function executeCarerDisposal(w: Work, disposal: DisposalView, carerId: string): Promise<void> {
  const label = requireDestructionDate(await carerLabel(w.db, carerId));
  const inv = await carerInventory(w.db, carerId);
  const sha256 = await issueCertificate(w, disposal, { childId: null, carerId }, label, {
    record: { carerId, kind: inv.kind, endedOn: inv.endedOn, endReason: inv.endReason },
    destroyed: {
      nameRemoved: true,
      entries: inv.entries,
      entriesByKind: inv.entriesByKind,
      entryVersions: inv.versions,
      allocations: inv.allocations,
      paperFilesToShred: inv.paperFiles,
      contentSha256: await carerContentDigest(w.db, carerId),
    },
    kept: { childCopies: inv.childCopiesKept },
    releasedHolds: await repo.releasedHoldsCovering(w.db, { carerId }),
    reason: disposal.reason,
  });
  const seq = await w.auditNow({
    action: 'disposal.execute',
    basis: 'role',
    entityType: 'disposal',
    entityId: disposal.id,
    detail: { carerId, certificateSha256: sha256, entries: inv.entries, childCopiesKept: inv.childCopiesKept },
  });
  await repo.setAuditSeq(w.db, disposal.id, seq);
  await removeCarerRecord(w.db, carerId, w.now, w.actor.userId);
}
