/** Dates as GOV.UK writes them ("15 June 2026"), instants in UK time. */

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const INSTANT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });

/** A calendar date `YYYY-MM-DD`: read as a date, never through a time zone. */
export function formatDate(date: string | null | undefined): string {
  if (date === null || date === undefined) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m === null) return date;
  return DATE.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** An ISO 8601 instant, shown in Europe/London: "15 June 2026 at 11:00". */
export function formatInstant(instant: string | null | undefined): string {
  if (instant === null || instant === undefined) return '';
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  return INSTANT.format(d).replace(', ', ' at ');
}

const WORDS: Record<string, string> = {
  pep: 'Personal education plan (PEP)',
  iro: 'Independent reviewing officer',
  dpo: 'Data protection officer',
  'child-in-need': 'Child in need',
};

/** `child-protection` → "Child protection"; a few abbreviations spelt out. */
export function label(slug: string): string {
  const known = WORDS[slug];
  if (known !== undefined) return known;
  const words = slug.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fullName(child: { givenName: string; familyName: string }): string {
  return `${child.givenName} ${child.familyName}`;
}
