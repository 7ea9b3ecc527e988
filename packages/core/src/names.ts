/**
 * Names as people type them: "Zoë O'Brien-Smith", "zoe obrien smith". Search and
 * duplicate detection compare a normalised form: accents folded, apostrophes dropped,
 * other punctuation turned into spaces, lower case, single spaces.
 */
export function normaliseName(input: string): string {
  return input
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/['’‘`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();
}

/** The searchable form of a child's name: given then family, normalised. */
export function searchName(givenName: string, familyName: string): string {
  return normaliseName(`${givenName} ${familyName}`);
}

/** Initials used in place of another child's name (R7): "Jamie Lee Smith" → "J.L.S." */
export function initials(givenName: string, familyName: string): string {
  return `${givenName} ${familyName}`
    .split(/[\s-]+/)
    .filter((part) => part.length > 0)
    .map((part) => `${part.charAt(0).toUpperCase()}.`)
    .join('');
}

/** The key lists sort on: family name, then given name, normalised (so Émile sorts with E). */
export function sortName(givenName: string, familyName: string): string {
  return `${normaliseName(familyName)} ${normaliseName(givenName)}`;
}
