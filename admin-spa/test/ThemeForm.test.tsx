import '@testing-library/jest-dom/vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { suggestSlug } from '../src/api/slug';
import { ThemeFormPage } from '../src/features/themes/ThemeFormPage';
import { SynonymPickerPage } from '../src/features/themes/SynonymPickerPage';
import { parseSynonyms } from '../src/features/themes/model';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const me = { user_id: 'u1', email: 'editeur@var.fr', memberships: [{ organisation: 'var', role: 'editor' }] };
const loyer = { slug: 'loyer-impaye', label: 'Loyer impayé', parent_slug: 'logement', description: '', synonyms: ['loyer en retard', 'impayé'], version: 2 };
const base: Handler = (req, url) => {
  if (url.pathname === '/api/v1/admin/me') return json(200, me);
  if (url.pathname === '/api/v1/public/organisations/var/themes')
    return json(200, { themes: [{ slug: 'logement', label: 'Logement', organisation: 'communs-nationaux' }, { slug: 'famille', label: 'Famille', organisation: 'communs-nationaux' }] });
  if (url.pathname === '/api/v1/admin/organisations/var/themes' && req.method === 'GET') return json(200, { themes: [loyer] });
  if (url.pathname === '/api/v1/admin/organisations/var/themes/loyer-impaye' && req.method === 'GET') return json(200, loyer, { ETag: '"2"' });
};
const routes = [
  { path: '/o/:org/themes', element: <h1>Liste des thèmes</h1> },
  { path: '/o/:org/themes/synonyme', element: <SynonymPickerPage /> },
  { path: '/o/:org/themes/nouveau', element: <ThemeFormPage /> },
  { path: '/o/:org/themes/:theme', element: <ThemeFormPage /> },
];

describe('theme form', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('suggests the slug from the label and shows the API field errors next to their field', async () => {
    const user = userEvent.setup();
    const { api, calls } = fakeApi(base, (req) => {
      if (req.method === 'POST')
        return json(400, {
          title: 'Requête invalide',
          status: 400,
          detail: 'Le thème contient des erreurs.',
          errors: [
            { field: 'slug', detail: 'doit contenir uniquement des minuscules, chiffres et tirets' },
            { field: 'parent_slug', detail: 'identifiant de thème parent invalide' },
          ],
        });
    });
    renderRoutes(api, routes, '/o/var/themes/nouveau');
    await screen.findByRole('button', { name: 'Créer le thème' });
    await user.type(screen.getByRole('textbox', { name: /^Nom du thème/ }), 'Aide à la cantine');
    expect(screen.getByRole('textbox', { name: /^Identifiant/ })).toHaveValue('aide-a-la-cantine');
    // Typed by hand, the slug is no longer suggested.
    await user.clear(screen.getByRole('textbox', { name: /^Identifiant/ }));
    await user.type(screen.getByRole('textbox', { name: /^Identifiant/ }), 'Cantine!');
    await user.type(screen.getByRole('textbox', { name: /^Nom du thème/ }), ' scolaire');
    expect(screen.getByRole('textbox', { name: /^Identifiant/ })).toHaveValue('Cantine!');
    await user.click(screen.getByRole('button', { name: 'Créer le thème' }));

    const summary = await screen.findByRole('alert', { name: /Le formulaire contient 2 erreurs/ });
    await waitFor(() => expect(summary).toHaveFocus(), { timeout: 3000 });
    expect(screen.getByRole('textbox', { name: /^Identifiant/ })).toHaveAccessibleDescription(/doit contenir uniquement des minuscules/);
    expect(screen.getByRole('combobox', { name: /^Thème parent/ })).toHaveAccessibleDescription(/identifiant de thème parent invalide/);
    await user.click(within(summary).getByRole('link', { name: /^Identifiant :/ }));
    expect(screen.getByRole('textbox', { name: /^Identifiant/ })).toHaveFocus();
    const body = JSON.parse(calls.find((c) => c.method === 'POST')!.body!);
    expect(body).toMatchObject({ slug: 'Cantine!', label: 'Aide à la cantine scolaire', synonyms: [] });
  });

  it('round-trips the synonyms, one per line, with the word brought from the searches without answer', async () => {
    const user = userEvent.setup();
    const { api, calls, fetchImpl } = fakeApi(base, (req) =>
      req.method === 'PATCH' ? req.text().then((b) => json(200, { ...loyer, ...JSON.parse(b), version: 3 }, { ETag: '"3"' })) : undefined,
    );
    const { router } = renderRoutes(api, routes, '/o/var/themes/synonyme?mot=proprio');
    // The picker: the word prefilled, the theme to add it to.
    expect(await screen.findByRole('textbox', { name: /^Mot ou expression/ })).toHaveValue('proprio');
    await user.click(screen.getByRole('radio', { name: /Loyer impayé/ }));
    await user.click(screen.getByRole('button', { name: 'Continuer' }));

    const area = await screen.findByRole('textbox', { name: /^Mots des habitants/ });
    expect(area).toHaveValue('loyer en retard\nimpayé\nproprio');
    expect(area).toHaveAccessibleName(/alimentent la recherche du widget/);
    await user.type(area, '\n\n  expulsion   imminente \nImpayé');
    expect(screen.getByText('4 mots ou expressions.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Enregistrer le thème' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/o/var/themes'));
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.path).toBe('/api/v1/admin/organisations/var/themes/loyer-impaye');
    expect(patch.ifMatch).toBe('"2"');
    const body = JSON.parse(patch.body!);
    expect(body.synonyms).toEqual(['loyer en retard', 'impayé', 'proprio', 'expulsion imminente']);
    expect(body).not.toHaveProperty('slug');
    expect(body.parent_slug).toBe('logement');
    expect((router.state.location.state as { notice: string }).notice).toMatch(/« proprio » fait maintenant partie/);
    // The browser's copy of the public themes is refreshed for the pickers.
    expect(fetchImpl.mock.calls.some(([r]) => r.url.endsWith('/public/organisations/var/themes') && r.cache === 'reload')).toBe(true);
  });

  it('keeps the input on a 409 conflict and offers to reload', async () => {
    const user = userEvent.setup();
    const { api } = fakeApi(base, (req) => {
      if (req.method === 'PATCH') return json(409, { title: 'Conflit', status: 409, detail: 'Version périmée.' });
    });
    renderRoutes(api, routes, '/o/var/themes/loyer-impaye');
    const area = await screen.findByRole('textbox', { name: /^Mots des habitants/ });
    await user.type(area, '\nbailleur');
    await user.click(screen.getByRole('button', { name: 'Enregistrer le thème' }));
    const alert = (await screen.findByText("Quelqu'un d'autre a modifié ce thème")).closest('[role=alert]');
    await waitFor(() => expect(alert).toHaveFocus(), { timeout: 3000 });
    expect(screen.getByRole('textbox', { name: /^Mots des habitants/ })).toHaveValue('loyer en retard\nimpayé\nbailleur');
  });

  it('is read-only for a viewer', async () => {
    const { api } = fakeApi((_req, url) => {
      if (url.pathname === '/api/v1/admin/me') return json(200, { ...me, memberships: [{ organisation: 'var', role: 'viewer' }] });
    }, base);
    renderRoutes(api, routes, '/o/var/themes/loyer-impaye');
    await screen.findByRole('heading', { level: 1, name: 'Loyer impayé' });
    expect(screen.getByRole('textbox', { name: /^Mots des habitants/ })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Enregistrer le thème' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Supprimer/ })).not.toBeInTheDocument();
  });
});

describe('theme model', () => {
  it('suggests slugs the API accepts', () => {
    expect(suggestSlug('Loyer impayé, expulsion')).toBe('loyer-impaye-expulsion');
    expect(suggestSlug('  Œuvres sociales — CCAS ')).toBe('oeuvres-sociales-ccas');
    expect(suggestSlug('x'.repeat(80))).toHaveLength(64);
  });
  it('reads one synonym per line, without blanks nor repeats', () => {
    expect(parseSynonyms(' a \n\nB\nb\n  c   d ')).toEqual(['a', 'B', 'c d']);
  });
});
