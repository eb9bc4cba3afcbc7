// The languages Aiguillage is translated into (besides French, the source),
// as the API names them (GET /api/v1/public/languages): code, the name in
// the language itself, its direction, and its name in French for the
// référents' screens.

export type TargetLanguage = { code: string; name: string; french: string; dir: 'ltr' | 'rtl' };

export const targetLanguages: readonly TargetLanguage[] = [
  { code: 'fr-x-falc', name: 'FALC — Facile à lire', french: 'FALC (facile à lire et à comprendre)', dir: 'ltr' },
  { code: 'en', name: 'English', french: 'anglais', dir: 'ltr' },
  { code: 'ar', name: 'العربية', french: 'arabe', dir: 'rtl' },
  { code: 'uk', name: 'Українська', french: 'ukrainien', dir: 'ltr' },
  { code: 'es', name: 'Español', french: 'espagnol', dir: 'ltr' },
  { code: 'pt', name: 'Português', french: 'portugais', dir: 'ltr' },
  { code: 'tr', name: 'Türkçe', french: 'turc', dir: 'ltr' },
];

export const FALC = 'fr-x-falc';

export function targetLanguage(code: string | null | undefined): TargetLanguage | undefined {
  return targetLanguages.find((l) => l.code === code);
}

/** « anglais (English) », « FALC (facile à lire et à comprendre) ». */
export function languageLabel(code: string): string {
  const l = targetLanguage(code);
  if (!l) return code;
  return l.code === FALC ? l.french : `${l.french} (${l.name})`;
}

/** The lang attribute of a text in that language (FALC is French for browsers and screen readers). */
export const htmlLang = (code: string) => (code === FALC ? 'fr' : code);
