import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { JourneyEditorPage } from '../src/features/journeys/EditorPage';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const me = { user_id: 'u1', email: 'editeur@var.fr', memberships: [{ organisation: 'var', role: 'editor' }] };
const draft = (version: number, text = 'Votre situation ?') => ({
  slug: 'loyer',
  title: 'Loyer',
  draft_version: version,
  published_version: 1,
  updated_at: '2026-11-20T10:00:00Z',
  journey: {
    slug: 'loyer',
    title: 'Loyer',
    first_step: 'besoin',
    steps: [
      { id: 'besoin', kind: 'question', text, options: [{ label: 'Retard', next: 'caf' }, { label: 'Expulsion', next: '' }] },
      { id: 'caf', kind: 'outcome', text: 'Votre CAF', outcome: { explanation: 'Appelez-la.', pivots: ['caf'] } },
    ],
  },
});
const problems = [
  { field: 'steps[caf].outcome.pivots[0]', detail: 'un service selon la commune demande une étape « Commune » avant', communes: [] },
  { field: 'steps[besoin].options[1].next', detail: "l'étape où mène le choix n° 2 n'est pas indiquée" },
];
const base: Handler = (req, url) => {
  if (url.pathname === '/api/v1/admin/me') return json(200, me);
  if (url.pathname === '/api/v1/public/organisations/var/themes') return json(200, { themes: [] });
  if (url.pathname === '/api/v1/public/pivots') return json(200, { pivots: [{ code: 'caf', label: 'Caisse d’allocations familiales', scope: 'departement', themes: [] }] });
  if (url.pathname === '/api/v1/admin/organisations/var/journeys/loyer/validate') return json(200, { valid: false, problems });
  if (url.pathname === '/api/v1/admin/organisations/var/journeys/loyer' && req.method === 'GET') return json(200, draft(4), { ETag: '"4"' });
};
const routes = [{ path: '/o/:org/parcours/:journey', element: <JourneyEditorPage /> }];

describe('journey editor', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('shows each validation problem on the step at fault and next to its field', async () => {
    const user = userEvent.setup();
    const { api } = fakeApi(base);
    renderRoutes(api, routes, '/o/var/parcours/loyer');
    const list = await screen.findByText(/2 problèmes à corriger avant de publier/);
    expect(list).toBeInTheDocument();
    const tree = screen.getByRole('navigation', { name: 'Étapes du parcours' });
    // Both steps carry their count in the tree.
    expect(within(tree).getAllByText('1 problème')).toHaveLength(2);
    // The selected first step shows its own problem next to the choice's target.
    const target = screen.getByRole('combobox', { name: 'Le choix n° 2 mène à' });
    expect(target).toHaveAccessibleDescription(/n'est pas indiquée/);
    // Going to the outcome's problem selects the step and shows the message on its field.
    await user.click(screen.getByRole('button', { name: /Réponse : Votre CAF — Service selon la commune n° 1/ }));
    await screen.findByRole('heading', { name: 'Réponse : Votre CAF' });
    expect(screen.getByText(/Services selon la commune/).closest('fieldset')).toHaveTextContent(/demande une étape « Commune » avant/);
  });

  it('saves the whole draft with If-Match, keeps the edits on a conflict', async () => {
    const user = userEvent.setup();
    let conflict = false;
    const { api, calls } = fakeApi(base, (req, url) => {
      if (url.pathname !== '/api/v1/admin/organisations/var/journeys/loyer' || req.method !== 'PUT') return;
      if (conflict) return json(409, { title: 'Conflit', status: 409, detail: 'Le brouillon a changé.' });
      return json(200, draft(5, 'Quelle est votre situation ?'), { ETag: '"5"' });
    });
    renderRoutes(api, routes, '/o/var/parcours/loyer');
    const text = await screen.findByRole('textbox', { name: /^Question posée/ });
    const save = screen.getByRole('button', { name: 'Enregistrer le brouillon' });
    expect(save).toBeDisabled();
    await user.clear(text);
    await user.type(text, 'Quelle est votre situation ?');
    expect(save).toBeEnabled();
    await user.click(save);
    await screen.findByText(/Brouillon enregistré/);
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.ifMatch).toBe('"4"');
    expect(JSON.parse(put.body!).steps[0].text).toBe('Quelle est votre situation ?');
    expect(screen.getByText(/Brouillon n° 5/)).toBeInTheDocument();

    conflict = true;
    await user.type(screen.getByRole('textbox', { name: /^Question posée/ }), ' Dites-nous');
    await user.click(screen.getByRole('button', { name: 'Enregistrer le brouillon' }));
    await screen.findByText("Quelqu'un d'autre a enregistré ce parcours entre-temps");
    expect(calls.filter((c) => c.method === 'PUT').at(-1)!.ifMatch).toBe('"5"');
    await waitFor(() => expect(screen.getByRole('textbox', { name: /^Question posée/ })).toHaveValue('Quelle est votre situation ? Dites-nous'));
  });

  it('builds steps from the tree: a missing target gets created and selected', async () => {
    const user = userEvent.setup();
    const { api } = fakeApi(base);
    renderRoutes(api, routes, '/o/var/parcours/loyer');
    const tree = await screen.findByRole('navigation', { name: 'Étapes du parcours' });
    await user.click(within(within(tree).getByRole('group', { name: /Créer l'étape suivante de « Expulsion »/ })).getByRole('button', { name: '+ Réponse' }));
    await screen.findByRole('heading', { name: 'Réponse : (sans texte)' });
    await user.type(screen.getByRole('textbox', { name: /^Titre de la réponse/ }), "Contactez l'ADIL");
    expect(within(tree).getByRole('button', { name: /Réponse Contactez l'ADIL/ })).toHaveAttribute('aria-current', 'step');
    expect(screen.getByRole('button', { name: 'Enregistrer le brouillon' })).toBeEnabled();
  });

  it('picks the themes in the settings as the other forms do: grouped by main theme, removable tags', async () => {
    const user = userEvent.setup();
    const themes: Handler = (_req, url) => {
      if (url.pathname !== '/api/v1/public/organisations/var/themes') return;
      return json(200, {
        themes: [
          { slug: 'logement', label: 'Logement', organisation: 'communs-nationaux' },
          { slug: 'loyer-impaye', label: 'Loyer impayé', parent_slug: 'logement', organisation: 'var' },
          { slug: 'famille', label: 'Famille', organisation: 'communs-nationaux' },
        ],
      });
    };
    const { api } = fakeApi(themes, base);
    renderRoutes(api, routes, '/o/var/parcours/loyer?onglet=reglages');
    const select = await screen.findByRole('combobox', { name: /^Thèmes/ });
    // The id the validation links focus.
    expect(select).toHaveAttribute('id', 'jy-themes');
    await screen.findByRole('option', { name: 'Logement (tout le thème)' });
    expect(screen.getByRole('group', { name: 'Logement' })).toContainElement(screen.getByRole('option', { name: 'Loyer impayé' }));

    await user.selectOptions(select, 'logement');
    await user.selectOptions(select, 'loyer-impaye');
    const chosen = () => within(screen.getByRole('list', { name: 'Thèmes choisis' })).getAllByRole('listitem').map((li) => li.textContent);
    expect(chosen()).toEqual(['Logement', 'Loyer impayé']);
    // A chosen theme cannot be picked twice.
    expect(screen.getByRole('option', { name: 'Logement (tout le thème)' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Enregistrer le brouillon' })).toBeEnabled();

    await user.click(screen.getByRole('button', { name: 'Retirer le thème Logement' }));
    expect(chosen()).toEqual(['Loyer impayé']);
  });
});
