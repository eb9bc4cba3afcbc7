// Unit tests with a fake fetch: what goes out (URL, query, headers) and how
// answers come back (data, or an AiguillageError built from problem+json).

import { describe, expect, it } from 'vitest';
import { AiguillageError, createAiguillageClient, type SearchResponse } from '../src/index.js';

/** A fetch that records its requests and answers with `reply`. */
function fakeFetch(reply: (req: Request) => Response = () => json({})) {
  const requests: Request[] = [];
  const fetch = async (req: Request) => {
    requests.push(req);
    return reply(req);
  };
  return { fetch, requests };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type, ...headers } });
}

const problem = {
  type: 'urn:aiguillage:problem:invalid',
  title: 'Requête invalide',
  status: 400,
  detail: 'Commune inconnue.',
  instance: '/api/v1/public/search',
  request_id: 'req-1',
  errors: [{ field: 'commune', detail: 'aucune commune ne porte le code INSEE 99999' }],
};

describe('requests', () => {
  it('search: path, encoded query, no undefined parameters, JSON body returned as is', async () => {
    const answer: SearchResponse = { query: "j'ai perdu ma carte vitale", emergency: false, results: [] };
    const f = fakeFetch(() => json(answer));
    const client = createAiguillageClient({ baseUrl: 'https://aiguillage.example.fr/', fetch: f.fetch });
    const got = await client.search("j'ai perdu ma carte vitale & 100% €", { commune: '83137', partner: undefined, limit: 3 });
    expect(got).toEqual(answer);
    expect(f.requests).toHaveLength(1);
    const req = f.requests[0]!;
    expect(req.method).toBe('GET');
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe('https://aiguillage.example.fr/api/v1/public/search');
    expect(url.search).toBe('?q=j%27ai%20perdu%20ma%20carte%20vitale%20%26%20100%25%20%E2%82%AC&commune=83137&limit=3');
    expect(url.searchParams.get('q')).toBe("j'ai perdu ma carte vitale & 100% €");
    expect(url.searchParams.has('partner')).toBe(false);
  });

  it('sends X-API-Key only when an API key is given, and no Content-Type on GET (a CORS simple request)', async () => {
    const withKey = fakeFetch();
    await createAiguillageClient({ baseUrl: 'http://x', apiKey: 'cle-portail-123', fetch: withKey.fetch }).emergency({ commune: '83137' });
    expect(withKey.requests[0]!.headers.get('X-API-Key')).toBe('cle-portail-123');
    expect(withKey.requests[0]!.headers.get('Content-Type')).toBeNull();

    const without = fakeFetch();
    await createAiguillageClient({ baseUrl: 'http://x', fetch: without.fetch }).emergency();
    const headers = [...without.requests[0]!.headers.keys()];
    expect(headers).not.toContain('x-api-key');
    expect(headers).not.toContain('content-type');
    expect(new URL(without.requests[0]!.url).search).toBe('');
  });

  it('encodes path parameters and builds every convenience path', async () => {
    const f = fakeFetch();
    const c = createAiguillageClient({ baseUrl: 'http://x/base', fetch: f.fetch });
    await c.contactPoint('a b/c?d');
    await c.organisation('var');
    await c.journey('var', 'logement');
    await c.outcome('0b7f3c55-4f6a-4b8e-9d5e-3c0c9f1e2a11', { commune: '83137' });
    await c.communes('saint-é', { limit: 5 });
    await c.contactPoints({ pivot: 'caf', commune: '83137' });
    expect(f.requests.map((r) => r.url.replace('http://x/base', ''))).toEqual([
      '/api/v1/public/contact-points/a%20b%2Fc%3Fd',
      '/api/v1/public/organisations/var',
      '/api/v1/public/organisations/var/journeys/logement',
      '/api/v1/public/outcomes/0b7f3c55-4f6a-4b8e-9d5e-3c0c9f1e2a11?commune=83137',
      '/api/v1/public/communes?q=saint-%C3%A9&limit=5',
      '/api/v1/public/contact-points?pivot=caf&commune=83137',
    ]);
  });

  it('passes the abort signal on', async () => {
    const f = fakeFetch((req) => {
      if (req.signal.aborted) throw new DOMException('aborted', 'AbortError');
      return json({});
    });
    const ctl = new AbortController();
    ctl.abort();
    await expect(createAiguillageClient({ baseUrl: 'http://x', fetch: f.fetch }).communes('toul', { signal: ctl.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('uses the global fetch when none is given, looked up at call time', async () => {
    const f = fakeFetch(() => json({ communes: [{ code: '83137', name: 'Toulon' }] }));
    const original = globalThis.fetch;
    const client = createAiguillageClient({ baseUrl: 'http://x' });
    globalThis.fetch = ((input: Request) => f.fetch(input)) as typeof globalThis.fetch;
    try {
      expect((await client.communes('toul')).communes?.[0]?.code).toBe('83137');
    } finally {
      globalThis.fetch = original;
    }
  });

  it('requires a base URL', () => {
    expect(() => createAiguillageClient({ baseUrl: '' })).toThrow(TypeError);
  });
});

describe('errors', () => {
  it('maps a problem+json answer to an AiguillageError', async () => {
    const f = fakeFetch(() => json(problem, 400));
    const err = await createAiguillageClient({ baseUrl: 'http://x', fetch: f.fetch })
      .search('carte vitale', { commune: '99999' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AiguillageError);
    expect(err).toBeInstanceOf(Error);
    const e = err as AiguillageError;
    expect(e.name).toBe('AiguillageError');
    expect(e.status).toBe(400);
    expect(e.type).toBe('urn:aiguillage:problem:invalid');
    expect(e.title).toBe('Requête invalide');
    expect(e.detail).toBe('Commune inconnue.');
    expect(e.errors).toEqual(problem.errors);
    expect(e.problem).toEqual(problem);
    expect(e.message).toBe('Requête invalide : Commune inconnue.');
    expect(e.retryAfter).toBeUndefined();
  });

  it('reads Retry-After on 429', async () => {
    const tooMany = { type: 'urn:aiguillage:problem:rate-limited', title: 'Trop de requêtes', status: 429 };
    const f = fakeFetch(() => json(tooMany, 429, { 'Retry-After': '7' }));
    const e = (await createAiguillageClient({ baseUrl: 'http://x', fetch: f.fetch }).organisation('var').catch((x: unknown) => x)) as AiguillageError;
    expect(e.status).toBe(429);
    expect(e.retryAfter).toBe(7);
    expect(e.errors).toEqual([]);
    expect(e.detail).toBeUndefined();
    expect(e.message).toBe('Trop de requêtes');
  });

  it('builds a minimal problem when the answer is not one (a proxy error page)', async () => {
    const f = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/html' } }));
    const e = (await createAiguillageClient({ baseUrl: 'http://x', fetch: f.fetch }).contactPoint('x').catch((x: unknown) => x)) as AiguillageError;
    expect(e).toBeInstanceOf(AiguillageError);
    expect(e.status).toBe(502);
    expect(e.type).toBe('about:blank');
    expect(e.title).toBe('Bad Gateway');
    expect(e.problem).toEqual({ type: 'about:blank', title: 'Bad Gateway', status: 502 });
  });

  it('falls back to a generic title when there is none', async () => {
    const f = fakeFetch(() => new Response('', { status: 500 }));
    const e = (await createAiguillageClient({ baseUrl: 'http://x', fetch: f.fetch }).emergency().catch((x: unknown) => x)) as AiguillageError;
    expect(e.status).toBe(500);
    expect(e.title).toBe('Erreur HTTP 500');
  });

  it('lets network failures through unchanged', async () => {
    const boom = new TypeError('fetch failed');
    const client = createAiguillageClient({
      baseUrl: 'http://x',
      fetch: async () => {
        throw boom;
      },
    });
    await expect(client.search('loyer')).rejects.toBe(boom);
  });
});

describe('raw client', () => {
  it('covers the other public paths, typed, without throwing', async () => {
    const f = fakeFetch(() => json(problem, 400));
    const client = createAiguillageClient({ baseUrl: 'http://x', fetch: f.fetch });
    const { data, error, response } = await client.raw.GET('/api/v1/public/pivots');
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(error).toEqual(problem);
    // Type-level checks: the admin API is not part of the public client.
    const typeOnly = () => {
      // @ts-expect-error not a public path
      void client.raw.GET('/api/v1/admin/organisations/{org}', { params: { path: { org: 'var' } } });
      // @ts-expect-error q is required by the spec
      void client.raw.GET('/api/v1/public/search', { params: { query: {} } });
    };
    expect(typeof typeOnly).toBe('function');
  });
});
