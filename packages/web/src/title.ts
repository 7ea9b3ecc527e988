import { useEffect } from 'react';

/** Each page names itself in the window title, as GOV.UK pages do: "Page – Safekeep". Errors first. */
export function useTitle(page: string, hasErrors = false): void {
  useEffect(() => {
    document.title = `${hasErrors ? 'Error: ' : ''}${page} – Safekeep`;
  }, [page, hasErrors]);
}
