import { describe, expect, it, vi } from 'vitest';
import { AgentSession, loginResult, refreshDelay, signInMessage, type SessionDeps, type Tokens } from '../src/agentsession';

const API = 'https://aiguillage.exemple.fr';

describe('loginResult', () => {
  const popup = {};
  const msg = (origin: string, data: unknown, source: unknown = popup) => loginResult({ origin, data, source }, API, popup);
  it('takes the code or the error posted by the popup, from the API origin', () => {
    expect(msg(API, { type: 'aiguillage-agent', code: 'abc_DEF-123' })).toEqual({ code: 'abc_DEF-123' });
    expect(msg(API, { type: 'aiguillage-agent', error: 'unknown_account' })).toEqual({ error: 'unknown_account' });
  });
  it.each([
    ['another origin', 'https://evil.example', { type: 'aiguillage-agent', code: 'abc' }, popup],
    ['the page itself', 'https://www.partenaire.fr', { type: 'aiguillage-agent', code: 'abc' }, popup],
    ['another window', API, { type: 'aiguillage-agent', code: 'abc' }, {}],
    ['another type', API, { type: 'other', code: 'abc' }, popup],
    ['no object', API, 'aiguillage-agent', popup],
    ['null', API, null, popup],
  ])('ignores a message from %s', (_, origin, data, source) => {
    expect(msg(origin as string, data, source)).toBeNull();
  });
  it('turns a strange code or error into server_error', () => {
    expect(msg(API, { type: 'aiguillage-agent', code: '<script>' })).toEqual({ error: 'server_error' });
    expect(msg(API, { type: 'aiguillage-agent', error: 'Not A Code!' })).toEqual({ error: 'server_error' });
    expect(msg(API, { type: 'aiguillage-agent' })).toEqual({ error: 'server_error' });
  });
  it('accepts any sender when the popup is not known', () => {
    expect(loginResult({ origin: API, data: { type: 'aiguillage-agent', code: 'abc' }, source: {} }, API, undefined)).toEqual({ code: 'abc' });
  });
});

describe('refreshDelay', () => {
  it.each([
    [900, 720_000], // 15 min: at four fifths, 12 min
    [600, 480_000],
    [120, 60_000], // 2 min: a minute before is sooner than four fifths
    [10, 5000],
    [0, 5000],
    [NaN, 5000],
  ])('tokens valid %s s are renewed after %s ms', (s, ms) => expect(refreshDelay(s)).toBe(ms));
});

describe('signInMessage', () => {
  it('says each error in French, and a generic message for the others', () => {
    expect(signInMessage('unknown_account')).toMatch(/Aucun compte Aiguillage.*inviter/);
    expect(signInMessage('unavailable')).toMatch(/ProConnect ne répond pas/);
    expect(signInMessage('whatever')).toBe('La connexion n’a pas abouti. Réessayez.');
  });
});

const tokens = (n: number, expires = 900): Tokens => ({ access_token: 'access-' + n, token_type: 'Bearer', expires_in: expires, refresh_token: 'refresh-' + n, refresh_expires_in: 86400 });

function harness(answers: ((url: string, body: unknown) => { status: number; json?: unknown })[]) {
  const calls: { url: string; body: unknown; init: RequestInit }[] = [];
  const timers: { f: () => void; ms: number; cleared: boolean }[] = [];
  const clock = { t: 1_000_000 };
  const deps: SessionDeps = {
    now: () => clock.t,
    fetch: (async (url: string, init: RequestInit) => {
      const body = init.body ? JSON.parse(init.body as string) : undefined;
      calls.push({ url, body, init });
      const a = answers.shift()!(url, body);
      return new Response(a.json === undefined ? null : JSON.stringify(a.json), { status: a.status });
    }) as typeof fetch,
    setTimeout: (f, ms) => {
      const t = { f, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimeout: (t) => t && ((t as { cleared: boolean }).cleared = true),
  };
  const changed = vi.fn();
  const renewed = vi.fn();
  const s = new AgentSession(API + '/', changed, renewed, deps);
  const live = () => timers.filter((t) => !t.cleared);
  return { s, calls, timers, live, changed, renewed, clock };
}

describe('AgentSession', () => {
  it('exchanges the code, plans the refresh, renews with the rotating refresh token, signs out', async () => {
    const t = harness([
      () => ({ status: 200, json: tokens(1, 600) }),
      () => ({ status: 200, json: tokens(2) }),
      () => ({ status: 204 }),
    ]);
    expect(t.s.startURL('https://www.partenaire.fr')).toBe(API + '/api/v1/auth/proconnect/start?purpose=agent&origin=https%3A%2F%2Fwww.partenaire.fr');
    expect(await t.s.exchange('code-1')).toBeUndefined();
    expect(t.calls[0]).toMatchObject({ url: API + '/api/v1/auth/proconnect/exchange', body: { code: 'code-1' }, init: { method: 'POST', credentials: 'omit' } });
    expect(t.s.token).toBe('access-1');
    expect(t.changed).toHaveBeenCalledTimes(1);
    expect(t.live().map((x) => x.ms)).toEqual([480_000]);

    t.live()[0].f(); // the timer fires
    await vi.waitFor(() => expect(t.renewed).toHaveBeenCalledWith('access-2'));
    expect(t.calls[1]).toMatchObject({ url: API + '/api/v1/auth/refresh', body: { refresh_token: 'refresh-1' } });
    expect(t.s.token).toBe('access-2');
    expect(t.live().map((x) => x.ms)).toEqual([720_000]); // one timer: the first one was replaced
    expect(t.changed).toHaveBeenCalledTimes(1); // a refresh does not re-render

    await t.s.signOut();
    expect(t.s.token).toBeUndefined();
    expect(t.calls[2]).toMatchObject({ url: API + '/api/v1/auth/logout', body: { refresh_token: 'refresh-2' } });
    expect(t.live()).toEqual([]);
    expect(t.changed).toHaveBeenCalledTimes(2);
  });

  it('renews overdue tokens at once when the page is shown again (timers sleep in a hidden tab)', async () => {
    const t = harness([() => ({ status: 200, json: tokens(1, 900) }), () => ({ status: 200, json: tokens(2) })]);
    await t.s.exchange('c');
    t.clock.t += 719_000; // not due yet
    expect(await t.s.wake()).toBe(false);
    expect(t.calls).toHaveLength(1);
    t.clock.t += 1000; // due: the timer did not fire in the background
    expect(await t.s.wake()).toBe(true);
    expect(t.s.token).toBe('access-2');
    expect(t.calls[1].url).toBe(API + '/api/v1/auth/refresh');
  });

  it('signs the agent out, with a message, when the refresh is refused', async () => {
    const t = harness([() => ({ status: 200, json: tokens(1) }), () => ({ status: 401, json: { title: 'Session expirée' } })]);
    await t.s.exchange('c');
    expect(await t.s.refresh()).toBe(false);
    expect(t.s.token).toBeUndefined();
    expect(t.changed).toHaveBeenLastCalledWith('expired');
    expect(t.live()).toEqual([]);
  });

  it('refuses a used or expired code, and keeps nothing', async () => {
    const t = harness([() => ({ status: 401, json: { title: 'Code inconnu' } })]);
    expect(await t.s.exchange('old')).toBe('code_refused');
    expect(t.s.token).toBeUndefined();
    expect(t.changed).not.toHaveBeenCalled();
    expect(t.timers).toEqual([]);
  });

  it('asks the server whether it offers ProConnect', async () => {
    const on = harness([() => ({ status: 200, json: { password: true, proconnect: true } })]);
    expect(await on.s.providers()).toBe(true);
    expect(on.calls[0].url).toBe(API + '/api/v1/auth/providers');
    const off = harness([() => ({ status: 200, json: { password: true, proconnect: false } })]);
    expect(await off.s.providers()).toBe(false);
    const down = harness([() => ({ status: 503 })]);
    expect(await down.s.providers()).toBe(false);
  });

});
