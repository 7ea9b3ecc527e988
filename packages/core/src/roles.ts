/** Roles of API.md. A user may hold several; a user belongs to at most one team. */
export const ROLES = [
  'admin',
  'social-worker',
  'team-manager',
  'iro',
  'business-support',
  'records-officer',
  'dpo',
  'head-of-service',
  'inspector',
] as const;
export type Role = (typeof ROLES)[number];

/** How a person is allocated to a child. Allocation decides who may see the child. */
export const ALLOCATION_ROLES = ['allocated-worker', 'team-manager', 'iro'] as const;
export type AllocationRole = (typeof ALLOCATION_ROLES)[number];

/** The user role an allocation needs: only a social worker can be the allocated worker, and so on. */
export const ALLOCATION_NEEDS_ROLE: Record<AllocationRole, Role> = {
  'allocated-worker': 'social-worker',
  'team-manager': 'team-manager',
  iro: 'iro',
};

/** The acting user, as every service receives it. */
export interface Actor {
  userId: string;
  username: string;
  /** The name others see on what this user records. */
  displayName: string;
  roles: readonly Role[];
  teamId: string | null;
  sessionId: string | null;
}

/** The actor for work the system does itself (migrations, first-start set-up). */
export const SYSTEM_ACTOR: Actor = {
  userId: '00000000-0000-0000-0000-000000000000',
  username: 'system',
  displayName: 'Safekeep',
  roles: [],
  teamId: null,
  sessionId: null,
};

export function hasRole(actor: Pick<Actor, 'roles'>, ...roles: Role[]): boolean {
  return roles.some((r) => actor.roles.includes(r));
}

/** Roles that may create a child's record and write to it (subject to allocation). */
export const RECORDING_ROLES: readonly Role[] = ['social-worker', 'team-manager', 'head-of-service'];
