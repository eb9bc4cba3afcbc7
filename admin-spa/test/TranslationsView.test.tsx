import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { JourneyEditorPage } from '../src/features/journeys/EditorPage';
import { ReadabilityNote } from '../src/features/readability/readability';
import { render } from '@testing-library/react';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const me = { user_id: 'u1', email: 'editeur@var.fr', memberships: [{ organisation: 'var', role: 'editor' }] };
const journey = {
  slug: 'loyer',
  title: 'Loyer',
  languages: ['en'],
  i18n: { en: { title: 'Rent' } },
  first_step: 'besoin',
  steps: [
    { id: 'besoin', kind: 'question', text: 'Votre situation ?', options: [{ label: 'Retard', next: 'caf', i18n: { en: { label: 'Late' } } }, { label: 'Expulsion', next: 'caf' }] },
    { id: 'caf', kind: 'outcome', text: 'Votre CAF', outcome: { explanation: 'Demandez une attestation.', pivots: [] } },
  ],
};
const draft = (version: number, j: unknown = journey) => ({ slug: 'loyer', title: 'Loyer', draft_version: version, published_version: 1, updated_at: '2026-11-20T10:00:00Z', journey: j });
const warnings = [
  { field: 'steps[besoin].options[1].label', lang: 'en', detail: 'Traduction manquante (English) : libellé du choix « Expulsion »' },
  { field: 'steps[caf].text', lang: 'en', detail: "Traduction manquante (English) : titre de l'issue" },
  { field: 'steps[caf].outcome.explanation', lang: 'en', detail: "Traduction manquante (English) : explication de l'issue" },
];

/** A readability check that calls every text with « attestation » difficult. */
const readability: Handler = (req, url) => {
  if (url.pathname !== '/api/v1/admin/readability') return;
  return req.json().then((b) => measure(b as { lang: string; texts: { key: string; text: string }[] }));
};
const measure = (body: { lang: string; texts: { key: string; text: string }[] }) =>
  json(200, {
    results: body.texts.map((t) => {
      const hard = t.text.includes('attestation');
      return {
        key: t.key,
        sentences: 1,
        words: t.text.split(' ').length,
        mean_words_per_sentence: t.text.split(' ').length,
        max_words_per_sentence: t.text.split(' ').length,
        long_sentences: 0,
        rare_words: hard ? ['attestation'] : [],
        rare_word_share: hard ? 0.333 : 0,
        level: hard ? 'difficile' : 'ok',
        advice: hard ? [`Mots peu courants : attestation. (${body.lang})`] : [],
      };
    }),
  });

const base: Handler = (req, url) => {
  if (url.pathname === '/api/v1/admin/me') return json(200, me);
  if (url.pathname === '/api/v1/public/organisations/var/themes') return json(200, { themes: [] });
  if (url.pathname === '/api/v1/public/pivots') return json(200, { pivots: [] });
  if (url.pathname === '/api/v1/admin/organisations/var/journeys/loyer/validate') return json(200, { valid: true, problems: [], warnings });
  if (url.pathname === '/api/v1/admin/organisations/var/journeys/loyer' && req.method === 'GET') return json(200, draft(4), { ETag: '"4"' });
};
const routes = [{ path: '/o/:org/parcours/:journey', element: <JourneyEditorPage /> }];

describe('translation view', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('lists the texts beside their French source, counts the missing ones, saves the draft with If-Match', async () => {
    const user = userEvent.setup();
    const { api, calls } = fakeApi(base, readability, (req, url) => {
      if (url.pathname !== '/api/v1/admin/organisations/var/journeys/loyer' || req.method !== 'PUT') return;
      return json(200, draft(5, { ...journey, steps: journey.steps }), { ETag: '"5"' });
    });
    renderRoutes(api, routes, '/o/var/parcours/loyer?onglet=traductions&langue=en');
    const status = await screen.findByText('4 textes à traduire');
    expect(status.closest('[role="status"]')).toHaveTextContent('4 textes à traduire en anglais (English), sur 6 textes.');
    // Missing texts are marked; the translated ones are not.
    const choice2 = screen.getByRole('textbox', { name: /^Choix n° 2 en anglais/ });
    expect(choice2.closest('.jy-tr-row')).toHaveClass('jy-tr-missing');
    expect(choice2).toHaveAttribute('lang', 'en');
    expect(screen.getByRole('textbox', { name: /^Titre du parcours en anglais/ })).toHaveValue('Rent');
    expect(screen.getByRole('textbox', { name: /^Titre du parcours en anglais/ }).closest('.jy-tr-row')).not.toHaveClass('jy-tr-missing');
    expect(screen.getAllByText('À traduire')).toHaveLength(4);
    // The French source is shown read-only, with its readability.
    expect(screen.getByText('Demandez une attestation.')).toHaveAttribute('lang', 'fr');
    expect(await screen.findByText('Mots peu courants : attestation. (fr)')).toBeInTheDocument();

    await user.type(choice2, 'Eviction');
    expect(screen.getByText('3 textes à traduire')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Enregistrer le brouillon' }));
    await screen.findByText(/Brouillon enregistré/);
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.ifMatch).toBe('"4"');
    const body = JSON.parse(put.body!);
    expect(body.steps[0].options[1]).toEqual({ label: 'Expulsion', next: 'caf', i18n: { en: { label: 'Eviction' } } });
    expect(body.steps[0].options[0].i18n).toEqual({ en: { label: 'Late' } });
    expect(body.i18n).toEqual({ en: { title: 'Rent' } });
  });

  it('filters the missing texts without hiding the one being typed, and edits the target languages', async () => {
    const user = userEvent.setup();
    const { api } = fakeApi(base, readability);
    renderRoutes(api, routes, '/o/var/parcours/loyer?onglet=traductions&langue=en&manquants=1');
    await screen.findByText('4 textes à traduire');
    expect(screen.queryByRole('textbox', { name: /^Titre du parcours en anglais/ })).not.toBeInTheDocument();
    const title = screen.getByRole('textbox', { name: /^Titre de la réponse en anglais/ });
    await user.type(title, 'Your CAF');
    // Still listed while typing; counted as done.
    expect(screen.getByRole('textbox', { name: /^Titre de la réponse en anglais/ })).toHaveValue('Your CAF');
    expect(screen.getByText('3 textes à traduire')).toBeInTheDocument();
    // Showing everything again.
    await user.click(screen.getByRole('checkbox', { name: 'Seulement les textes à traduire' }));
    expect(screen.getByRole('textbox', { name: /^Titre du parcours en anglais/ })).toBeInTheDocument();
    // Target languages.
    const falc = screen.getByRole('checkbox', { name: 'FALC' });
    expect(screen.getByRole('checkbox', { name: 'Anglais' })).toBeChecked();
    expect(falc).not.toBeChecked();
    await user.click(falc);
    expect(falc).toBeChecked();
    expect(screen.getByRole('button', { name: 'Enregistrer le brouillon' })).toBeEnabled();
  });

  it('shows the readability of FALC translations as they are typed', async () => {
    const user = userEvent.setup();
    const { api, calls } = fakeApi(base, readability);
    renderRoutes(api, routes, '/o/var/parcours/loyer?onglet=traductions&langue=fr-x-falc');
    await screen.findByText('6 textes à traduire');
    const field = screen.getByRole('textbox', { name: /^Explication en FALC/ });
    expect(field).toHaveAttribute('lang', 'fr');
    await user.type(field, 'Montrez une attestation.');
    expect(await screen.findByText('Mots peu courants : attestation. (fr-x-falc)', {}, { timeout: 3000 })).toBeInTheDocument();
    const row = field.closest('.jy-tr-row') as HTMLElement;
    expect(within(row).getAllByText('Difficile à lire')).toHaveLength(2);
    // Typing is measured once it pauses, not at every key.
    const falcCalls = calls.filter((c) => c.path === '/api/v1/admin/readability' && c.body?.includes('"fr-x-falc"'));
    expect(falcCalls.length).toBeLessThanOrEqual(2);
  });

  it('lists missing translations as warnings apart from the problems, linked to the translation view', async () => {
    const user = userEvent.setup();
    const { api } = fakeApi(base, readability);
    const { router } = renderRoutes(api, routes, '/o/var/parcours/loyer');
    const summary = await screen.findByText(/3 traductions manquantes \(n'empêchent pas la publication\)/);
    expect(screen.getByText(/Le brouillon enregistré peut être publié/)).toBeInTheDocument();
    const details = summary.closest('details')!;
    expect(within(details).getByText(/Choix n° 2 \(libellé\) : Traduction manquante \(English\)/)).toBeInTheDocument();
    await user.click(within(details).getByRole('link', { name: 'Traduire en anglais (English) : 3 textes manquants' }));
    await waitFor(() => expect(router.state.location.search).toBe('?onglet=traductions&langue=en&manquants=1'));
    expect(await screen.findByRole('heading', { name: 'Traductions' })).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: /^Titre du parcours en anglais/ })).not.toBeInTheDocument();
  });
});

describe('readability note', () => {
  it('shows the level, the figures and the advice', () => {
    render(
      <ReadabilityNote
        lang="fr-x-falc"
        result={{ key: 'k', sentences: 2, words: 40, max_words_per_sentence: 32, mean_words_per_sentence: 20, long_sentences: 1, rare_words: ['allocataire', 'attestation'], rare_word_share: 0.05, level: 'attention', advice: ['Coupez cette phrase : 32 mots.'] }}
      />,
    );
    expect(screen.getByText('À simplifier')).toBeInTheDocument();
    expect(screen.getByText(/2 phrases, 32 mots au plus par phrase, 2 mots peu courants/)).toBeInTheDocument();
    expect(screen.getByText('Coupez cette phrase : 32 mots.')).toBeInTheDocument();
    expect(screen.getByText('Lisibilité FALC :')).toHaveClass('fr-sr-only');
  });
});
