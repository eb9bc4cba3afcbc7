import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Link } from 'react-router-dom';
import { session } from '../src/api/session';
import { ContactPointFormPage } from '../src/features/contact-points/FormPage';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const me = { user_id: 'u1', email: 'editeur@var.fr', memberships: [{ organisation: 'var', role: 'editor' }] };
const cp = {
  id: '11111111-1111-1111-1111-111111111111',
  name: 'MDS de Toulon',
  granularity: 'service',
  channels: [{ kind: 'phone', value: '04 94 00 00 00' }],
  coverage: { rule: 'explicit', national: false, communes: ['83137'] },
  opening_hours: { weekly: [{ day: 1, opens: '09:00', closes: '12:00' }] },
  source: { kind: 'manual' },
  verified_at: '2026-11-01',
  version: 3,
};
const base: Handler = (_req, url) => {
  if (url.pathname === '/api/v1/admin/me') return json(200, me);
  if (url.pathname === '/api/v1/public/organisations/var/themes') return json(200, { themes: [{ slug: 'logement', label: 'Logement' }] });
};
const routes = [
  { path: '/o/:org/points-de-contact', element: <h1>Liste des points de contact</h1> },
  { path: '/o/:org/points-de-contact/nouveau', element: <><Link to="/o/var/points-de-contact">Retour</Link><ContactPointFormPage /></> },
  { path: '/o/:org/points-de-contact/:id', element: <ContactPointFormPage /> },
];

describe('contact point form', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('shows the API field errors next to each field and in a summary', async () => {
    const user = userEvent.setup();
    const { api, calls } = fakeApi(base, (req) => {
      if (req.method === 'POST')
        return json(400, {
          type: 'urn:aiguillage:problem:invalid',
          title: 'Requête invalide',
          status: 400,
          detail: 'Le point de contact contient des erreurs.',
          errors: [
            { field: 'name', detail: 'est obligatoire' },
            { field: 'channels[0].value', detail: 'numéro invalide' },
            { field: 'hours.weekly[0]', detail: 'chevauche le créneau 08:00–12:00 du même jour' },
            { field: 'coverage', detail: 'indiquez le territoire servi' },
          ],
        });
    });
    renderRoutes(api, routes, '/o/var/points-de-contact/nouveau');
    await screen.findByRole('button', { name: 'Créer le point de contact' });
    await user.type(screen.getByRole('textbox', { name: /Numéro \(moyen 1\)/ }), '12');
    await user.click(screen.getByRole('button', { name: /Ajouter un créneau\s*le lundi/ }));
    await user.click(screen.getByRole('button', { name: 'Créer le point de contact' }));

    const summary = await screen.findByRole('alert', { name: /Le formulaire contient 4 erreurs/ });
    expect(within(summary).getByRole('link', { name: 'Nom : est obligatoire' })).toBeInTheDocument();
    await waitFor(() => expect(summary).toHaveFocus(), { timeout: 3000 });
    // Next to each field, tied to it for screen readers.
    const name = screen.getByRole('textbox', { name: /^Nom/ });
    expect(name).toHaveAccessibleDescription(/est obligatoire/);
    expect(screen.getByRole('textbox', { name: /Numéro \(moyen 1\)/ })).toHaveAccessibleDescription(/numéro invalide/);
    expect(screen.getByText('chevauche le créneau 08:00–12:00 du même jour', { selector: 'p' })).toBeInTheDocument();
    expect(screen.getByText('indiquez le territoire servi')).toBeInTheDocument();
    // The summary's link moves the focus to the field.
    await user.click(within(summary).getByRole('link', { name: 'Nom : est obligatoire' }));
    expect(name).toHaveFocus();

    const body = JSON.parse(calls.find((c) => c.method === 'POST')!.body!);
    expect(body.channels).toEqual([{ kind: 'phone', value: '12' }]);
    expect(body.opening_hours.weekly).toEqual([{ day: 1, opens: '09:00', closes: '12:00' }]);
  });

  it('warns before leaving with unsaved changes', async () => {
    const user = userEvent.setup();
    const { api } = fakeApi(base);
    renderRoutes(api, routes, '/o/var/points-de-contact/nouveau');
    await screen.findByRole('button', { name: 'Créer le point de contact' });

    // Untouched: leaving is free.
    await user.type(screen.getByRole('textbox', { name: /^Nom/ }), 'Accueil');
    await user.click(screen.getByRole('link', { name: 'Retour' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Quitter sans enregistrer ?' });
    expect(within(dialog).getByRole('button', { name: 'Rester sur la page' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Rester sur la page' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /^Nom/ })).toHaveValue('Accueil');

    await user.click(screen.getByRole('link', { name: 'Retour' }));
    await user.click(await screen.findByRole('button', { name: 'Quitter sans enregistrer' }));
    expect(await screen.findByRole('heading', { name: 'Liste des points de contact' })).toBeInTheDocument();
  });

  it('sends If-Match and surfaces a 409 conflict with a reload', async () => {
    const user = userEvent.setup();
    let current: Record<string, unknown> = { ...cp };
    const { api, calls } = fakeApi(base, (req, url) => {
      if (url.pathname.endsWith(cp.id) && req.method === 'GET') return json(200, current, { ETag: `"${current.version}"` });
      if (req.method === 'PATCH') return json(409, { type: 'urn:aiguillage:problem:conflict', title: 'Conflit', status: 409, detail: 'Version périmée.' });
    });
    renderRoutes(api, routes, `/o/var/points-de-contact/${cp.id}`);
    await screen.findByRole('button', { name: 'Enregistrer les modifications' });
    const desc = screen.getByRole('textbox', { name: /^Description/ });
    await user.type(desc, 'Ma version');
    // Someone else saves version 4 meanwhile.
    current = { ...cp, description: 'Leur version', version: 4 };
    await user.click(screen.getByRole('button', { name: 'Enregistrer les modifications' }));

    const alert = (await screen.findByText("Quelqu'un d'autre a modifié ce point de contact")).closest('[role=alert]');
    await waitFor(() => expect(alert).toHaveFocus(), { timeout: 3000 });
    expect(calls.find((c) => c.method === 'PATCH')!.ifMatch).toBe('"3"');
    // The référent's text is kept until they choose to reload.
    expect(screen.getByRole('textbox', { name: /^Description/ })).toHaveValue('Ma version');
    await user.click(screen.getByRole('button', { name: 'Recharger la version actuelle' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: /^Description/ })).toHaveValue('Leur version'));
    expect(screen.queryByText("Quelqu'un d'autre a modifié ce point de contact")).not.toBeInTheDocument();
  });

  it('is read-only for a viewer', async () => {
    const { api } = fakeApi((_req, url) => {
      if (url.pathname === '/api/v1/admin/me') return json(200, { ...me, memberships: [{ organisation: 'var', role: 'viewer' }] });
      if (url.pathname.endsWith(cp.id)) return json(200, cp, { ETag: '"3"' });
    }, base);
    renderRoutes(api, routes, `/o/var/points-de-contact/${cp.id}`);
    await screen.findByRole('heading', { level: 1, name: 'MDS de Toulon' });
    expect(screen.getByRole('textbox', { name: /^Nom/ })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Enregistrer les modifications' })).not.toBeInTheDocument();
  });
});
