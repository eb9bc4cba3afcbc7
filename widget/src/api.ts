// The only network code: GET and POST to the `api` base URL, nowhere else.
// Each request gives up after TIMEOUT_MS, so the resident sees a message with
// the national fallback instead of a spinner forever.

export const TIMEOUT_MS = 8000;

export class ApiError extends Error {
  constructor(
    public status: number, // 0: network error or timeout
    public kind: 'network' | 'timeout' | 'http',
    public path: string,
    public detail?: string,
    /** The fields at fault of a problem+json answer (validation errors). */
    public errors?: { field?: string; detail?: string }[],
  ) {
    super(`${kind} ${status} ${path}`);
  }
}

export class Api {
  private cache = new Map<string, Promise<unknown>>();

  /**
   * Agent mode (agent chunk): the headers of every GET, the signed-in agent's `Authorization: Bearer …`, sent with
   * `mode=agent`; the server then adds the contact points and channels reserved to agents, answered privately.
   * Set by another bundle: keep its name out of PRIVATE in scripts/build.mjs (as get and clear).
   */
  auth?: Record<string, string>;

  /** lang: the language of the texts asked, sent as the `lang` parameter of every GET (the server's default is fr). */
  constructor(public base: string, public lang = 'fr', private timeoutMs = TIMEOUT_MS) {
    this.base = base.replace(/\/+$/, '');
  }

  /** get fetches JSON, in the client's language; successful answers are kept for the life of the page (cleared by clear()). */
  get<T>(path: string, params?: Record<string, string | number | undefined | null>, cache = true): Promise<T> {
    const q = new URLSearchParams();
    if (params) for (const k in params) if (params[k] !== undefined && params[k] !== null && params[k] !== '') q.set(k, String(params[k]));
    q.set('lang', this.lang);
    if (this.auth) q.set('mode', 'agent');
    const url = this.base + '/api/v1/public' + path + '?' + q;
    const hit = cache ? this.cache.get(url) : undefined;
    if (hit) return hit as Promise<T>;
    const p = this.request<T>(url, path, { method: 'GET', headers: this.auth });
    if (cache) {
      this.cache.set(url, p);
      p.catch(() => this.cache.delete(url));
    }
    return p;
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.request(this.base + '/api/v1/public' + path, path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  clear(): void {
    this.cache.clear();
  }

  private async request<T>(url: string, path: string, init: RequestInit): Promise<T> {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.timeoutMs);
    const fail = (kind: 'network' | 'timeout' | 'http', status = 0, pb?: { detail?: unknown; errors?: unknown }) =>
      new ApiError(status, ctl.signal.aborted ? 'timeout' : kind, path, typeof pb?.detail === 'string' ? pb.detail : undefined,
        Array.isArray(pb?.errors) ? pb!.errors : undefined);
    try {
      let res: Response;
      try {
        // No cookies, no credentials: the widget identifies nobody.
        res = await fetch(url, { ...init, signal: ctl.signal, credentials: 'omit', mode: 'cors' });
      } catch {
        throw fail('network');
      }
      if (!res.ok) throw fail('http', res.status, await res.json().catch(() => undefined)); // problem+json, or not
      if (res.status === 202 || res.status === 204) return undefined as T;
      try {
        return (await res.json()) as T;
      } catch {
        throw fail('http', res.status);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
