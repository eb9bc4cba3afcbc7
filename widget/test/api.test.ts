import { afterEach, describe, expect, it, vi } from 'vitest';
import { Api, ApiError } from '../src/api';

afterEach(() => vi.unstubAllGlobals());

describe('Api', () => {
  it('gives up after its timeout instead of spinning forever', async () => {
    vi.stubGlobal('fetch', (_url: string, init: RequestInit) => new Promise((_, reject) => {
      init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    }));
    const err = await new Api('https://api.example', 'fr', 30).get('/communes', { q: 'to' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: 'timeout', status: 0 });
  });
  it('reads problem+json errors, sends no credentials, and caches successes only', async () => {
    const calls: [string, RequestInit][] = [];
    let n = 0;
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      n++;
      if (n === 1) return new Response(JSON.stringify({ title: 'Ressource introuvable', detail: 'Aucune issue.' }), { status: 404, headers: { 'Content-Type': 'application/problem+json' } });
      return new Response(JSON.stringify({ ok: n }), { status: 200 });
    });
    const api = new Api('https://api.example/');
    const err = await api.get('/outcomes/x').catch((e) => e);
    expect(err).toMatchObject({ kind: 'http', status: 404, detail: 'Aucune issue.' });
    expect(await api.get('/outcomes/x')).toEqual({ ok: 2 });
    expect(await api.get('/outcomes/x')).toEqual({ ok: 2 }); // cached
    expect(calls.length).toBe(2);
    expect(calls[0][0]).toBe('https://api.example/api/v1/public/outcomes/x?lang=fr');
    expect(calls[0][1].credentials).toBe('omit');
    api.clear();
    expect(await api.get('/outcomes/x')).toEqual({ ok: 3 });
  });
  it('builds query strings without empty parameters', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return new Response('{}', { status: 200 });
    });
    await new Api('https://api.example').get('/search', { q: 'mon loyer & co', commune: undefined, partner: 'var', entry: '' });
    expect(urls[0]).toBe('https://api.example/api/v1/public/search?q=mon+loyer+%26+co&partner=var&lang=fr');
  });
  it('asks every text in its language, and keeps each language apart in its cache', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ n: urls.length }), { status: 200 });
    });
    const api = new Api('https://api.example', 'fr-x-falc');
    await api.get('/organisations/var/journeys/logement');
    await api.get('/emergency', { commune: '83137' });
    expect(await api.get('/organisations/var/journeys/logement')).toEqual({ n: 1 }); // cached
    api.lang = 'ar';
    expect(await api.get('/organisations/var/journeys/logement')).toEqual({ n: 3 });
    expect(urls).toEqual([
      'https://api.example/api/v1/public/organisations/var/journeys/logement?lang=fr-x-falc',
      'https://api.example/api/v1/public/emergency?commune=83137&lang=fr-x-falc',
      'https://api.example/api/v1/public/organisations/var/journeys/logement?lang=ar',
    ]);
  });
  it('keeps the fields at fault of a problem+json answer', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({
      title: 'Requête invalide', status: 400, detail: 'Avis invalide.', errors: [{ field: 'comment', detail: 'ne doit pas dépasser 1000 caractères' }],
    }), { status: 400, headers: { 'Content-Type': 'application/problem+json' } }));
    const err = await new Api('https://api.example').post('/feedback', { useful: false }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'http', status: 400, detail: 'Avis invalide.', errors: [{ field: 'comment', detail: 'ne doit pas dépasser 1000 caractères' }] });
    vi.stubGlobal('fetch', async () => new Response('<html>Bad gateway</html>', { status: 502 }));
    expect(await new Api('https://api.example').get('/x').catch((e) => e)).toMatchObject({ status: 502, detail: undefined, errors: undefined });
  });
  it('a network failure is a network error', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await new Api('https://api.example').post('/feedback', {}).catch((e) => e)).toMatchObject({ kind: 'network' });
  });
});
