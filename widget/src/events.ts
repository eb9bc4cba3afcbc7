// Anonymous usage events for the impact statistics (README « Mesure d'impact »,
// POST /api/v1/public/events). One Usage per start of a widget: a random
// session id kept in this object only (never a cookie, never storage), events
// queued in memory and sent in batches of at most 50 with navigator.sendBeacon
// (a text/plain body: no CORS preflight, and the request outlives the page)
// when the page is hidden or left, on « Quitter rapidement », and whenever 50
// wait. When the browser refuses the beacon, the answers chunk's fetch fallback
// (send.ts) takes over. Nothing is queued when the partner has not turned events
// on, nor when the browser sends the Global Privacy Control signal.
//
// Every id sent comes from the API (contact points, outcomes: UUIDs), since the
// server refuses a whole batch for one malformed field.

/** Fields of an event besides type and at (openapi.yaml, WidgetEvent). */
export type Fields = {
  journey?: string;
  step?: string;
  outcome?: string;
  contact_point?: string;
  contact_points?: string[];
  channel?: string;
  results?: number;
  answered?: boolean;
  query?: string;
};

/** At most this many events per request; a full queue is sent at once. */
export const MAX_BATCH = 50;

export class Usage {
  /** Events not sent yet. */
  q: object[] = [];
  /** The page is hidden and its exit recorded (not again until it is shown). */
  gone = false;
  head: { partner: string; entry?: string; session: string };
  /** The fallback when the browser refuses a beacon: fetch, once more on 503 (send.ts, answers chunk). */
  static post?: (url: string, body: string) => void;

  constructor(public url: string, partner: string, entry: string | undefined, public on: boolean) {
    // 15 random bytes in base64url: 20 characters of [A-Za-z0-9_-] (120 bits).
    const session = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(15)))).replace(/\+/g, '-').replace(/\//g, '_');
    this.head = { partner, entry, session };
    this.on = on && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl !== true;
  }

  add(type: string, f?: Fields): void {
    if (this.on && this.q.push({ type, at: new Date().toISOString(), ...f }) >= MAX_BATCH) this.flush();
  }

  /** hide records the exit and sends what waits: the page is hidden, left, or quit. */
  hide(): void {
    if (!this.gone) this.add('exit');
    this.gone = true;
    this.flush();
  }

  flush(): void {
    while (this.q.length) {
      const body = JSON.stringify({ ...this.head, events: this.q.splice(0, MAX_BATCH) });
      let ok = false;
      try {
        ok = navigator.sendBeacon(this.url, body);
      } catch {
        /* no sendBeacon */
      }
      if (!ok) Usage.post?.(this.url, body);
    }
  }
}
