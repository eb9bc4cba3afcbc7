// Lazy chunk "answers": contact cards, outcomes, search results, and the ways
// to take an answer away. Loaded after the first question is on screen.

import type { Ctx as CoreCtx } from './ctx';
import { answerStrings, type AnswerStrings } from './i18n';
import type { ApiError } from './api';
import type { Fields } from './events';
import { h, link, uid } from './dom';
import { describe, hasPlan, orderByReachability, status, upcomingExceptions, weekLines, type HoursStatus } from './hours';
import { clip, dialable, hostOf, mailHref, osmUrl, smsHref, telHref, webUrl } from './sanitize';
import type { Channel, Commune, ContactPoint, OutcomeResponse, SearchResponse } from './types';
import { encodeState } from './state';
import cssText from './answers.css';

export const css = cssText;
export { post } from './send';
export { suggestThemes } from './suggest';

/** Inside the chunk, the context carries the full strings table. */
type Ctx = Omit<CoreCtx, 's'> & { s: AnswerStrings };
const full = (c: CoreCtx): Ctx => ({ ...c, s: answerStrings(c.lang) });
export type Outcome = OutcomeResponse;

/** The link to the answer on screen: the host page with #orientation=…. */
const shareUrl = (ctx: CoreCtx): string => {
  const st = ctx.state();
  return location.href.split('#')[0] + (st ? '#' + encodeState(st) : '');
};

/** The mark of a journey draft preview, shown in the top bar (the element's preview attribute). */
export const draftMark = (lang: string): HTMLElement => h('p', { class: 'pv' }, answerStrings(lang).draft);

const ORDER = ['phone', 'sms', 'online_procedure', 'email', 'contact_form', 'chat', 'website', 'address'];
/** The channel a usage event names: online procedures, contact forms and chats are all "online". */
const usageChannel = (kind: string) => (/^(online_procedure|contact_form|chat)$/.test(kind) ? 'online' : kind);

// ------------------------------------------------------------------ cards

function channelsToShow(cp: ContactPoint, agent: boolean): Channel[] {
  const seen = new Set<string>();
  return (cp.channels || [])
    .filter((c) => c && typeof c.value === 'string' && ORDER.includes(c.kind))
    .sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind))
    .filter((c) => {
      if (agent) return true;
      if (seen.has(c.kind)) return false;
      seen.add(c.kind);
      return true;
    });
}

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
      const text = c.kind === 'website' ? `${s.website} : ${hostOf(href)}` : (s as unknown as Record<string, string>)[c.kind] + (c.label && c.kind === 'online_procedure' ? ` : ${c.label}` : '');
      a = link(href, text, c.kind === 'online_procedure' ? 'btn' : '', s.newWindow, usageChannel(c.kind), cp.id);
    }
  }
  if (!a) return null;
  return h('li', { class: 'ch ' + c.kind }, a,
    c.cost_note ? h('span', { class: 'cost' }, ' ' + c.cost_note) : null,
    c.accessibility_note ? h('span', { class: 'acc' }, ' ' + c.accessibility_note) : null);
}

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
    cp.description ? h('p', { class: 'desc' }, ctx.agent ? cp.description : clip(cp.description, 220)) : null,
    st ? h('p', { class: 'st ' + (st.open ? 'open' : 'closed') }, describe(st, s), oh!.indicative ? ` (${s.indicative})` : '') : null,
    chans.length ? h('ul', { class: 'chs' }, ...chans) : null,
    addrLines.length ? h('address', null, ...addrLines.flatMap((l, i) => (i ? [h('br'), l] : [l])),
      map ? h('span', { class: 'map' }, ' ', link(map, s.map, '', s.newWindow, 'address', cp.id)) : null,
      typeof cp.distance_km === 'number' && cp.distance_km > 0 ? h('span', { class: 'meta' }, ` (${s.distance(cp.distance_km.toFixed(1).replace('.', ','))})`) : null) : null,
    hoursDetails(ctx, cp),
    cp.reason ? h('p', { class: 'why' }, h('strong', null, s.why), cp.reason) : null,
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
    oh.note ? h('p', null, oh.note) : null,
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
    h('h2', null, o.title || s.contacts),
    o.explanation ? h('p', { class: 'expl' }, o.explanation) : null,
    cps.length ? h('h3', null, s.contacts) : null,
    ...list,
    docs.length ? h('h3', null, s.documents) : null,
    docs.length ? h('ul', { class: 'docs' }, ...docs.map((d) => h('li', null, d))) : null,
    takeAway(ctx, o.title || '', cps, () => answerText(ctx, o.title, o.explanation, cps, docs)),
    ctx.features.feedback ? feedback(ctx, { outcome: id, query }) : null,
  ].filter(Boolean) as HTMLElement[];
}

export interface ThemeResponse {
  contact_points?: ContactPoint[];
  commune?: Commune;
}

/** themeAnswer: the contact points of a theme for the commune (GET /contact-points?theme=). */
export function themeAnswer(core: CoreCtx, r: ThemeResponse, slug: string, label: string): HTMLElement[] {
  const ctx = full(core);
  const s = ctx.s;
  const cps = r.contact_points || [];
  ctx.announce(s.resultsCount(cps.length));
  ctx.emit('outcome', { theme: slug, contact_points: cps.length });
  shown(ctx, cps);
  const head = h('h2', null, s.themeTitle(label));
  if (!cps.length) return [head, h('p', null, s.noService)];
  return [head, ...cards(ctx, cps, 'h3'), takeAway(ctx, label, cps, () => answerText(ctx, label, '', cps, [])),
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
    ctx.emergency(all.filter((x) => x.kind === 'emergency'), 'search', r.emergency_categories?.map((c) => c.slug));
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
      h('h3', null, r.title),
      r.description ? h('p', null, clip(r.description, 240)) : null,
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

/** answerText is the answer as plain text: for the agent's copy, SMS and e-mail. */
function answerText(ctx: Ctx, title: string | undefined, explanation: string | undefined, cps: ContactPoint[], docs: string[], short = false): string {
  const s = ctx.s;
  const out: string[] = [title || ''];
  if (explanation && !short) out.push(explanation);
  for (const cp of cps.slice(0, short ? 2 : cps.length)) {
    out.push('', cp.name);
    for (const c of channelsToShow(cp, !short)) {
      if (c.kind === 'address' && cp.address?.lines?.length) continue;
      out.push('  ' + c.value + (c.cost_note && !short ? ` (${c.cost_note})` : ''));
    }
    if (cp.address && (cp.address.lines?.length || cp.address.city)) out.push('  ' + [...(cp.address.lines || []), [cp.address.postal_code, cp.address.city].filter(Boolean).join(' ')].join(', '));
    const st = status(cp.opening_hours, ctx.now());
    if (!short && cp.opening_hours && hasPlan(cp.opening_hours)) out.push('  ' + s.hours + ' : ' + (cp.opening_hours.note || weekLines(cp.opening_hours, s).join(' ; ')));
    else if (st && short) out.push('  ' + describe(st, s));
  }
  if (docs.length && !short) out.push('', s.documents + ' :', ...docs.map((d) => '- ' + d));
  out.push('', shareUrl(ctx));
  return out.join('\n').trim();
}

function takeAway(ctx: Ctx, title: string, cps: ContactPoint[], full: () => string): HTMLElement {
  const s = ctx.s;
  const qrBox = h('div', { class: 'qr', hidden: true });
  const fallback = h('div', { class: 'copyfb' });
  const copy = (text: string, ok: string) => {
    const done = () => ctx.announce(ok);
    const fail = () => {
      const ta = h('textarea', { readonly: true, rows: 6, 'aria-label': s.copyFailed }, text);
      fallback.replaceChildren(h('p', null, s.copyFailed), ta);
      ta.select();
      ta.focus();
    };
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(text).then(done, fail);
    else fail();
  };
  const short = answerText(ctx, title, '', cps, [], true);
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
      ctx.agent ? h('button', { type: 'button', class: 'pri', onclick: () => copy(full(), s.answerCopied) }, s.copyAnswer) : null,
      h('button', { type: 'button', onclick: () => window.print() }, s.print),
      h('button', { type: 'button', onclick: () => copy(shareUrl(ctx), s.linkCopied) }, s.copyLink),
      qrBtn,
      h('a', { href: smsHref('', short) }, s.sendSms),
      h('a', { href: `mailto:?subject=${encodeURIComponent(s.mailSubject)}&body=${encodeURIComponent(full())}` }, s.sendMail)),
    qrBox, fallback);
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
