import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { PasswordInput } from '@codegouvfr/react-dsfr/blocks/PasswordInput';
import { ProConnectButton } from '@codegouvfr/react-dsfr/ProConnectButton';
import { useAuth } from '../../auth/AuthContext';
import { ApiError, errorMessage, fieldErrors } from '../../api/problem';
import { PublicHeader } from '../../layout/Shell';
import { Page } from '../../layout/Page';
import { proconnectStartUrl, useAuthProviders } from './proconnect';

export function LoginPage() {
  const { api, status, signIn, endedReason } = useAuth();
  const providers = useAuthProviders(api);
  const proconnect = providers.proconnect === true;
  const demo = providers.demo_accounts ?? [];
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (status === 'signed-in') {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/connexion' ? from : '/'} replace />;
  }

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const fields = fieldErrors(error);
  const message =
    error instanceof ApiError && (error.status === 401 || error.status === 403)
      ? 'Adresse électronique ou mot de passe incorrect.'
      : error
        ? errorMessage(error)
        : null;

  return (
    <>
      <PublicHeader />
      <main id="contenu" className="fr-container fr-py-6w app-main">
        <div className="fr-grid-row fr-grid-row--center">
          <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
            <Page title="Connexion à l'espace référents">
              {endedReason && !error && <Alert as="h2" small severity="info" description={endedReason} className="fr-mb-3w" />}
              {message && (
                <div role="alert">
                  <Alert as="h2" severity="error" title="Connexion impossible" description={message} className="fr-mb-3w" />
                </div>
              )}
              {proconnect && (
                <section aria-labelledby="proconnect-title" className="fr-mb-4w">
                  <h2 id="proconnect-title" className="fr-h5">
                    Agents publics
                  </h2>
                  <p className="fr-text--sm">Connectez-vous avec votre compte professionnel ProConnect. Votre adresse doit être celle de votre compte Aiguillage, ou celle à laquelle votre organisation vous a invité.</p>
                  <ProConnectButton url={proconnectStartUrl} />
                  <p className="fr-hr-or fr-mt-3w">ou</p>
                </section>
              )}
              {demo.length > 0 && (
                <section aria-labelledby="demo-title" className="fr-callout fr-mb-4w">
                  <h2 id="demo-title" className="fr-callout__title fr-h5">
                    Version de démonstration
                  </h2>
                  <p className="fr-text--sm">Ce serveur de démonstration ouvre ces comptes fictifs à tous. Choisissez-en un pour remplir le formulaire, puis « Se connecter ».</p>
                  <ul className="fr-btns-group fr-btns-group--sm fr-btns-group--inline-md fr-mb-0">
                    {demo.map((a) => (
                      <li key={a.email}>
                        <Button
                          type="button"
                          priority="secondary"
                          size="small"
                          title={a.email}
                          onClick={() => {
                            setEmail(a.email ?? '');
                            setPassword(a.password ?? '');
                            setError(null);
                          }}
                        >
                          {a.role}
                        </Button>
                      </li>
                    ))}
                  </ul>
                </section>
              )}
              <form onSubmit={onSubmit} noValidate>
                <fieldset className="fr-fieldset" aria-labelledby="login-legend">
                  <legend id="login-legend" className="fr-fieldset__legend">
                    Identifiez-vous avec le compte créé pour votre organisation.
                  </legend>
                  <div className="fr-fieldset__element">
                    <Input
                      label="Adresse électronique"
                      hintText="Format attendu : nom@domaine.fr"
                      state={fields.email ? 'error' : 'default'}
                      stateRelatedMessage={fields.email}
                      nativeInputProps={{ type: 'email', name: 'email', autoComplete: 'username', required: true, value: email, onChange: (e) => setEmail(e.target.value) }}
                    />
                  </div>
                  <div className="fr-fieldset__element">
                    <PasswordInput
                      label="Mot de passe"
                      messages={fields.password ? [{ message: fields.password, severity: 'error' }] : []}
                      nativeInputProps={{ name: 'password', autoComplete: 'current-password', required: true, value: password, onChange: (e) => setPassword(e.target.value) }}
                    />
                  </div>
                  <div className="fr-fieldset__element">
                    <Button type="submit" disabled={busy}>
                      {busy ? 'Connexion…' : 'Se connecter'}
                    </Button>
                  </div>
                </fieldset>
              </form>
              <p className="fr-text--sm fr-mt-4w">
                Pas encore de compte ? Un administrateur de votre organisation peut vous envoyer une invitation depuis l'écran « Membres ». Mot de passe oublié : demandez-lui une nouvelle invitation.
              </p>
            </Page>
          </div>
        </div>
      </main>
    </>
  );
}
