import type { Role } from '@safekeep/core';

export const DEMO_AUTHORITY = 'Northmoor Borough Council (demo)';

export const TEAMS = ['Children in Care', 'Assessment and Intervention', 'Leaving Care'] as const;
export type DemoTeam = (typeof TEAMS)[number];

export interface DemoStaff {
  username: string;
  displayName: string;
  roles: Role[];
  team: DemoTeam | null;
  description: string;
}

export const STAFF: DemoStaff[] = [
  { username: 'hos.helen', displayName: 'Helen Marsh', roles: ['head-of-service'], team: null, description: 'head of service: sees every record, decides escalations' },
  { username: 'hos.david', displayName: 'David Okonkwo', roles: ['head-of-service'], team: null, description: 'deputy head of service: the second approver for releases and disposals' },
  { username: 'tm.ruth', displayName: 'Ruth Adeyemi', roles: ['team-manager'], team: 'Children in Care', description: 'team manager, Children in Care' },
  { username: 'tm.gareth', displayName: 'Gareth Lloyd', roles: ['team-manager'], team: 'Assessment and Intervention', description: 'team manager, Assessment and Intervention' },
  { username: 'tm.nadia', displayName: 'Nadia Khan', roles: ['team-manager'], team: 'Leaving Care', description: 'team manager, Leaving Care' },
  { username: 'sw.amara', displayName: 'Amara Okafor', roles: ['social-worker'], team: 'Children in Care', description: 'social worker, Children in Care' },
  { username: 'sw.tom', displayName: 'Tom Fletcher', roles: ['social-worker'], team: 'Children in Care', description: 'social worker, Children in Care' },
  { username: 'sw.lucy', displayName: 'Lucy Chen', roles: ['social-worker'], team: 'Assessment and Intervention', description: 'social worker, Assessment and Intervention' },
  { username: 'sw.daniel', displayName: 'Daniel Murphy', roles: ['social-worker'], team: 'Assessment and Intervention', description: 'social worker, Assessment and Intervention' },
  { username: 'sw.ewa', displayName: 'Ewa Nowak', roles: ['social-worker'], team: 'Leaving Care', description: 'social worker (personal adviser), Leaving Care' },
  { username: 'iro.james', displayName: 'James Whitfield', roles: ['iro'], team: null, description: 'independent reviewing officer' },
  { username: 'bs.karen', displayName: 'Karen Doyle', roles: ['business-support'], team: null, description: 'business support' },
  { username: 'ro.mike', displayName: 'Mike Brennan', roles: ['records-officer'], team: null, description: 'records officer: retention, holds, boxes and paper files' },
  { username: 'dpo.sarah', displayName: 'Sarah Lim', roles: ['dpo'], team: null, description: 'data protection officer' },
  { username: 'insp.olivia', displayName: 'Olivia Grant', roles: ['inspector'], team: null, description: 'inspector (read-only, by grant)' },
  { username: 'it.priya', displayName: 'Priya Shah', roles: ['admin'], team: null, description: 'administrator: manages users, reads no child content' },
];

/** Synthetic names: common in England and Wales, not belonging to anyone in particular. */
export const GIVEN_NAMES = [
  'Olivia', 'Noah', 'Amelia', 'Muhammad', 'Isla', 'Leo', 'Ava', 'Oliver', 'Freya', 'Arthur', 'Lily', 'George', 'Ivy', 'Theo',
  'Florence', 'Oscar', 'Willow', 'Harry', 'Sophia', 'Jack', 'Aisha', 'Kacper', 'Zara', 'Kofi', 'Maya', 'Tyler', 'Chloe', 'Reuben',
  'Jasmine', 'Callum', 'Niamh', 'Mason', 'Zainab', 'Ethan', 'Poppy', 'Dylan', 'Ellie', 'Rhys', 'Hana', 'Caleb', 'Ruby', 'Finley',
] as const;

export const FAMILY_NAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright', 'Walker', 'Roberts', 'Khan',
  'Evans', 'Thompson', 'Hughes', 'Green', 'Lewis', 'Begum', 'Kowalski', 'Mensah', 'Ahmed', 'Clarke', "O'Neill", 'Murray', 'Hussain',
  'Bennett', 'Price', 'Novak', 'Campbell', 'Okoro', 'Fraser',
] as const;

export const CARERS = ['Mr and Mrs Hall', 'Ms Ogunleye', 'Mr and Mr Reid', 'Mrs Farrell', 'Oakfield House children’s home', 'Mr and Mrs Sandhu'] as const;
export const SCHOOLS = ['Hillcrest Primary School', 'St Anne’s C of E Primary', 'Northmoor Academy', 'Riverside High School', 'Northmoor College'] as const;
