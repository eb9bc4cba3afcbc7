// The answer is addressable: the host page's fragment carries
// #orientation=p:var;e:logement;c:83137;s:besoin,ou,loyer (journey path) or
// ;o:<outcome id> (an outcome reached by search) or ;t:<theme slug>.
// Never the resident's words: only identifiers, each checked on the way in.

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
