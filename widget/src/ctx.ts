// What the element hands to its lazy chunks: strings, the API client and a
// few actions. The chunks hold no state of their own.

import type { Api } from './api';
import type { Fields } from './events';
import type { WidgetState } from './state';
import type { Strings } from './i18n';
import type { ContactPoint } from './types';

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
  /** Opens the emergency panel, with the numbers for this situation first. */
  emergency(first: { title: string; contact_points?: ContactPoint[] }[], source: string, categories?: string[]): void;
  /** The commune field; the view is shown again once a commune is chosen. */
  askCommune(): HTMLElement;
  announce(msg: string): void;
  /** The state of the answer on screen, for its link (answers.ts shareUrl); null when it has none. */
  state(): WidgetState | null;
  openOutcome(id: string): void;
  /** Loads the QR code chunk. */
  qr(): Promise<(text: string) => SVGSVGElement>;
}
