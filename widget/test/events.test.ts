import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_BATCH, Usage } from '../src/events';
import { post } from '../src/send';

const URL = 'https://api.example/api/v1/public/events';

type Beacon = { url: string; body: any };
let beacons: Beacon[];
let accept: boolean;

function stubNavigator(extra: Record<string, unknown> = {}) {
  vi.stubGlobal('navigator', {
    sendBeacon: (url: string, body: string) => {
      expect(typeof body).toBe('string'); // a string: sent as text/plain, no preflight
      beacons.push({ url, body: JSON.parse(body) });
      return accept;
    },
    ...extra,
  });
}

beforeEach(() => {
  beacons = [];
  accept = true;
  stubNavigator();
  Usage.post = post; // the answers chunk is loaded
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  Usage.post = undefined;
});

describe('session id', () => {
  it('is 20 characters of [A-Za-z0-9_-] from crypto.getRandomValues, new at each start', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const a = new Usage(URL, 'var', undefined, true).head.session, b = new Usage(URL, 'var', undefined, true).head.session;
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
    expect(a).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(b).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(a).not.toBe(b);
  });
});

describe('usage events', () => {
  it('queue in memory and go in one batch of 50 once 50 wait, with the partner, entry and session', () => {
    const u = new Usage(URL, 'var', 'logement', true);
    for (let i = 0; i < MAX_BATCH - 1; i++) u.add('step', { journey: 'logement-loyer', step: 's' + i });
    expect(beacons).toHaveLength(0);
    expect(u.q).toHaveLength(49);
    u.add('search', { query: 'mon loyer', results: 3 });
    expect(beacons).toHaveLength(1);
    expect(u.q).toHaveLength(0);
    const { url, body } = beacons[0];
    expect(url).toBe(URL);
    expect(Object.keys(body).sort()).toEqual(['entry', 'events', 'partner', 'session']);
    expect(body).toMatchObject({ partner: 'var', entry: 'logement' });
    expect(body.session).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(body.events).toHaveLength(50);
    expect(body.events[0]).toEqual({ type: 'step', at: expect.any(String), journey: 'logement-loyer', step: 's0' });
    expect(new Date(body.events[0].at).toISOString()).toBe(body.events[0].at);
    expect(body.events[49]).toMatchObject({ type: 'search', query: 'mon loyer', results: 3 });
  });

  it('keep one session per start; hiding the page records one exit and sends what waits', () => {
    const u = new Usage(URL, 'var', undefined, true);
    u.add('loaded');
    u.hide();
    u.hide(); // pagehide after visibilitychange: no second exit
    u.gone = false; // shown again
    u.add('emergency');
    u.hide();
    expect(beacons.map((b) => b.body.events.map((e: { type: string }) => e.type))).toEqual([['loaded', 'exit'], ['emergency', 'exit']]);
    expect('entry' in beacons[0].body).toBe(false); // no entry point: left out
    expect(beacons[0].body.session).toBe(beacons[1].body.session);
  });

  it('go in batches of at most 50, in order, with one session', () => {
    const u = new Usage(URL, 'var', 'logement', true);
    u.q.push(...Array.from({ length: 120 }, (_, i) => ({ type: 'step', at: 'x', journey: 'j', step: 's' + i })));
    u.hide();
    expect(beacons.map((b) => b.body.events.length)).toEqual([50, 50, 21]);
    expect(beacons[2].body.events[19].step).toBe('s119');
    expect(beacons[2].body.events[20].type).toBe('exit');
    expect(new Set(beacons.map((b) => b.body.session)).size).toBe(1);
  });

  it('are not recorded when the partner has not turned them on', () => {
    const u = new Usage(URL, 'var', 'logement', false);
    u.add('loaded');
    u.hide();
    expect(u.q).toHaveLength(0);
    expect(beacons).toHaveLength(0);
  });

  it('are never recorded nor sent under Global Privacy Control', () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    stubNavigator({ globalPrivacyControl: true });
    const u = new Usage(URL, 'var', 'logement', true);
    for (let i = 0; i < 60; i++) u.add('search', { query: 'loyer', results: 1 });
    u.hide();
    expect(u.q).toHaveLength(0);
    expect(beacons).toHaveLength(0);
    expect(fetch).not.toHaveBeenCalled();
    stubNavigator({ globalPrivacyControl: false });
    new Usage(URL, 'var', 'logement', true).hide();
    expect(beacons).toHaveLength(1);
  });
});

describe('sending', () => {
  it('falls back to fetch (keepalive, text/plain, no credentials) when the beacon is refused', async () => {
    accept = false;
    const calls: [string, RequestInit][] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      return new Response('{}', { status: 202 });
    });
    const u = new Usage(URL, 'var', 'logement', true);
    u.add('loaded');
    u.flush();
    expect(beacons).toHaveLength(1);
    expect(calls).toHaveLength(1);
    const [url, init] = calls[0];
    expect(url).toBe(URL);
    expect(init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } });
    expect(JSON.parse(init.body as string)).toEqual(beacons[0].body);
  });

  it('without sendBeacon, uses fetch', () => {
    vi.stubGlobal('navigator', {});
    const fetch = vi.fn(async () => new Response('{}', { status: 202 }));
    vi.stubGlobal('fetch', fetch);
    const u = new Usage(URL, 'var', undefined, true);
    u.hide();
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('on 503, waits Retry-After and tries once more', async () => {
    vi.useFakeTimers();
    accept = false;
    const fetch = vi.fn(async () => new Response('{}', { status: 503, headers: { 'Retry-After': '3' } }));
    vi.stubGlobal('fetch', fetch);
    const u = new Usage(URL, 'var', 'logement', true);
    u.add('loaded');
    u.flush();
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2900);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect((fetch.mock.calls[1] as unknown as [string, RequestInit])[1].body).toBe((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetch).toHaveBeenCalledTimes(2); // once only
  });

  it('before the answers chunk is loaded, a refused beacon is dropped without error', () => {
    Usage.post = undefined;
    accept = false;
    const u = new Usage(URL, 'var', 'logement', true);
    u.add('loaded');
    expect(() => u.hide()).not.toThrow();
    expect(u.q).toHaveLength(0);
  });

  it('gives up quietly when the network fails', async () => {
    accept = false;
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const u = new Usage(URL, 'var', 'logement', true);
    u.add('loaded');
    expect(() => u.flush()).not.toThrow();
    await new Promise((r) => setTimeout(r, 0));
  });
});
