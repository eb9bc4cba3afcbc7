// WAI-ARIA 1.2 combobox with a list popup (the "list autocomplete" pattern):
// the input keeps focus, arrows move aria-activedescendant, Enter picks,
// Escape closes. Used for the commune and for the search field's subjects.

import { h, uid } from './dom';

export interface Item {
  id: string;
  label: string;
  sub?: string;
}

export interface ComboOptions {
  label: string;
  hint?: string;
  name: string;
  fetch: (q: string) => Promise<Item[]>;
  onSelect: (item: Item) => void;
  announce: (n: number) => void;
  minChars?: number;
  /** Enter with no active option picks the first suggestion (commune), instead of letting the form submit (search). */
  enterPicksFirst?: boolean;
  autocomplete?: string;
}

export class Combobox {
  readonly root: HTMLElement;
  readonly input: HTMLInputElement;
  readonly error: HTMLElement;
  private list: HTMLUListElement;
  private items: Item[] = [];
  private active = -1;
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private o: ComboOptions) {
    const id = uid(o.name), lid = id + '-l', hid = id + '-h', eid = id + '-e';
    this.input = h('input', {
      id, type: 'text', name: o.name, role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
      'aria-controls': lid, 'aria-describedby': o.hint ? hid + ' ' + eid : eid, autocomplete: o.autocomplete || 'off',
      spellcheck: 'false', maxlength: 500,
    });
    this.list = h('ul', { id: lid, role: 'listbox', 'aria-label': o.label, class: 'lb', hidden: true });
    this.error = h('p', { id: eid, class: 'err' });
    this.root = h('div', { class: 'cb' },
      h('label', { for: id }, o.label),
      o.hint ? h('p', { id: hid, class: 'hint' }, o.hint) : null,
      h('div', { class: 'cbw' }, this.input, this.list),
      this.error);
    this.input.addEventListener('input', () => this.schedule());
    this.input.addEventListener('keydown', (e) => this.key(e));
    this.input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
  }

  setError(msg: string): void {
    this.error.textContent = msg;
    if (msg) this.input.setAttribute('aria-invalid', 'true');
    else this.input.removeAttribute('aria-invalid');
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.setError('');
    const q = this.input.value.trim();
    if (q.length < (this.o.minChars ?? 2)) {
      this.seq++;
      this.close();
      return;
    }
    this.timer = setTimeout(() => void this.load(q), 180);
  }

  /** load fetches the suggestions for q and opens the list; returns them (stale answers are dropped). */
  async load(q: string): Promise<Item[]> {
    const n = ++this.seq;
    let items: Item[];
    try {
      items = await this.o.fetch(q);
    } catch {
      items = [];
    }
    if (n !== this.seq) return items;
    this.items = items.slice(0, 10);
    this.active = -1;
    this.list.replaceChildren(...this.items.map((it, i) =>
      h('li', { id: `${this.list.id}-${i}`, role: 'option', 'aria-selected': 'false', onmousedown: (e: Event) => e.preventDefault(), onclick: () => this.pick(i) },
        it.label, it.sub ? h('span', { class: 'sub' }, ' ' + it.sub) : null)));
    this.setOpen(this.items.length > 0 && (this.input.getRootNode() as Document | ShadowRoot).activeElement === this.input);
    this.o.announce(this.items.length);
    return items;
  }

  private setOpen(open: boolean): void {
    this.list.hidden = !open;
    this.input.setAttribute('aria-expanded', String(open));
    if (!open) {
      this.active = -1;
      this.input.removeAttribute('aria-activedescendant');
    }
  }

  close(): void {
    this.setOpen(false);
  }

  private move(d: number): void {
    if (!this.items.length) return;
    if (this.list.hidden) this.setOpen(true);
    this.active = (this.active + d + this.items.length) % this.items.length;
    this.list.querySelectorAll('li').forEach((li, i) => {
      li.setAttribute('aria-selected', String(i === this.active));
      if (i === this.active) li.scrollIntoView?.({ block: 'nearest' });
    });
    this.input.setAttribute('aria-activedescendant', `${this.list.id}-${this.active}`);
  }

  private pick(i: number): void {
    const it = this.items[i];
    if (!it) return;
    this.input.value = it.label;
    this.close();
    this.o.onSelect(it);
  }

  /** pickFirst selects the first suggestion for what is typed, fetching it when needed; false when none. */
  async pickFirst(): Promise<boolean> {
    const q = this.input.value.trim();
    clearTimeout(this.timer);
    const items = this.items.length && !this.list.hidden ? this.items : q.length >= (this.o.minChars ?? 2) ? await this.load(q) : [];
    if (!items.length) return false;
    this.items = items;
    this.pick(0);
    return true;
  }

  private key(e: KeyboardEvent): void {
    const open = !this.list.hidden;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!open && !this.items.length) this.schedule();
        this.move(1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        this.move(-1);
        break;
      case 'Enter':
        if (open && this.active >= 0) {
          e.preventDefault();
          this.pick(this.active);
        } else if (this.o.enterPicksFirst) {
          e.preventDefault();
          void this.pickFirst().then((ok) => ok || this.o.announce(0));
        } else this.close();
        break;
      case 'Escape':
        if (open) this.close();
        else this.input.value = '';
        break;
      case 'Tab':
        this.close();
    }
  }
}
