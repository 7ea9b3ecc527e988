/**
 * Where to go after signing in (`/sign-in?next=…`): only a path in this app. Anything
 * else — another site (`//evil.example`, `https://…`), a backslash trick browsers read as
 * `//`, or the sign-in page itself — goes to the children list instead.
 */
export function safeNext(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.includes('\\') || next.startsWith('/sign-in')) return '/children';
  return next;
}
