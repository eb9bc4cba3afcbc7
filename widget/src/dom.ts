// A tiny element builder. Text goes in as text nodes, never as markup: the
// widget has no innerHTML anywhere.

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const k in attrs) {
      const v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/**
 * link builds an <a> to a checked URL; external http(s) links open a new window and say so. A contact channel
 * carries data-ch (its kind, as usage events name it) and data-cp (the contact point): using it is counted.
 */
export function link(href: string, text: string, cls?: string, newWindowLabel?: string, ch?: string, cp?: string): HTMLAnchorElement {
  const ext = /^https?:/.test(href);
  return h('a', { href, class: cls, target: ext ? '_blank' : null, rel: ext ? 'noopener noreferrer' : null, 'data-ch': ch, 'data-cp': cp },
    text, ext && newWindowLabel ? h('span', { class: 'sr' }, ' ' + newWindowLabel) : null);
}

/**
 * inLang gives a text of the API as it is or, when the server could only give it in another language than the
 * one asked (the object's text_lang, "fr"), in a span with that lang followed by the mark: « (in French) ».
 */
export function inLang(text: string | undefined, o: { text_lang?: string } | undefined, s: { inFrench: string }): Child[] {
  return o?.text_lang && text ? [h('span', { lang: o.text_lang, dir: 'auto' }, text), ' ' + s.inFrench] : [text];
}

let seq = 0;
export function uid(p: string): string {
  return `${p}-${++seq}`;
}
