// Translations of a journey draft: every French text of the document beside
// its translation in one language, and the pure edits of the i18n maps that
// hold them (tested in test/translations.test.ts). Texts are named by the
// field paths of the API's validation problems and warnings
// ("journey.title", "steps[besoin].options[1].label"), so a warning leads to
// its text. Which texts count mirrors the API's publish warnings: every
// non-empty French text, and an outcome's documents as a whole list (same
// length as the French one).

import type { components } from '../../api/schema';
import { limits, stepName, type Journey, type Step } from './model';

type JourneyText = components['schemas']['JourneyText'];
type StepText = components['schemas']['StepText'];
type OptionText = components['schemas']['OptionText'];
type OutcomeText = components['schemas']['OutcomeText'];

/** One French text of the journey and its translation. */
export type TextItem = {
  /** The field path, as the API's problems and warnings name it. */
  key: string;
  /** The step it belongs to ('' for the journey itself). */
  step: string;
  /** Where it sits, for the référent: « Parcours », « Question : Votre situation ? ». */
  group: string;
  /** What it is: « Titre », « Choix n° 2 »… */
  label: string;
  /** The French text (documents: one per line). */
  fr: string;
  /** The translation (documents: one per line); '' when there is none. */
  text: string;
  missing: boolean;
  /** Why the text is incomplete when it is not empty (documents count). */
  note?: string;
  multiline: boolean;
  /** Documents: one per line. */
  list?: boolean;
  /** Maximum length in characters (as the French field). */
  max?: number;
};

const blank = (s: string | undefined) => (s ?? '').trim() === '';
const lines = (xs: string[] | undefined) => (xs ?? []).filter((x) => !blank(x));

/** Every translatable text of the journey, in document order, with its translation in lang. */
export function translationItems(doc: Journey, lang: string): TextItem[] {
  const out: TextItem[] = [];
  const add = (item: Omit<TextItem, 'missing' | 'multiline'> & { multiline?: boolean }) => {
    if (blank(item.fr)) return;
    out.push({ multiline: false, ...item, missing: blank(item.text) });
  };
  const jt = doc.i18n?.[lang];
  add({ key: 'journey.title', step: '', group: 'Parcours', label: 'Titre du parcours', fr: doc.title ?? '', text: jt?.title ?? '', max: limits.title });
  add({ key: 'journey.description', step: '', group: 'Parcours', label: 'Description du parcours', fr: doc.description ?? '', text: jt?.description ?? '', multiline: true });
  for (const s of doc.steps ?? []) {
    const id = s.id ?? '';
    const group = stepName(s);
    const st = s.i18n?.[lang];
    const p = `steps[${id}]`;
    const textLabel = s.kind === 'outcome' ? 'Titre de la réponse' : s.kind === 'location' ? 'Question pour la commune' : 'Question posée';
    add({ key: `${p}.text`, step: id, group, label: textLabel, fr: s.text ?? '', text: st?.text ?? '', max: s.kind === 'outcome' ? limits.title : limits.question });
    add({ key: `${p}.help`, step: id, group, label: 'Aide', fr: s.help ?? '', text: st?.help ?? '', multiline: true, max: limits.help });
    (s.options ?? []).forEach((o, i) => {
      add({ key: `${p}.options[${i}].label`, step: id, group, label: `Choix n° ${i + 1}`, fr: o.label ?? '', text: o.i18n?.[lang]?.label ?? '', max: limits.label });
    });
    const oc = s.outcome;
    if (!oc) continue;
    const ot = oc.i18n?.[lang];
    add({ key: `${p}.outcome.explanation`, step: id, group, label: 'Explication', fr: oc.explanation ?? '', text: ot?.explanation ?? '', multiline: true, max: limits.explanation });
    const frDocs = lines(oc.documents);
    if (frDocs.length > 0) {
      const raw = ot?.documents ?? [];
      const done = lines(raw);
      const item: TextItem = {
        key: `${p}.outcome.documents`,
        step: id,
        group,
        label: 'Documents à préparer',
        fr: frDocs.join('\n'),
        text: raw.join('\n'),
        multiline: true,
        list: true,
        missing: done.length !== frDocs.length,
      };
      if (done.length > 0 && done.length !== frDocs.length) {
        item.note = `${done.length} document${done.length > 1 ? 's' : ''} traduit${done.length > 1 ? 's' : ''} pour ${frDocs.length} en français : un par ligne, dans le même ordre.`;
      }
      out.push(item);
    }
  }
  return out;
}

export const countMissing = (items: TextItem[]) => items.filter((i) => i.missing).length;

/** « 12 textes à traduire », « 1 texte à traduire », « Tout est traduit ». */
export function missingLabel(n: number): string {
  if (n === 0) return 'Tout est traduit';
  return `${n} texte${n > 1 ? 's' : ''} à traduire`;
}

/**
 * Puts a patch into the entry of lang of an i18n map: empty values are
 * removed, an empty entry too, and the map itself when nothing is left
 * (undefined), so that a document without translations stays as it was.
 */
function put<T extends object>(map: Record<string, T> | undefined, lang: string, patch: Partial<T>): Record<string, T> | undefined {
  const entry: Record<string, unknown> = { ...(map?.[lang] ?? {}), ...patch };
  for (const k of Object.keys(entry)) {
    const v = entry[k];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete entry[k];
  }
  const out: Record<string, T> = { ...(map ?? {}) };
  if (Object.keys(entry).length > 0) out[lang] = entry as T;
  else delete out[lang];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Sets (or removes, when value is undefined) a key of an object, without leaving an undefined key behind. */
function withKey<O extends object, K extends keyof O>(o: O, k: K, value: O[K] | undefined): O {
  const out = { ...o };
  if (value === undefined) delete out[k];
  else out[k] = value;
  return out;
}

const keyPattern = /^(?:journey\.(title|description)|steps\[([^\]]*)\]\.(?:(text|help)|options\[(\d+)\]\.label|outcome\.(explanation|documents)))$/;

/**
 * Returns the document with the translation of one text (named by its key)
 * in lang set to value; an empty value removes it. Documents are one per
 * line (kept as typed: tidyDocuments drops the empty lines). An unknown key
 * leaves the document as it is.
 */
export function setTranslation(doc: Journey, lang: string, key: string, value: string): Journey {
  const m = key.match(keyPattern);
  if (!m) return doc;
  const [, journeyField, stepId, stepField, option, outcomeField] = m;
  if (journeyField) {
    return withKey(doc, 'i18n', put<JourneyText>(doc.i18n, lang, { [journeyField]: value }));
  }
  const update = (f: (s: Step) => Step): Journey => ({ ...doc, steps: (doc.steps ?? []).map((s) => (s.id === stepId ? f(s) : s)) });
  if (stepField) return update((s) => withKey(s, 'i18n', put<StepText>(s.i18n, lang, { [stepField]: value })));
  if (option !== undefined) {
    const i = Number(option);
    return update((s) => ({
      ...s,
      options: (s.options ?? []).map((o, k) => (k === i ? withKey(o, 'i18n', put<OptionText>(o.i18n, lang, { label: value })) : o)),
    }));
  }
  return update((s) => {
    if (!s.outcome) return s;
    const patch: Partial<OutcomeText> = outcomeField === 'documents' ? { documents: value === '' ? [] : value.split('\n') } : { explanation: value };
    return { ...s, outcome: withKey(s.outcome, 'i18n', put<OutcomeText>(s.outcome.i18n, lang, patch)) };
  });
}

/** Drops the empty lines of a documents list as typed (on leaving the field). */
export const tidyDocuments = (value: string) =>
  value
    .split('\n')
    .map((d) => d.trim())
    .filter(Boolean)
    .join('\n');

/** The journey's target languages with lang added or removed, in the order of the given list of all languages. */
export function toggleLanguage(doc: Journey, lang: string, on: boolean, all: readonly string[]): Journey {
  const set = new Set(doc.languages ?? []);
  if (on) set.add(lang);
  else set.delete(lang);
  const languages = all.filter((l) => set.has(l)).concat([...set].filter((l) => !all.includes(l)));
  return withKey(doc, 'languages', languages.length ? languages : undefined);
}

/** Missing-translation warnings of the API, counted by language. */
export function warningsByLanguage(ws: { lang?: string }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of ws) if (w.lang) out.set(w.lang, (out.get(w.lang) ?? 0) + 1);
  return out;
}
