// The caller's history in agent mode (agent chunk, pure): every question
// answered, search made, commune chosen, answer seen and journey opened, in
// order, with the time. On screen only: never sent, never stored; « Nouvel
// appelant » clears it.

import type { View } from './ctx';
import type { Journey } from './types';

export type EntryKind = 'partner' | 'commune' | 'answer' | 'search' | 'outcome' | 'theme';

export interface Entry {
  at: Date;
  kind: EntryKind;
  text: string;
}

/** What the view on screen shows: its heading, and the count of a search's results. */
export interface Screen {
  title?: string;
  count?: string;
}

const clean = (t: string | undefined) => (t || '').replace(/\s+/g, ' ').trim();
/** startsWith: whether path a begins with the whole of path b. */
const startsWith = (a: string[], b: string[]) => b.length <= a.length && b.every((x, i) => a[i] === x);

export class CallerHistory {
  entries: Entry[] = [];
  /** The views already recorded: one shown again (Back, a commune chosen for it) is not recorded twice. */
  private seen = new WeakSet<object>();
  /** The journey path of the last journey view: the answers it holds are recorded. */
  private path: string[] = [];
  private commune?: string;

  constructor(private now: () => Date = () => new Date()) {}

  add(kind: EntryKind, text: string): void {
    this.entries.push({ at: this.now(), kind, text });
  }

  clear(): void {
    this.entries = [];
    this.seen = new WeakSet();
    this.path = [];
    this.commune = undefined;
  }

  /** The commune the widget starts with (its commune attribute), recorded when it is another one. */
  place(place: { code: string; name?: string } | undefined): void {
    if (!place || place.code === this.commune) return;
    this.commune = place.code;
    this.add('commune', `Commune : ${place.name ? `${place.name} (${place.code})` : place.code}`);
  }

  /**
   * record notes what the agent did to reach view v (shown with place as the commune, journey as the partner's
   * journey, screen as what it shows): a commune chosen, the questions answered on the way (with the option
   * taken), a search and its count, an answer or a theme's services seen. It returns whether it added anything.
   */
  record(v: View, place: { code: string; name?: string } | undefined, journey: Journey | undefined, screen: Screen): boolean {
    const n = this.entries.length;
    this.place(place);
    if (v.k === 'start') this.path = [];
    if (v.k === 'step') {
      // Back to an earlier question: a new answer to it is a new entry.
      if (this.seen.has(v)) this.path = v.path.slice();
      else this.answers(v.path, journey);
    }
    if (this.seen.has(v)) return this.entries.length > n;
    this.seen.add(v);
    const title = clean(screen.title);
    switch (v.k) {
      case 'step': {
        const last = journey?.steps.find((s) => s.id === v.path[v.path.length - 1]);
        if (last?.kind === 'outcome' && title) this.add('outcome', `Réponse affichée : ${title}`);
        break;
      }
      case 'results':
        this.add('search', `Recherche : « ${clean(v.q)} »${screen.count ? ` — ${clean(screen.count)}` : ''}`);
        break;
      case 'outcome':
        if (title) this.add('outcome', `Réponse affichée : ${title}`);
        break;
      case 'theme':
        if (title) this.add('theme', `Sujet : ${title}`);
        break;
    }
    return this.entries.length > n;
  }

  /** answers records each question of path answered since the last journey view (skipped location steps included). */
  private answers(path: string[], journey: Journey | undefined): void {
    const steps = journey?.steps || [];
    for (let i = 0; i < path.length - 1; i++) {
      const prefix = path.slice(0, i + 2);
      if (startsWith(this.path, prefix)) continue; // recorded with an earlier view
      const q = steps.find((s) => s.id === path[i]);
      const o = q?.kind === 'question' ? q.options?.find((x) => x.next === path[i + 1]) : undefined;
      if (q && o) this.add('answer', `Question : ${clean(q.text)} — Réponse : ${clean(o.label)}`);
    }
    this.path = path.slice();
  }
}
