import type { ReactNode } from 'react';

/** A table that may be wider than a phone: it scrolls within a region a keyboard can reach and a screen reader names. */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="app-table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
