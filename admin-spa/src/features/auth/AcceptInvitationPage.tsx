import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { PasswordInput } from '@codegouvfr/react-dsfr/blocks/PasswordInput';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage, fieldErrors, unwrap } from '../../api/problem';
import { session } from '../../api/session';
import { PublicHeader } from '../../layout/Shell';
import { Page } from '../../layout/Page';

/** /admin/invitation#TOKEN: the link an admin copies from « Membres ». */
export function AcceptInvitationPage() {
  const { api } = useAuth();
  const navigate = useNavigate();
  // The token is in the fragment: never sent to a server, never in logs.
  const [token] = useState(() => decodeURIComponent(window.location.hash.replace(/^#/, '')));
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setMismatch(password !== confirm);
    if (password !== confirm) return;
    setBusy(true);
    setError(null);
    try {
      const data = unwrap(await api.authClient.POST('/api/v1/auth/invitations/accept', { body: { token, password } }));
      if (data && typeof data === 'object' && 'access_token' in data) session.set(data as { access_token: string; refresh_token: string });
      history.replaceState(null, '', window.location.pathname); // forget the token
      navigate(session.accessToken ? '/' : '/connexion', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = fieldErrors(error);
  const general = error && !fields.password ? errorMessage(error) : null;

  return (
    <>
      <PublicHeader />
      <main id="contenu" className="fr-container fr-py-6w app-main">
        <div className="fr-grid-row fr-grid-row--center">
          <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
            <Page title="Rejoindre une organisation">
              {!token ? (
                <Alert as="h2" severity="error" title="Lien d'invitation incomplet" description="Ouvrez le lien complet reçu de votre administrateur (il se termine par une longue suite de caractères après #)." />
              ) : (
                <form onSubmit={onSubmit} noValidate>
                  {general && (
                    <div role="alert">
                      <Alert as="h2" severity="error" title="Invitation refusée" description={general} className="fr-mb-3w" />
                    </div>
                  )}
                  <p>Choisissez le mot de passe de votre compte : 12 caractères au moins. Une phrase de plusieurs mots est facile à retenir et difficile à deviner. Si vous avez déjà un compte avec cette adresse, saisissez son mot de passe.</p>
                  <PasswordInput
                    label="Mot de passe"
                    messages={fields.password ? [{ message: fields.password, severity: 'error' }] : []}
                    nativeInputProps={{ autoComplete: 'new-password', required: true, value: password, onChange: (e) => setPassword(e.target.value) }}
                  />
                  <PasswordInput
                    label="Confirmez le mot de passe"
                    className="fr-mt-2w"
                    messages={mismatch ? [{ message: 'Les deux mots de passe diffèrent.', severity: 'error' }] : []}
                    nativeInputProps={{ autoComplete: 'new-password', required: true, value: confirm, onChange: (e) => setConfirm(e.target.value) }}
                  />
                  <Button type="submit" className="fr-mt-3w" disabled={busy}>
                    Rejoindre l'organisation
                  </Button>
                </form>
              )}
            </Page>
          </div>
        </div>
      </main>
    </>
  );
}
