// <orientation-widget>: the resident's path from their words (or a theme, or
// the partner's journey) to the right contact point. This file holds what is
// needed before the first question; contact cards, outcomes and search
// results come from the lazy "answers" chunk, the QR code from the "qr" chunk.

import { Api, ApiError } from './api';
import { contrast, ensureContrast, onColor, parseColor, toHex, type RGB } from './color';
import { Combobox } from './combobox';
import type { Ctx, View } from './ctx';
import { h, inLang, link } from './dom';
import { fr, pickLang, type Strings } from './i18n';
import { safeUrl, smsHref, telHref, webUrl } from './sanitize';
import { INSEE, type WidgetState } from './state';
import { Usage, type Fields } from './events';
import css from './styles.css';
import type {
  Commune, ContactPoint, Organisation, PublicJourney, SearchResponse, Step, Theme,
} from './types';
import type * as Answers from './answers';
import type * as Agent from './agent';

declare const __ANSWERS_CHUNK__: string;
declare const __QR_CHUNK__: string;
declare const __AGENT_CHUNK__: string;
/** The lazy chunk of each language but French, lang-CODE-HASH.js: code → hash (scripts/build.mjs). */
declare const __LANG_CHUNKS__: Record<string, string>;

/** A fragment of a widget's answer (state.ts): read through the answers chunk. */
const OURS = /^#orientation=/;

const DEFAULT_EXIT = 'https://www.google.fr/search?q=meteo';
const DEFAULT_PRIMARY = '#1d4e89';

// National numbers shown when the API cannot be reached: the emergency panel
// must work even then (their names: s.numbers; 114 is an SMS number).
const FALLBACK_EMERGENCY = '15 17 18 112 114 115 119 3919 3114'.split(' ');
/** The language the resident picked in the menu, kept for the tab's session (removed by the quick exit). */
const LANG_KEY = 'orientation-lang';
const session = (v?: string | null): string | undefined => {
  try {
    const st = sessionStorage;
    if (v) st[LANG_KEY] = v;
    else if (v === null) delete st[LANG_KEY];
    return st[LANG_KEY];
  } catch {
    return; // storage refused (privacy settings, sandboxed frame)
  }
};

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
  /** The language menu was used: its button gets the focus back once the widget speaks the new language. */
  private menuFocus = false;
  /** mode="agent": the agent chunk's record of each view the agent caused (the caller's history), see agent.ts. */
  private ag?: Agent.Hook;

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
    this.listen('addEventListener');
    this.schedule();
  }

  disconnectedCallback(): void {
    this.listen('removeEventListener');
    this.tr?.flush();
  }

  /** The page's events the element follows while it is in the page. */
  private listen(m: 'addEventListener' | 'removeEventListener'): void {
    window[m]('keydown', this.onKey as EventListener, true);
    window[m]('hashchange', this.onHash);
    window[m]('pageshow', this.onShow as EventListener);
    window[m]('pagehide', this.onHide);
    document[m]('visibilitychange', this.onHide);
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
    if (this.orgData && OURS.test(location.hash)) {
      void this.loadAnswers().then((m) => {
        const st = m.stateFor(location.hash, this.partner, this.entry);
        if (!st) return;
        this.restore(m, st);
        this.renderView(true);
      }, () => undefined);
    }
  };

  attributeChangedCallback(name: string): void {
    if (!this.started) return;
    if (name === 'lang') session(null); // the page sets the language now: the resident's earlier pick gives way
    this.schedule();
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

  /** startWidget (re)starts the element; keep: only the language changed, the view on screen is shown again in it. */
  private async startWidget(keep?: boolean): Promise<void> {
    this.started = true;
    const seq = ++this.renderSeq;
    let lang = pickLang(session(), this.getAttribute('lang') || this.closest('[lang]')?.getAttribute('lang'), navigator.languages);
    let s = fr;
    // Every language but French is a lazy chunk, fetched before the first view; French when it cannot be had.
    if (lang !== 'fr') s = await this.loadChunk<{ s: Strings }>(`lang-${lang}-${__LANG_CHUNKS__[lang]}.js`).then((m) => m.s, () => ((lang = 'fr'), fr));
    // Agent mode (sign-in, the caller's history, other partners' journeys) is a lazy chunk too.
    const ag = this.mode == 'agent' && (await this.loadChunk<typeof Agent>(__AGENT_CHUNK__).catch(() => {}));
    if (seq !== this.renderSeq) return; // restarted meanwhile
    this.s = s;
    this.client = new Api(safeUrl(this.api, ['https:', 'http:']) || OrientationWidget.scriptOrigin, lang);
    this.orgData = undefined;
    this.journeyDoc = undefined;
    this.themesP = undefined;
    this.pv = this.preview && '/previews/' + encodeURIComponent(this.preview);
    if (!keep) {
      this.viewStack = [];
      this.tr?.flush(); // the events of the previous partner go with it
      this.tr = undefined;
      const c = this.commune;
      this.placeNow = INSEE.test(c) ? { code: c } : undefined;
    }
    this.frame(lang);
    this.ag = ag ? ag.agent(this, this.client, () => this.startWidget(true)) : undefined;
    await this.loadPartner(!keep, keep);
  }

  /** The resident picked a language in the menu: kept for the session, and the view on screen is shown again in it. */
  private switchLang(code: string): void {
    session(code);
    this.menuFocus = true;
    void this.startWidget(true);
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
    this.wrapEl = h('div', { class: 'w', lang, dir: lang === 'ar' ? 'rtl' : 'ltr', part: 'base' },
      h('div', { class: 'bar' }, this.orgName,
        h('div', { class: 'acts' }, this.emBtn,
          h('button', { type: 'button', class: 'ex', title: s.exitHint, onclick: () => this.exit() }, s.exit,
            h('span', { class: 'sr' }, ' (' + s.exitHint + ')')))),
      this.panelEl, this.mainEl, this.liveEl);
    const nodes: Node[] = [this.wrapEl];
    if (!this.themeSheet) nodes.unshift(h('style', null, css)); // browsers without constructable sheets
    this.sr.replaceChildren(...nodes);
  }

  /**
   * load fetches the partner and its journey, then shows the start (or the state in the URL, with restore; or,
   * with keep, the view on screen again after a change of language).
   */
  private async loadPartner(restore: boolean, keep?: boolean): Promise<void> {
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
        // A preview (back office only) is marked by the answers chunk, and the link to an answer (#orientation=…)
        // replayed by it: nothing of them weighs on the first load.
        (this.pv || (restore && OURS.test(location.hash))) && this.loadAnswers(),
      ]);
      if (seq !== this.renderSeq) return;
      // A preview sends no usage event, no feedback and no report.
      if (this.pv) {
        org.features = {};
        this.orgName.after((mod as typeof Answers).draftMark(this.s));
      }
      this.orgData = org;
      this.journeyDoc = pj && pj.journey && Array.isArray(pj.journey.steps) ? pj : null;
      if (pj?.dir) this.wrapEl.dir = pj.dir; // the server's word on the direction of the language it served
      this.orgName.textContent = org.name || '';
      this.applyTheme();
      if (!keep) {
        this.tr = new Usage(this.client.base + '/api/v1/public/events', this.partner, this.entry || undefined, !!org.features?.events);
        this.tr.add('loaded');
      }
      const st = restore && mod && mod.stateFor(location.hash, this.partner, this.entry);
      if (st) this.restore(mod!, st);
      else if (!keep || !this.viewStack.length) this.viewStack = [{ k: 'start' }];
    } catch (e) {
      if (seq !== this.renderSeq) return;
      if (e instanceof ApiError && e.status === 404) console.warn('<orientation-widget>: unknown partner', this.partner);
      this.viewStack = [{ k: 'error', err: e }];
      this.renderView(false);
      return;
    }
    this.renderView(false);
    if (!keep) this.emit('ready', { partner: this.partner, entry: this.entry || undefined, journey: this.journeyDoc?.journey.slug, mode: this.mode });
    // Fetch the answers chunk while the resident reads the first question; it brings the language menu.
    setTimeout(() => void this.loadAnswers().then((m) => (this.menuFocus = m.langMenu(this.emBtn, this.s, this.wrapEl.lang, (c) => this.switchLang(c), this.menuFocus)), () => undefined), keep ? 0 : 50);
  }

  /** restore shows the answer of a link (#orientation=…), replayed against the journey as published now. */
  private restore(m: typeof Answers, st: WidgetState): void {
    if (st.c) this.placeNow = { code: st.c };
    this.viewStack = m.replay(st, this.journeyDoc?.journey) || [{ k: 'start', notice: this.s.stale }];
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
          return [h('h2', null, st.text ? inLang(st.text, st, s) : s.communeQuestion), st.help ? h('p', { class: 'help' }, inLang(st.help, st, s)) : null, this.communeField((c) => {
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
      h('button', { type: 'button', onclick: () => this.goBack() }, h('span', { class: 'ar', 'aria-hidden': 'true' }, '←'), ' ' + this.s.back),
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
          out.push(h('h4', null, at.text ? inLang(at.text, at, s) : s.communeQuestion), this.communeField((c) => {
            this.setCommune(c);
            this.stepAnswered(at.id);
            if (at.next) this.pushView({ k: 'step', path: [...path, at.next] });
          }));
        } else out.push(h('button', { type: 'button', class: 'pri', onclick: () => this.pushView({ k: 'step', path }) }, inLang(first.text, first, s)));
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
    const s = this.s;
    const list = h('ul', { class: 'opts', onkeydown: (e: Event) => this.arrows(e as KeyboardEvent, list) },
      ...(st.options || []).map((o) => h('li', null, h('button', { type: 'button', class: 'opt', onclick: () => this.answerStep(path, o.next) }, inLang(o.label, o, s)))));
    return [h(tag, { class: 'q' }, inLang(st.text, st, s)), st.help ? h('p', { class: 'help' }, inLang(st.help, st, s)) : null, list].filter(Boolean) as Node[];
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
      role: 'search', class: 'search', novalidate: true, 'aria-label': s.searchButton + s.colon + (this.orgData?.name || this.partner),
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
    return list.map((t) => h('li', null, h('button', { type: 'button', class: 'opt', onclick: () => this.pushView({ k: 'theme', slug: t.slug }) }, inLang(t.label, t, this.s))));
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
      agent: !!this.ag,
      features: { feedback: !!this.orgData?.features?.feedback, reports: !!this.orgData?.features?.reports },
      commune: this.placeNow?.code,
      now: () => new Date(),
      emit: (n, d) => this.emit(n, d),
      track: (n, f) => this.tr?.add(n, f),
      once: (n, f, key) => this.trackOnce(v, n, f, key),
      announce: (m) => this.announce(m),
      keepOffUrl: () => (this.sensitive = true),
      emergency: (first, source, categories) => this.openEmergency(first, source, categories, v),
      number: (c) => this.emergencyNumber(c),
      askCommune: () => this.communeField((c) => {
        this.setCommune(c);
        this.renderView(true);
      }),
      view: v,
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
    const theme = all.find((x) => x.slug === slug);
    const label = theme?.label || slug;
    if (all.some((x) => x.parent_slug === slug)) {
      const list = await this.themeButtons([slug], true);
      return [h('h2', null, inLang(label, theme, this.s)), h('p', null, this.s.themePrecise), h('ul', { class: 'opts' }, ...list), this.navBar()];
    }
    if (!this.placeNow) {
      this.viewStack[this.viewStack.length - 1] = { k: 'commune', then: { k: 'theme', slug } };
      return this.viewNodes(this.viewStack[this.viewStack.length - 1]);
    }
    return this.answer<Answers.ThemeResponse>(v, '/contact-points', { theme: slug, commune: this.placeNow.code, limit: 10 },
      (m, ctx, r) => m.themeAnswer(ctx, r, slug, label, theme));
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
  private openEmergency(first: Node[], source: string, categories?: string[], v?: View): void {
    const s = this.s;
    // The built-in numbers have no contact point id (their use is counted without one).
    const all = h('ul', { class: 'nums' }, ...FALLBACK_EMERGENCY.map((n, i) => this.emergencyNumber({ id: '', name: s.numbers[i], channels: [{ kind: n == '114' ? 'sms' : 'phone', value: n }] })));
    this.panelEl.replaceChildren(
      h('h2', { id: 'emg-h', tabindex: -1 }, s.emergencyLong),
      h('p', null, s.emergencyIntro),
      ...first,
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
    const name = inLang(c.name, c, s);
    return h('li', { class: 'num' },
      tel ? h('a', { class: 'btn call', href: tel, 'data-ch': 'phone', 'data-cp': c.id }, h('span', { class: 'sr' }, s.call('')), h('span', { class: 'big', dir: 'ltr' }, phone!.label || phone!.value), ' ', name) : h('p', { class: 'nm' }, name),
      phone?.cost_note ? h('p', { class: 'cost', lang: 'fr', dir: 'auto' }, phone.cost_note) : null, // notes are French only
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
    session(null);
    this.sr.replaceChildren();
    if (OURS.test(location.hash)) history.replaceState(history.state, '', location.pathname + location.search);
    this.emit('exit', {});
    this.tr?.hide(); // sent before the page is replaced (a beacon outlives the page)
    this.tr = undefined;
    // Several widgets on the page all clear themselves; only the first one navigates.
    if (!leaving) location.replace(url);
    leaving = true;
  }

  // ---------------------------------------------------------------- state, events, live region

  /** writeState puts the answer on screen in the page's fragment, or takes ours off (an emergency: sensitive); answers chunk. */
  private writeState(v: View): void {
    this.ag?.(v, this.placeNow);
    const off = this.sensitive;
    void this.loadAnswers().then((m) => m.writeFragment(off ? null : m.stateOf(v, this.partner, this.entry, this.placeNow?.code), this.partner), () => undefined);
  }

  private emit(name: string, detail: Record<string, unknown> = {}): void {
    this.dispatchEvent(new CustomEvent('orientation:' + name, { detail, bubbles: true, composed: true }));
  }

  private announce(msg: string): void {
    this.liveEl.textContent = '';
    setTimeout(() => (this.liveEl.textContent = msg), 100);
  }
}
