import type { DisposalBlocker, LabelStatus, RetentionTrigger, Role } from '@safekeep/core';

/**
 * The replies the interface reads, as the API documents them (packages/server/src/*\/*.schemas.ts
 * and the routes' response schemas; /api/openapi.json). Only the fields the pages use.
 */

export interface Person {
  id: string;
  displayName: string;
}

export interface Team {
  id: string;
  name: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  teamId: string | null;
}

export interface Me extends User {
  team: Team | null;
}

export interface SignedIn {
  csrfToken: string;
  expiresAt: string;
  user: User;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Identifiers {
  nhsNumber: string | null;
  upn: string | null;
  localId: string | null;
}

export interface ChildSummary {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: string | null;
  dateOfDeath: string | null;
  identifiers: Identifiers;
}

export interface Involvement {
  id: string;
  kind: string;
  startDate: string;
  endDate: string | null;
}

export interface Allocation {
  id: string;
  userId: string;
  userDisplayName: string;
  role: string;
  from: string;
  endedAt: string | null;
  current: boolean;
}

export interface Relationship {
  id: string;
  kind: string;
  relatedChildId: string;
  relatedChildName: string;
  relatedChildVisible: boolean;
}

export interface Child extends ChildSummary {
  recordStatus: string;
  retention: { destructionDate: string | null; status: string; doNotDestroy: boolean };
  involvements: Involvement[];
  allocations: Allocation[];
  relationships: Relationship[];
}

export interface Entry {
  id: string;
  kind: string;
  version: number;
  currentVersion: number;
  status: string;
  occurredAt: string;
  title: string;
  body: string;
  recordedAt: string;
  recordedBy: Person;
  recordingDueBy: string | null;
  recordedLate: boolean | null;
  recordingState: string | null;
  documents: Array<{ id: string; filename: string | null; contentType: string; size: number }>;
}

export interface RuleOutcome {
  id: string;
  recordClass: string;
  trigger: RetentionTrigger;
  years: number | null;
  deathRuleYears: number | null;
  verified: boolean;
  flag: string | null;
  basis: string;
  source: string;
  outcome: 'date' | 'pending' | 'review';
  date: string | null;
  by: 'rule' | 'death-rule' | null;
  waitingFor: RetentionTrigger | null;
  governs: boolean;
}

export interface ChildRetention {
  recordStatus: string;
  status: LabelStatus;
  destructionDate: string | null;
  ruleIds: string[];
  scheduleVersion: number | null;
  computedAt: string | null;
  recordClasses: string[];
  rules: RuleOutcome[];
  unverifiedRuleIds: string[];
  holds: Array<{ id: string; name: string }>;
  doNotDestroy: boolean;
  disposable: boolean;
  blockers: DisposalBlocker[];
}

export interface RetentionRule {
  id: string;
  recordClass: string;
  description: string;
  trigger: RetentionTrigger;
  years: number | null;
  deathRule: { condition: string; trigger: string; years: number } | null;
  minimum: boolean;
  basis: string;
  verified: boolean;
  source: string;
  notes: string;
  appliesTo: string;
  condition: string | null;
  active: boolean;
  /** Set when the rule is unverified: what to do about it. */
  flag: string | null;
}

export interface RetentionRules {
  scheduleVersion: number;
  rules: RetentionRule[];
}

export interface WorkItem {
  childId: string;
  childName: string;
  area: 'timescale' | 'content' | 'recording' | 'access';
  item: string;
  status: 'overdue' | 'review' | 'due-soon' | 'missing' | 'late';
  dueBy: string | null;
  daysOverdue: number | null;
  detail: string;
  rule: string | null;
  entryId: string | null;
}

export interface Worklist {
  asOf: string;
  children: number;
  items: WorkItem[];
}
