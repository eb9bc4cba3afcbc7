// The journey document as the editor changes it: pure functions over the
// API's JourneyDoc (the draft), tested in test/journeyModel.test.ts. Every
// function returns a new document and leaves its argument untouched.

import type { components } from '../../api/schema';

export type Journey = components['schemas']['JourneyDoc'];
export type Step = components['schemas']['StepDoc'];
export type Option = components['schemas']['OptionDoc'];
export type Outcome = components['schemas']['OutcomeDoc'];
export type StepKind = NonNullable<Step['kind']>;
export type ValidationProblem = components['schemas']['ProblemField'];

/** Limits of the document format (api/internal/journeys): characters. */
export const limits = { title: 100, question: 150, label: 80, help: 300, explanation: 600, id: 64, minOptions: 2, maxOptions: 8 };

export const kindLabels: Record<StepKind, string> = {
  question: 'Question',
  location: 'Commune',
  outcome: 'Réponse',
};

/** Lowercase letters and digits joined by single dashes, as ids must be. */
export function slugify(text: string, max = limits.id): string {
  const s = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, max).replace(/-+$/, '');
}

export const validId = (s: string) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(s) && s.length <= limits.id;

const steps = (j: Journey): Step[] => j.steps ?? [];

export function findStep(j: Journey, id: string | undefined): Step | undefined {
  return id ? steps(j).find((s) => s.id === id) : undefined;
}

/** A step id not used yet, from a text (or the kind when the text gives none). */
export function uniqueStepId(j: Journey, base: string): string {
  const root = slugify(base, 40) || 'etape';
  const taken = new Set(steps(j).map((s) => s.id));
  if (!taken.has(root)) return root;
  for (let n = 2; ; n++) if (!taken.has(`${root}-${n}`)) return `${root}-${n}`;
}

/** The step ids a step leads to, in order (options, then next). */
export function targets(s: Step): string[] {
  if (s.kind === 'question') return (s.options ?? []).map((o) => o.next ?? '');
  if (s.kind === 'location') return [s.next ?? ''];
  return [];
}

/** A fresh step of a kind, with what that kind needs to be filled in. */
export function blankStep(id: string, kind: StepKind, text = ''): Step {
  switch (kind) {
    case 'question':
      return { id, kind, text, options: [{ label: '', next: '' }, { label: '', next: '' }] };
    case 'location':
      return { id, kind, text: text || 'Dans quelle commune habitez-vous ?', next: '' };
    case 'outcome':
      return { id, kind, text, outcome: { explanation: '', documents: [], contact_points: [], pivots: [] } };
  }
}

/** Where a new step gets attached: an option of a question, or a location's next. */
export type Slot = { step: string; option?: number };

/**
 * Adds a step of a kind; when slot is given, the option (or the location
 * step's continuation) leads to it. The first step of an empty journey
 * becomes its first_step. Returns the document and the new id.
 */
export function addStep(j: Journey, kind: StepKind, text: string, slot?: Slot): [Journey, string] {
  const id = uniqueStepId(j, text || kindLabels[kind]);
  let out: Journey = { ...j, steps: [...steps(j), blankStep(id, kind, text)] };
  if (!out.first_step) out = { ...out, first_step: id };
  if (slot) out = setTarget(out, slot, id);
  return [out, id];
}

/** Points a slot (an option, or a location's next) at a step id. */
export function setTarget(j: Journey, slot: Slot, target: string): Journey {
  return updateStep(j, slot.step, (s) => {
    if (s.kind === 'location' || slot.option === undefined) return { ...s, next: target };
    const options = [...(s.options ?? [])];
    if (!options[slot.option]) return s;
    options[slot.option] = { ...options[slot.option], next: target };
    return { ...s, options };
  });
}

export function updateStep(j: Journey, id: string, f: (s: Step) => Step): Journey {
  return { ...j, steps: steps(j).map((s) => (s.id === id ? f(s) : s)) };
}

/**
 * Changes a step's kind, keeping its id and text (and the options or the
 * continuation when they still make sense).
 */
export function changeKind(j: Journey, id: string, kind: StepKind): Journey {
  return updateStep(j, id, (s) => {
    if (s.kind === kind) return s;
    const fresh = blankStep(s.id ?? id, kind, s.text ?? '');
    if (kind === 'location' && s.kind === 'question') fresh.next = s.options?.find((o) => o.next)?.next ?? '';
    if (kind === 'question' && s.kind === 'location' && s.next) fresh.options = [{ label: '', next: s.next }, { label: '', next: '' }];
    return { ...fresh, help: s.help };
  });
}

/**
 * Renames a step and every reference to it (first step, options, next).
 * Refuses (returns null) an invalid or already used id.
 */
export function renameStep(j: Journey, from: string, to: string): Journey | null {
  if (from === to) return j;
  if (!validId(to) || steps(j).some((s) => s.id === to)) return null;
  const ref = (x: string | undefined) => (x === from ? to : x);
  return {
    ...j,
    first_step: ref(j.first_step),
    steps: steps(j).map((s) => ({
      ...s,
      id: ref(s.id),
      next: s.next === undefined ? undefined : ref(s.next),
      options: s.options?.map((o) => ({ ...o, next: ref(o.next) })),
    })),
  };
}

/** Removes a step; what led to it now leads nowhere (the validation says so). */
export function removeStep(j: Journey, id: string): Journey {
  const clear = (x: string | undefined) => (x === id ? '' : x);
  return {
    ...j,
    first_step: clear(j.first_step),
    steps: steps(j)
      .filter((s) => s.id !== id)
      .map((s) => ({ ...s, next: s.next === undefined ? undefined : clear(s.next), options: s.options?.map((o) => ({ ...o, next: clear(o.next) })) })),
  };
}

/** Moves option i of a question by delta (−1 up, +1 down). */
export function moveOption(j: Journey, stepId: string, i: number, delta: number): Journey {
  return updateStep(j, stepId, (s) => {
    const options = [...(s.options ?? [])];
    const k = i + delta;
    if (k < 0 || k >= options.length) return s;
    [options[i], options[k]] = [options[k], options[i]];
    return { ...s, options };
  });
}

export function addOption(j: Journey, stepId: string): Journey {
  return updateStep(j, stepId, (s) => ({ ...s, options: [...(s.options ?? []), { label: '', next: '' }] }));
}

export function removeOption(j: Journey, stepId: string, i: number): Journey {
  return updateStep(j, stepId, (s) => ({ ...s, options: (s.options ?? []).filter((_, k) => k !== i) }));
}

/** One line of the tree: a step reached through a slot of its parent. */
export type TreeNode = {
  step: string; // '' when the slot leads nowhere yet
  depth: number;
  /** How the resident gets here: the option's label, or "" for a continuation or the first step. */
  via?: { parent: string; option?: number; label: string };
  /** The step is shown in full elsewhere in the tree (a shared step, or a loop back). */
  link: boolean;
  /** The target does not exist (a deleted or mistyped step). */
  missing: boolean;
  children: TreeNode[];
};

/**
 * The journey as a tree from its first step: each step once in full, where it
 * is first reached (depth first, in option order); later paths to it are
 * links. Steps no path reaches are returned apart.
 */
export function buildTree(j: Journey): { root: TreeNode | null; unreachable: string[] } {
  const byId = new Map(steps(j).map((s) => [s.id ?? '', s]));
  const seen = new Set<string>();
  const visit = (id: string, depth: number, via?: TreeNode['via']): TreeNode => {
    const s = byId.get(id);
    if (!id || !s || seen.has(id)) return { step: id, depth, via, link: !!s && seen.has(id), missing: !!id && !s, children: [] };
    seen.add(id);
    const children: TreeNode[] = [];
    if (s.kind === 'question') (s.options ?? []).forEach((o, i) => children.push(visit(o.next ?? '', depth + 1, { parent: id, option: i, label: o.label ?? '' })));
    else if (s.kind === 'location') children.push(visit(s.next ?? '', depth + 1, { parent: id, label: '' }));
    return { step: id, depth, via, link: false, missing: false, children };
  };
  const root = j.first_step ? visit(j.first_step, 0) : null;
  const unreachable = steps(j)
    .map((s) => s.id ?? '')
    .filter((id) => id && !seen.has(id));
  return { root, unreachable };
}

/** A validation problem placed on its step and field. */
export type PlacedProblem = { step: string; field: string; detail: string; communes?: string[] };

/**
 * Splits the API's field paths ("steps[besoin].options[1].next",
 * "journey.first_step", "title") into the step they concern ('' for the
 * journey) and the field inside it.
 */
export function placeProblem(p: ValidationProblem): PlacedProblem {
  const field = p.field ?? '';
  const m = field.match(/^steps\[([^\]]*)\](?:\.(.*))?$/);
  if (m) return { step: m[1], field: m[2] ?? '', detail: p.detail ?? '', communes: p.communes };
  return { step: '', field: field.replace(/^journey\.?/, ''), detail: p.detail ?? '', communes: p.communes };
}

export function problemsByStep(ps: ValidationProblem[]): Map<string, PlacedProblem[]> {
  const out = new Map<string, PlacedProblem[]>();
  for (const p of ps.map(placeProblem)) out.set(p.step, [...(out.get(p.step) ?? []), p]);
  return out;
}

/** Words for a field path inside a step, for the référent. */
export function fieldLabel(field: string): string {
  const opt = field.match(/^options\[(\d+)\](?:\.(label|next))?/);
  if (opt) return `Choix n° ${Number(opt[1]) + 1}${opt[2] === 'label' ? ' (libellé)' : opt[2] === 'next' ? ' (étape suivante)' : ''}`;
  const piv = field.match(/^outcome\.pivots\[(\d+)\]/);
  if (piv) return `Service selon la commune n° ${Number(piv[1]) + 1}`;
  const cp = field.match(/^outcome\.contact_points\[(\d+)\]/);
  if (cp) return `Point de contact n° ${Number(cp[1]) + 1}`;
  const known: Record<string, string> = {
    '': 'Étape',
    text: 'Texte',
    help: 'Aide',
    options: 'Choix',
    next: 'Étape suivante',
    kind: 'Type',
    id: 'Identifiant',
    outcome: 'Réponse',
    'outcome.explanation': 'Explication',
    'outcome.contact_points': 'Points de contact',
    'outcome.pivots': 'Services selon la commune',
    'outcome.documents': 'Documents',
    first_step: 'Première étape',
    title: 'Titre du parcours',
    slug: 'Identifiant du parcours',
    steps: 'Étapes',
    body: 'Document',
  };
  return known[field] ?? field;
}

/** A short name of a step for lists and selects. */
export function stepName(s: Step | undefined, id?: string): string {
  if (!s) return id ? `étape inconnue « ${id} »` : 'aucune';
  const text = (s.text ?? '').trim() || '(sans texte)';
  return `${kindLabels[s.kind ?? 'question']} : ${text}`;
}

/** The document in the stable form the API stores, to compare drafts. */
export function normalise(j: Journey): string {
  return JSON.stringify(j, (_k, v) => (v === undefined ? undefined : v));
}
