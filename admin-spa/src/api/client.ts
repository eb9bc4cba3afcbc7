import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { session } from './session';
import { apiBaseUrl } from '../env';

export type Fetch = (input: Request) => Promise<Response>;

const AUTH_PATHS = ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout', '/api/v1/auth/invitations/accept'];

/**
 * Creates the typed API client: every request carries the access token; a 401
 * triggers one refresh (shared by concurrent requests: the refresh token is
 * single-use) and the request is replayed once. A failed refresh ends the
 * session (session.clear(), which the app turns into the sign-in page).
 */
export function createApi(baseUrl: string = apiBaseUrl, fetchImpl: Fetch = (r) => globalThis.fetch(r)) {
  // Auth calls go through a client without the middleware (no loop).
  const authClient = createClient<paths>({ baseUrl, fetch: fetchImpl });
  let refreshing: Promise<boolean> | null = null;

  /** Rotates the refresh token; true when a new access token was obtained. */
  function refresh(): Promise<boolean> {
    if (refreshing) return refreshing;
    const token = session.refreshToken;
    if (!token) return Promise.resolve(false);
    refreshing = (async () => {
      try {
        const { data, response } = await authClient.POST('/api/v1/auth/refresh', { body: { refresh_token: token } });
        if (response.ok && data?.access_token) {
          session.set(data);
          return true;
        }
        // 400/401: used, revoked or expired. Anything else (5xx) keeps the
        // refresh token for a later try but cannot authenticate this request.
        if (response.status === 400 || response.status === 401) session.clear();
        return false;
      } catch {
        return false; // network down: keep the session, fail this request
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  const originals = new WeakMap<Request, Request>();

  const auth: Middleware = {
    onRequest({ request }) {
      if (AUTH_PATHS.some((p) => request.url.endsWith(p))) return request;
      originals.set(request, request.clone());
      if (session.accessToken) request.headers.set('Authorization', `Bearer ${session.accessToken}`);
      return request;
    },
    async onResponse({ request, response }) {
      if (response.status !== 401) return response;
      const original = originals.get(request);
      if (!original) return response;
      originals.delete(request);
      if (!(await refresh())) {
        if (!session.refreshToken) session.clear();
        return response;
      }
      const retry = original.clone();
      retry.headers.set('Authorization', `Bearer ${session.accessToken}`);
      const second = await fetchImpl(retry);
      if (second.status === 401) session.clear(); // a fresh token refused: the account lost access
      return second;
    },
  };

  const client = createClient<paths>({ baseUrl, fetch: fetchImpl });
  client.use(auth);

  /** Restores a session after a reload (refresh token in sessionStorage). */
  async function restore(): Promise<boolean> {
    if (session.accessToken) return true;
    return refresh();
  }

  /** GET with the bearer token for non-JSON downloads (CSV export). */
  async function download(path: string): Promise<Blob> {
    const go = () =>
      fetchImpl(new Request(baseUrl + path, { headers: session.accessToken ? { Authorization: `Bearer ${session.accessToken}` } : {} }));
    let r = await go();
    if (r.status === 401 && (await refresh())) r = await go();
    if (!r.ok) throw new Error(`Export impossible (erreur ${r.status}).`);
    return r.blob();
  }

  return { client, authClient, refresh, restore, download, baseUrl };
}

export type Api = ReturnType<typeof createApi>;

export const api = createApi();
