// The answer is addressable: the host page's fragment carries
// #orientation=p:var;e:logement;c:83137;s:besoin,ou,loyer (journey path) or
// ;o:<outcome id> (an outcome reached by search) or ;t:<theme slug>.
// Never the resident's words: only identifiers, each checked on the way in.
// All but INSEE is in the lazy "answers" chunk: the element loads it to read a
// fragment of its own (#orientation=) and to write one.

import type { View } from './ctx';
import type { Journey } from './types';

export interface WidgetState {
  p: string; // partner
  e?: string; // entry point
  c?: string; // commune (INSEE code)
  s?: string[]; // journey path: step ids from the first step
  o?: string; // outcome id
  t?: string; // theme slug
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
export const INSEE = /^(\d{5}|2[AB]\d{3})$/;
const KEY = 'orientation=';

export function encodeState(st: WidgetState): string {
  const parts = ['p:' + st.p];
  if (st.e) parts.push('e:' + st.e);
  if (st.c) parts.push('c:' + st.c);
  if (st.o) parts.push('o:' + st.o);
  else if (st.t) parts.push('t:' + st.t);
  else if (st.s && st.s.length) parts.push('s:' + st.s.join(','));
  return KEY + parts.join(';');
}

/** decodeState reads a fragment ("#orientation=…"); null when absent or malformed. */
export function decodeState(hash: string): WidgetState | null {
  const h = (hash || '').replace(/^#/, '');
  if (!h.startsWith(KEY)) return null;
  let body: string;
  try {
    body = decodeURIComponent(h.slice(KEY.length));
  } catch {
    return null;
  }
  const st: Partial<WidgetState> = {};
  for (const part of body.split(';')) {
    const i = part.indexOf(':');
    if (i < 1) return null;
    const k = part.slice(0, i), v = part.slice(i + 1);
    if (k === 's') {
      const ids = v.split(',');
      if (!ids.length || ids.length > 50 || !ids.every((x) => ID.test(x))) return null;
      st.s = ids;
    } else if (k === 'p' || k === 'e' || k === 'o' || k === 't') {
      if (!ID.test(v)) return null;
      st[k] = v;
    } else if (k === 'c') {
      if (!INSEE.test(v)) return null;
      st.c = v;
    } else return null;
  }
  return st.p ? (st as WidgetState) : null;
}

/** fragmentIsOurs tells whether the widget may write the fragment: empty or already its own. */
export function fragmentIsOurs(hash: string): boolean {
  const h = (hash || '').replace(/^#/, '');
  return h === '' || h.startsWith(KEY);
}

/** stateFor reads the fragment when it is this widget's (its partner, and its entry when it names one); else null. */
export function stateFor(hash: string, partner: string, entry: string): WidgetState | null {
  const st = decodeState(hash);
  return st && st.p === partner && (!st.e || st.e === entry) ? st : null;
}

/** stateOf is the state of view v (a journey step, an outcome, a theme); null for the others. */
export function stateOf(v: View, partner: string, entry?: string, commune?: string): WidgetState | null {
  const st: WidgetState = { p: partner, e: entry || undefined, c: commune };
  if (v.k === 'step') st.s = v.path;
  else if (v.k === 'outcome') st.o = v.id;
  else if (v.k === 'theme') st.t = v.slug;
  else return null;
  return st;
}

/**
 * replay rebuilds the views of state st, as navigation pushes them, checking each move of a journey path against
 * the journey as published now; null when the path no longer exists.
 */
export function replay(st: WidgetState, journey: Journey | undefined): View[] | null {
  const stack: View[] = [{ k: 'start' }];
  if (st.o) stack.push({ k: 'outcome', id: st.o });
  else if (st.t) stack.push({ k: 'theme', slug: st.t });
  else if (st.s && journey) {
    const step = (id: string | undefined) => (id ? journey.steps.find((x) => x.id === id) : undefined);
    const path: string[] = [];
    for (const id of st.s) {
      const prev = step(path[path.length - 1]);
      const cur = step(id);
      const ok = path.length === 0 ? id === journey.first_step : !!prev && (prev.next === id || (prev.options || []).some((o) => o.next === id));
      if (!ok || !cur) return null;
      path.push(id);
      // Views are pushed as navigation does: not the first question (shown on the start view), not location steps.
      if (path.length > 1 && cur.kind !== 'location') stack.push({ k: 'step', path: path.slice() });
    }
    const top = stack[stack.length - 1];
    if (path.length && !(top.k === 'step' && top.path.length === path.length)) stack.push({ k: 'step', path });
  }
  return stack;
}

/**
 * writeFragment writes st into the host page's fragment (history.replaceState: no history entry), or with null
 * removes the widget's own; never when the host page uses its fragment for something else, nor over another
 * widget's answer (partner: this widget's).
 */
export function writeFragment(st: WidgetState | null, partner: string): void {
  if (!fragmentIsOurs(location.hash)) return;
  const cur = decodeState(location.hash);
  if (!st && cur && cur.p !== partner) return;
  const url = location.pathname + location.search + (st ? '#' + encodeState(st) : '');
  if (url !== location.pathname + location.search + location.hash && (st || location.hash)) history.replaceState(history.state, '', url);
}
