import { recordingState } from '@safekeep/core';
import type { Row } from '../db/schema.js';
import type { EntryRow } from './entries.repository.js';

export interface DocumentRef {
  id: string;
  sha256: string;
  size: number;
  contentType: string;
  filename: string | null;
}

export interface VersionSummary {
  version: number;
  status: string;
  recordedAt: string;
  recordedBy: { id: string; displayName: string };
  reason: string | null;
}

export interface EntryView {
  id: string;
  childId: string;
  kind: string;
  version: number;
  currentVersion: number;
  status: string;
  occurredAt: string;
  title: string;
  body: string;
  fields: Record<string, unknown>;
  reason: string | null;
  recordedAt: string;
  recordedBy: { id: string; displayName: string };
  createdAt: string;
  /** When the entry was first finalised (null while a draft). */
  finalisedAt: string | null;
  /** Visits: the end of the day by which the record was due (R4). */
  recordingDueBy: string | null;
  /** Visits: finalised after the deadline. */
  recordedLate: boolean | null;
  /** Visits: on-time, late, pending (a draft before its deadline) or overdue (a draft after it). */
  recordingState: 'on-time' | 'late' | 'pending' | 'overdue' | null;
  documents: DocumentRef[];
  versions?: VersionSummary[];
}

export function docRef(d: Row<'document'>): DocumentRef {
  return { id: d.id, sha256: d.sha256, size: d.size, contentType: d.content_type, filename: d.filename };
}

export function recording(dueBy: Date | null, finalisedAt: Date | null, now: Date): Pick<EntryView, 'recordingDueBy' | 'recordedLate' | 'recordingState'> {
  if (dueBy === null) return { recordingDueBy: null, recordedLate: null, recordingState: null };
  const state = recordingState(dueBy, finalisedAt, now);
  return { recordingDueBy: dueBy.toISOString(), recordedLate: state === 'late', recordingState: state };
}

export function toView(r: EntryRow, documents: DocumentRef[], now: Date): EntryView {
  return {
    id: r.entry_id,
    childId: r.child_id,
    kind: r.kind,
    version: r.version,
    currentVersion: r.current_version,
    status: r.status,
    occurredAt: r.occurred_at.toISOString(),
    title: r.title,
    body: r.body,
    fields: r.fields,
    reason: r.reason,
    recordedAt: r.recorded_at.toISOString(),
    recordedBy: { id: r.recorded_by, displayName: r.recorded_by_name },
    createdAt: r.created_at.toISOString(),
    finalisedAt: r.finalised_at?.toISOString() ?? null,
    ...recording(r.recording_due_by, r.finalised_at, now),
    documents,
  };
}

export function versionSummary(v: { version: number; reason: string | null; recorded_at: Date; recorded_by: string; recorded_by_name: string; status: string }): VersionSummary {
  return { version: v.version, status: v.status, recordedAt: v.recorded_at.toISOString(), recordedBy: { id: v.recorded_by, displayName: v.recorded_by_name }, reason: v.reason };
}
