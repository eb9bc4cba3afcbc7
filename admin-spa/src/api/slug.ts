// Identifiers (slugs) as the API accepts them: lowercase letters, digits and
// single dashes, 64 characters at most (domain.ValidSlug).

export const SLUG_MAX = 64;
const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A slug suggested from a French label: "Loyer impayé, expulsion" → "loyer-impaye-expulsion". */
export function suggestSlug(label: string): string {
  const s = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, SLUG_MAX).replace(/-+$/, '');
}

export const isValidSlug = (s: string) => s.length <= SLUG_MAX && SLUG_RE.test(s);
