// What the element hands to its lazy chunks: strings, the API client and a
// few actions. The chunks hold no state of their own.

import type { Api } from './api';
import type { Strings } from './i18n';

export interface Ctx {
  s: Strings;
  lang: string;
  api: Api;
  partner: string;
  entry?: string;
  agent: boolean;
  features: { feedback: boolean; reports: boolean };
  now(): Date;
  emit(name: string, detail?: Record<string, unknown>): void;
  announce(msg: string): void;
  /** The link to the answer on screen (the host page with #orientation=…). */
  shareUrl(): string;
  openOutcome(id: string): void;
  /** Loads the QR code chunk. */
  qr(): Promise<(text: string) => SVGSVGElement>;
}
