import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@safekeep/core';

/**
 * Sessions for the web UI, carried by cookie instead of an Authorization header.
 *
 * POST /api/v1/session with `"cookie": true` sets two cookies and returns no token in the
 * body (so script on the page never holds it):
 *   - the session cookie: the session token itself; HttpOnly, Secure, SameSite=Strict, Path=/.
 *   - the CSRF cookie: a token script can read (not HttpOnly), also returned as `csrfToken`.
 * Every state-changing request (anything but GET, HEAD, OPTIONS) authenticated by the
 * cookie must echo the CSRF token in an `X-CSRF-Token` header, or it is refused with 403
 * CSRF_TOKEN_INVALID before its body is read.
 *
 * The CSRF token is HMAC-SHA256 keyed by the session token: bound to that one session,
 * verifiable by any process without server-side state or a shared secret, and of no use
 * to anyone who does not also hold the session token. Another site can neither read it
 * (same-origin policy) nor compute it, and cannot set the header without a CORS preflight
 * this server never grants. SameSite=Strict is the second line of defence.
 * Bearer-token requests carry no ambient credential and need no CSRF token.
 */
export interface CookieOptions {
  /** Secure cookies with the __Host- prefix. Off only for plain-http development. */
  secure: boolean;
}

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function cookieNames(options: CookieOptions): { session: string; csrf: string } {
  // __Host- cookies must be Secure, Path=/ and host-only: no subdomain can plant or shadow them.
  return options.secure ? { session: '__Host-safekeep-session', csrf: '__Host-safekeep-csrf' } : { session: 'safekeep-session', csrf: 'safekeep-csrf' };
}

export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('safekeep csrf v1').digest('base64url');
}

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** Throws CSRF_TOKEN_INVALID unless the request's X-CSRF-Token belongs to this session. */
export function assertCsrf(request: FastifyRequest, sessionToken: string): void {
  const sent = request.headers[CSRF_HEADER];
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(typeof sent === 'string' ? sent : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new DomainError(
      'CSRF_TOKEN_INVALID',
      sent === undefined
        ? `A request signed in by cookie that changes anything must send the CSRF token from sign-in in the ${CSRF_HEADER} header.`
        : `The ${CSRF_HEADER} header does not match this session. Sign in again to get a fresh token.`,
    );
  }
}

export function setSessionCookies(reply: FastifyReply, options: CookieOptions, sessionToken: string): string {
  const names = cookieNames(options);
  const csrf = csrfTokenFor(sessionToken);
  // No Expires: the cookies go when the browser closes; the server ends the session
  // after its idle and absolute limits whatever the browser keeps.
  reply.setCookie(names.session, sessionToken, { path: '/', httpOnly: true, secure: options.secure, sameSite: 'strict' });
  reply.setCookie(names.csrf, csrf, { path: '/', httpOnly: false, secure: options.secure, sameSite: 'strict' });
  return csrf;
}

export function clearSessionCookies(reply: FastifyReply, options: CookieOptions): void {
  const names = cookieNames(options);
  reply.clearCookie(names.session, { path: '/', httpOnly: true, secure: options.secure, sameSite: 'strict' });
  reply.clearCookie(names.csrf, { path: '/', httpOnly: false, secure: options.secure, sameSite: 'strict' });
}
