import '@testing-library/jest-dom/vitest';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { PortalsPage } from '../src/features/portals/PortalsPage';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const platformMe = { user_id: 'p1', email: 'plateforme@aiguillage.fr', platform_admin: true, memberships: [] };
const active = { id: '11111111-1111-4111-8111-111111111111', name: 'Portail des aidants', key_prefix: '3f9a0c1e', rate_multiplier: 10, created_at: '2026-11-20T09:00:00Z', last_used_at: '2026-11-27T08:00:00Z', revoked: false };
const revoked = { id: '22222222-2222-4222-8222-222222222222', name: 'Ancien portail', key_prefix: '0badc0de', rate_multiplier: 5, created_at: '2026-10-01T09:00:00Z', revoked_at: '2026-11-01T09:00:00Z', revoked: true };
const families = ['search', 'journeys', 'outcomes', 'contact-points', 'communes', 'organisations', 'emergency', 'other'] as const;
const perFamily: Record<string, number> = { search: 640, journeys: 300, 'contact-points': 500, communes: 50, other: 30 };
const activeRequests = {
  total: 1520,
  success: 1490,
  client_errors: 28,
  server_errors: 2,
  by_family: families.map((family) => ({ family, requests: perFamily[family] ?? 0 })),
};
const secret = 'agk_a1b2c3d4_5mYb1cG9tJkq0i0bV1aQm6zXr3n8KpL2wHs7dEf4uTo';

function portalsApi(me: unknown, ...extra: Handler[]) {
  let list = [active, revoked];
  return fakeApi(
    (_req, url) => (url.pathname === '/api/v1/admin/me' ? json(200, me) : undefined),
    ...extra,
    (req, url) => {
      if (url.pathname === '/api/v1/admin/portals/stats')
        return json(200, {
          from: '2026-10-29',
          to: '2026-11-27',
          portals: [
            { id: active.id, name: active.name, revoked: false, totals: { loads: 1200, searches: 340 }, requests: activeRequests },
            { id: revoked.id, name: revoked.name, revoked: true, totals: {}, requests: { total: 0, success: 0, client_errors: 0, server_errors: 0, by_family: [] } },
            { name: "Sans clé d'API", revoked: false, totals: { loads: 9000, searches: 2000 } },
          ],
        });
      if (url.pathname === '/api/v1/admin/portals' && req.method === 'GET') return json(200, { portals: list });
      if (url.pathname === `/api/v1/admin/portals/${active.id}/revoke` && req.method === 'POST') {
        const r = { ...active, revoked: true, revoked_at: '2026-11-27T10:00:00Z' };
        list = [r, revoked];
        return json(200, r);
      }
    },
  );
}

const routes = [{ path: '/o/:org/portails', element: <PortalsPage /> }];

describe('portails partenaires', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('is reserved to platform admins, and asks nothing of the API for others', async () => {
    const { api, calls } = portalsApi({ user_id: 'u1', email: 'admin@var.fr', memberships: [{ organisation: 'var', role: 'admin' }] });
    renderRoutes(api, routes, '/o/var/portails');
    expect(await screen.findByText('Écran réservé aux administrateurs de la plateforme')).toBeInTheDocument();
    expect(calls.some((c) => c.path.startsWith('/api/v1/admin/portals'))).toBe(false);
  });

  it('lists the keys by prefix, with their use and state, never a secret', async () => {
    const { api } = portalsApi(platformMe);
    renderRoutes(api, routes, '/o/var/portails');
    const table = await screen.findByRole('table', { name: 'Portails partenaires (2)' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('Portail des aidants');
    expect(rows[1]).toHaveTextContent('agk_3f9a0c1e_…');
    expect(rows[1]).toHaveTextContent('× 10');
    expect(await within(table).findByText('1 200 / 340')).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('Active');
    expect(rows[2]).toHaveTextContent(/Révoquée le/);
    expect(within(rows[2]).queryByRole('button')).toBeNull();
  });

  it("shows each portal's calls to the API over 30 days, by family on demand", async () => {
    const user = userEvent.setup();
    const { api } = portalsApi(platformMe);
    renderRoutes(api, routes, '/o/var/portails');
    const table = await screen.findByRole('table', { name: 'Portails partenaires (2)' });
    expect(within(table).getByRole('columnheader', { name: "Appels à l'API (30 j)" })).toBeInTheDocument();
    const rows = within(table).getAllByRole('row');
    const cells = () => within(rows[1]).getAllByRole('cell');
    const calls = await within(rows[1]).findByText('1 520');
    // The breakdown is folded until asked for.
    const details = calls.closest('details')!;
    expect(details).not.toHaveAttribute('open');
    expect(cells()[6]).toHaveTextContent("1 520 appels de Portail des aidants, détail par famille");
    await user.click(calls);
    expect(details).toHaveAttribute('open');
    const items = within(details).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['Recherche : 640', 'Parcours : 300', 'Points de contact : 500', 'Communes : 50', 'Autres : 30']);
    expect(details).toHaveTextContent('Erreurs : 28 refusés (4xx, limites dépassées comprises), 2 côté serveur (5xx)');
    // A portal that made no call: said so, nothing to unfold.
    expect(within(rows[2]).getAllByRole('cell')[6]).toHaveTextContent('Aucun');
    expect(within(rows[2]).queryByRole('group')).toBeNull();
  });

  it('creates a key, shows the field errors, then the key once with a copy button and a warning', async () => {
    const user = userEvent.setup();
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    let attempts = 0;
    const { api, calls } = portalsApi(platformMe, (req, url) => {
      if (url.pathname !== '/api/v1/admin/portals' || req.method !== 'POST') return undefined;
      attempts++;
      if (attempts === 1)
        return json(400, { title: 'Requête invalide', status: 400, detail: 'Le portail contient des erreurs.', errors: [{ field: 'contact_email', detail: 'adresse électronique invalide' }] });
      return json(201, { portal: { ...active, id: '33333333-3333-4333-8333-333333333333', name: 'Portail du Var', key_prefix: 'a1b2c3d4' }, api_key: secret });
    });
    renderRoutes(api, routes, '/o/var/portails');
    await screen.findByRole('table');
    await user.type(screen.getByRole('textbox', { name: /^Nom du portail/ }), 'Portail du Var');
    await user.type(screen.getByRole('textbox', { name: /^Courriel du contact technique/ }), 'pas-une-adresse');
    await user.click(screen.getByRole('button', { name: 'Créer la clé' }));
    expect(await screen.findByText('adresse électronique invalide')).toBeInTheDocument();
    expect(screen.queryByDisplayValue(secret)).toBeNull();

    await user.clear(screen.getByRole('textbox', { name: /^Courriel du contact technique/ }));
    await user.click(screen.getByRole('button', { name: 'Créer la clé' }));
    const shown = await screen.findByDisplayValue(secret);
    expect(shown).toHaveAttribute('readonly');
    expect(screen.getByText(/elle ne sera plus jamais affichée/)).toBeInTheDocument();
    const post = calls.filter((c) => c.method === 'POST' && c.path === '/api/v1/admin/portals');
    expect(JSON.parse(post[1].body!)).toEqual({ name: 'Portail du Var', rate_multiplier: 10 });

    await user.click(screen.getByRole('button', { name: 'Copier la clé' }));
    expect(writeText).toHaveBeenCalledWith(secret);
    expect(await screen.findByText('Clé copiée.')).toBeInTheDocument();
    // Once dismissed, the key is gone for good.
    await user.click(screen.getByRole('button', { name: "J'ai copié la clé" }));
    expect(screen.queryByDisplayValue(secret)).toBeNull();
  });

  it('revokes a key only once confirmed', async () => {
    const user = userEvent.setup();
    const { api, calls } = portalsApi(platformMe);
    renderRoutes(api, routes, '/o/var/portails');
    await user.click(await screen.findByRole('button', { name: 'Révoquer la clé de Portail des aidants' }));
    const group = screen.getByRole('group', { name: 'Confirmer la révocation de la clé de Portail des aidants' });
    await user.click(within(group).getByRole('button', { name: 'Annuler' }));
    expect(calls.some((c) => c.path.endsWith('/revoke'))).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Révoquer la clé de Portail des aidants' }));
    await user.click(screen.getByRole('button', { name: 'Confirmer la révocation' }));
    expect(await screen.findByText(/Clé du portail « Portail des aidants » révoquée/)).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST' && c.path === `/api/v1/admin/portals/${active.id}/revoke`)).toHaveLength(1);
    expect(await screen.findAllByText(/Révoquée le/)).toHaveLength(2);
  });
});
