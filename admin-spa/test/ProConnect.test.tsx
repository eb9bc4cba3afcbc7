import '@testing-library/jest-dom/vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../src/api/session';
import { LoginPage } from '../src/features/auth/LoginPage';
import { ProConnectCallbackPage } from '../src/features/auth/ProConnectCallbackPage';
import { fakeApi, json } from './fakeApi';
import { renderRoutes } from './render';

const tokens = { access_token: 'acc', token_type: 'Bearer', expires_in: 600, refresh_token: 'ref', refresh_expires_in: 86400 };

const routes = [
  { path: '/connexion', element: <LoginPage /> },
  { path: '/connexion/proconnect', element: <ProConnectCallbackPage /> },
  { path: '/', element: <p>Tableau de bord</p> },
];

function providers(on: boolean) {
  return (_req: Request, url: URL) => (url.pathname === '/api/v1/auth/providers' ? json(200, { password: true, proconnect: on }) : undefined);
}

describe('sign-in with ProConnect', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session.clear();
    history.replaceState(null, '', '/');
  });

  it('offers the ProConnect button when the server does', async () => {
    const { api } = fakeApi(providers(true));
    renderRoutes(api, routes, '/connexion');
    const button = await screen.findByRole('link', { name: /S.identifier avec\s*ProConnect/ });
    expect(button.getAttribute('href')).toMatch(/\/api\/v1\/auth\/proconnect\/start\?purpose=admin$/);
    const what = screen.getByRole('link', { name: /Qu.est-ce que ProConnect/ });
    expect(what).toHaveAttribute('href', 'https://www.proconnect.gouv.fr/');
    expect(what).toHaveAttribute('target', '_blank');
    // Password sign-in stays.
    expect(screen.getByRole('button', { name: 'Se connecter' })).toBeInTheDocument();
  });

  it('shows no button when ProConnect is off', async () => {
    const { api, calls } = fakeApi(providers(false));
    renderRoutes(api, routes, '/connexion');
    await waitFor(() => expect(calls.some((c) => c.path === '/api/v1/auth/providers')).toBe(true));
    expect(screen.queryByRole('link', { name: /ProConnect/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Se connecter' })).toBeInTheDocument();
  });

  it('exchanges the code once, forgets it and opens the dashboard', async () => {
    const { api, calls } = fakeApi((req, url) =>
      url.pathname === '/api/v1/auth/proconnect/exchange' && req.method === 'POST' ? json(200, tokens) : undefined,
    );
    history.replaceState(null, '', '/admin/connexion/proconnect#code=le-code');
    renderRoutes(api, routes, '/connexion/proconnect');
    expect(await screen.findByText('Tableau de bord')).toBeInTheDocument();
    const exchanges = calls.filter((c) => c.path === '/api/v1/auth/proconnect/exchange');
    expect(exchanges).toHaveLength(1);
    expect(JSON.parse(exchanges[0].body ?? '{}')).toEqual({ code: 'le-code' });
    expect(session.accessToken).toBe('acc');
    expect(window.location.hash).toBe('');
  });

  it('explains a refusal in French and exchanges nothing', async () => {
    const { api, calls } = fakeApi();
    history.replaceState(null, '', '/admin/connexion/proconnect#error=unknown_account');
    renderRoutes(api, routes, '/connexion/proconnect');
    const [alert] = await screen.findAllByRole('alert');
    expect(alert).toHaveTextContent("Aucun compte Aiguillage n'est associé à votre adresse ProConnect");
    expect(alert).toHaveTextContent("Demandez à l'administrateur de votre organisation de vous inviter");
    expect(calls.some((c) => c.path.includes('exchange'))).toBe(false);
    expect(screen.getByRole('link', { name: 'Revenir à la page de connexion' })).toBeInTheDocument();
    expect(session.accessToken).toBeNull();
  });

  it('says when the code expired or was used', async () => {
    const { api } = fakeApi((_req, url) =>
      url.pathname === '/api/v1/auth/proconnect/exchange' ? json(401, { title: 'Authentification requise', status: 401 }) : undefined,
    );
    history.replaceState(null, '', '/admin/connexion/proconnect#code=vieux-code');
    renderRoutes(api, routes, '/connexion/proconnect');
    expect((await screen.findAllByRole('alert'))[0]).toHaveTextContent('Le lien de connexion a expiré ou a déjà servi');
    expect(session.accessToken).toBeNull();
  });

  it('offers the demo accounts when the server runs the demonstration, and fills the form with one', async () => {
    const demo = [
      { email: 'admin@var.demo.aiguillage.fr', password: 'demo-var-admin-2026', role: 'Administrateur de var' },
      { email: 'lecteur@var.demo.aiguillage.fr', password: 'demo-var-lecteur-2026', role: 'Lecteur de var' },
    ];
    const { api } = fakeApi((_req, url) => (url.pathname === '/api/v1/auth/providers' ? json(200, { password: true, proconnect: false, demo_accounts: demo }) : undefined));
    const user = userEvent.setup();
    renderRoutes(api, routes, '/connexion');
    await screen.findByRole('heading', { name: 'Version de démonstration' });
    await user.click(screen.getByRole('button', { name: 'Lecteur de var' }));
    expect(screen.getByLabelText(/^Adresse électronique/)).toHaveValue('lecteur@var.demo.aiguillage.fr');
    expect(screen.getByLabelText(/^Mot de passe/, { selector: 'input' })).toHaveValue('demo-var-lecteur-2026');
  });

  it('shows no demo accounts on a real server', async () => {
    const { api, calls } = fakeApi(providers(false));
    renderRoutes(api, routes, '/connexion');
    await waitFor(() => expect(calls.some((c) => c.path === '/api/v1/auth/providers')).toBe(true));
    expect(screen.queryByRole('heading', { name: 'Version de démonstration' })).not.toBeInTheDocument();
  });
});
