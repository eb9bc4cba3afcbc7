import type { Theme, ThemeRequest } from './api';

/** What the theme form edits. Synonyms: one per line, as the référent types them. */
export interface ThemeForm {
  label: string;
  slug: string;
  /** The slug was typed by hand: stop suggesting it from the label. */
  slugTouched: boolean;
  description: string;
  parent_slug: string;
  synonyms: string;
}

export const emptyThemeForm = (synonym = ''): ThemeForm => ({ label: '', slug: '', slugTouched: false, description: '', parent_slug: '', synonyms: synonym });

export function fromTheme(t: Theme, extraSynonym?: string): ThemeForm {
  const synonyms = [...(t.synonyms ?? [])];
  if (extraSynonym && !synonyms.some((s) => s.toLowerCase() === extraSynonym.toLowerCase())) synonyms.push(extraSynonym);
  return { label: t.label ?? '', slug: t.slug ?? '', slugTouched: true, description: t.description ?? '', parent_slug: t.parent_slug ?? '', synonyms: synonyms.join('\n') };
}

/** One synonym per line; blank lines and repeats (case-insensitive) dropped. */
export function parseSynonyms(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const w = line.trim().replace(/\s+/g, ' ');
    if (w && !out.some((o) => o.toLowerCase() === w.toLowerCase())) out.push(w);
  }
  return out;
}

export function toThemeRequest(f: ThemeForm, creating: boolean): ThemeRequest {
  const body: ThemeRequest = {
    label: f.label.trim(),
    description: f.description.trim(),
    parent_slug: f.parent_slug,
    synonyms: parseSynonyms(f.synonyms),
  };
  if (creating) body.slug = f.slug.trim();
  return body;
}
