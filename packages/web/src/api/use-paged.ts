import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from './client';
import type { Page } from './types';

export interface Paged<T> {
  state: 'loading' | 'ready' | 'failed';
  items: T[];
  error: ApiError | null;
  /** There is a further page (the API gave a cursor). */
  hasMore: boolean;
  loadingMore: boolean;
  more: () => void;
}

interface PagedState<T> {
  path: string | null;
  state: 'loading' | 'ready' | 'failed';
  items: T[];
  nextCursor: string | null;
  error: ApiError | null;
  loadingMore: boolean;
}

const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError({ title: 'Something went wrong', status: 0, detail: String(e) }));

/** Pages through a list reply ({items, nextCursor}) with the API's opaque cursor: "Load more" appends the next page. */
export function usePaged<T>(path: string | null): Paged<T> {
  const [s, setS] = useState<PagedState<T>>({ path, state: 'loading', items: [], nextCursor: null, error: null, loadingMore: false });
  const controller = useRef<AbortController | null>(null);

  useEffect(() => {
    if (path === null) return;
    const c = new AbortController();
    controller.current = c;
    api<Page<T>>('GET', path, { signal: c.signal }).then(
      (page) => setS({ path, state: 'ready', items: page.items, nextCursor: page.nextCursor, error: null, loadingMore: false }),
      (e: unknown) => {
        if (!c.signal.aborted) setS({ path, state: 'failed', items: [], nextCursor: null, error: asApiError(e), loadingMore: false });
      },
    );
    return () => c.abort();
  }, [path]);

  const more = useCallback(() => {
    if (path === null || s.path !== path || s.nextCursor === null || s.loadingMore) return;
    const cursor = s.nextCursor;
    const c = controller.current ?? new AbortController();
    setS((prev) => ({ ...prev, loadingMore: true }));
    api<Page<T>>('GET', `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`, { signal: c.signal }).then(
      (page) => setS((prev) => (prev.path === path ? { ...prev, items: [...prev.items, ...page.items], nextCursor: page.nextCursor, loadingMore: false } : prev)),
      (e: unknown) => {
        if (!c.signal.aborted) setS((prev) => (prev.path === path ? { ...prev, loadingMore: false, error: asApiError(e) } : prev));
      },
    );
  }, [path, s.path, s.nextCursor, s.loadingMore]);

  if (s.path !== path) return { state: 'loading', items: [], error: null, hasMore: false, loadingMore: false, more };
  return { state: s.state, items: s.items, error: s.error, hasMore: s.nextCursor !== null, loadingMore: s.loadingMore, more };
}
