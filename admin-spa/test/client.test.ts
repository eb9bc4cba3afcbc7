import { beforeEach, describe, expect, it } from 'vitest';
import { session } from '../src/api/session';
import { fakeApi, json } from './fakeApi';

const me = { user_id: 'u1', email: 'a@b.fr', memberships: [] };

describe('auth middleware', () => {
  beforeEach(() => {
    session.clear();
    sessionStorage.clear();
  });

  it('sends the access token, refreshes once on 401 and replays the request', async () => {
    session.set({ access_token: 'old', refresh_token: 'r1' });
    let refreshes = 0;
    const { api, calls } = fakeApi((req, url) => {
      if (url.pathname === '/api/v1/auth/refresh') {
        refreshes++;
        return json(200, { access_token: 'new', refresh_token: 'r2' });
      }
      if (url.pathname === '/api/v1/admin/me') return req.headers.get('Authorization') === 'Bearer new' ? json(200, me) : json(401, { title: 'Non authentifié', status: 401 });
    });
    // Two requests fail at once: one refresh only (the refresh token is single-use).
    const [a, b] = await Promise.all([api.client.GET('/api/v1/admin/me'), api.client.GET('/api/v1/admin/me')]);
    expect(a.data).toEqual(me);
    expect(b.data).toEqual(me);
    expect(refreshes).toBe(1);
    expect(session.accessToken).toBe('new');
    expect(sessionStorage.getItem('aiguillage.admin.refresh')).toBe('r2');
    const refreshCall = calls.find((c) => c.path === '/api/v1/auth/refresh')!;
    expect(JSON.parse(refreshCall.body!)).toEqual({ refresh_token: 'r1' });
    expect(refreshCall.auth).toBeNull();
  });

  it('replays a PATCH with its body and If-Match after a refresh', async () => {
    session.set({ access_token: 'old', refresh_token: 'r1' });
    const { api, calls } = fakeApi((req, url) => {
      if (url.pathname === '/api/v1/auth/refresh') return json(200, { access_token: 'new', refresh_token: 'r2' });
      if (req.method === 'PATCH') return req.headers.get('Authorization') === 'Bearer new' ? json(200, { id: 'x', version: 4 }) : json(401, { status: 401 });
    });
    const r = await api.client.PATCH('/api/v1/admin/organisations/{org}/contact-points/{id}', { params: { path: { org: 'var', id: 'x' }, header: { 'If-Match': '"3"' } }, body: { name: 'N' } });
    expect(r.response.status).toBe(200);
    const patches = calls.filter((c) => c.method === 'PATCH');
    expect(patches).toHaveLength(2);
    expect(patches[1].body).toBe(JSON.stringify({ name: 'N' }));
    expect(patches[1].ifMatch).toBe('"3"');
  });

  it('ends the session when the refresh token is refused, without looping', async () => {
    session.set({ access_token: 'old', refresh_token: 'used' });
    const { api, calls } = fakeApi((_req, url) => {
      if (url.pathname === '/api/v1/auth/refresh') return json(401, { title: 'Session expirée', status: 401 });
      return json(401, { status: 401 });
    });
    const r = await api.client.GET('/api/v1/admin/me');
    expect(r.response.status).toBe(401);
    expect(session.accessToken).toBeNull();
    expect(session.refreshToken).toBeNull();
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/admin/me', '/api/v1/auth/refresh']);
  });

  it('keeps the session when the refresh fails for a server error', async () => {
    session.set({ access_token: 'old', refresh_token: 'r1' });
    const { api } = fakeApi((_req, url) => (url.pathname === '/api/v1/auth/refresh' ? json(503, { status: 503 }) : json(401, { status: 401 })));
    const r = await api.client.GET('/api/v1/admin/me');
    expect(r.response.status).toBe(401);
    expect(session.refreshToken).toBe('r1');
  });

  it('restores a session after a reload from the refresh token alone', async () => {
    sessionStorage.setItem('aiguillage.admin.refresh', 'r1');
    const { api } = fakeApi((_req, url) => (url.pathname === '/api/v1/auth/refresh' ? json(200, { access_token: 'a', refresh_token: 'r2' }) : undefined));
    expect(session.accessToken).toBeNull();
    expect(await api.restore()).toBe(true);
    expect(session.accessToken).toBe('a');
  });

  it('does not retry a failed login', async () => {
    session.set({ refresh_token: 'r1' });
    const { api, calls } = fakeApi(() => json(401, { status: 401, title: 'Identifiants invalides' }));
    const r = await api.authClient.POST('/api/v1/auth/login', { body: { email: 'a@b.fr', password: 'x' } });
    expect(r.response.status).toBe(401);
    expect(calls).toHaveLength(1);
  });
});
