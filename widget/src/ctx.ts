// What the element hands to its lazy chunks: strings, the API client and a
// few actions. The chunks hold no state of their own.

import type { Api } from './api';
import type { Fields } from './events';
import type { Strings } from './i18n';
import type { ContactPoint } from './types';

/** A view of the element: what its stack holds (element.ts), and what a fragment replays to (state.ts). */
export type View = (
  | { k: 'start'; notice?: string }
  | { k: 'step'; path: string[] }
  | { k: 'results'; q: string }
  | { k: 'outcome'; id: string }
  | { k: 'theme'; slug: string }
  | { k: 'commune'; then: View; text?: string }
  | { k: 'error'; err: unknown }
) & { t?: Record<string, string> }; // t: the usage events this view already recorded (trackOnce)

export interface Ctx {
  s: Strings;
  lang: string;
  api: Api;
  partner: string;
  entry?: string;
  agent: boolean;
  features: { feedback: boolean; reports: boolean };
  /** INSEE code of the commune, when known. */
  commune?: string;
  now(): Date;
  emit(name: string, detail?: Record<string, unknown>): void;
  /** Records an anonymous usage event (events.ts); nothing when events are off. */
  track(type: string, f?: Fields): void;
  /** Records a usage event the first time the view on screen shows it (not again on Back or a re-render), or when key changes. */
  once(type: string, f?: Fields, key?: string): void;
  /** The view shows an emergency: it is not written in the address bar. */
  keepOffUrl(): void;
  /** Opens the emergency panel, with the numbers for this situation first (first: headings and lists of number()). */
  emergency(first: Node[], source: string, categories?: string[]): void;
  /** An emergency number of the panel (its name, a call button, SMS and chat). */
  number(c: ContactPoint): HTMLElement;
  /** The commune field; the view is shown again once a commune is chosen. */
  askCommune(): HTMLElement;
  announce(msg: string): void;
  /** The view on screen: its state makes the answer's link (answers.ts shareUrl). */
  view: View;
  openOutcome(id: string): void;
  /** Loads the QR code chunk. */
  qr(): Promise<(text: string) => SVGSVGElement>;
}
