import '@testing-library/jest-dom/vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { EntryPointPage } from '../src/features/entry-points/EntryPointPage';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const me = { user_id: 'u1', email: 'admin@var.fr', memberships: [{ organisation: 'var', role: 'admin' }] };
const social = { slug: 'social', name: 'Social', journey: 'aides', themes: [] };
const organisation = (version: number, entry = social) => ({ slug: 'var', name: 'Var', version, entry_points: [entry] });

/** The organisation at `version` (its ETag), the rest of what the page reads, and `put` for the write. */
function server(version: () => number, entry: () => typeof social, put: Handler): Handler {
  return (req, url) => {
    if (url.pathname === '/api/v1/admin/me') return json(200, me);
    if (url.pathname === '/api/v1/admin/organisations/var' && req.method === 'GET') return json(200, organisation(version(), entry()), { ETag: `"${version()}"` });
    if (url.pathname === '/api/v1/admin/organisations/var/journeys') return json(200, { journeys: [{ slug: 'aides', title: 'Aides', published_version: 1 }] });
    if (url.pathname === '/api/v1/public/organisations/var/themes') return json(200, { themes: [] });
    if (url.pathname === '/api/v1/admin/organisations/var/entry-points/social' && req.method === 'PUT') return put(req, url);
  };
}
const routes = [
  { path: '/o/:org/points-d-entree/:entry', element: <EntryPointPage /> },
  { path: '/o/:org/points-d-entree', element: <h1>Points d'entrée</h1> },
];

describe('entry point edits and concurrent changes', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('sends the organisation version read just before the write (If-Match), and shows the API’s 409 as a conflict, keeping the input', async () => {
    const user = userEvent.setup();
    // Someone changes the organisation between the page's check and its write: the API refuses.
    let version = 3;
    const { api, calls } = fakeApi(
      server(
        () => version,
        () => social,
        () => json(409, { title: 'Conflit', status: 409, detail: "Cette organisation a été modifiée entre-temps : rechargez-la avant d'enregistrer." }),
      ),
    );
    renderRoutes(api, routes, '/o/var/points-d-entree/social');
    const name = await screen.findByLabelText(/^Nom/);
    await user.clear(name);
    await user.type(name, 'Solidarités');
    version = 4; // read by the check before the write
    await user.click(screen.getByRole('button', { name: 'Enregistrer les modifications' }));
    expect(await screen.findByRole('heading', { name: "Quelqu'un d'autre a modifié ce point d'entrée" })).toBeInTheDocument();
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.ifMatch).toBe('"4"');
    expect(screen.getByLabelText(/^Nom/)).toHaveValue('Solidarités');
  });

  it('does not write over an entry point changed since the page was opened', async () => {
    const user = userEvent.setup();
    let entry = social;
    const { api, calls } = fakeApi(server(() => 3, () => entry, () => json(200, organisation(4))));
    renderRoutes(api, routes, '/o/var/points-d-entree/social');
    const name = await screen.findByLabelText(/^Nom/);
    await user.type(name, ' (bis)');
    entry = { ...social, journey: 'autre' };
    await user.click(screen.getByRole('button', { name: 'Enregistrer les modifications' }));
    expect(await screen.findByRole('heading', { name: "Quelqu'un d'autre a modifié ce point d'entrée" })).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
  });
});
