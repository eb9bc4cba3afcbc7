import '@testing-library/jest-dom/vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { DashboardPage } from '../src/features/dashboard/DashboardPage';
import { JourneyListPage } from '../src/features/journeys/ListPage';
import { JourneyEditorPage } from '../src/features/journeys/EditorPage';
import { outcomeSentence, reviewHref, stepLabel } from '../src/features/journeys/reviewModel';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const GONE = '8d0a160e-3a56-5f6f-979c-2548234be57f';
const CD = '11111111-2222-5333-8444-555555555555';
const editor = { user_id: 'u1', email: 'editeur@var.fr', memberships: [{ organisation: 'var', role: 'editor' }] };
const platform = { user_id: 'u2', email: 'plateforme@demo.fr', platform_admin: true, memberships: [] };

const draft = (contactPoints: string[], version = 3) => ({
  slug: 'demarches',
  title: 'Démarches',
  draft_version: version,
  published_version: 2,
  updated_at: '2026-11-20T10:00:00Z',
  journey: {
    slug: 'demarches',
    title: 'Démarches',
    first_step: 'besoin',
    steps: [
      { id: 'besoin', kind: 'question', text: 'De quoi avez-vous besoin ?', options: [{ label: 'Aide', next: 'fs' }, { label: 'Urgent', next: 'urgence' }] },
      { id: 'fs', kind: 'outcome', text: 'Allez à la France services', outcome: { explanation: 'On vous aide.', contact_points: contactPoints } },
      { id: 'urgence', kind: 'outcome', text: 'Appelez le 112', outcome: { explanation: 'Danger.', emergency: true } },
    ],
  },
});
const review = (inDraft = true, inPublished = true) => ({
  journeys: [{ slug: 'demarches', title: 'Démarches', outcomes: [{ step_id: 'fs', contact_point_id: GONE, in_draft: inDraft, in_published: inPublished }] }],
});
const withdrawnProblem = { field: 'steps[fs].outcome.contact_points[0]', detail: `le point de contact « ${GONE} » a été retiré par sa source (l'annuaire ne le référence plus) : choisissez-en un autre` };

/** The API as the admin app sees it once a full import withdrew GONE. */
function api({ me = editor, reviews = review(), problems = [withdrawnProblem] as object[] } = {}): Handler {
  return (req, url) => {
    const p = url.pathname;
    if (p === '/api/v1/admin/me') return json(200, me);
    if (p === '/api/v1/admin/organisations/var/journey-reviews') return json(200, reviews);
    if (p === '/api/v1/admin/organisations/var/journeys') return json(200, { journeys: [{ slug: 'demarches', title: 'Démarches', published_version: 2 }, { slug: 'loyer', title: 'Loyer', published_version: 1 }] });
    if (p === '/api/v1/admin/organisations/var/journeys/demarches' && req.method === 'GET') return json(200, draft([GONE]), { ETag: '"3"' });
    if (p === '/api/v1/admin/organisations/var/journeys/demarches/validate') return json(200, { valid: problems.length === 0, problems });
    if (p === '/api/v1/public/organisations/var/themes') return json(200, { themes: [] });
    if (p === '/api/v1/public/pivots') return json(200, { pivots: [] });
    if (p === `/api/v1/public/contact-points/${GONE}`)
      return json(410, { type: 'urn:aiguillage:problem:gone', title: 'Retiré', status: 410, detail: 'Ce point de contact n\u2019existe plus : sa source (france_services) ne le référence plus depuis le 27/11/2026.' });
    if (p === `/api/v1/public/contact-points/${CD}`) return json(200, { id: CD, name: 'Conseil départemental - Var' });
    if (p === '/api/v1/admin/organisations/var/contact-points') return json(200, { total: 1, contact_points: [{ id: CD, name: 'Conseil départemental - Var' }] });
  };
}

describe('journeys to review: wording and links', () => {
  it('opens the editor on the step, or on the publication when only the live version is at fault', () => {
    expect(reviewHref('var', 'demarches', { step_id: 'fs', in_draft: true, in_published: true })).toBe('/o/var/parcours/demarches?etape=fs');
    expect(reviewHref('var', 'demarches', { step_id: 'fs', in_draft: false, in_published: true })).toBe('/o/var/parcours/demarches?onglet=publication');
  });

  it('says whether residents see the live version without the service', () => {
    expect(outcomeSentence({ in_draft: true, in_published: true }, '« A »')).toMatch(/^Étape « A » : .*retiré de l'annuaire national ; la version en ligne n'affiche plus ce service/);
    expect(outcomeSentence({ in_draft: true, in_published: false }, '« A »')).toMatch(/^Étape « A » \(brouillon\) : .*La version en ligne n'est pas concernée/);
    expect(outcomeSentence({ in_draft: false, in_published: true }, '« A »')).toMatch(/la version en ligne n'affiche plus ce service.*publiez-le/);
    // A step the draft no longer has is named by its id.
    expect(stepLabel(draft([]).journey as never, 'fs')).toBe('« Allez à la France services »');
    expect(stepLabel(draft([]).journey as never, 'ancienne')).toBe('« ancienne »');
  });
});

describe('journeys to review: screens', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('dashboard: a named notice (not an interrupting alert) links each journey to its step at fault', async () => {
    const { api: client } = fakeApi(api());
    renderRoutes(client, [{ path: '/o/:org', element: <DashboardPage /> }], '/o/var');
    const notice = await screen.findByRole('region', { name: '1 parcours à revoir' });
    expect(notice).toHaveTextContent(/a fermé ou déménagé : l'annuaire national des services publics ne le référence plus/);
    expect(within(notice).getByRole('link', { name: 'Démarches' })).toHaveAttribute('href', '/o/var/parcours/demarches?etape=fs');
    // The step is named by its text once the draft is read.
    await waitFor(() => expect(notice).toHaveTextContent("Étape « Allez à la France services » : un service qu'elle indique a été retiré de l'annuaire national ; la version en ligne n'affiche plus ce service."));
    expect(within(notice).queryByRole('alert')).toBeNull();
    expect(notice.querySelector('[role=alert]')).toBeNull();
  });

  it('dashboard: nothing when no journey is to review', async () => {
    const { api: client, calls } = fakeApi(api({ reviews: { journeys: [] } }));
    renderRoutes(client, [{ path: '/o/:org', element: <DashboardPage /> }], '/o/var');
    await waitFor(() => expect(calls.some((c) => c.path.endsWith('/journey-reviews'))).toBe(true));
    await screen.findByRole('heading', { name: 'Points de contact à vérifier' });
    expect(screen.queryByText(/parcours à revoir/)).toBeNull();
  });

  it('list: an « À revoir » badge, described in words, as the journey link describes it', async () => {
    const { api: client } = fakeApi(api({ reviews: review(true, false) }));
    renderRoutes(client, [{ path: '/o/:org/parcours', element: <JourneyListPage /> }], '/o/var/parcours');
    await screen.findByText('2 parcours, dont 1 à revoir');
    const link = screen.getByRole('link', { name: 'Démarches' });
    expect(link).toHaveAttribute('href', '/o/var/parcours/demarches?etape=fs');
    await waitFor(() => expect(link).toHaveAccessibleDescription(/^À revoir Étape « Allez à la France services » \(brouillon\) : .*La version en ligne n'est pas concernée/));
    const row = screen.getAllByRole('row').find((r) => within(r).queryByRole('link', { name: 'Démarches' }))!;
    expect(within(row).getByText('À revoir')).toBeInTheDocument();
    // The other journey has no badge.
    expect(screen.getByRole('link', { name: 'Loyer' })).not.toHaveAttribute('aria-describedby');
    expect(screen.getAllByText('À revoir')).toHaveLength(1);
  });

  it('editor: the review names the withdrawn contact point, which partners can no longer read', async () => {
    const named = review();
    named.journeys[0].outcomes[0] = { ...named.journeys[0].outcomes[0], contact_point_name: 'France services de Cuers' } as (typeof named.journeys)[0]['outcomes'][0];
    const { api: client } = fakeApi(api({ reviews: named }));
    renderRoutes(client, [{ path: '/o/:org/parcours/:journey', element: <JourneyEditorPage /> }], '/o/var/parcours/demarches?etape=fs');
    await screen.findByRole('heading', { name: 'Réponse : Allez à la France services' });
    const picker = screen.getByText('Points de contact fixes').closest('fieldset')!;
    await within(picker).findByText("« France services de Cuers » ne figure plus dans l'annuaire national.");
    expect(within(picker).queryByText(/Son nom n'est plus disponible/)).toBeNull();
  });

  it('editor: the withdrawn contact point is named by its id, explained next to the picker, and replaced in place', async () => {
    const user = userEvent.setup();
    const { api: client, calls } = fakeApi(api(), (req, url) => {
      if (url.pathname === '/api/v1/admin/organisations/var/journeys/demarches' && req.method === 'PUT') return json(200, draft([CD], 4), { ETag: '"4"' });
    });
    renderRoutes(client, [{ path: '/o/:org/parcours/:journey', element: <JourneyEditorPage /> }], '/o/var/parcours/demarches?etape=fs');
    await screen.findByRole('heading', { name: 'Réponse : Allez à la France services' });
    const legend = screen.getByText('Points de contact fixes');
    const picker = legend.closest('fieldset')!;
    const message = await within(picker).findByText("Un service choisi ici ne figure plus dans l'annuaire national.");
    const box = message.closest('.jy-withdrawn') as HTMLElement;
    // Focusable as the field the validation names.
    expect(box).toHaveAttribute('id', 'jy-steps-fs-outcome-contact_points-0');
    expect(box).toHaveTextContent("la version en ligne n'affiche plus ce service");
    expect(box).toHaveTextContent(`Son nom n'est plus disponible ; son identifiant : ${GONE}.`);
    expect(within(picker).getByText("Retiré de l'annuaire")).toBeInTheDocument();
    // The validation problem is said once, in that message, not again under the search.
    const search = within(picker).getByRole('searchbox', { name: /Chercher un point de contact/ });
    expect(search).not.toHaveAccessibleDescription(/retiré par sa source/);
    // The editor's notice goes to the step.
    expect(screen.getByRole('heading', { name: /Parcours à revoir : un service a été retiré de l'annuaire national/ })).toBeInTheDocument();

    await user.click(within(box).getByRole('button', { name: /Choisir un remplaçant/ }));
    await waitFor(() => expect(search).toHaveFocus());
    expect(search).toHaveAccessibleDescription(/Cherchez le service qui remplace le service retiré/);
    await user.type(search, 'Conseil');
    await user.click(await within(picker).findByRole('button', { name: /Remplacer par « Conseil départemental - Var »/ }));
    await within(picker).findByText(/« Conseil départemental - Var » remplace le service retiré/);
    expect(within(picker).queryByText("Un service choisi ici ne figure plus dans l'annuaire national.")).toBeNull();
    await within(picker).findByText('Conseil départemental - Var');

    await user.click(screen.getByRole('button', { name: 'Enregistrer le brouillon' }));
    await screen.findByText(/Brouillon enregistré/);
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(JSON.parse(put.body!).steps[1].outcome.contact_points).toEqual([CD]);
    // Saved: the reviews are read again.
    expect(calls.filter((c) => c.path.endsWith('/journey-reviews')).length).toBeGreaterThanOrEqual(2);
  });

  it('editor: removing the withdrawn contact point is one button away', async () => {
    const user = userEvent.setup();
    const { api: client } = fakeApi(api());
    renderRoutes(client, [{ path: '/o/:org/parcours/:journey', element: <JourneyEditorPage /> }], '/o/var/parcours/demarches?etape=fs');
    const message = await screen.findByText("Un service choisi ici ne figure plus dans l'annuaire national.");
    await user.click(within(message.closest('.jy-withdrawn') as HTMLElement).getByRole('button', { name: /Retirer ce service/ }));
    expect(screen.queryByText("Un service choisi ici ne figure plus dans l'annuaire national.")).toBeNull();
    expect(screen.getByRole('button', { name: 'Enregistrer le brouillon' })).toBeEnabled();
  });

  it('editor: a platform admin reads the national commons, so sees the withdrawn name', async () => {
    const { api: client } = fakeApi((_req, url) => {
      if (url.pathname === `/api/v1/admin/organisations/communs-nationaux/contact-points/${GONE}`) return json(200, { id: GONE, name: 'France services du Mourillon' });
    }, api({ me: platform }));
    renderRoutes(client, [{ path: '/o/:org/parcours/:journey', element: <JourneyEditorPage /> }], '/o/var/parcours/demarches?etape=fs');
    await screen.findByText("« France services du Mourillon » ne figure plus dans l'annuaire national.");
    expect(screen.queryByText(/Son nom n'est plus disponible/)).toBeNull();
  });

  it('editor: when only the live version names it, the notice says to publish', async () => {
    const user = userEvent.setup();
    const { api: client } = fakeApi(api({ reviews: review(false, true), problems: [] }));
    const { router } = renderRoutes(client, [{ path: '/o/:org/parcours/:journey', element: <JourneyEditorPage /> }], '/o/var/parcours/demarches');
    await screen.findByText(/la version en ligne n'affiche plus ce service, retiré de l'annuaire national\. Le brouillon ne l'indique plus : publiez-le\./);
    await user.click(screen.getByRole('button', { name: 'Publier le brouillon' }));
    await waitFor(() => expect(router.state.location.search).toContain('onglet=publication'));
  });
});
