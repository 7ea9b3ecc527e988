import { useEffect, useState } from 'react';
import { api, ApiError } from './client';

export type Loaded<T> = { state: 'loading' } | { state: 'ready'; data: T } | { state: 'failed'; error: ApiError };

/** GETs a path when it changes (null: nothing yet), cancelling the previous request. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [result, setResult] = useState<{ path: string | null; loaded: Loaded<T> }>({ path, loaded: { state: 'loading' } });
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    api<T>('GET', path, { signal: controller.signal }).then(
      (data) => setResult({ path, loaded: { state: 'ready', data } }),
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setResult({ path, loaded: { state: 'failed', error: e instanceof ApiError ? e : new ApiError({ title: 'Something went wrong', status: 0, detail: String(e) }) } });
      },
    );
    return () => controller.abort();
  }, [path]);
  // A reply for an earlier path is never shown against a new one.
  return result.path === path ? result.loaded : { state: 'loading' };
}
