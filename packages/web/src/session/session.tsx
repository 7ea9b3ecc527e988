import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, rememberCsrfToken, whenUnauthenticated } from '../api/client';
import type { Me, SignedIn } from '../api/types';
import { Loading } from '../components/Status';

/**
 * Who is signed in. The session itself is an HttpOnly cookie the page cannot read: on
 * load the app asks GET /api/v1/me, and any 401 afterwards (idle or absolute limit, or
 * signed out elsewhere) sends the user back to sign in.
 */
export type SessionState = { state: 'checking' } | { state: 'signed-out'; ended?: 'expired' | 'signed-out' } | { state: 'signed-in'; me: Me };

interface SessionApi {
  session: SessionState;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ state: 'checking' });

  useEffect(() => {
    const controller = new AbortController();
    api<Me>('GET', '/api/v1/me', { signal: controller.signal, quietUnauthenticated: true }).then(
      (me) => setSession({ state: 'signed-in', me }),
      () => {
        // Not signed in (401), or the server cannot say: either way, the sign-in page.
        if (!controller.signal.aborted) setSession({ state: 'signed-out' });
      },
    );
    whenUnauthenticated(() => setSession({ state: 'signed-out', ended: 'expired' }));
    return () => {
      controller.abort();
      whenUnauthenticated(null);
    };
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    const signed = await api<SignedIn>('POST', '/api/v1/session', { body: { username, password, cookie: true }, quietUnauthenticated: true });
    rememberCsrfToken(signed.csrfToken);
    const me = await api<Me>('GET', '/api/v1/me');
    setSession({ state: 'signed-in', me });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api<void>('DELETE', '/api/v1/session', { quietUnauthenticated: true });
    } finally {
      rememberCsrfToken(null);
      setSession({ state: 'signed-out', ended: 'signed-out' });
    }
  }, []);

  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const context = useContext(SessionContext);
  if (context === null) throw new Error('useSession outside SessionProvider');
  return context;
}

/** The signed-in user; only under RequireSignIn. */
export function useMe(): Me {
  const { session } = useSession();
  if (session.state !== 'signed-in') throw new Error('useMe needs a signed-in user');
  return session.me;
}

/** Pages behind sign-in: anyone else is sent to sign in, and comes back here afterwards. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (session.state === 'checking') return <Loading what="your session" />;
  if (session.state === 'signed-out') {
    // Signed out on purpose: to the sign-in page and no further, so whoever signs in next
    // is not taken back to the page the last person had open.
    if (session.ended === 'signed-out') return <Navigate to="/sign-in?ended=signed-out" replace />;
    const next = `${location.pathname}${location.search}`;
    const query = new URLSearchParams({ next });
    if (session.ended !== undefined) query.set('ended', session.ended);
    return <Navigate to={`/sign-in?${query.toString()}`} replace />;
  }
  return <>{children}</>;
}
