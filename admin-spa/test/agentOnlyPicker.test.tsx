import '@testing-library/jest-dom/vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { JourneyEditorPage } from '../src/features/journeys/EditorPage';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const AGENTS = '22222222-3333-5444-8555-666666666666';
const PUBLIC = '33333333-4444-5555-8666-777777777777';
const editor = { user_id: 'u1', email: 'editeur@var.fr', memberships: [{ organisation: 'var', role: 'editor' }] };
const draft = {
  slug: 'social',
  title: 'Social',
  draft_version: 2,
  journey: {
    slug: 'social',
    title: 'Social',
    first_step: 'besoin',
    steps: [
      { id: 'besoin', kind: 'question', text: 'De quoi avez-vous besoin ?', options: [{ label: 'Aide', next: 'caf' }, { label: 'Urgent', next: 'urgence' }] },
      { id: 'caf', kind: 'outcome', text: 'Appelez la CAF', outcome: { explanation: 'Elle vous aide.', contact_points: [AGENTS] } },
      { id: 'urgence', kind: 'outcome', text: 'Appelez le 112', outcome: { explanation: 'Danger.', emergency: true } },
    ],
  },
};
const cellule = { id: AGENTS, name: 'Cellule des partenaires', visibility: 'organisation_agents', version: 1 };

const server: Handler = (req, url) => {
  const p = url.pathname;
  if (p === '/api/v1/admin/me') return json(200, editor);
  if (p === '/api/v1/admin/organisations/var/journey-reviews') return json(200, { journeys: [] });
  if (p === '/api/v1/admin/organisations/var/journeys/social' && req.method === 'GET') return json(200, draft, { ETag: '"2"' });
  if (p === '/api/v1/admin/organisations/var/journeys/social/validate') return json(200, { valid: true, problems: [] });
  if (p === '/api/v1/public/organisations/var/themes') return json(200, { themes: [] });
  if (p === '/api/v1/public/pivots') return json(200, { pivots: [] });
  // Reserved to agents: the public read does not know it, the organisation's read does.
  if (p === `/api/v1/public/contact-points/${AGENTS}`) return json(404, { title: 'Introuvable', status: 404 });
  if (p === `/api/v1/admin/organisations/var/contact-points/${AGENTS}`) return json(200, cellule, { ETag: '"1"' });
  if (p === '/api/v1/admin/organisations/var/contact-points')
    return json(200, {
      total: 3,
      contact_points: [
        cellule,
        { id: PUBLIC, name: 'Cellule accueil public', visibility: 'public', version: 1 },
        { id: '44444444-5555-5666-8777-888888888888', name: 'Cellule de tous les agents', visibility: 'all_agents', version: 1 },
      ],
    });
  if (p === '/api/v1/public/search') return json(200, { results: [] });
};

describe('journey editor: contact points reserved to agents', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('names a chosen one (not « introuvable ») and marks it, and marks it among the choices', async () => {
    const user = userEvent.setup();
    const { api } = fakeApi(server);
    renderRoutes(api, [{ path: '/o/:org/parcours/:journey', element: <JourneyEditorPage /> }], '/o/var/parcours/social?etape=caf');
    await screen.findByRole('heading', { name: 'Réponse : Appelez la CAF' });
    const picker = screen.getByText('Points de contact fixes').closest('fieldset')!;
    const chosen = await within(picker).findByText('Cellule des partenaires');
    expect(chosen.closest('li')).toHaveTextContent('Réservé aux agents');
    expect(within(picker).queryByText(/introuvable/)).toBeNull();
    await user.type(within(picker).getByLabelText(/Chercher un point de contact/), 'Cellule');
    expect(await within(picker).findByRole('button', { name: 'Ajouter « Cellule accueil public » (votre organisation)' })).toBeInTheDocument();
    expect(within(picker).getByRole('button', { name: 'Ajouter « Cellule de tous les agents » (votre organisation, réservé aux agents)' })).toBeInTheDocument();
  });
});
