import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DomainError } from '@safekeep/core';
import type { Work } from '../db/work.js';
import { rulesOf, type StoredLabel } from '../retention/retention.repository.js';
import * as repo from './disposal.repository.js';
import type { DisposalView } from './disposal.service.js';

/** The label a record is destroyed under: it must have a date (the database checks again). */
export function requireDestructionDate(label: StoredLabel | null): StoredLabel & { destructionDate: string } {
  if (label === null || label.destructionDate === null) throw new DomainError('RETENTION_UNDETERMINED', 'This record has no destruction date.');
  return label as StoredLabel & { destructionDate: string };
}

/**
 * Issues a destruction certificate, for a child's record or a carer's alike: what the
 * caller says of the record and what it held, then the retention it was destroyed under
 * (date, schedule version, classes and the rules themselves), the holds that once covered
 * it and were released, the request and both approvals, and when. Sealed by the SHA-256 of
 * its canonical JSON and stored as the disposal's execution; returns that SHA-256.
 */
export async function issueCertificate(
  w: Work,
  disposal: DisposalView,
  subject: { childId: string; carerId: null } | { childId: null; carerId: string },
  label: StoredLabel & { destructionDate: string },
  about: { record: Record<string, unknown>; destroyed: Record<string, unknown>; kept?: Record<string, unknown>; releasedHolds: unknown[]; reason: string },
): Promise<string> {
  const rules = (await rulesOf(w.db, label.scheduleVersion)).filter((r) => label.ruleIds.includes(r.id));
  const certificate = {
    certificateId: disposal.id,
    record: about.record,
    destroyed: about.destroyed,
    ...(about.kept === undefined ? {} : { kept: about.kept }),
    retention: {
      destructionDate: label.destructionDate,
      scheduleVersion: label.scheduleVersion,
      recordClasses: label.recordClasses,
      rules: rules.map((r) => ({ id: r.id, description: r.description, years: r.years, deathRuleYears: r.deathRule?.years ?? null, source: r.source, verified: r.verified })),
    },
    holds: { activeAtExecution: [], released: about.releasedHolds },
    reason: about.reason,
    requested: { by: disposal.requestedBy, at: disposal.requestedAt },
    // Both approvals: the one executing it was inserted just before.
    approvals: disposal.approvals.map((a) => ({ by: a.approver, role: a.role, at: a.approvedAt })),
    executedAt: w.now.toISOString(),
  };
  const sha256 = createHash('sha256')
    .update(canonicalize(certificate) ?? '')
    .digest('hex');
  await repo.insertExecution(w.db, { disposalId: disposal.id, ...subject, at: w.now, certificate, sha256 });
  return sha256;
}
