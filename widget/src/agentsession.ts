// Agent mode's session (agent chunk): sign-in with ProConnect in a popup, the
// tokens kept in memory only (never a cookie, never storage: a reload signs
// the agent out), renewed before they expire (refreshDelay).
//
// The popup opens GET /api/v1/auth/proconnect/start?purpose=agent&origin=<this
// page's origin>; ProConnect sends it back to the API's /agent/callback page,
// which posts {type: "aiguillage-agent", code} (or {type, error}) to this page
// with targetOrigin = that origin, then closes. The code is exchanged with
// POST /api/v1/auth/proconnect/exchange for the usual session (access token ≤
// 15 min, rotating refresh token): POST /api/v1/auth/refresh renews it, POST
// /api/v1/auth/logout ends it. Every call goes to the API's origin, without
// credentials (the tokens are the credentials).

export const MESSAGE_TYPE = 'aiguillage-agent';

/** TokenResponse of the API (POST /api/v1/auth/login, /proconnect/exchange, /refresh). */
export interface Tokens {
  access_token: string;
  token_type?: string;
  /** Seconds. */
  expires_in: number;
  refresh_token: string;
  refresh_expires_in?: number;
}

export type LoginResult = { code: string } | { error: string };

/**
 * loginResult reads a message posted to the page: the sign-in popup's result, or null when it is not one — sent
 * from another origin than the API's, by another window than the popup (when known), or of another type. An
 * error code that is not a plain word becomes server_error.
 */
export function loginResult(e: { origin: string; data: unknown; source?: unknown }, apiOrigin: string, popup?: unknown): LoginResult | null {
  if (e.origin !== apiOrigin || (popup && e.source !== popup)) return null;
  const d = e.data as { type?: unknown; code?: unknown; error?: unknown } | null;
  if (!d || typeof d !== 'object' || d.type !== MESSAGE_TYPE) return null;
  if (typeof d.code === 'string' && /^[\w-]{1,200}$/.test(d.code)) return { code: d.code };
  return { error: typeof d.error === 'string' && /^[a-z_]{1,40}$/.test(d.error) ? d.error : 'server_error' };
}

/**
 * refreshDelay: how long after receiving tokens valid for expiresIn seconds they are renewed, in ms: at four fifths
 * of their life, and a minute before they expire at the latest; never sooner than 5 s.
 */
export function refreshDelay(expiresIn: number): number {
  const life = Math.max(0, expiresIn || 0) * 1000;
  return Math.max(5000, Math.min(life - 60_000, life * 0.8));
}

/** The French message of each way a sign-in ends (the popup's #error=…, the exchange's refusal). */
const MESSAGES: Record<string, string> = {
  unknown_account: 'Aucun compte Aiguillage n’est associé à votre adresse. Demandez à l’administrateur de votre organisation de vous inviter.',
  email_unverified: 'ProConnect n’a pas vérifié votre adresse électronique : la connexion est refusée.',
  no_email: 'ProConnect n’a pas transmis d’adresse électronique : la connexion est refusée.',
  access_denied: 'Connexion annulée ou refusée par ProConnect.',
  invalid_state: 'La connexion a expiré ou a été interrompue. Recommencez.',
  forbidden: 'Ce compte ne peut pas se connecter.',
  unavailable: 'ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes.',
  popup_blocked: 'La fenêtre de connexion n’a pas pu s’ouvrir : autorisez les fenêtres pop-up pour ce site, puis recommencez.',
  expired: 'Votre session d’agent a expiré : reconnectez-vous.',
  code_refused: 'Le code de connexion a expiré ou a déjà servi. Reconnectez-vous.',
};

/** signInMessage: the French message for a sign-in's error code. */
export const signInMessage = (code: string): string => MESSAGES[code] || 'La connexion n’a pas abouti. Réessayez.';

export interface SessionDeps {
  fetch: typeof fetch;
  setTimeout: (f: () => void, ms: number) => unknown;
  clearTimeout: (t: unknown) => void;
  now: () => number;
}

const browser: SessionDeps = {
  now: () => Date.now(),
  fetch: (u, i) => fetch(u, i),
  setTimeout: (f, ms) => setTimeout(f, ms),
  clearTimeout: (t) => clearTimeout(t as number),
};

/**
 * AgentSession holds one agent's tokens for one widget, in memory. changed(error?) is called when the agent is
 * signed in or out (by the agent, or because a refresh failed: error "expired"); a refresh that succeeds calls
 * renewed() instead, with the new access token (the view on screen needs no new request).
 */
export class AgentSession {
  private tokens?: Tokens;
  private timer?: unknown;
  /** When the tokens are due for renewal (ms since the epoch). */
  private due = 0;

  constructor(
    public base: string,
    private changed: (error?: string) => void,
    private renewed: (token: string) => void,
    private deps: SessionDeps = browser,
  ) {
    this.base = base.replace(/\/+$/, '');
  }

  /** The access token, while signed in. */
  get token(): string | undefined {
    return this.tokens?.access_token;
  }

  /** startURL: the popup's address, for a page of this origin. */
  startURL(origin: string): string {
    return `${this.base}/api/v1/auth/proconnect/start?purpose=agent&origin=${encodeURIComponent(origin)}`;
  }

  /** providers tells whether the server offers sign-in with ProConnect (false when it cannot be asked). */
  async providers(): Promise<boolean> {
    try {
      const r = await this.deps.fetch(this.base + '/api/v1/auth/providers', { credentials: 'omit', mode: 'cors' });
      return r.ok && (await r.json())?.proconnect === true;
    } catch {
      return false;
    }
  }

  /** exchange trades the popup's single-use code for a session; an error code (for signInMessage) when refused. */
  async exchange(code: string): Promise<string | undefined> {
    const t = await this.post('/api/v1/auth/proconnect/exchange', { code });
    if (!t) return 'code_refused';
    this.use(t);
    this.changed();
    return undefined;
  }

  /** use keeps tokens (a sign-in, a refresh) and plans their renewal. */
  use(t: Tokens): void {
    if (!t || typeof t.access_token !== 'string' || !t.access_token || typeof t.refresh_token !== 'string') throw new Error('agent session: not a token response');
    this.tokens = t;
    this.deps.clearTimeout(this.timer);
    const wait = refreshDelay(t.expires_in);
    this.due = this.deps.now() + wait;
    this.timer = this.deps.setTimeout(() => void this.refresh(), wait);
  }

  /**
   * wake renews the tokens at once when their renewal is overdue: browsers slow down or stop the timers of a
   * hidden page (the agent's tab in the background during a call), so the page calls it when shown again.
   */
  wake(): Promise<boolean> {
    return this.tokens && this.deps.now() >= this.due ? this.refresh() : Promise.resolve(false);
  }

  /** refresh renews the tokens (the refresh token is single use); when refused, the agent is signed out. */
  async refresh(): Promise<boolean> {
    const old = this.tokens;
    if (!old) return false;
    const t = await this.post('/api/v1/auth/refresh', { refresh_token: old.refresh_token });
    if (this.tokens !== old) return false; // signed out meanwhile
    if (!t) {
      this.end();
      this.changed('expired');
      return false;
    }
    this.use(t);
    this.renewed(t.access_token);
    return true;
  }

  /** signOut forgets the tokens at once and revokes the session on the server (best effort). */
  async signOut(): Promise<void> {
    const t = this.tokens;
    this.end();
    this.changed();
    if (t) await this.post('/api/v1/auth/logout', { refresh_token: t.refresh_token }, true);
  }

  private end(): void {
    this.tokens = undefined;
    this.deps.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** post sends JSON to the API; the answer's tokens, or undefined when it fails. */
  private async post(path: string, body: unknown, empty = false): Promise<Tokens | undefined> {
    try {
      const r = await this.deps.fetch(this.base + path, {
        method: 'POST', credentials: 'omit', mode: 'cors', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      if (!r.ok || empty) return undefined;
      const t = (await r.json()) as Tokens;
      return typeof t?.access_token === 'string' && typeof t.refresh_token === 'string' ? t : undefined;
    } catch {
      return undefined;
    }
  }
}
