import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { ContactPointFormPage } from '../src/features/contact-points/FormPage';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const me = { user_id: 'u1', email: 'editeur@var.fr', memberships: [{ organisation: 'var', role: 'editor' }] };
const cp = {
  id: '22222222-2222-2222-2222-222222222222',
  name: 'Caf du Var',
  granularity: 'service',
  visibility: 'public',
  channels: [
    { kind: 'phone', value: '3230', visibility: 'public' },
    { kind: 'phone', value: '04 65 71 83 00', label: 'Ligne directe partenaires', visibility: 'public' },
  ],
  coverage: { rule: 'explicit', national: false, departements: ['83'] },
  opening_hours: { weekly: [] },
  source: { kind: 'manual' },
  verified_at: '2026-11-01',
  version: 3,
};
const base: Handler = (_req, url) => {
  if (url.pathname === '/api/v1/admin/me') return json(200, me);
  if (url.pathname === '/api/v1/public/organisations/var/themes') return json(200, { themes: [] });
};
const routes = [{ path: '/o/:org/points-de-contact/:id', element: <ContactPointFormPage /> }];

describe('contact point visibility picker', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('reserves a direct line to the organisation’s agents and sends only that', async () => {
    const user = userEvent.setup();
    const { api, calls } = fakeApi(base, (req, url) => {
      if (url.pathname.endsWith(cp.id) && req.method === 'GET') return json(200, cp, { ETag: '"3"' });
      if (req.method === 'PATCH') return json(200, { ...cp, version: 4 }, { ETag: '"4"' });
    });
    renderRoutes(api, routes, `/o/var/points-de-contact/${cp.id}`);
    await screen.findByRole('button', { name: 'Enregistrer les modifications' });
    const whole = screen.getByRole('group', { name: /Qui voit ce point de contact/ });
    expect(within(whole).getByRole('radio', { name: /^Public/ })).toBeChecked();
    const line = screen.getByRole('group', { name: /Qui voit ce moyen de contact \(moyen 2\)/ });
    await user.click(within(line).getByRole('radio', { name: 'Agents de notre organisation' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer les modifications' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    const body = JSON.parse(calls.find((c) => c.method === 'PATCH')!.body!);
    expect(Object.keys(body)).toEqual(['channels']);
    expect(body.channels[0].visibility).toBeUndefined();
    expect(body.channels[1]).toMatchObject({ value: '04 65 71 83 00', visibility: 'organisation_agents' });
  });

  it('shows the API’s error on the visibility', async () => {
    const user = userEvent.setup();
    const { api } = fakeApi(base, (req, url) => {
      if (url.pathname.endsWith(cp.id) && req.method === 'GET') return json(200, cp, { ETag: '"3"' });
      if (req.method === 'PATCH')
        return json(400, {
          type: 'urn:aiguillage:problem:invalid',
          title: 'Requête invalide',
          status: 400,
          detail: 'Le point de contact contient des erreurs.',
          errors: [{ field: 'visibility', detail: "doit valoir l'un de : public, organisation_agents, all_agents" }],
        });
    });
    renderRoutes(api, routes, `/o/var/points-de-contact/${cp.id}`);
    await screen.findByRole('button', { name: 'Enregistrer les modifications' });
    await user.click(within(screen.getByRole('group', { name: /Qui voit ce point de contact/ })).getByRole('radio', { name: /^Tous les agents/ }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer les modifications' }));
    const summary = await screen.findByRole('alert', { name: /Le formulaire contient une erreur/ });
    expect(within(summary).getByRole('link', { name: /^Visibilité : doit valoir/ })).toBeInTheDocument();
  });
});
