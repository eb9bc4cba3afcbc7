// Lazy chunk "answers": contact cards, outcomes, search results, and the ways
// to take an answer away. Loaded after the first question is on screen.

import type { Ctx as CoreCtx } from './ctx';
import { answerStrings, LANGS, type AnswerStrings, type Strings } from './i18n';
import type { ApiError } from './api';
import type { Fields } from './events';
import { h, inLang, link, uid } from './dom';
import { describe, hasPlan, orderByReachability, status, upcomingExceptions, weekLines, type HoursStatus } from './hours';
import { clip, dialable, hostOf, mailHref, osmUrl, smsHref, telHref, webUrl } from './sanitize';
import type { Channel, Commune, ContactPoint, OutcomeResponse, SearchResponse, Translated } from './types';
import { AGENT_CONTACT, AGENT_LINE, agentOnly, answerText, channelsToShow } from './answertext';
import { encodeState, stateOf } from './state';
import cssText from './answers.css';

export const css = cssText;
export { post } from './send';
export { suggestThemes } from './suggest';
export { replay, stateFor, stateOf, writeFragment } from './state';

/** Inside the chunk, the context carries the full strings table. */
type Ctx = Omit<CoreCtx, 's'> & { s: AnswerStrings };
const full = (c: CoreCtx): Ctx => ({ ...c, s: answerStrings(c.s) });
/**
 * The lang of texts that only exist in French (cost and accessibility notes, hours notes, addresses, reasons), with
 * their own direction (in Arabic, "sert tout le département 83" must not be read right to left).
 */
const frOnly = (ctx: Ctx): { lang?: string; dir?: string } => (ctx.lang === 'fr' ? {} : { lang: 'fr', dir: 'auto' });
/** A text of the API with its mark when it is in French in another language's widget (dom.ts inLang). */
const tx = (ctx: Ctx, text: string | undefined, o: Translated | undefined) => inLang(text, o, ctx.s);
export type Outcome = OutcomeResponse;

/** The link to the answer on screen: the host page with #orientation=…. */
const shareUrl = (ctx: CoreCtx): string => {
  const st = stateOf(ctx.view, ctx.partner, ctx.entry, ctx.commune);
  return location.href.split('#')[0] + (st ? '#' + encodeState(st) : '');
};

/** The mark of a journey draft preview, shown in the top bar (the element's preview attribute). */
export const draftMark = (s: Strings): HTMLElement => h('p', { class: 'pv' }, answerStrings(s).draft);

/**
 * langMenu puts the language menu in the top bar, before the emergency button (once), and gives its button
 * the focus when asked (the widget has just changed language through it); false: the focus is done.
 *
 * The menu: a button (the current language's name, « Langue » for screen readers) that opens the list of every
 * language, each written in its own language with its lang. Enter or a click picks one (pick: the element shows
 * the view on screen again in it); arrows move in the list, Escape or leaving it closes it.
 */
/** A globe, the usual sign of a language menu (drawn: no font has it everywhere). */
function globe(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const path = document.createElementNS(ns, 'path');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'gl');
  path.setAttribute('d', 'M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20M2 12h20M12 2c3 3 4.5 6.5 4.5 10s-1.5 7-4.5 10c-3-3-4.5-6.5-4.5-10S9 5 12 2');
  svg.append(path);
  return svg;
}

export function langMenu(before: Element, core: Strings, current: string, pick: (code: string) => void, focus: boolean): false {
  // Once per frame: the emergency button comes first without it.
  if (!before.previousSibling) before.before(menu(core, current, pick));
  if (focus) (before.previousSibling!.firstChild as HTMLElement).focus();
  return false;
}

function menu(core: Strings, current: string, pick: (code: string) => void): HTMLElement {
  const s = answerStrings(core);
  const id = uid('lang');
  const name = (LANGS.find(([c]) => c === current) || LANGS[0])[1];
  const items = LANGS.map(([code, label]) => h('button', {
    type: 'button', lang: code, dir: code === 'ar' ? 'rtl' : 'ltr', 'aria-current': code === current ? 'true' : null,
    onclick: () => {
      set(false);
      if (code !== current) pick(code);
    },
  }, label));
  const list = h('ul', { id, class: 'lml', hidden: true }, ...items.map((b) => h('li', null, b)));
  const btn = h('button', { type: 'button', class: 'lmb', 'aria-expanded': 'false', 'aria-controls': id, onclick: () => set(list.hidden) },
    globe(), h('span', { class: 'sr' }, s.language + s.colon), name);
  const set = (open: boolean, focus?: boolean) => {
    list.hidden = !open;
    btn.setAttribute('aria-expanded', String(open));
    if (open) items[Math.max(0, LANGS.findIndex(([c]) => c === current))].focus();
    else if (focus) btn.focus();
  };
  const box = h('div', {
    class: 'lm',
    onkeydown: (e: Event) => {
      const k = (e as KeyboardEvent).key;
      const i = items.indexOf(e.target as HTMLButtonElement);
      if (k === 'Escape' && !list.hidden) set(false, true);
      else if ((k === 'ArrowDown' || k === 'ArrowUp') && i >= 0) {
        e.preventDefault();
        items[(i + (k === 'ArrowDown' ? 1 : items.length - 1)) % items.length].focus();
      }
    },
    onfocusout: (e: Event) => {
      if (!box.contains((e as FocusEvent).relatedTarget as Node)) set(false);
    },
  }, btn, list);
  return box;
}

/** The channel a usage event names: online procedures, contact forms and chats are all "online". */
const usageChannel = (kind: string) => (/^(online_procedure|contact_form|chat)$/.test(kind) ? 'online' : kind);

/** The mark of what only agents see (agent mode): French, with its lang in another language's widget. */
const agentMark = (ctx: Ctx, text: string): HTMLElement => h('strong', { class: 'agm', ...frOnly(ctx) }, text);

// ------------------------------------------------------------------ cards

function channelItem(ctx: Ctx, c: Channel, cp: ContactPoint): HTMLElement | null {
  const s = ctx.s;
  let a: HTMLElement | null = null;
  switch (c.kind) {
    case 'phone': {
      const href = telHref(c.value);
      const shown = c.label && dialable(c.label) ? c.label : c.value;
      a = href ? h('a', { class: 'btn', href, 'data-ch': 'phone', 'data-cp': cp.id }, s.call(shown)) : null;
      if (a && c.label && !dialable(c.label)) a = h('span', null, a, ' ' + c.label);
      break;
    }
    case 'sms': {
      const href = smsHref(c.value);
      a = href ? link(href, s.sms(c.value), '', '', 'sms', cp.id) : null;
      break;
    }
    case 'email': {
      const href = mailHref(c.value);
      a = href ? link(href, s.email(href.slice(7)), '', '', 'email', cp.id) : null;
      break;
    }
    case 'address': {
      if (cp.address && (cp.address.lines?.length || cp.address.city)) return null; // shown as a block
      a = h('span', null, c.value);
      break;
    }
    default: {
      const href = webUrl(c.value);
      if (!href) return null;
      const text = c.kind === 'website' ? s.website + s.colon + hostOf(href) : (s as unknown as Record<string, string>)[c.kind] + (c.label && c.kind === 'online_procedure' ? s.colon + c.label : '');
      a = link(href, text, c.kind === 'online_procedure' ? 'btn' : '', s.newWindow, usageChannel(c.kind), cp.id);
    }
  }
  if (!a) return null;
  return h('li', { class: 'ch ' + c.kind }, a,
    ctx.agent && agentOnly(c.visibility) ? [' ', agentMark(ctx, AGENT_LINE)] : null,
    c.cost_note ? h('span', { class: 'cost', ...frOnly(ctx) }, ' ' + c.cost_note) : null,
    c.accessibility_note ? h('span', { class: 'acc', ...frOnly(ctx) }, ' ' + c.accessibility_note) : null);
}

/** The date as dd/mm/yyyy (each language's verified() words it). */
function frDate(iso: string | undefined): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : null;
}

function card(ctx: Ctx, cp: ContactPoint, level: 'h3' | 'h4' = 'h3'): HTMLElement {
  const s = ctx.s;
  const now = ctx.now();
  const oh = cp.opening_hours;
  const st: HoursStatus | null = status(oh, now);
  const chans = channelsToShow(cp, ctx.agent).map((c) => channelItem(ctx, c, cp)).filter(Boolean) as HTMLElement[];
  const ad = cp.address;
  const map = ad ? osmUrl(ad.latitude, ad.longitude) : null;
  const addrLines = ad ? [...(ad.lines || []), [ad.postal_code, ad.city].filter(Boolean).join(' ')].filter(Boolean) : [];
  const verified = frDate(cp.verified_at);
  const el = h('article', { class: 'card', part: 'card', 'data-pivot': cp.pivot || null, 'data-open': st ? String(st.open) : null },
    h(level, null, cp.name),
    ctx.agent && agentOnly(cp.visibility) ? h('p', null, agentMark(ctx, AGENT_CONTACT)) : null,
    cp.description ? h('p', { class: 'desc' }, tx(ctx, ctx.agent ? cp.description : clip(cp.description, 220), cp)) : null,
    st ? h('p', { class: 'st ' + (st.open ? 'open' : 'closed') }, describe(st, s), oh!.indicative ? ` (${s.indicative})` : '') : null,
    chans.length ? h('ul', { class: 'chs' }, ...chans) : null,
    addrLines.length ? h('address', null, h('span', frOnly(ctx), ...addrLines.flatMap((l, i) => (i ? [h('br'), l] : [l]))),
      map ? h('span', { class: 'map' }, ' ', link(map, s.map, '', s.newWindow, 'address', cp.id)) : null,
      typeof cp.distance_km === 'number' && cp.distance_km > 0 ? h('span', { class: 'meta' }, ` (${s.distance(cp.distance_km)})`) : null) : null,
    hoursDetails(ctx, cp),
    cp.reason ? h('p', { class: 'why' }, h('strong', null, s.why), h('span', frOnly(ctx), cp.reason)) : null,
    verified ? h('p', { class: 'meta' }, s.verified(verified)) : null,
    ctx.features.reports && cp.id ? report(ctx, cp) : null,
  );
  return el;
}

function hoursDetails(ctx: Ctx, cp: ContactPoint): HTMLElement | null {
  const oh = cp.opening_hours;
  if (!oh || (!hasPlan(oh) && !oh.note)) return null;
  const s = ctx.s;
  const lines = hasPlan(oh) && oh.weekly?.length ? weekLines(oh, s) : [];
  const ex = hasPlan(oh) ? upcomingExceptions(oh, ctx.now(), s) : [];
  return h('details', { class: 'hours', open: ctx.agent || null },
    h('summary', null, s.hours),
    lines.length ? h('ul', null, ...lines.map((l) => h('li', null, l))) : null,
    ex.length ? h('ul', { class: 'ex' }, ...ex.map((l) => h('li', null, l))) : null,
    oh.note ? h('p', frOnly(ctx), oh.note) : null,
    oh.indicative ? h('p', { class: 'meta' }, s.indicative) : null);
}

function report(ctx: Ctx, cp: ContactPoint): HTMLElement {
  const s = ctx.s;
  const id = uid('rep');
  const msg = h('p', { id: id + '-m', class: 'msg err', role: 'status' });
  const ta = h('textarea', { id: id + '-t', maxlength: 500, rows: 3, required: true, 'aria-describedby': id + '-m' });
  const form = h('form', {
    id, hidden: true, novalidate: true,
    onsubmit: (e: Event) => {
      e.preventDefault();
      const message = ta.value.trim().slice(0, 500);
      if (message.length < 3) {
        msg.textContent = s.reportShort;
        ta.focus();
        return;
      }
      ctx.api.post(`/contact-points/${encodeURIComponent(cp.id)}/reports`, { message, partner: ctx.partner }).then(() => {
        form.replaceWith(h('p', { class: 'msg', role: 'status' }, s.reportThanks));
      }, () => (msg.textContent = s.sendFailed));
    },
  }, h('label', { for: id + '-t' }, s.reportLabel), ta, h('button', { type: 'submit' }, s.reportSend), msg);
  const btn = h('button', {
    type: 'button', class: 'lnk noprint', 'aria-expanded': 'false', 'aria-controls': id,
    onclick: () => {
      form.hidden = !form.hidden;
      btn.setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) ta.focus();
    },
  }, s.report);
  return h('div', { class: 'rep' }, btn, form);
}

function cards(ctx: Ctx, cps: ContactPoint[], level: 'h3' | 'h4'): HTMLElement[] {
  const { list, closed } = orderByReachability(cps, ctx.now());
  return [
    closed !== 'none' ? h('p', { class: 'notice' }, closed === 'all' ? ctx.s.closedNow : ctx.s.someClosed) : null,
    h('div', { class: 'cards' }, ...list.map((c) => card(ctx, c, level))),
  ].filter(Boolean) as HTMLElement[];
}

// ------------------------------------------------------------------ views

/** shown records the contact points an answer shows (an "outcome" usage event), again only if they change. */
function shown(ctx: Ctx, cps: ContactPoint[], f: Fields = {}): void {
  // At most 20 per event (the server's limit): more only in agent mode, where every card of every result shows.
  const ids = [...new Set(cps.map((c) => c.id))].slice(0, 20);
  if (ids.length || f.outcome) ctx.once('outcome', { ...f, contact_points: ids }, ids.join());
}

/**
 * outcome: a journey outcome (GET /outcomes/{id}), reached from a search (query: its words) or through the
 * journey (via: the journey and the outcome step).
 */
export function outcome(core: CoreCtx, o: OutcomeResponse, id: string, emergencyHint?: boolean, query?: string, via?: Fields): HTMLElement[] {
  const ctx = full(core);
  const s = ctx.s;
  const cps = o.contact_points || [];
  const docs = (o.documents || []).filter((d) => typeof d === 'string' && d);
  if (o.emergency || emergencyHint) ctx.keepOffUrl();
  ctx.emit('outcome', { outcome: id, journey: o.journey, step: o.step, emergency: !!o.emergency, contact_points: cps.length });
  shown(ctx, cps, { ...via, outcome: id });
  if (o.emergency) ctx.emergency([], 'outcome');
  const list = cards(ctx, cps, 'h4');
  // A channel used here is counted with this outcome.
  for (const el of list) el.querySelectorAll<HTMLElement>('[data-ch]').forEach((a) => (a.dataset.o = id));
  return [
    h('h2', null, o.title ? tx(ctx, o.title, o) : s.contacts),
    o.explanation ? h('p', { class: 'expl' }, tx(ctx, o.explanation, o)) : null,
    cps.length ? h('h3', null, s.contacts) : null,
    ...list,
    docs.length ? h('h3', null, s.documents) : null,
    docs.length ? h('ul', { class: 'docs', lang: o.text_lang, dir: o.text_lang && 'auto' }, ...docs.map((d) => h('li', null, d))) : null,
    docs.length && o.text_lang ? h('p', { class: 'meta' }, s.inFrench) : null,
    takeAway(ctx, o.title || '', cps, (agent) => textOf(ctx, o.title, o.explanation, cps, docs, false, agent)),
    ctx.features.feedback ? feedback(ctx, { outcome: id, query }) : null,
  ].filter(Boolean) as HTMLElement[];
}

export interface ThemeResponse {
  contact_points?: ContactPoint[];
  commune?: Commune;
}

/** themeAnswer: the contact points of a theme for the commune (GET /contact-points?theme=). */
export function themeAnswer(core: CoreCtx, r: ThemeResponse, slug: string, label: string, theme?: Translated): HTMLElement[] {
  const ctx = full(core);
  const s = ctx.s;
  const cps = r.contact_points || [];
  ctx.announce(s.resultsCount(cps.length));
  ctx.emit('outcome', { theme: slug, contact_points: cps.length });
  shown(ctx, cps);
  const head = h('h2', null, theme?.text_lang ? [s.themeTitle(''), ...tx(ctx, label, theme)] : s.themeTitle(label));
  if (!cps.length) return [head, h('p', null, s.noService)];
  return [head, ...cards(ctx, cps, 'h3'), takeAway(ctx, label, cps, (agent) => textOf(ctx, label, '', cps, [], false, agent)),
    ctx.features.feedback ? feedback(ctx, {}) : null].filter(Boolean) as HTMLElement[];
}

/** results: a search in the resident's words (GET /search); an emergency opens the emergency panel. */
export function results(core: CoreCtx, r: SearchResponse, query: string): HTMLElement[] {
  const ctx = full(core);
  const s = ctx.s;
  const all = r.results || [];
  const rs = all.filter((x) => x.kind !== 'emergency');
  const n = rs.length;
  ctx.emit('search', { results: n, emergency: !!r.emergency, needs_commune: rs.some((x) => x.needs_commune) });
  // Once per search typed: not again when a commune is chosen or on Back. The server scrubs the words.
  ctx.once('search', { query, results: all.length });
  if (r.emergency) {
    ctx.keepOffUrl();
    // This situation's numbers first, under their heading.
    ctx.emergency(all.filter((x) => x.kind === 'emergency' && x.contact_points?.length)
      .flatMap((g) => [h('h3', null, tx(ctx, g.title, g)), h('ul', { class: 'nums first' }, ...g.contact_points!.map((c) => ctx.number(c)))]),
    'search', r.emergency_categories?.map((c) => c.slug));
  }
  ctx.announce(s.resultsCount(n));
  const out: (HTMLElement | null)[] = [
    h('h2', null, s.resultsTitle),
    h('p', { class: 'count' }, s.resultsCount(n)),
    !ctx.commune && rs.some((x) => x.needs_commune) ? h('div', { class: 'notice' }, h('p', null, s.communeNeeded), ctx.askCommune()) : null,
  ];
  if (!n) return [...out, h('p', null, s.noResults)].filter(Boolean) as HTMLElement[];
  const seen: ContactPoint[] = [];
  out.push(...rs.map((r) => {
    const cps = r.contact_points || [];
    const first = ctx.agent ? cps.length : 2;
    seen.push(...cps.slice(0, first));
    const box = h('div', { class: 'cards' }, ...cps.slice(0, first).map((c) => card(ctx, c, 'h4')));
    const more: HTMLElement | null = cps.length > first
      ? h('button', {
        type: 'button', class: 'noprint',
        onclick: () => {
          const rest = cps.slice(first);
          const els = rest.map((c) => card(ctx, c, 'h4'));
          box.append(...els);
          more?.remove();
          ctx.track('outcome', { contact_points: rest.slice(0, 20).map((c) => c.id) }); // shown now
          els[0]?.querySelector<HTMLElement>('h4')?.setAttribute('tabindex', '-1');
          els[0]?.querySelector<HTMLElement>('h4')?.focus();
        },
      }, s.seeMore(cps.length - first))
      : null;
    const online = (r.online || []).map((o) => ({ href: webUrl(o.url), t: o.title || o.kind || o.url })).filter((o) => o.href);
    const fiche = webUrl(r.url);
    return h('article', { class: 'result', 'data-kind': r.kind },
      h('h3', null, tx(ctx, r.title, r)),
      r.description ? h('p', null, tx(ctx, clip(r.description, 240), r)) : null,
      r.kind === 'journey_outcome' ? h('button', { type: 'button', class: 'pri', onclick: () => ctx.openOutcome(r.ref) }, s.seeAnswer) : null,
      box, more,
      online.length ? h('ul', { class: 'online' }, ...online.map((o) => h('li', null, link(o.href!, o.t, '', s.newWindow)))) : null,
      fiche ? h('p', null, link(fiche, s.readFiche, '', s.newWindow)) : null);
  }));
  // The cards on screen: again when a commune chosen changes them.
  shown(ctx, seen);
  if (ctx.features.feedback) out.push(feedback(ctx, { query }));
  return out.filter(Boolean) as HTMLElement[];
}

// ------------------------------------------------------------------ take the answer away

/** textOf: the answer as plain text (answertext.ts), in the widget's language, with the link to it. */
const textOf = (ctx: Ctx, title: string | undefined, explanation: string | undefined, cps: ContactPoint[], docs: string[], short?: boolean, agent = ctx.agent): string =>
  answerText(ctx.s, { title, explanation, contactPoints: cps, documents: docs, link: shareUrl(ctx), now: ctx.now(), agent, short });

/**
 * takeAway: the ways to keep the answer (print, link, QR code, SMS, e-mail) and, for agents, « Copier la réponse »
 * (full: the whole answer as text; agent: with the lines reserved to agents, marked — never in the e-mail link,
 * which goes to the resident). A copy is confirmed on screen and to screen readers (the status under the
 * buttons); when the clipboard refuses, the text is shown selected in a field to copy by hand.
 */
function takeAway(ctx: Ctx, title: string, cps: ContactPoint[], full: (agent: boolean) => string): HTMLElement {
  const s = ctx.s;
  const qrBox = h('div', { class: 'qr', hidden: true });
  const fallback = h('div', { class: 'copyfb' });
  const said = h('p', { class: 'msg', role: 'status' });
  const copy = (text: string, ok: string) => {
    said.textContent = '';
    fallback.replaceChildren();
    const done = () => setTimeout(() => (said.textContent = ok), 50); // emptied first: the same words are said again
    const fail = () => {
      const ta = h('textarea', { readonly: true, rows: 8, 'aria-label': s.copyFailed }, text);
      fallback.replaceChildren(h('p', null, s.copyFailed), ta);
      ta.select();
      ta.focus();
    };
    try {
      navigator.clipboard.writeText(text).then(done, fail);
    } catch {
      fail(); // no clipboard (an insecure page, an old browser)
    }
  };
  const short = textOf(ctx, title, '', cps, [], true);
  const qrBtn = h('button', {
    type: 'button', 'aria-expanded': 'false',
    onclick: () => {
      if (!qrBox.hidden) {
        qrBox.hidden = true;
        qrBtn.setAttribute('aria-expanded', 'false');
        return;
      }
      ctx.qr().then((make) => {
        const svg = make(shareUrl(ctx));
        svg.setAttribute('role', 'img');
        svg.setAttribute('aria-label', s.qrAlt);
        qrBox.replaceChildren(svg);
        qrBox.hidden = false;
        qrBtn.setAttribute('aria-expanded', 'true');
      }, () => ctx.announce(s.sendFailed));
    },
  }, s.qr);
  const hid = uid('take');
  return h('section', { class: 'take noprint', 'aria-labelledby': hid },
    h('h3', { id: hid }, s.takeAway),
    h('div', { class: 'row' },
      ctx.agent ? h('button', { type: 'button', class: 'pri cpy', onclick: () => copy(full(true), s.answerCopied) }, s.copyAnswer) : null,
      h('button', { type: 'button', onclick: () => window.print() }, s.print),
      h('button', { type: 'button', onclick: () => copy(shareUrl(ctx), s.linkCopied) }, s.copyLink),
      qrBtn,
      h('a', { href: smsHref('', short) }, s.sendSms),
      h('a', { href: `mailto:?subject=${encodeURIComponent(s.mailSubject)}&body=${encodeURIComponent(full(false))}` }, s.sendMail)),
    said, qrBox, fallback);
}

/**
 * feedback asks « Cette réponse vous a-t-elle aidé ? » (POST /feedback): Oui or Non in a fieldset, then an
 * optional comment and, on Non, what the resident was looking for. The server's field errors
 * (problem+json errors[].field) are shown under their field; the result is said in a live region.
 */
function feedback(ctx: Ctx, ref: { outcome?: string; query?: string }): HTMLElement {
  const s = ctx.s;
  const id = uid('fb');
  let useful: boolean | undefined;
  let sending = false;
  const live = h('p', { class: 'fbmsg', role: 'status' });
  const field = (name: string, label: string, max: number) => {
    const fid = `${id}-${name}`;
    const err = h('p', { id: fid + '-e', class: 'err' });
    const ta = h('textarea', { id: fid, name, maxlength: max, rows: 3, 'aria-describedby': `${id}-hint ${fid}-e` });
    return { box: h('div', null, h('label', { for: fid }, label), ta, err), ta, err };
  };
  const fields: Record<string, ReturnType<typeof field>> = {
    comment: field('comment', s.feedbackComment, 1000),
    looking_for: field('looking_for', s.feedbackLooking, 300),
  };
  const more = h('div', { class: 'more', hidden: true },
    h('p', { id: id + '-hint', class: 'hint' }, s.feedbackHint), fields.comment.box, fields.looking_for.box,
    h('button', { type: 'submit', class: 'pri' }, s.feedbackSend));
  const choice = (v: boolean, label: string) => h('label', { class: 'yn' },
    h('input', {
      type: 'radio', name: id, value: v ? 'oui' : 'non',
      onchange: () => {
        useful = v;
        more.hidden = false;
        fields.looking_for.box.hidden = v;
      },
    }), label);
  const text = (f: { ta: HTMLTextAreaElement }) => (f.ta.closest('[hidden]') ? '' : f.ta.value.trim()) || undefined;
  const form: HTMLFormElement = h('form', {
    novalidate: true,
    onsubmit: (e: Event) => {
      e.preventDefault();
      if (sending || useful === undefined) return;
      sending = true;
      for (const f of Object.values(fields)) {
        f.err.textContent = '';
        f.ta.removeAttribute('aria-invalid');
      }
      live.textContent = '';
      const body = {
        partner: ctx.partner, entry: ctx.entry, outcome: ref.outcome, query: ref.query, useful,
        comment: text(fields.comment), looking_for: text(fields.looking_for),
      };
      ctx.api.post('/feedback', body).then(() => {
        form.remove();
        live.textContent = s.feedbackThanks;
        live.tabIndex = -1;
        live.focus();
        ctx.emit('feedback', { useful, outcome: ref.outcome });
        ctx.track('feedback', { outcome: ref.outcome });
      }, (err: ApiError) => {
        sending = false;
        let first: HTMLElement | undefined;
        for (const fe of err.errors || []) {
          const f = fields[fe.field || ''];
          if (!f || !fe.detail) continue;
          f.err.textContent = fe.detail.charAt(0).toUpperCase() + fe.detail.slice(1) + '.';
          f.ta.setAttribute('aria-invalid', 'true');
          first ||= f.ta;
        }
        live.textContent = first ? s.feedbackInvalid : s.sendFailed;
        first?.focus();
      });
    },
  },
  h('fieldset', null, h('legend', null, h('h3', null, s.feedbackQuestion)), h('div', { class: 'row' }, choice(true, s.yes), choice(false, s.no))),
  more);
  return h('section', { class: 'fb noprint' }, form, live);
}
