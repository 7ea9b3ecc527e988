/** Lists take `?limit=` (default 50, max 500) and an opaque cursor (API.md, Conventions). */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
