// The référent's session.
//
// - The access token (JWT, ~10 min) lives in this module's memory only: no
//   script-readable storage holds it, so an XSS cannot lift a long-lived
//   credential from storage, and it dies with the tab.
// - The refresh token (opaque, single-use, rotated on every refresh) is kept
//   in sessionStorage so that reloading the page does not sign the référent
//   out. sessionStorage is per tab and cleared when the tab closes (unlike
//   localStorage), and the API revokes the whole session when a used refresh
//   token is presented again, so a stolen copy is detected at its first use.
//   An httpOnly cookie would be stronger, but the API takes the token in the
//   body (it is cross-origin capable by design); see the report.

const REFRESH_KEY = 'aiguillage.admin.refresh';

type Listener = () => void;

let accessToken: string | null = null;
const listeners = new Set<Listener>();

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the session lasts as long as the page
  }
}

let memoryRefresh: string | null = null;

export const session = {
  get accessToken(): string | null {
    return accessToken;
  },
  get refreshToken(): string | null {
    return storage()?.getItem(REFRESH_KEY) ?? memoryRefresh;
  },
  set(tokens: { access_token?: string; refresh_token?: string }) {
    accessToken = tokens.access_token ?? null;
    memoryRefresh = tokens.refresh_token ?? null;
    const s = storage();
    if (tokens.refresh_token) s?.setItem(REFRESH_KEY, tokens.refresh_token);
    else s?.removeItem(REFRESH_KEY);
    listeners.forEach((l) => l());
  },
  clear() {
    accessToken = null;
    memoryRefresh = null;
    storage()?.removeItem(REFRESH_KEY);
    listeners.forEach((l) => l());
  },
  get signedIn(): boolean {
    return accessToken !== null || this.refreshToken !== null;
  },
  subscribe(l: Listener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};
