// <orientation-widget>: the resident's path from their words (or a theme, or
// the partner's journey) to the right contact point. This file holds what is
// needed before the first question; contact cards, outcomes and search
// results come from the lazy "answers" chunk, the QR code from the "qr" chunk.

import { Api, ApiError } from './api';
import { contrast, ensureContrast, onColor, parseColor, toHex, type RGB } from './color';
import { Combobox } from './combobox';
import type { Ctx } from './ctx';
import { h, link } from './dom';
import { strings, type Strings } from './i18n';
import { safeUrl, smsHref, telHref, webUrl } from './sanitize';
import { decodeState, encodeState, fragmentIsOurs, INSEE, type WidgetState } from './state';
import { Usage, type Fields } from './events';
import css from './styles.css';
import type {
  Commune, ContactPoint, Organisation, PublicJourney, SearchResponse, Step, Theme,
} from './types';
import type * as Answers from './answers';

declare const __ANSWERS_CHUNK__: string;
declare const __QR_CHUNK__: string;

type View = (
  | { k: 'start'; notice?: string }
  | { k: 'step'; path: string[] }
  | { k: 'results'; q: string }
  | { k: 'outcome'; id: string }
  | { k: 'theme'; slug: string }
  | { k: 'commune'; then: View; text?: string }
  | { k: 'error'; err: unknown }
) & { t?: Record<string, string> }; // t: the usage events this view already recorded (trackOnce)

const DEFAULT_EXIT = 'https://www.google.fr/search?q=meteo';
const DEFAULT_PRIMARY = '#1d4e89';

// National numbers shown when the API cannot be reached: the emergency panel
// must work even then.
const FALLBACK_EMERGENCY: [string, string, boolean?][] = [
  ['15', 'SAMU, urgence médicale'], ['17', 'Police secours, gendarmerie'], ['18', 'Sapeurs-pompiers'],
  ['112', 'Numéro d’urgence européen'], ['114', 'Urgence par SMS (sourds, malentendants, ou si parler est dangereux)', true],
  ['115', 'Hébergement d’urgence'], ['119', 'Enfance en danger'], ['3919', 'Violences femmes info'],
  ['3114', 'Prévention du suicide'],
];

let sheet: CSSStyleSheet | undefined;
let leaving = false;
const chunkCache: Record<string, Promise<any> | undefined> = {};

export class OrientationWidget extends HTMLElement {
  static observedAttributes = ['partner', 'entry', 'api', 'commune', 'lang', 'mode', 'exit-url', 'preview'];
  /** Origin of the script that defined the element: default API base and chunk location. */
  static scriptOrigin = location.origin;

  private sr: ShadowRoot;
  private s!: Strings;
  private client!: Api;
  private orgData?: Organisation;
  private journeyDoc?: PublicJourney | null;
  private themesP?: Promise<Theme[]>;
  private placeNow?: { code: string; name?: string };
  private viewStack: View[] = [];
  private renderSeq = 0;
  private queued = false;
  private started = false;
  private lastEsc = 0;
  private themeSheet = typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype ? new CSSStyleSheet() : null;
  private extraSheets: CSSStyleSheet[] = [];
  private wrapEl!: HTMLElement;
  private mainEl!: HTMLElement;
  private liveEl!: HTMLElement;
  private panelEl!: HTMLElement;
  private emBtn!: HTMLButtonElement;
  private orgName!: HTMLElement;
  private sensitive = false;
  private emFocus = false;
  private lastQuery?: string;
  /** With the preview attribute: the path of the draft preview (/previews/{token}), else ''. */
  private pv = '';
  /** Usage events of this start (features.events), see events.ts. */
  private tr?: Usage;

  constructor() {
    super();
    this.sr = this.attachShadow({ mode: 'open' });
    this.onKey = this.onKey.bind(this);
    // A channel used (a link marked data-ch: call, e-mail, map, online…; data-cp: its contact point; data-o:
    // the journey outcome it answers) is a usage event.
    this.sr.addEventListener('click', (e) => {
      const d = (e.target as Element).closest?.<HTMLElement>('[data-ch]')?.dataset;
      if (d) this.tr?.add('contact', { channel: d.ch, contact_point: d.cp || undefined, outcome: d.o });
    });
  }

  // Properties mirror the attributes (lang is HTMLElement's own).
  get partner(): string { return this.getAttribute('partner') || ''; }
  set partner(v: string) { this.setAttribute('partner', v); }
  get entry(): string { return this.getAttribute('entry') || ''; }
  set entry(v: string) { this.setAttribute('entry', v); }
  get api(): string { return this.getAttribute('api') || OrientationWidget.scriptOrigin; }
  set api(v: string) { this.setAttribute('api', v); }
  get commune(): string { return this.getAttribute('commune') || ''; }
  set commune(v: string) { this.setAttribute('commune', v); }
  get mode(): string { return this.getAttribute('mode') || 'resident'; }
  set mode(v: string) { this.setAttribute('mode', v); }
  get exitUrl(): string { return safeUrl(this.getAttribute('exit-url'), ['https:', 'http:']) || DEFAULT_EXIT; }
  set exitUrl(v: string) { this.setAttribute('exit-url', v); }
  /** A journey draft preview token, from the back office (POST …/journeys/{journey}/preview-token). */
  get preview(): string { return this.getAttribute('preview') || ''; }
  set preview(v: string) { this.setAttribute('preview', v); }

  connectedCallback(): void {
    window.addEventListener('keydown', this.onKey, true);
    window.addEventListener('hashchange', this.onHash);
    window.addEventListener('pageshow', this.onShow);
    window.addEventListener('pagehide', this.onHide);
    document.addEventListener('visibilitychange', this.onHide);
    this.schedule();
  }

  disconnectedCallback(): void {
    window.removeEventListener('keydown', this.onKey, true);
    window.removeEventListener('hashchange', this.onHash);
    window.removeEventListener('pageshow', this.onShow);
    window.removeEventListener('pagehide', this.onHide);
    document.removeEventListener('visibilitychange', this.onHide);
    this.tr?.flush();
  }

  /** The page is hidden (another tab, the phone's dialer…) or left: record the exit and send the events. */
  private onHide = (e: Event): void => {
    if (e.type === 'pagehide' || document.visibilityState === 'hidden') this.tr?.hide();
    else if (this.tr) this.tr.gone = false;
  };

  /** Back to this page from the back/forward cache after a quick exit: start afresh. */
  private onShow = (e: PageTransitionEvent): void => {
    if (!e.persisted) return;
    leaving = false;
    if (!this.wrapEl?.isConnected) this.schedule();
  };

  /** A link to an answer opened on the same page (#orientation=…) shows that answer. */
  private onHash = (): void => {
    const st = decodeState(location.hash);
    if (!st || st.p !== this.partner || (st.e && st.e !== this.entry) || !this.orgData) return;
    this.restore(st);
    this.renderView(true);
  };

  attributeChangedCallback(): void {
    if (this.started) this.schedule();
  }

  /** Re-renders are batched: attribute changes in one task start the widget once. */
  private schedule(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (this.isConnected) void this.startWidget();
    });
  }

  // ---------------------------------------------------------------- frame

  private async startWidget(): Promise<void> {
    this.started = true;
    const { lang, s } = strings(this.getAttribute('lang') || this.closest('[lang]')?.getAttribute('lang'));
    this.s = s;
    this.client = new Api(safeUrl(this.api, ['https:', 'http:']) || OrientationWidget.scriptOrigin);
    this.orgData = undefined;
    this.journeyDoc = undefined;
    this.themesP = undefined;
    this.viewStack = [];
    this.tr?.flush(); // the events of the previous partner go with it
    this.tr = undefined;
    this.pv = this.preview && '/previews/' + encodeURIComponent(this.preview);
    const c = this.commune;
    this.placeNow = INSEE.test(c) ? { code: c } : undefined;
    this.frame(lang);
    await this.loadPartner(true);
  }

  private frame(lang: string): void {
    const s = this.s;
    if (!sheet && this.themeSheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    if (sheet && this.themeSheet) this.sr.adoptedStyleSheets = [sheet, this.themeSheet, ...this.extraSheets];
    this.orgName = h('p', { class: 'org' });
    this.emBtn = h('button', { type: 'button', class: 'em', 'aria-expanded': 'false', 'aria-controls': 'emg', onclick: () => this.toggleEmergency() }, s.emergency,
      h('span', { class: 'sr' }, ' : ' + s.emergencyLong));
    this.panelEl = h('section', { id: 'emg', class: 'panel', hidden: true, 'aria-labelledby': 'emg-h' });
    this.mainEl = h('div', { class: 'main', part: 'main' });
    this.liveEl = h('div', { class: 'sr', role: 'status', 'aria-live': 'polite' });
    this.wrapEl = h('div', { class: 'w' + (this.mode === 'agent' ? ' agent' : ''), lang, part: 'base' },
      h('div', { class: 'bar' }, this.orgName,
        h('div', { class: 'acts' }, this.emBtn,
          h('button', { type: 'button', class: 'ex', title: s.exitHint, onclick: () => this.exit() }, s.exit,
            h('span', { class: 'sr' }, ' (' + s.exitHint + ')')))),
      this.panelEl, this.mainEl, this.liveEl);
    const nodes: Node[] = [this.wrapEl];
    if (!this.themeSheet) nodes.unshift(h('style', null, css)); // browsers without constructable sheets
    this.sr.replaceChildren(...nodes);
  }

  /** load fetches the partner and its journey, then shows the start (or the state in the URL). */
  private async loadPartner(restore: boolean): Promise<void> {
    const seq = ++this.renderSeq;
    this.busy(seq);
    const p = encodeURIComponent(this.partner);
    try {
      const [org, pj, mod] = await Promise.all([
        this.client.get<Organisation>(`/organisations/${p}`),
        this.pv ? this.client.get<PublicJourney>(this.pv) : this.entry
          ? this.client.get<PublicJourney>(`/organisations/${p}/journeys/${encodeURIComponent(this.entry)}`).catch((e) => {
            if (e instanceof ApiError && e.status === 404) return null; // an entry point without journey: search and themes
            throw e;
          })
          : Promise.resolve(null),
        // A preview (back office only) is marked by the answers chunk: nothing of it weighs on the first load.
        this.pv && this.loadAnswers(),
      ]);
      if (seq !== this.renderSeq) return;
      // A preview sends no usage event, no feedback and no report.
      if (mod) {
        org.features = {};
        this.orgName.after(mod.draftMark(this.wrapEl.lang));
      }
      this.orgData = org;
      this.journeyDoc = pj && pj.journey && Array.isArray(pj.journey.steps) ? pj : null;
      this.orgName.textContent = org.name || '';
      this.applyTheme();
      this.tr = new Usage(this.client.base + '/api/v1/public/events', this.partner, this.entry || undefined, !!org.features?.events);
      this.tr.add('loaded');
    } catch (e) {
      if (seq !== this.renderSeq) return;
      if (e instanceof ApiError && e.status === 404) console.warn('<orientation-widget>: unknown partner', this.partner);
      this.viewStack = [{ k: 'error', err: e }];
      this.renderView(false);
      return;
    }
    const st = restore ? decodeState(location.hash) : null;
    if (st && st.p === this.partner && (!st.e || st.e === this.entry)) this.restore(st);
    else this.viewStack = [{ k: 'start' }];
    this.renderView(false);
    this.emit('ready', { partner: this.partner, entry: this.entry || undefined, journey: this.journeyDoc?.journey.slug, mode: this.mode });
    // Fetch the answers chunk while the resident reads the first question.
    setTimeout(() => void this.loadAnswers().catch(() => undefined), 50);
  }

  private restore(st: WidgetState): void {
    if (st.c) this.placeNow = { code: st.c };
    const stack: View[] = [{ k: 'start' }];
    if (st.o) stack.push({ k: 'outcome', id: st.o });
    else if (st.t) stack.push({ k: 'theme', slug: st.t });
    else if (st.s && this.journeyDoc) {
      // Replay the path, checking each move against the journey as published now.
      const path: string[] = [];
      for (const id of st.s) {
        const prev = this.stepOf(path[path.length - 1]);
        const cur = this.stepOf(id);
        const ok = path.length === 0 ? id === this.journeyDoc.journey.first_step : !!prev && (prev.next === id || (prev.options || []).some((o) => o.next === id));
        if (!ok || !cur) {
          this.viewStack = [{ k: 'start', notice: this.s.stale }];
          return;
        }
        path.push(id);
        // Views are pushed as navigation does: not the first question (shown on the start view), not location steps.
        if (path.length > 1 && cur.kind !== 'location') stack.push({ k: 'step', path: path.slice() });
      }
      const top = stack[stack.length - 1];
      if (path.length && !(top.k === 'step' && top.path.length === path.length)) stack.push({ k: 'step', path });
    }
    this.viewStack = stack;
  }

  private applyTheme(): void {
    if (!this.themeSheet) return;
    const b = { ...this.orgData?.branding, ...this.journeyDoc?.entry_point?.branding };
    const cs = getComputedStyle(this);
    const probe = h('span');
    this.wrapEl.append(probe);
    const resolve = (v: string | undefined): RGB | null => {
      if (!v) return null;
      const direct = parseColor(v);
      if (direct) return direct;
      probe.style.color = '';
      probe.style.color = v;
      return probe.style.color ? parseColor(getComputedStyle(probe).color) : null;
    };
    const prop = (n: string) => cs.getPropertyValue('--orientation-' + n).trim() || undefined;
    const bg = resolve(prop('background')) || [255, 255, 255];
    const p = ensureContrast(resolve(prop('primary')) || resolve(b.primary_color) || parseColor(DEFAULT_PRIMARY)!, bg);
    const tx = ensureContrast(resolve(prop('text')) || [30, 30, 30], bg, 7);
    const sec = resolve(prop('secondary')) || resolve(b.secondary_color) || p;
    probe.remove();
    // The muted background must keep text and links readable too.
    const mu = resolve(prop('muted')) || [243, 244, 246];
    const muOk = contrast(p, mu) >= 4.5 && contrast(tx, mu) >= 4.5;
    this.themeSheet.replaceSync(`:host{--_p:${toHex(p)};--_op:${toHex(onColor(p))};--_s:${toHex(sec)};--_bg:${toHex(bg)};--_tx:${toHex(tx)};--_mu:${toHex(muOk ? mu : bg)}}`);
  }

  // ---------------------------------------------------------------- navigation

  private pushView(v: View, replace = false): void {
    if (replace) this.viewStack.pop();
    this.viewStack.push(v);
    this.renderView(true);
  }

  private goBack(): void {
    if (this.viewStack.length > 1) this.viewStack.pop();
    this.renderView(true);
  }

  private restartView(): void {
    this.viewStack = [{ k: 'start' }];
    this.lastQuery = undefined;
    this.renderView(true);
  }

  private stepOf(id: string | undefined): Step | undefined {
    return id ? this.journeyDoc?.journey.steps.find((x) => x.id === id) : undefined;
  }

  private answerStep(path: string[], next: string): void {
    this.stepAnswered(path[path.length - 1]);
    this.pushView({ k: 'step', path: [...path, next] });
  }

  private stepAnswered(step: string): void {
    this.tr?.add('step', { journey: this.journeyDoc!.journey.slug, step, answered: true });
  }

  /** trackOnce records an event the first time a view shows it (not again on Back or a re-render), or when its key changes. */
  private trackOnce(v: View, type: string, f?: Fields, key = ''): void {
    const t = (v.t ||= {});
    if (t[type] !== key) {
      t[type] = key;
      this.tr?.add(type, f);
    }
  }

  /** render shows the view on top of the stack; focus moves to its heading when the resident caused it. */
  private async renderView(focus: boolean): Promise<void> {
    const seq = ++this.renderSeq;
    const v = this.viewStack[this.viewStack.length - 1] || { k: 'start' };
    this.busy(seq);
    let nodes: Node[];
    this.sensitive = false;
    try {
      nodes = await this.viewNodes(v);
    } catch (e) {
      if (seq !== this.renderSeq) return;
      if (e instanceof ApiError && e.status === 404 && (v.k === 'outcome' || v.k === 'step' || v.k === 'theme')) {
        // A stale journey or a removed answer: start again, politely.
        this.viewStack = [{ k: 'start', notice: this.s.stale }];
        this.writeState(this.viewStack[0]);
        return this.renderView(focus);
      }
      if (e instanceof ApiError && e.status === 400 && !this.placeNow && (v.k === 'outcome' || v.k === 'step')) {
        this.viewStack.pop();
        this.viewStack.push({ k: 'commune', then: v });
        return this.renderView(focus);
      }
      const err = e instanceof ApiError ? e : new ApiError(0, 'network', 'chunk');
      this.emit('error', { kind: err.kind, status: err.status, endpoint: err.path.split('?')[0] });
      nodes = this.errorView(() => this.renderView(true));
    }
    if (seq !== this.renderSeq) return;
    this.mainEl.removeAttribute('aria-busy');
    this.mainEl.replaceChildren(...nodes);
    if (focus) this.writeState(this.viewStack[this.viewStack.length - 1] || v); // only what the resident did
    const head = this.mainEl.querySelector<HTMLElement>('h2');
    if (this.emFocus) this.emFocus = false; // the emergency panel opened by itself and holds the focus
    else if (focus && head) {
      head.tabIndex = -1;
      head.focus();
    }
  }

  private busy(seq: number): void {
    this.mainEl.setAttribute('aria-busy', 'true');
    setTimeout(() => {
      if (seq === this.renderSeq && this.mainEl.hasAttribute('aria-busy')) this.mainEl.replaceChildren(h('p', { class: 'loading' }, this.s.loading));
    }, 300);
  }

  private async viewNodes(v: View): Promise<Node[]> {
    const s = this.s;
    switch (v.k) {
      case 'start':
        return this.startView(v);
      case 'error':
        return this.errorView(() => void this.loadPartner(false));
      case 'commune':
        return [h('h2', null, v.text || s.communeQuestion), this.communeField((c) => {
          this.setCommune(c);
          this.pushView(v.then, true);
        }), this.navBar()];
      case 'step': {
        const id = v.path[v.path.length - 1];
        const st = this.stepOf(id);
        if (!st) throw new ApiError(404, 'http', 'step');
        const journey = this.journeyDoc!.journey.slug;
        this.emit('step', { journey, step: st.id, kind: st.kind, depth: v.path.length });
        if (st.kind === 'location' && this.placeNow && st.next) {
          // The commune is known: go straight on (the location step stays in the path).
          this.viewStack[this.viewStack.length - 1] = { k: 'step', path: [...v.path, st.next] };
          return this.viewNodes(this.viewStack[this.viewStack.length - 1]);
        }
        if (st.kind === 'outcome') {
          const oid = this.journeyDoc!.outcomes?.[st.id];
          if (!oid) throw new ApiError(404, 'http', 'outcome');
          return this.outcomeView(v, oid, st.outcome?.emergency, { journey, step: st.id });
        }
        this.trackOnce(v, 'step', { journey, step: st.id });
        if (st.kind === 'location') {
          return [h('h2', null, st.text || s.communeQuestion), st.help ? h('p', { class: 'help' }, st.help) : null, this.communeField((c) => {
            this.setCommune(c);
            this.stepAnswered(st.id);
            if (st.next) this.pushView({ k: 'step', path: [...v.path, st.next] }, true);
          }), this.navBar()].filter(Boolean) as Node[];
        }
        return [...this.question(st, v.path, 'h2'), this.navBar()];
      }
      case 'outcome':
        return this.outcomeView(v, v.id);
      case 'results':
        return this.resultsView(v);
      case 'theme':
        return this.themeView(v, v.slug);
    }
  }

  private navBar(): HTMLElement {
    return h('div', { class: 'nav noprint' },
      h('button', { type: 'button', onclick: () => this.goBack() }, '← ' + this.s.back),
      h('button', { type: 'button', onclick: () => this.restartView() }, this.s.restart),
      this.placeNow ? h('p', { class: 'chip' }, this.s.communeCurrent(this.placeNow.name || this.placeNow.code), ' ',
        h('button', { type: 'button', class: 'lnk', onclick: () => this.changeCommune() }, this.s.communeChange)) : null);
  }

  private changeCommune(): void {
    const cur = this.viewStack[this.viewStack.length - 1];
    this.placeNow = undefined;
    // The view on screen is asked again with the new commune; the journey path keeps its location step.
    this.pushView({ k: 'commune', then: cur }, true);
  }

  private setCommune(c: Commune | { code: string; name?: string }): void {
    this.placeNow = { code: c.code, name: c.name };
  }

  // ---------------------------------------------------------------- views

  private startView(v: View & { k: 'start' }): Node[] {
    const s = this.s;
    const notice = v.notice;
    const ep = this.journeyDoc?.entry_point || this.orgData?.entry_points?.find((e) => e.slug === this.entry);
    const out: (Node | null)[] = [
      h('h2', null, ep?.name || s.title),
      notice ? h('p', { class: 'notice', role: 'note' }, notice) : null,
      this.searchForm(),
    ];
    if (this.journeyDoc) {
      // The first step, inline; a location step is skipped when the commune is known.
      const path = [this.journeyDoc.journey.first_step];
      let first = this.stepOf(path[0]);
      while (first?.kind === 'location' && this.placeNow && first.next && path.length < 5) {
        path.push(first.next);
        first = this.stepOf(first.next);
      }
      if (first) {
        out.push(h('h3', null, s.orQuestions));
        if (first.kind !== 'outcome') this.trackOnce(v, 'step', { journey: this.journeyDoc.journey.slug, step: first.id });
        if (first.kind === 'question') out.push(...this.question(first, path, 'h4'));
        else if (first.kind === 'location') {
          const at = first;
          out.push(h('h4', null, at.text || s.communeQuestion), this.communeField((c) => {
            this.setCommune(c);
            this.stepAnswered(at.id);
            if (at.next) this.pushView({ k: 'step', path: [...path, at.next] });
          }));
        } else out.push(h('button', { type: 'button', class: 'pri', onclick: () => this.pushView({ k: 'step', path }) }, first.text));
      }
    } else {
      const box = h('div');
      out.push(box);
      // Without a journey, the entry point's themes (or the top of the taxonomy) to pick from.
      void this.themeButtons(ep?.themes?.length ? ep.themes : null, true).then((els) => {
        if (els.length) box.replaceChildren(h('h3', null, s.orThemes), h('ul', { class: 'opts' }, ...els));
      });
    }
    return out.filter(Boolean) as Node[];
  }

  /** question renders a question step; `path` is the journey path up to it, itself included. */
  private question(st: Step, path: string[], tag: 'h2' | 'h4'): Node[] {
    const list = h('ul', { class: 'opts', onkeydown: (e: Event) => this.arrows(e as KeyboardEvent, list) },
      ...(st.options || []).map((o) => h('li', null, h('button', { type: 'button', class: 'opt', onclick: () => this.answerStep(path, o.next) }, o.label))));
    return [h(tag, { class: 'q' }, st.text), st.help ? h('p', { class: 'help' }, st.help) : null, list].filter(Boolean) as Node[];
  }

  /** Up and down arrows move between the options of a question, as in a menu. */
  private arrows(e: KeyboardEvent, list: HTMLElement): void {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const bs = Array.from(list.querySelectorAll('button'));
    const i = bs.indexOf(this.sr.activeElement as HTMLButtonElement);
    if (i < 0) return;
    e.preventDefault();
    bs[(i + (e.key === 'ArrowDown' ? 1 : bs.length - 1)) % bs.length].focus();
  }

  private searchForm(): HTMLElement {
    const s = this.s;
    const cb = new Combobox({
      label: s.searchLabel, hint: s.searchHint, name: 'q', minChars: 3,
      // Suggested themes (answers chunk: loaded before the resident has typed three letters).
      fetch: async (q) => (await this.loadAnswers()).suggestThemes(await this.loadThemes(), q),
      onSelect: (it) => this.pushView({ k: 'theme', slug: it.id }),
      announce: (n) => n && this.announce(s.suggestionsFound(n)),
    });
    return h('form', {
      role: 'search', class: 'search', novalidate: true, 'aria-label': `${s.searchButton} : ${this.orgData?.name || this.partner}`,
      onsubmit: (e: Event) => {
        e.preventDefault();
        const q = cb.input.value.trim();
        if (!q) {
          cb.setError(s.searchHint);
          cb.input.focus();
          return;
        }
        this.pushView({ k: 'results', q: q.slice(0, 500) });
      },
    }, cb.root, h('button', { type: 'submit', class: 'pri' }, s.searchButton));
  }

  private loadThemes(): Promise<Theme[]> {
    return (this.themesP ||= this.client
      .get<{ themes?: Theme[] }>(`/organisations/${encodeURIComponent(this.partner)}/themes`)
      .then((r) => (Array.isArray(r.themes) ? r.themes : []))
      .catch(() => []));
  }

  private async themeButtons(slugs: string[] | null, children: boolean): Promise<HTMLElement[]> {
    const all = await this.loadThemes();
    const list = !slugs
      ? all.filter((t) => !t.parent_slug)
      : children && slugs.length === 1 && all.some((t) => t.parent_slug === slugs[0])
        ? all.filter((t) => t.parent_slug === slugs[0])
        : all.filter((t) => slugs.includes(t.slug));
    return list.map((t) => h('li', null, h('button', { type: 'button', class: 'opt', onclick: () => this.pushView({ k: 'theme', slug: t.slug }) }, t.label)));
  }

  private communeField(done: (c: Commune) => void): HTMLElement {
    const s = this.s;
    let found: Commune[] = [];
    const cb = new Combobox({
      label: s.communeLabel, hint: s.communeHint, name: 'commune', enterPicksFirst: true, autocomplete: 'address-level2',
      fetch: async (q) => {
        const r = await this.client.get<{ communes?: Commune[] }>('/communes', { q, limit: 8 });
        found = r.communes || [];
        return found.map((c) => ({
          id: c.code, label: c.name,
          sub: [c.postal_codes?.[0], c.departement ? `${c.departement.name} (${c.departement.code})` : ''].filter(Boolean).join(', '),
        }));
      },
      onSelect: (it) => done(found.find((c) => c.code === it.id) || { code: it.id, name: it.label }),
      announce: (n) => {
        this.announce(s.communesFound(n));
        if (!n && cb.input.value.trim().length >= 2) cb.setError(s.communeNotFound);
      },
    });
    return h('form', {
      class: 'commune', novalidate: true,
      onsubmit: (e: Event) => {
        e.preventDefault();
        void cb.pickFirst().then((ok) => {
          if (!ok) {
            cb.setError(s.communeNotFound);
            cb.input.focus();
          }
        });
      },
    }, cb.root, h('button', { type: 'submit', class: 'pri' }, s.validate));
  }

  private errorView(retry: () => void): Node[] {
    const s = this.s;
    const misconfigured = this.viewStack[0]?.k === 'error' && (this.viewStack[0].err as ApiError)?.status === 404;
    return [
      h('h2', null, s.errorTitle),
      h('p', null, misconfigured ? s.configError : s.errorText),
      h('p', null, s.fallback),
      h('p', { class: 'nav' },
        h('a', { class: 'btn', href: 'tel:3939' }, s.fallbackCall),
        h('button', { type: 'button', onclick: retry }, s.retry),
        this.viewStack.length > 1 ? h('button', { type: 'button', onclick: () => this.restartView() }, s.restart) : null),
    ];
  }

  // ---------------------------------------------------------------- answers (lazy chunk)

  private loadChunk<T>(name: string): Promise<T> {
    const url = new URL('widget/chunks/' + name, OrientationWidget.scriptOrigin + '/').href;
    const p = (chunkCache[url] ||= import(/* @vite-ignore */ url));
    p.catch(() => (chunkCache[url] = undefined));
    return p;
  }

  private async loadAnswers(): Promise<typeof Answers> {
    const mod = await this.loadChunk<typeof Answers>(__ANSWERS_CHUNK__);
    Usage.post = mod.post;
    if (this.themeSheet && !this.extraSheets.length) {
      const sh = new CSSStyleSheet();
      sh.replaceSync(mod.css);
      this.extraSheets = [sh];
      this.sr.adoptedStyleSheets = [...this.sr.adoptedStyleSheets, sh];
    } else if (!this.themeSheet && !this.sr.querySelector('style.a')) this.sr.prepend(h('style', { class: 'a' }, mod.css));
    return mod;
  }

  /** The context of the answers chunk for view v (its usage events are recorded once: trackOnce). */
  private makeCtx(v: View): Ctx {
    return {
      s: this.s,
      lang: this.wrapEl.lang,
      api: this.client,
      partner: this.partner,
      entry: this.entry || undefined,
      agent: this.mode === 'agent',
      features: { feedback: !!this.orgData?.features?.feedback, reports: !!this.orgData?.features?.reports },
      commune: this.placeNow?.code,
      now: () => new Date(),
      emit: (n, d) => this.emit(n, d),
      track: (n, f) => this.tr?.add(n, f),
      once: (n, f, key) => this.trackOnce(v, n, f, key),
      announce: (m) => this.announce(m),
      keepOffUrl: () => (this.sensitive = true),
      emergency: (first, source, categories) => this.openEmergency(first, source, categories, v),
      askCommune: () => this.communeField((c) => {
        this.setCommune(c);
        this.renderView(true);
      }),
      state: () => this.currentState(v),
      openOutcome: (id) => this.pushView({ k: 'outcome', id }),
      qr: () => this.loadChunk<{ qrSvg: (t: string) => SVGSVGElement }>(__QR_CHUNK__).then((m) => m.qrSvg),
    };
  }

  /** answer fetches what view v shows, with the answers chunk, and lets the chunk render it. */
  private async answer<T extends { commune?: Commune }>(v: View, path: string, params: Record<string, string | number | undefined>,
    render: (mod: typeof Answers, ctx: Ctx, r: T) => HTMLElement[]): Promise<Node[]> {
    const [mod, r] = await Promise.all([this.loadAnswers(), this.client.get<T>(path, params)]);
    if (r.commune) this.setCommune(r.commune);
    return [...render(mod, this.makeCtx(v), r), this.navBar()];
  }

  /** outcomeView shows a journey outcome; via: the journey and step when reached through the journey. */
  private outcomeView(v: View, id: string, emergencyHint?: boolean, via?: Fields): Promise<Node[]> {
    // The words searched go with the feedback when the outcome was reached from a search.
    const q = via ? undefined : this.lastQuery;
    // Reached through a previewed draft, its outcome is resolved from the draft.
    return this.answer<Answers.Outcome>(v, (via ? this.pv : '') + '/outcomes/' + encodeURIComponent(id), { commune: this.placeNow?.code },
      (m, ctx, o) => m.outcome(ctx, o, id, emergencyHint, q, via));
  }

  private resultsView(v: View & { k: 'results' }): Promise<Node[]> {
    const q = (this.lastQuery = v.q);
    return this.answer<SearchResponse>(v, '/search', { q, commune: this.placeNow?.code, partner: this.partner, entry: this.entry || undefined, limit: 5 },
      (m, ctx, r) => m.results(ctx, r, q));
  }

  private async themeView(v: View, slug: string): Promise<Node[]> {
    const all = await this.loadThemes();
    const label = all.find((x) => x.slug === slug)?.label || slug;
    if (all.some((x) => x.parent_slug === slug)) {
      const list = await this.themeButtons([slug], true);
      return [h('h2', null, label), h('p', null, this.s.themePrecise), h('ul', { class: 'opts' }, ...list), this.navBar()];
    }
    if (!this.placeNow) {
      this.viewStack[this.viewStack.length - 1] = { k: 'commune', then: { k: 'theme', slug } };
      return this.viewNodes(this.viewStack[this.viewStack.length - 1]);
    }
    return this.answer<Answers.ThemeResponse>(v, '/contact-points', { theme: slug, commune: this.placeNow.code, limit: 10 },
      (m, ctx, r) => m.themeAnswer(ctx, r, slug, label));
  }

  // ---------------------------------------------------------------- emergency

  private toggleEmergency(): void {
    if (this.panelEl.hidden) this.openEmergency([], 'button');
    else this.closeEmergency();
  }

  private closeEmergency(): void {
    this.panelEl.hidden = true;
    this.emBtn.setAttribute('aria-expanded', 'false');
    this.emBtn.focus();
  }

  /** openEmergency shows the panel: the numbers for this situation first, then every emergency number. */
  private openEmergency(first: { title: string; contact_points?: ContactPoint[] }[], source: string, categories?: string[], v?: View): void {
    const s = this.s;
    // The built-in numbers have no contact point id (their use is counted without one).
    const all = h('ul', { class: 'nums' }, ...FALLBACK_EMERGENCY.map(([n, name, sms]) => this.emergencyNumber({ id: '', name, channels: [{ kind: sms ? 'sms' : 'phone', value: n }] })));
    this.panelEl.replaceChildren(
      h('h2', { id: 'emg-h', tabindex: -1 }, s.emergencyLong),
      h('p', null, s.emergencyIntro),
      ...first.filter((g) => g.contact_points?.length).flatMap((g) => [h('h3', null, g.title), h('ul', { class: 'nums first' }, ...g.contact_points!.map((c) => this.emergencyNumber(c)))]),
      h(first.length ? 'h3' : 'p', { class: first.length ? '' : 'sr' }, s.emergencyAll),
      all,
      h('button', { type: 'button', onclick: () => this.closeEmergency() }, s.close),
    );
    this.panelEl.hidden = false;
    this.emBtn.setAttribute('aria-expanded', 'true');
    (this.panelEl.firstChild as HTMLElement).focus();
    this.emFocus = source !== 'button';
    this.emit('emergency', { source, categories });
    // Opened by a view (a search, an outcome): once for that view, not at each re-render.
    if (v) this.trackOnce(v, 'emergency');
    else this.tr?.add('emergency');
    this.client.get<{ numbers?: ContactPoint[] }>('/emergency', { commune: this.placeNow?.code })
      .then((r) => r.numbers?.length && all.replaceChildren(...r.numbers.map((c) => this.emergencyNumber(c))))
      .catch(() => undefined); // the national numbers above stay
  }

  private emergencyNumber(c: ContactPoint): HTMLElement {
    const s = this.s;
    const chs = c.channels || [];
    const phone = chs.find((x) => x.kind === 'phone');
    const sms = chs.find((x) => x.kind === 'sms');
    const chat = chs.find((x) => x.kind === 'chat');
    const tel = telHref(phone?.value);
    const smsH = sms && smsHref(sms.value);
    const chatH = chat && webUrl(chat.value);
    return h('li', { class: 'num' },
      tel ? h('a', { class: 'btn call', href: tel, 'data-ch': 'phone', 'data-cp': c.id }, h('span', { class: 'sr' }, s.call('')), h('span', { class: 'big' }, phone!.label || phone!.value), ' ', c.name) : h('p', { class: 'nm' }, c.name),
      phone?.cost_note ? h('p', { class: 'cost' }, phone.cost_note) : null,
      smsH ? link(smsH, s.sms(sms!.value), 'sms', '', 'sms', c.id) : null,
      chatH ? link(chatH, s.chat, 'chat', s.newWindow, 'online', c.id) : null);
  }

  // ---------------------------------------------------------------- quick exit

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'Escape') return;
    const t = Date.now();
    if (t - this.lastEsc < 1000) this.exit();
    this.lastEsc = t;
  }

  /** exit clears the widget's state and replaces the page with a neutral site (no history entry left behind). */
  exit(): void {
    const url = this.exitUrl;
    this.viewStack = [];
    this.lastQuery = undefined;
    this.placeNow = undefined;
    this.client?.clear();
    this.sr.replaceChildren();
    if (fragmentIsOurs(location.hash) && location.hash) history.replaceState(history.state, '', location.pathname + location.search);
    this.emit('exit', {});
    this.tr?.hide(); // sent before the page is replaced (a beacon outlives the page)
    this.tr = undefined;
    // Several widgets on the page all clear themselves; only the first one navigates.
    if (!leaving) location.replace(url);
    leaving = true;
  }

  // ---------------------------------------------------------------- state, events, live region

  private currentState(v: View): WidgetState | null {
    const st: WidgetState = { p: this.partner, e: this.entry || undefined, c: this.placeNow?.code };
    if (v.k === 'step') st.s = v.path;
    else if (v.k === 'outcome') st.o = v.id;
    else if (v.k === 'theme') st.t = v.slug;
    else return null;
    return st;
  }

  private writeState(v: View): void {
    if (!fragmentIsOurs(location.hash)) return; // the host page uses its fragment for something else
    const st = this.sensitive ? null : this.currentState(v);
    const cur = decodeState(location.hash);
    if (!st && cur && cur.p !== this.partner) return; // another widget's answer: leave it
    const url = location.pathname + location.search + (st ? '#' + encodeState(st) : '');
    if (url !== location.pathname + location.search + location.hash && (st || location.hash)) history.replaceState(history.state, '', url);
  }

  private emit(name: string, detail: Record<string, unknown> = {}): void {
    this.dispatchEvent(new CustomEvent('orientation:' + name, { detail, bubbles: true, composed: true }));
  }

  private announce(msg: string): void {
    this.liveEl.textContent = '';
    setTimeout(() => (this.liveEl.textContent = msg), 100);
  }
}
