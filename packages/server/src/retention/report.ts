import { sql, type Kysely } from 'kysely';
import { disposalBlockers, SAR_ACTIVE_STATUSES, type LabelStatus } from '@safekeep/core';
import { canNameChild, RESTRICTED_LABEL, type Viewer } from '../access/access.repository.js';
import type { DB } from '../db/schema.js';

/**
 * The retention report: every child's and carer's record with its destruction date,
 * the holds on it and what blocks its disposal, a page at a time in id order, set-based
 * (one statement per page), so a million records stream in bounded memory.
 *
 * The reference (the child's local id) is shown only where the reader may name the
 * child (access.repository.ts#canNameChild): a record restricted to named people reads
 * "Restricted record", with its id, dates, holds and blockers as for any other.
 */

export interface ReportRow {
  type: 'child' | 'carer';
  id: string;
  reference: string | null;
  recordStatus: string;
  labelStatus: string;
  destructionDate: string | null;
  ruleIds: string[];
  holds: string[];
  blockers: string[];
}

interface Raw {
  id: string;
  reference: string | null;
  record_status: string;
  label_status: string | null;
  destruction_date: string | null;
  rule_ids: string[] | null;
  holds: Array<{ id: string; name: string }>;
  /** A carer or home still active: its record has not ended. */
  record_open: boolean;
  open_involvements: string[];
  open_escalations: string[];
  open_requests: string[];
  pending_disposal: string | null;
}

export async function reportTotals(db: Kysely<DB>): Promise<{ children: number; carers: number }> {
  const { rows } = await sql<{ children: string; carers: string }>`select (select count(*) from case_record) as children, (select count(*) from carer) as carers`.execute(db);
  return { children: Number(rows[0]?.children ?? 0), carers: Number(rows[0]?.carers ?? 0) };
}

function blockersOf(r: Raw, today: string): string[] {
  if (r.record_status === 'destroyed') return [];
  return disposalBlockers({
    today,
    label: { status: (r.label_status ?? 'no-rule') as LabelStatus, destructionDate: r.destruction_date },
    holds: r.holds,
    recordStillOpen: r.record_open,
    openInvolvementIds: r.open_involvements,
    openEscalationIds: r.open_escalations,
    openRequestIds: r.open_requests,
    pendingDisposalId: r.pending_disposal,
  }).map((b) => b.code);
}

function toRow(type: 'child' | 'carer', r: Raw, today: string): ReportRow {
  return {
    type,
    id: r.id,
    reference: r.reference,
    recordStatus: r.record_status,
    labelStatus: r.label_status ?? 'no-rule',
    destructionDate: r.destruction_date,
    ruleIds: r.rule_ids ?? [],
    holds: r.holds.map((h) => h.name),
    blockers: blockersOf(r, today),
  };
}

async function childPage(db: Kysely<DB>, viewer: Viewer, after: string | null, size: number): Promise<Raw[]> {
  const { rows } = await sql<Raw>`
    select r.child_id as id, case when ${canNameChild(viewer, sql.ref('r.child_id'))} then c.local_id else ${RESTRICTED_LABEL} end as reference, r.status as record_status, l.status as label_status, l.destruction_date::text as destruction_date, l.rule_ids,
           coalesce((select json_agg(json_build_object('id', h.id, 'name', h.name) order by h.name) from sk_child_active_holds(r.child_id) h), '[]') as holds,
           false as record_open,
           array(select i.id from involvement i where i.child_id = r.child_id and i.end_date is null) as open_involvements,
           array(select e.id from escalation e where e.child_id = r.child_id and not exists (select 1 from escalation_decision d where d.escalation_id = e.id)) as open_escalations,
           array(select s.id from sar s where s.child_id = r.child_id and s.status in (${sql.join([...SAR_ACTIVE_STATUSES])})) as open_requests,
           (select d.id from disposal d where d.child_id = r.child_id and not exists (select 1 from disposal_execution x where x.disposal_id = d.id) limit 1) as pending_disposal
      from case_record r
      left join child c on c.id = r.child_id
      left join retention_label l on l.child_id = r.child_id
     where ${after === null ? sql`true` : sql`r.child_id > ${after}`}
     order by r.child_id
     limit ${size}`.execute(db);
  return rows;
}

async function carerPage(db: Kysely<DB>, _viewer: Viewer, after: string | null, size: number): Promise<Raw[]> {
  const { rows } = await sql<Raw>`
    select c.id, null::text as reference, c.status as record_status, l.status as label_status, l.destruction_date::text as destruction_date, l.rule_ids,
           coalesce((select json_agg(json_build_object('id', h.id, 'name', h.name) order by h.name) from sk_carer_active_holds(c.id) h), '[]') as holds,
           c.status = 'active' as record_open,
           '{}'::uuid[] as open_involvements,
           array(select e.id from escalation e where e.carer_id = c.id and not exists (select 1 from escalation_decision d where d.escalation_id = e.id)) as open_escalations,
           '{}'::uuid[] as open_requests,
           (select d.id from disposal d where d.carer_id = c.id and not exists (select 1 from disposal_execution x where x.disposal_id = d.id) limit 1) as pending_disposal
      from carer c
      left join carer_retention_label l on l.carer_id = c.id
     where ${after === null ? sql`true` : sql`c.id > ${after}`}
     order by c.id
     limit ${size}`.execute(db);
  return rows;
}

/** Every record, children first, a page at a time, as `viewer` may see it. */
export async function* reportRows(db: Kysely<DB>, viewer: Viewer, pageSize = 1000): AsyncGenerator<ReportRow> {
  const today = viewer.today;
  for (const [type, page] of [
    ['child', childPage],
    ['carer', carerPage],
  ] as const) {
    let after: string | null = null;
    for (;;) {
      const rows: Raw[] = await page(db, viewer, after, pageSize);
      for (const r of rows) yield toRow(type, r, today);
      if (rows.length < pageSize) break;
      after = rows[rows.length - 1]?.id ?? null;
    }
  }
}
