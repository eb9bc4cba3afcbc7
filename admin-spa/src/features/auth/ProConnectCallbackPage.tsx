import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useAuth } from '../../auth/AuthContext';
import { session } from '../../api/session';
import type { Api } from '../../api/client';
import { PublicHeader } from '../../layout/Shell';
import { Page } from '../../layout/Page';
import { proconnectError } from './proconnect';

// A login code works once: the exchange of each code is started once, even
// when React runs the effect twice (StrictMode) or the page remounts.
const exchanges = new Map<string, Promise<string | null>>();

/** Exchanges a code; resolves to null on success, else an error code. */
function exchange(api: Api, code: string): Promise<string | null> {
  let p = exchanges.get(code);
  if (!p) {
    p = (async () => {
      try {
        const { data, response } = await api.authClient.POST('/api/v1/auth/proconnect/exchange', { body: { code } });
        if (response.ok && data?.access_token) {
          session.set(data);
          return null;
        }
        return response.status === 401 ? 'expired_code' : response.status === 429 ? 'unavailable' : 'server_error';
      } catch {
        return 'unavailable';
      }
    })();
    exchanges.set(code, p);
  }
  return p;
}

/**
 * /admin/connexion/proconnect#code=… (or #error=…): where a sign-in with
 * ProConnect lands. The code is in the fragment, never sent to a server
 * but the API; it is exchanged for a session, then the dashboard opens.
 */
export function ProConnectCallbackPage() {
  const { api } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params] = useState(() => new URLSearchParams(window.location.hash.replace(/^#/, '')));
  const code = params.get('code');
  const [error, setError] = useState<string | null>(() => (code ? null : (params.get('error') ?? 'invalid_state')));

  useEffect(() => {
    // Forget the code: neither history nor a bookmark keeps it.
    if (window.location.hash) history.replaceState(history.state, '', window.location.pathname + window.location.search);
  }, []);

  useEffect(() => {
    if (!code) return;
    let live = true;
    void exchange(api, code).then((err) => {
      if (!live) return;
      if (err) setError(err);
      else {
        qc.clear();
        navigate('/', { replace: true });
      }
    });
    return () => {
      live = false;
    };
  }, [api, code, navigate, qc]);

  return (
    <>
      <PublicHeader />
      <main id="contenu" className="fr-container fr-py-6w app-main">
        <div className="fr-grid-row fr-grid-row--center">
          <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
            <Page title="Connexion avec ProConnect">
              {error ? (
                <>
                  <div role="alert">
                    <Alert as="h2" severity="error" title="Connexion refusée" description={proconnectError(error)} className="fr-mb-3w" />
                  </div>
                  <Link to="/connexion" className="fr-link">
                    Revenir à la page de connexion
                  </Link>
                </>
              ) : (
                <p role="status">Connexion en cours…</p>
              )}
            </Page>
          </div>
        </div>
      </main>
    </>
  );
}
