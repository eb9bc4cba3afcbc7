import '@testing-library/jest-dom/vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { ImportPage, formatOf } from '../src/features/import/ImportPage';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const me = { user_id: 'u1', email: 'editeur@var.fr', memberships: [{ organisation: 'var', role: 'editor' }] };
const base: Handler = (_req, url) => {
  if (url.pathname === '/api/v1/admin/me') return json(200, me);
};
const routes = [
  { path: '/o/:org/points-de-contact', element: <h1>Liste des points de contact</h1> },
  { path: '/o/:org/points-de-contact/import', element: <ImportPage /> },
];
const IMPORT = '/api/v1/admin/organisations/var/contact-points/import';

const row = (n: number, action: string, extra: object = {}) => ({ row: n, reference: `R-${n}`, id: `00000000-0000-0000-0000-00000000000${n}`, name: `Point ${n}`, action, ...extra });

const withRejects = {
  dry_run: true,
  applied: false,
  format: 'csv',
  encoding: 'Windows-1252',
  separator: ';',
  created: 1,
  updated: 1,
  unchanged: 0,
  rejected: 1,
  rows: [
    row(2, 'create'),
    row(3, 'reject', { errors: [{ field: 'telephones', detail: '« 12 34 » : numéro invalide' }, { field: 'horaires', detail: 'jour inconnu « lndi »' }] }),
    row(4, 'update', { changes: ['channels', 'opening_hours'] }),
  ],
};
const clean = { ...withRejects, rejected: 0, rows: [row(2, 'create'), row(4, 'update', { changes: ['name'] })] };

async function chooseAndCheck(user: ReturnType<typeof userEvent.setup>) {
  await screen.findByRole('heading', { level: 1, name: 'Importer des points de contact' });
  const input = screen.getByLabelText(/Fichier à importer/);
  await user.upload(input, new File(['Référence;Nom\nR-2;Point 2\n'], 'points.csv', { type: 'text/csv' }));
  expect(screen.getByRole('combobox', { name: /Format du fichier/ })).toHaveValue('csv');
  await user.click(screen.getByRole('button', { name: 'Vérifier le fichier' }));
}

describe('import page', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
  });

  it('shows the rejected rows with their reasons and keeps the import disabled', async () => {
    const user = userEvent.setup();
    const { api, calls } = fakeApi(base, (req, url) => {
      if (url.pathname === IMPORT && req.method === 'POST') return json(200, withRejects);
    });
    renderRoutes(api, routes, '/o/var/points-de-contact/import');
    await chooseAndCheck(user);

    // The counts are announced; the focus goes to the result.
    const status = await screen.findByText(/Fichier vérifié : 1 à créer, 1 à mettre à jour, 0 inchangés, 1 ligne rejetée/);
    expect(status.closest('[role="status"]')).not.toBeNull();
    await waitFor(() => expect(screen.getByRole('heading', { name: '2. Résultat de la vérification' })).toHaveFocus());

    // Only the rejected rows at first, each with its reasons next to it.
    const table = screen.getByRole('table', { name: /Lignes rejetées \(1\)/ });
    const rejectedRow = within(table).getByRole('row', { name: /Point 3/ });
    expect(within(rejectedRow).getByText('Téléphones : « 12 34 » : numéro invalide')).toBeInTheDocument();
    expect(within(rejectedRow).getByText('Horaires : jour inconnu « lndi »')).toBeInTheDocument();
    expect(within(rejectedRow).getByText('Rejeté')).toBeInTheDocument();
    expect(within(table).queryByText('Point 2')).toBeNull();

    // All rows on demand.
    await user.click(screen.getByRole('checkbox', { name: /Afficher uniquement les lignes rejetées \(1\)/ }));
    const all = screen.getByRole('table', { name: /Lignes du fichier \(3\)/ });
    expect(within(all).getByText('Point 2')).toBeInTheDocument();
    expect(within(all).getByText('Modifie : moyens de contact, horaires')).toBeInTheDocument();

    expect(screen.getByRole('button', { name: 'Importer 2 points de contact' })).toBeDisabled();
    expect(screen.getByText('Import impossible tant qu’une ligne est rejetée.')).toBeInTheDocument();

    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.path).toBe(IMPORT);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('enables the import once nothing is rejected, then applies it', async () => {
    const user = userEvent.setup();
    const queries: string[] = [];
    const { api } = fakeApi(base, (req, url) => {
      if (url.pathname !== IMPORT || req.method !== 'POST') return undefined;
      queries.push(url.search);
      if (url.searchParams.get('dry_run') === 'false') return json(200, { ...clean, dry_run: false, applied: true });
      return json(200, clean);
    });
    renderRoutes(api, routes, '/o/var/points-de-contact/import');
    await chooseAndCheck(user);

    await screen.findByText(/Fichier vérifié : 1 à créer, 1 à mettre à jour, 0 inchangés, 0 ligne rejetée/);
    expect(screen.getByRole('checkbox', { name: /Afficher uniquement les lignes rejetées \(0\)/ })).not.toBeChecked();
    const apply = screen.getByRole('button', { name: 'Importer 2 points de contact' });
    expect(apply).toBeEnabled();
    await user.click(apply);

    const done = await screen.findByText('Import terminé');
    expect(done).toBeInTheDocument();
    await waitFor(() => expect(done.closest('[tabindex="-1"]')).toHaveFocus());
    expect(screen.getByRole('link', { name: 'Voir la liste des points de contact' })).toHaveAttribute('href', '/o/var/points-de-contact');
    expect(queries).toEqual(['?dry_run=true&format=csv', '?dry_run=false&format=csv']);
  });

  it('shows why a file cannot be read, in a summary that takes the focus', async () => {
    const user = userEvent.setup();
    const { api } = fakeApi(base, (req, url) => {
      if (url.pathname === IMPORT && req.method === 'POST')
        return json(400, {
          type: 'urn:aiguillage:problem:invalid',
          title: 'Requête invalide',
          status: 400,
          detail: 'Le fichier n’a pas les colonnes attendues.',
          errors: [{ field: 'reference', detail: 'colonne obligatoire absente de la ligne d’en-tête (« Référence »)' }],
        });
    });
    renderRoutes(api, routes, '/o/var/points-de-contact/import');
    await chooseAndCheck(user);
    const summary = await screen.findByRole('alert', { name: /Le formulaire contient une erreur/ });
    await waitFor(() => expect(summary).toHaveFocus());
    await user.click(within(summary).getByRole('link', { name: /Fichier, colonne « Référence » : colonne obligatoire absente/ }));
    expect(screen.getByLabelText(/Fichier à importer/)).toHaveFocus();
    expect(screen.queryByRole('button', { name: /^Importer \d/ })).toBeNull();
  });

  it('reads a data·inclusion file and shows the warnings of the rows it imports', async () => {
    const user = userEvent.setup();
    const queries: string[] = [];
    const report = {
      dry_run: true,
      applied: false,
      format: 'data-inclusion',
      created: 2,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      rows: [
        row(2, 'create', { reference: 'dora--aide-alimentaire-urgence' }),
        row(3, 'create', {
          reference: 'dora--accompagnement-numerique',
          warnings: [
            { field: 'thematiques', detail: 'thématique(s) inconnue(s) de la table de correspondance, ignorée(s) : « numerique--x »' },
            { field: 'horaires_accueil', detail: 'partie non reconnue, gardée telle quelle dans la remarque des horaires : « Jan-Jun Fr 09:00-12:00 »' },
          ],
        }),
      ],
    };
    const { api } = fakeApi(base, (req, url) => {
      if (url.pathname !== IMPORT || req.method !== 'POST') return undefined;
      queries.push(url.search);
      return json(200, report);
    });
    renderRoutes(api, routes, '/o/var/points-de-contact/import');
    await screen.findByRole('heading', { level: 1, name: 'Importer des points de contact' });
    await user.upload(screen.getByLabelText(/Fichier à importer/), new File(['{"source":"dora"}\n'], 'services.jsonl', { type: 'application/x-ndjson' }));
    const select = screen.getByRole('combobox', { name: /Format du fichier/ });
    expect(select).toHaveValue('data-inclusion');
    expect(within(select).getByRole('option', { name: 'data·inclusion (JSON)' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Vérifier le fichier' }));

    await screen.findByText(/Fichier data·inclusion\./);
    expect(screen.getByText(/1 ligne a des avertissements : elle sera importée/)).toBeInTheDocument();
    const table = screen.getByRole('table', { name: /Lignes du fichier \(2\)/ });
    const warnedRow = within(table).getByRole('row', { name: /Point 3/ });
    expect(within(warnedRow).getByText(/Avertissement \(Thématiques\) : thématique\(s\) inconnue\(s\)/)).toBeInTheDocument();
    expect(within(warnedRow).getByText(/Avertissement \(Horaires d’accueil\) : partie non reconnue/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Importer 2 points de contact' })).toBeEnabled();
    expect(queries).toEqual(['?dry_run=true&format=data-inclusion']);
  });

  it('suggests a format from the file name, leaving .json to the server', () => {
    expect(formatOf('services.ndjson')).toBe('data-inclusion');
    expect(formatOf('export.JSONL')).toBe('data-inclusion');
    expect(formatOf('export.json')).toBe('');
    expect(formatOf('caf.geojson')).toBe('annuaire');
    expect(formatOf('points.csv')).toBe('csv');
  });
});
