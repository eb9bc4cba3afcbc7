import '@testing-library/jest-dom/vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import { session } from '../src/api/session';
import { SetupChecklist, setupSteps } from '../src/features/dashboard/SetupChecklist';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const routes = [{ path: '/o/:org', element: <SetupChecklist org="ville" /> }];

function server(role: string, s: { contactPoints: number; journeys: { published_version?: number }[]; entryPoints: number }): Handler {
  return (_req, url) => {
    if (url.pathname === '/api/v1/admin/me') return json(200, { user_id: 'u', email: 'a@ville.fr', memberships: [{ organisation: 'ville', role }] });
    if (url.pathname === '/api/v1/admin/organisations/ville/contact-points') return json(200, { contact_points: [], total: s.contactPoints });
    if (url.pathname === '/api/v1/admin/organisations/ville/journeys') return json(200, { journeys: s.journeys.map((j, i) => ({ slug: `p${i}`, title: 'P', ...j })) });
    if (url.pathname === '/api/v1/admin/organisations/ville')
      return json(200, { slug: 'ville', name: 'Ville', version: 1, entry_points: Array.from({ length: s.entryPoints }, (_, i) => ({ slug: `e${i}`, name: 'E' })) }, { ETag: '"1"' });
  };
}

describe('first steps on the dashboard', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('marks each step from what the organisation holds', () => {
    const steps = setupSteps('ville', { contactPoints: 3, journeys: 1, published: 0, entryPoints: 0 }, { editor: true, admin: false });
    expect(steps.map((s) => s.done)).toEqual([true, true, false, false]);
    expect(steps[0].to).toBe('/o/ville/points-de-contact/nouveau');
    // An editor cannot create entry points: the step says who does it and offers no link.
    expect(steps[3].to).toBeUndefined();
    expect(steps[3].detail).toMatch(/administrateur/);
    const viewer = setupSteps('ville', { contactPoints: 0, journeys: 0, published: 0, entryPoints: 0 }, { editor: false, admin: false });
    expect(viewer[0].action).toBe('Voir les points de contact');
  });

  it('guides a new organisation from its first contact point to the widget on its site', async () => {
    const { api } = fakeApi(server('admin', { contactPoints: 0, journeys: [], entryPoints: 0 }));
    renderRoutes(api, routes, '/o/ville');
    const section = await screen.findByRole('region', { name: 'Premiers pas' });
    expect(section).toHaveTextContent('encore 4 étapes sur 4');
    const items = within(section).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    expect(within(items[0]).getByRole('link', { name: 'Ajouter un point de contact' })).toHaveAttribute('href', '/o/ville/points-de-contact/nouveau');
    expect(within(items[3]).getByRole('link', { name: 'Créer un point d’entrée' })).toHaveAttribute('href', '/o/ville/points-d-entree');
  });

  it('counts what is done and disappears once the widget is on the site', async () => {
    const half = fakeApi(server('admin', { contactPoints: 2, journeys: [{ published_version: 1 }], entryPoints: 0 }));
    const { unmount } = renderRoutes(half.api, routes, '/o/ville');
    const section = await screen.findByRole('region', { name: 'Premiers pas' });
    expect(section).toHaveTextContent('encore une étape sur 4');
    expect(within(section).getAllByText('Fait')).toHaveLength(3);
    unmount();

    const done = fakeApi(server('admin', { contactPoints: 2, journeys: [{ published_version: 1 }], entryPoints: 1 }));
    renderRoutes(done.api, routes, '/o/ville');
    await waitFor(() => expect(done.calls.some((c) => c.path === '/api/v1/admin/organisations/ville')).toBe(true));
    await waitFor(() => expect(done.calls.some((c) => c.path === '/api/v1/admin/organisations/ville/journeys')).toBe(true));
    await new Promise((r) => setTimeout(r, 100)); // the answers reach the component
    expect(screen.queryByRole('region', { name: 'Premiers pas' })).not.toBeInTheDocument();
  });
});
