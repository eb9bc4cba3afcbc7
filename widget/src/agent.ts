// Lazy chunk "agent", loaded only by a widget with mode="agent" (a reception
// desk, a phone line, a France services counter). It adds, between the top bar
// and the view:
// - the agent's sign-in with ProConnect (agentsession.ts): once signed in,
//   every public GET carries the access token with mode=agent, and the answers
//   show the contact points and lines reserved to agents (answers chunk);
// - a quick switch between partners' journeys (GET /api/v1/public/organisations),
//   which restarts the widget on the journey chosen, keeping the commune;
// - « Nouvel appelant », which clears the caller's history (after a confirmation)
//   and starts again;
// and, under the view, the caller's history (history.ts): on screen only.
// The element calls agent() at each (re)start, once its frame is built, and
// the returned hook each time the agent changes the view (element.ts writeState).
// The agent's UI is French (agents are French-speaking staff); what the
// resident hears or reads keeps the widget's language.

import type { Api } from './api';
import type { View } from './ctx';
import { h, uid } from './dom';
import { safeUrl } from './sanitize';
import type { OrientationWidget } from './element';
import { AgentSession, loginResult, signInMessage } from './agentsession';
import { CallerHistory } from './history';
import type { PartnerList, PublicJourney } from './types';
import cssText from './agent.css';

export type Hook = (v: View, place?: { code: string; name?: string }) => void;

/** What an element in agent mode keeps across its restarts (a sign-in, another partner, a new caller). */
interface Desk {
  session: AgentSession;
  history: CallerHistory;
  /** The client of the current start: the token goes into its headers. */
  api?: Api;
  popup?: Window | null;
  providers?: Promise<boolean>;
  partners?: Promise<PartnerList | null>;
  /** The control to focus once the frame is built again ('auth', 'switch', 'new'), and the message to say. */
  focus?: string;
  msg?: string;
  place?: { code: string; name?: string };
  /** History records wait for the journey in turn. */
  chain: Promise<unknown>;
  /** Says a sign-in's failure in the bar on screen (no restart needed). */
  failed?: () => void;
}

const desks = new WeakMap<HTMLElement, Desk>();
let sheet: CSSStyleSheet | undefined;

const OURS = /^#orientation=/;
const hhmm = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });

/** agent sets up agent mode for el's start with client api; again() shows the view on screen again (a new client). */
export function agent(el: OrientationWidget, api: Api, again: () => void): Hook {
  // The API's base as the element reads it (the client's own fields are renamed in the main bundle).
  const base = (safeUrl(el.api, ['https:', 'http:']) || location.origin).replace(/\/+$/, '');
  let d = desks.get(el);
  if (!d || d.session.base !== base) {
    const desk: Desk = {
      history: d?.history || new CallerHistory(),
      chain: Promise.resolve(),
      session: new AgentSession(base, (error) => {
        desk.focus = 'auth';
        desk.msg = error ? signInMessage(error) : desk.session.token ? 'Connecté : les lignes réservées aux agents sont affichées.' : 'Déconnecté.';
        again();
      }, (token) => desk.api && (desk.api.auth = bearer(token))),
    };
    d = desk;
    desks.set(el, desk);
    window.addEventListener('message', (e) => onMessage(desk, e));
    // Timers sleep in a hidden tab: shown again, overdue tokens are renewed before the agent's next request.
    document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && void desk.session.wake());
  }
  const desk = d;
  desk.api = api;
  if (desk.session.token) api.auth = bearer(desk.session.token);
  desk.providers ||= desk.session.providers();
  desk.partners ||= api.get<PartnerList>('/organisations').catch(() => null);

  const root = el.shadowRoot!;
  const wrap = root.querySelector<HTMLElement>('[part=base]')!;
  wrap.classList.add('agent');
  if (root.adoptedStyleSheets && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(cssText);
    }
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else wrap.prepend(h('style', null, cssText));

  const list = h('ol');
  const empty = h('p', null, 'Aucune étape pour le moment.');
  const hid = uid('hist');
  const show = () => {
    list.replaceChildren(...desk.history.entries.map((e) =>
      h('li', { 'data-kind': e.kind }, h('time', { datetime: e.at.toISOString() }, hhmm.format(e.at)), ' ', e.text)));
    list.hidden = !desk.history.entries.length;
    empty.hidden = !list.hidden;
  };
  show();
  const hist = h('section', { class: 'hist noprint', 'aria-labelledby': hid },
    h('h2', { id: hid }, 'Historique de l’appel'),
    h('p', { class: 'hint' }, 'Affiché ici seulement : rien n’est envoyé ni gardé, « Nouvel appelant » l’efface.'),
    list, empty);
  const bar = toolbar(el, desk, show);
  wrap.querySelector('.bar')!.after(bar);
  wrap.querySelector('[part=main]')!.after(hist);

  // A place the page gives (the commune attribute) is the caller's commune until another is chosen.
  if (el.commune && !desk.place) {
    desk.place = { code: el.commune };
    desk.history.place(desk.place);
    show();
  }
  return (v, place) => {
    if (place) desk.place = place;
    // What the view shows, read now (the view is on screen), recorded once the journey is at hand.
    const main = wrap.querySelector('[part=main]')!;
    const screen = { title: main.querySelector('h2')?.textContent || '', count: main.querySelector('.count')?.textContent || '' };
    const journey = v.k === 'step' ? journeyOf(el, api) : Promise.resolve(undefined);
    desk.chain = desk.chain.then(() => journey).then((j) => desk.history.record(v, place, j, screen) && show());
  };
}

const bearer = (token: string) => ({ Authorization: 'Bearer ' + token });

/** journeyOf: the journey on screen, from the client's cache (the same request as the element's). */
function journeyOf(el: OrientationWidget, api: Api) {
  const path = el.preview ? '/previews/' + encodeURIComponent(el.preview)
    : el.entry ? `/organisations/${encodeURIComponent(el.partner)}/journeys/${encodeURIComponent(el.entry)}` : '';
  return path ? api.get<PublicJourney>(path).then((p) => p.journey, () => undefined) : Promise.resolve(undefined);
}

/** onMessage takes the sign-in popup's result: only from the API's origin, only of our type. */
function onMessage(desk: Desk, e: MessageEvent): void {
  const r = loginResult(e, new URL(desk.session.base).origin, desk.popup);
  if (!r) return;
  desk.popup = undefined;
  if ('code' in r) {
    void desk.session.exchange(r.code).then((err) => {
      if (err) fail(desk, err);
    });
  } else fail(desk, r.error);
}

function fail(desk: Desk, code: string): void {
  desk.msg = signInMessage(code);
  desk.failed?.();
}

/** The agent's bar: sign-in or out, the partners' journeys, a new caller; and its messages. */
function toolbar(el: OrientationWidget, desk: Desk, show: () => void): HTMLElement {
  const msg = h('p', { class: 'msg', role: 'status' });
  const say = (text: string) => {
    msg.textContent = '';
    setTimeout(() => (msg.textContent = text), 100);
  };
  const bar = h('section', { class: 'agt noprint', 'aria-label': 'Mode agent' });

  // Sign-in: offered when the server has ProConnect.
  const auth = h('div', { class: 'grp' });
  const drawAuth = (on: boolean) => {
    if (desk.session.token) {
      auth.replaceChildren(h('p', { class: 'who' }, 'Agent connecté'),
        h('button', { type: 'button', 'data-f': 'auth', onclick: () => void desk.session.signOut() }, 'Se déconnecter'));
    } else if (on) {
      auth.replaceChildren(h('button', {
        type: 'button', class: 'pri', 'data-f': 'auth',
        onclick: () => {
          // Opened at once, in the click: popup blockers let it through.
          desk.popup = window.open(desk.session.startURL(location.origin), 'aiguillage-agent', 'popup,width=520,height=680');
          say(desk.popup ? 'Connexion en cours dans la fenêtre ProConnect…' : signInMessage('popup_blocked'));
        },
      }, 'Se connecter (agent)'));
    } else auth.replaceChildren(h('p', { class: 'who' }, 'Connexion agent indisponible'));
  };
  // Signed in: at once; else once the server has said whether it offers ProConnect.
  if (desk.session.token) drawAuth(true);
  else {
    void desk.providers!.then((on) => {
      drawAuth(on);
      if (desk.focus === 'auth') focusNow('auth');
    });
  }

  // Partners' journeys: restart on another one, keeping the commune.
  const sid = uid('jr');
  const select = h('select', { id: sid, 'data-f': 'switch' }, h('option', { value: '' }, 'Chargement…'));
  const go = h('button', {
    type: 'button', 'data-f': 'go',
    onclick: () => {
      const [p, e] = select.value.split('/');
      if (!p) return;
      const opt = select.selectedOptions[0];
      desk.history.add('partner', `Parcours : ${(opt?.parentElement as HTMLOptGroupElement | null)?.label || p} — ${opt?.textContent || e}`);
      desk.focus = 'switch';
      desk.msg = 'Parcours ouvert : ' + (opt?.textContent || e) + '.';
      dropFragment();
      if (desk.place) el.setAttribute('commune', desk.place.code);
      el.setAttribute('partner', p);
      if (e) el.setAttribute('entry', e);
      else el.removeAttribute('entry');
    },
  }, 'Ouvrir ce parcours');
  const switcher = h('div', { class: 'grp' }, h('div', null, h('label', { for: sid }, 'Parcours d’un partenaire'), select), go);
  void desk.partners!.then((l) => {
    const orgs = l?.organisations || [];
    if (!orgs.length) {
      switcher.hidden = true;
      return;
    }
    select.replaceChildren(...orgs.map((o) => h('optgroup', { label: o.name || o.slug },
      ...(o.entry_points || []).map((ep) => h('option', { value: `${o.slug}/${ep.slug}`, selected: o.slug === el.partner && ep.slug === el.entry }, ep.name || ep.slug)))));
    if (desk.focus === 'switch') focusNow('switch');
  });

  // A new caller: the history is cleared once confirmed.
  const cid = uid('cf');
  const confirm = h('div', { id: cid, class: 'cf', role: 'group', 'aria-labelledby': cid + '-q', hidden: true });
  const fresh = h('button', {
    type: 'button', 'data-f': 'new', 'aria-expanded': 'false', 'aria-controls': cid,
    onclick: () => toggle(confirm.hidden),
  }, 'Nouvel appelant');
  const toggle = (open: boolean) => {
    confirm.hidden = !open;
    fresh.setAttribute('aria-expanded', String(open));
    (open ? confirm.querySelector('button')! : fresh).focus();
  };
  confirm.append(
    h('p', { id: cid + '-q' }, 'Effacer l’historique de cet appel et revenir au début ?'),
    h('div', { class: 'grp' },
      h('button', {
        type: 'button', class: 'pri',
        onclick: () => {
          desk.history.clear();
          desk.place = undefined;
          desk.focus = 'new';
          desk.msg = 'Historique effacé : nouvel appelant.';
          show();
          dropFragment();
          el.setAttribute('partner', el.partner); // starts afresh (the page's commune, if it gives one)
        },
      }, 'Effacer et recommencer'),
      h('button', { type: 'button', onclick: () => toggle(false) }, 'Annuler')));
  confirm.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') toggle(false);
  });

  bar.append(auth, switcher, h('div', { class: 'grp' }, fresh), confirm, msg);
  const focusNow = (f: string) => {
    const c = bar.querySelector<HTMLElement>(`[data-f="${f}"]`);
    if (!c) return;
    desk.focus = undefined;
    c.focus();
  };
  desk.failed = () => {
    say(desk.msg || '');
    desk.msg = undefined;
    focusNow('auth');
  };
  // This start follows the agent's act (a sign-in, another journey, a new caller): its message, and the focus
  // back on the control used once the bar is in the widget (the controls drawn later take it themselves).
  if (desk.msg) {
    say(desk.msg);
    desk.msg = undefined;
  }
  setTimeout(() => desk.focus && focusNow(desk.focus));
  return bar;
}

/** dropFragment takes the previous caller's answer off the page's address (#orientation=…). */
function dropFragment(): void {
  if (OURS.test(location.hash)) history.replaceState(history.state, '', location.pathname + location.search);
}
