import type { Harness, TestUser } from './harness.js';

/**
 * Builders for test data. They go through the same services the API uses, so a built
 * child has its case record, versions, allocations and audit events like any other.
 */
let n = 0;

/** A valid NHS number, different on each call (test range 999…). */
export function nextNhsNumber(): string {
  for (;;) {
    n += 1;
    const nine = `999${String(100_000 + ((n * 7919) % 900_000)).padStart(6, '0')}`;
    const sum = [...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${nine}${check === 11 ? 0 : check}`;
  }
}

const GIVEN = ['Ada', 'Ben', 'Cara', 'Dev', 'Ella', 'Finn', 'Gita', 'Hugo', 'Iris', 'Jude', 'Kai', 'Lena', 'Milo', 'Nia', 'Otto', 'Pia'];
const FAMILY = ['Abbott', 'Bishop', 'Carver', 'Dunmore', 'Ellwood', 'Fairley', 'Gosling', 'Hartley', 'Ingham', 'Jessop', 'Kettle', 'Lowther'];

/** A child with a distinct name and date of birth, so duplicate detection leaves it alone. */
export function childInput(overrides: Record<string, unknown> = {}) {
  n += 1;
  const day = 1 + (n % 28);
  const month = 1 + (Math.floor(n / 28) % 12);
  const year = 2008 + (Math.floor(n / 336) % 15);
  return {
    givenName: `${GIVEN[n % GIVEN.length]}${n}`,
    familyName: `${FAMILY[(n * 5) % FAMILY.length]}${n}`,
    dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    ...overrides,
  };
}

/** Creates a child through the API as `user` (who is allocated to it if a social worker). */
export async function createChild(h: Harness, user: TestUser, overrides: Record<string, unknown> = {}): Promise<{ id: string; [k: string]: unknown }> {
  const res = await h.request<{ id: string }>('POST', '/api/v1/children', { user, body: childInput(overrides) });
  if (res.status !== 201) throw new Error(`createChild failed: ${res.status} ${res.raw}`);
  return res.body;
}

export async function createEntry(h: Harness, user: TestUser, childId: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; [k: string]: unknown }> {
  const res = await h.request<{ id: string }>('POST', `/api/v1/children/${childId}/entries`, {
    user,
    body: { kind: 'case-note', occurredAt: h.clock.now().toISOString(), title: 'A note', body: 'Something happened.', ...overrides },
  });
  if (res.status !== 201) throw new Error(`createEntry failed: ${res.status} ${res.raw}`);
  return res.body;
}

/** A team with a manager and two social workers. */
export async function teamWithStaff(h: Harness) {
  const teamId = await h.team();
  const manager = await h.user(['team-manager'], { teamId });
  const worker = await h.user(['social-worker'], { teamId });
  const colleague = await h.user(['social-worker'], { teamId });
  return { teamId, manager, worker, colleague };
}

/** A multipart/form-data body as a browser would send it. */
export async function multipart(parts: Record<string, string | { bytes: Uint8Array; filename: string }>): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(parts)) {
    if (typeof value === 'string') form.set(name, value);
    else form.set(name, new Blob([value.bytes]), value.filename);
  }
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type') ?? '' } };
}
