/**
 * The one way the interface talks to the API: same origin, JSON, the session cookie set at
 * sign-in, and the CSRF token on every request that changes anything (see the server's
 * http/cookie-session.ts). Failures become ApiError carrying the problem+json document.
 */

export interface FieldProblem {
  field: string;
  message: string;
}

export interface Problem {
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: FieldProblem[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string | undefined {
    return this.problem.code;
  }
}

/** The CSRF token's cookie: `__Host-safekeep-csrf`, or `safekeep-csrf` when cookies are not Secure. */
const CSRF_COOKIE = /(?:^|;\s*)(?:__Host-)?safekeep-csrf=([^;]+)/;

let csrfToken: string | null = null;

/** Keeps the token sign-in returned; after a reload it is read back from its cookie. */
export function rememberCsrfToken(token: string | null): void {
  csrfToken = token;
}

function currentCsrfToken(): string | null {
  return csrfToken ?? CSRF_COOKIE.exec(document.cookie)?.[1] ?? null;
}

/** Whoever should hear that the session has gone (the session provider). */
let onUnauthenticated: (() => void) | null = null;
export function whenUnauthenticated(listener: (() => void) | null): void {
  onUnauthenticated = listener;
}

async function problemOf(response: Response): Promise<Problem> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return (await response.json()) as Problem;
    } catch {
      // fall through: a body that is not the JSON it claims
    }
  }
  return { title: response.statusText || 'The server could not answer', status: response.status };
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Do not report a 401 as the session ending (sign-in itself answers 401 for a wrong password). */
  quietUnauthenticated?: boolean;
}

export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = currentCsrfToken();
    if (token !== null) headers['x-csrf-token'] = token;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({ title: 'Safekeep cannot be reached', status: 0, detail: 'Check your connection and try again.' });
  }
  if (!response.ok) {
    const problem = await problemOf(response);
    if (response.status === 401 && options.quietUnauthenticated !== true) onUnauthenticated?.();
    throw new ApiError(problem);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A path with its query string, leaving out parameters that are not set. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}
