import '@testing-library/jest-dom/vitest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { ContactPointListPage } from '../src/features/contact-points/ListPage';
import { JourneyListPage } from '../src/features/journeys/ListPage';
import { filenameOf } from '../src/components/ExportControl';
import { fakeApi, json, type Handler } from './fakeApi';
import { renderRoutes } from './render';

const me = { user_id: 'u1', email: 'lecteur@var.fr', memberships: [{ organisation: 'var', role: 'viewer' }] };
const base: Handler = (_req, url) => {
  if (url.pathname === '/api/v1/admin/me') return json(200, me);
  if (url.pathname === '/api/v1/public/organisations/var/themes') return json(200, { themes: [] });
  if (url.pathname === '/api/v1/admin/organisations/var/contact-points') return json(200, { total: 0, contact_points: [] });
  if (url.pathname === '/api/v1/admin/organisations/var/journeys') return json(200, { journeys: [] });
};
const file = (body: string, type: string, name: string) =>
  new Response(body, { status: 200, headers: { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"` } });

describe('export control', () => {
  let saved: { href: string; download: string }[];
  beforeEach(() => {
    sessionStorage.clear();
    session.set({ access_token: 'tok', refresh_token: 'r' });
    saved = [];
    URL.createObjectURL = vi.fn(() => 'blob:export');
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ href: this.getAttribute('href') ?? '', download: this.download });
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('downloads the contact points in the chosen format, with the name the server gives', async () => {
    const user = userEvent.setup();
    const { api, calls } = fakeApi(base, (_req, url) => {
      if (url.pathname === '/api/v1/admin/organisations/var/exports/contact-points')
        return file('{"version":"3.0","contents":[]}', 'application/json', `points-de-contact-var-${url.searchParams.get('format')}.json`);
    });
    renderRoutes(api, [{ path: '/o/:org/points-de-contact', element: <ContactPointListPage /> }], '/o/var/points-de-contact');

    const region = await screen.findByRole('region', { name: 'Exporter les points de contact' });
    const select = within(region).getByRole('combobox', { name: /Format du fichier/ });
    expect(select).toHaveValue('csv');
    expect(within(region).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'CSV (tableur, réimportable)',
      'JSON (format Aiguillage)',
      'HSDS 3.0 (Open Referral)',
      'data·inclusion (schéma v1)',
    ]);
    // The hint, in the field's label, says what the chosen format is for.
    await user.selectOptions(select, 'hsds');
    expect(select).toHaveAccessibleName(/Format du fichier.*standard international des annuaires/);

    await user.click(within(region).getByRole('button', { name: 'Exporter' }));
    const status = await within(region).findByText('Fichier « points-de-contact-var-hsds.json » téléchargé.');
    expect(status).toHaveAttribute('role', 'status');
    expect(saved).toEqual([{ href: 'blob:export', download: 'points-de-contact-var-hsds.json' }]);
    const call = calls.find((c) => c.path.endsWith('/exports/contact-points'));
    expect(call?.auth).toBe('Bearer tok');
    const blob = vi.mocked(URL.createObjectURL).mock.calls[0][0] as Blob;
    expect(await blob.text()).toBe('{"version":"3.0","contents":[]}');
  });

  it('says why an export failed and downloads nothing', async () => {
    const user = userEvent.setup();
    const { api } = fakeApi(base, (_req, url) => {
      if (url.pathname.endsWith('/exports/contact-points'))
        return json(400, { type: 'urn:aiguillage:problem:invalid', title: 'Requête invalide', status: 400, detail: "Format d'export inconnu." });
    });
    renderRoutes(api, [{ path: '/o/:org/points-de-contact', element: <ContactPointListPage /> }], '/o/var/points-de-contact');
    const region = await screen.findByRole('region', { name: 'Exporter les points de contact' });
    await user.click(within(region).getByRole('button', { name: 'Exporter' }));
    expect(await within(region).findByText("Export impossible : Format d'export inconnu.")).toBeInTheDocument();
    expect(saved).toEqual([]);
    expect(within(region).getByRole('status')).toBeEmptyDOMElement();
  });

  it('exports the journeys as CSV', async () => {
    const user = userEvent.setup();
    const { api, calls } = fakeApi(base, (_req, url) => {
      if (url.pathname === '/api/v1/admin/organisations/var/exports/journeys') return file('Parcours;Titre du parcours\r\n', 'text/csv', 'parcours-var.csv');
    });
    renderRoutes(api, [{ path: '/o/:org/parcours', element: <JourneyListPage /> }], '/o/var/parcours');
    const region = await screen.findByRole('region', { name: 'Exporter les parcours' });
    await user.selectOptions(within(region).getByRole('combobox', { name: /Format du fichier/ }), 'csv');
    await user.click(within(region).getByRole('button', { name: 'Exporter' }));
    await waitFor(() => expect(saved).toEqual([{ href: 'blob:export', download: 'parcours-var.csv' }]));
    expect(calls.filter((c) => c.path === '/api/v1/admin/organisations/var/exports/journeys')).toHaveLength(1);
  });

  it('reads the file name of Content-Disposition', () => {
    expect(filenameOf('attachment; filename="points-de-contact-var.csv"', 'x')).toBe('points-de-contact-var.csv');
    expect(filenameOf('inline; filename=hsds.json', 'x')).toBe('hsds.json');
    expect(filenameOf(null, 'secours.json')).toBe('secours.json');
  });
});
