import { vi } from 'vitest';
import { createApi } from '../src/api/client';

export type Handler = (req: Request, url: URL) => Response | Promise<Response> | undefined;

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers } });

/** An API client over a fake fetch: handlers are tried in order. */
export function fakeApi(...handlers: Handler[]) {
  const calls: { method: string; path: string; auth: string | null; body?: string; ifMatch: string | null }[] = [];
  const fetchImpl = vi.fn(async (req: Request) => {
    const url = new URL(req.url);
    const body = req.method === 'GET' ? undefined : await req.clone().text();
    calls.push({ method: req.method, path: url.pathname, auth: req.headers.get('Authorization'), body, ifMatch: req.headers.get('If-Match') });
    for (const h of handlers) {
      const r = await h(req, url);
      if (r) return r;
    }
    return json(404, { title: 'Introuvable', status: 404 });
  });
  return { api: createApi('http://api.test', fetchImpl), calls, fetchImpl };
}
