// The answer on screen as plain text (pure, answers chunk): what the agent's
// « Copier la réponse » puts in the clipboard, to read aloud or paste into an
// e-mail, and the bodies of the resident's SMS and e-mail links.

import type { AnswerStrings } from './i18n';
import { describe, hasPlan, status, upcomingExceptions, weekLines } from './hours';
import type { Channel, ContactPoint } from './types';

/**
 * The mark of a contact point or channel reserved to agents (visibility organisation_agents or all_agents, only
 * ever sent to a signed-in agent in mode="agent"). Agent mode speaks French: agents are French-speaking staff.
 */
export const AGENT_LINE = 'Ligne réservée aux agents';
export const AGENT_CONTACT = 'Contact réservé aux agents';

/** agentOnly tells whether a visibility keeps an item from the public (absent: public). */
export const agentOnly = (visibility: string | undefined): boolean => !!visibility && visibility !== 'public';

const ORDER = ['phone', 'sms', 'online_procedure', 'email', 'contact_form', 'chat', 'website', 'address'];

/**
 * channelsToShow: the channels of a card, in the order a resident uses them. Agents see every one (two phone
 * lines, the lines reserved to agents); residents one of each kind, and never one reserved to agents (the server
 * sends none: a second lock).
 */
export function channelsToShow(cp: ContactPoint, agent: boolean): Channel[] {
  const seen = new Set<string>();
  return (cp.channels || [])
    .filter((c) => c && typeof c.value === 'string' && ORDER.includes(c.kind) && (agent || !agentOnly(c.visibility)))
    .sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind))
    .filter((c) => {
      if (agent) return true;
      if (seen.has(c.kind)) return false;
      seen.add(c.kind);
      return true;
    });
}

export interface AnswerText {
  title?: string;
  explanation?: string;
  contactPoints: ContactPoint[];
  documents: string[];
  /** The link to the answer (the host page with #orientation=…). */
  link?: string;
  now: Date;
  /** Agent mode: every channel, the lines reserved to agents marked. */
  agent: boolean;
  /** The SMS: the title, two contact points, their numbers and addresses and whether they are open now. */
  short?: boolean;
}

const addressOf = (cp: ContactPoint): string => {
  const a = cp.address;
  return a && (a.lines?.length || a.city) ? [...(a.lines || []), [a.postal_code, a.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') : '';
};

/** channelLine: one channel, as the card words it (« Appeler le 3230 », « Écrire à … », « Site internet : … »). */
function channelLine(s: AnswerStrings, c: Channel, agent: boolean): string {
  const label = c.label ? ` — ${c.label}` : '';
  let line: string;
  switch (c.kind) {
    case 'phone':
      line = s.call(c.value) + label;
      break;
    case 'sms':
      line = s.sms(c.value) + label;
      break;
    case 'email':
      line = s.email(c.value.replace(/^mailto:/i, '')) + label;
      break;
    case 'address':
      line = c.value;
      break;
    case 'chat':
      line = s.chat + s.colon + c.value;
      break;
    default: {
      const name = (s as unknown as Record<string, string>)[c.kind] || c.kind;
      line = name + (c.label ? s.colon + c.label : '') + s.colon + c.value;
    }
  }
  const notes = [c.cost_note, c.accessibility_note].filter(Boolean).join(' ; ');
  return line + (notes ? ` (${notes})` : '') + (agent && agentOnly(c.visibility) ? ` [${AGENT_LINE}]` : '');
}

/**
 * answerText writes an answer as plain text: its title and explanation, then each contact point (its name, every
 * channel — phones, e-mail, website, online procedure —, its address, whether it is open now and its hours of the
 * week with this week's exceptions), the documents to prepare and the link to the answer.
 */
export function answerText(s: AnswerStrings, a: AnswerText): string {
  const out: string[] = [a.title || ''];
  if (a.explanation && !a.short) out.push(a.explanation);
  const cps = a.short ? a.contactPoints.slice(0, 2) : a.contactPoints;
  if (cps.length && !a.short) out.push('', s.contacts + s.colon.trimEnd());
  for (const cp of cps) {
    out.push('', cp.name + (a.agent && agentOnly(cp.visibility) ? ` [${AGENT_CONTACT}]` : ''));
    const address = addressOf(cp);
    for (const c of channelsToShow(cp, a.agent && !a.short)) {
      if (c.kind === 'address' && address) continue; // the full address below
      out.push('  ' + (a.short ? c.value : channelLine(s, c, a.agent)));
    }
    if (address) out.push('  ' + address);
    const oh = cp.opening_hours;
    const st = status(oh, a.now);
    if (st) out.push('  ' + describe(st, s));
    if (!a.short && oh && (hasPlan(oh) || oh.note)) {
      const week = hasPlan(oh) ? [...weekLines(oh, s), ...upcomingExceptions(oh, a.now, s, 7)] : [];
      out.push('  ' + s.hours + s.colon.trimEnd(), ...[...week, oh.note].filter(Boolean).map((l) => '    ' + l));
    }
  }
  if (a.documents.length && !a.short) out.push('', s.documents + s.colon.trimEnd(), ...a.documents.map((d) => '- ' + d));
  if (a.link) out.push('', a.link);
  return out.join('\n').trim();
}
