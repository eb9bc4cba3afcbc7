// Themes suggested while the resident types in the search field (answers
// chunk): every word of three letters or more starts a word of the theme's
// label or synonyms, case and accents ignored, in any script (the labels come
// in the widget's language: Arabic, Cyrillic…). Pure.

import type { Item } from './combobox';
import type { Theme } from './types';

const norm = (x: string) => x.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');

export function suggestThemes(themes: Theme[], q: string): Item[] {
  const words = norm(q).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3);
  if (!words.length) return [];
  return themes
    .filter((t) => {
      const hay = norm([t.label, ...(t.synonyms || [])].join(' ')).split(/[^\p{L}\p{N}]+/u);
      return words.every((w) => hay.some((x) => x.startsWith(w)));
    })
    .slice(0, 6)
    .map((t) => ({ id: t.slug, label: t.label }));
}
