import { useRef, useState, type FormEvent } from 'react';
import { useParams } from 'react-router-dom';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage, fieldErrors } from '../../api/problem';
import { Page } from '../../layout/Page';
import { fr, formatDateTime, formatNumber } from '../../i18n/fr';
import { useCreatePortal, usePortalUsage, usePortals, useRevokePortal, type CreatedPortal, type Portal, type PortalRequestCounts } from './api';

/** « Portails partenaires »: the third-party portals' API keys (platform admins). */
export function PortalsPage() {
  const { org = '' } = useParams();
  const { me } = useAuth();
  if (!me?.platform_admin) {
    return (
      <Page title={fr.nav.portals} context={org}>
        <Alert as="h2" severity="info" title="Écran réservé aux administrateurs de la plateforme" description="Les clés d'API des portails partenaires sont gérées par l'équipe Aiguillage." />
      </Page>
    );
  }
  return <Portals org={org} />;
}

function Portals({ org }: { org: string }) {
  const portals = usePortals();
  const usage = usePortalUsage();
  const revoke = useRevokePortal();
  const [created, setCreated] = useState<CreatedPortal | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const usageOf = (id?: string) => usage.data?.portals?.find((u) => u.id === id);

  const onRevoke = (p: Portal) =>
    revoke.mutate(p.id!, {
      onSuccess: () => {
        setConfirm(null);
        setNotice(`Clé du portail « ${p.name} » révoquée : ses requêtes sont désormais refusées.`);
      },
    });

  return (
    <Page title={fr.nav.portals} context={org}>
      <p>
        Un portail partenaire (site d'une collectivité, d'une association…) qui interroge l'API publique peut recevoir une clé d'API. Envoyée dans l'en-tête <code>X-API-Key</code>, elle relève ses limites de
        requêtes et attribue son usage au portail dans les statistiques. Sans clé, l'API reste ouverte à tous, avec les limites par adresse.
      </p>
      <p className="fr-text--sm">
        Les appels à l'API faits avec une clé sont comptés par jour et par famille (recherche, parcours, points de contact…), sans la requête ni l'adresse de l'appelant ; ils apparaissent ici
        en moins d'une minute.
      </p>
      {notice && (
        <div role="status">
          <Alert as="h2" severity="success" small description={notice} closable onClose={() => setNotice(null)} className="fr-mb-2w" />
        </div>
      )}
      {revoke.error && (
        <div role="alert">
          <Alert as="h2" severity="error" title="Révocation impossible" description={errorMessage(revoke.error)} className="fr-mb-2w" />
        </div>
      )}
      {created && <NewKey created={created} onDone={() => setCreated(null)} />}
      {portals.error ? (
        <Alert as="h2" severity="error" title="Chargement impossible" description={errorMessage(portals.error)} />
      ) : !portals.data ? (
        <p role="status">Chargement…</p>
      ) : portals.data.length === 0 ? (
        <p>Aucun portail n'a encore de clé.</p>
      ) : (
        <div className="app-table-wrap fr-mb-6w">
          <table className="app-table">
            <caption>Portails partenaires ({portals.data.length})</caption>
            <thead>
              <tr>
                <th scope="col">Portail</th>
                <th scope="col">Clé</th>
                <th scope="col">Multiplicateur des limites</th>
                <th scope="col">Créée le</th>
                <th scope="col">Dernière utilisation</th>
                <th scope="col">Affichages et recherches (30 jours)</th>
                <th scope="col">Appels à l'API (30 j)</th>
                <th scope="col">État</th>
              </tr>
            </thead>
            <tbody>
              {portals.data.map((p) => {
                const u = usageOf(p.id);
                const t = u?.totals;
                return (
                  <tr key={p.id}>
                    <td>
                      {p.name}
                      {p.contact_email && <div className="fr-text--sm fr-mb-0">{p.contact_email}</div>}
                    </td>
                    <td>
                      <code>agk_{p.key_prefix}_…</code>
                    </td>
                    <td>× {p.rate_multiplier}</td>
                    <td>{formatDateTime(p.created_at)}</td>
                    <td>{p.last_used_at ? formatDateTime(p.last_used_at) : 'Jamais'}</td>
                    <td>{t ? `${formatNumber(t.loads)} / ${formatNumber(t.searches)}` : '—'}</td>
                    <td>
                      <ApiCalls name={p.name ?? ''} requests={u?.requests} />
                    </td>
                    <td>
                      {p.revoked ? (
                        <Badge severity="error" small>
                          Révoquée le {formatDateTime(p.revoked_at)}
                        </Badge>
                      ) : confirm === p.id ? (
                        <div role="group" aria-label={`Confirmer la révocation de la clé de ${p.name}`}>
                          <p className="fr-text--sm fr-mb-1w">Révoquer la clé de « {p.name} » ? Ses requêtes seront refusées dans la seconde, sans retour possible : il faudra lui créer une nouvelle clé.</p>
                          <div className="app-row">
                            <Button size="small" onClick={() => onRevoke(p)} disabled={revoke.isPending}>
                              Confirmer la révocation
                            </Button>
                            <Button size="small" priority="secondary" onClick={() => setConfirm(null)}>
                              Annuler
                            </Button>
                          </div>
                        </div>
                      ) : (
                        <div className="app-row" style={{ alignItems: 'center' }}>
                          <Badge severity="success" small>
                            Active
                          </Badge>
                          <Button size="small" priority="tertiary" onClick={() => setConfirm(p.id!)}>
                            Révoquer{' '}<span className="fr-sr-only">la clé de {p.name}</span>
                          </Button>
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <CreateForm onCreated={(c) => { setNotice(null); setCreated(c); }} />
    </Page>
  );
}

/** A portal's calls to the public API over the period: the total, and on demand the breakdown by family and the errors. */
function ApiCalls({ name, requests }: { name: string; requests?: PortalRequestCounts }) {
  if (!requests) return <>—</>;
  const total = requests.total ?? 0;
  if (total === 0) return <>Aucun</>;
  const clientErrors = requests.client_errors ?? 0;
  const serverErrors = requests.server_errors ?? 0;
  const families = (requests.by_family ?? []).filter((f) => (f.requests ?? 0) > 0);
  return (
    <details>
      <summary>
        {formatNumber(total)}
        <span className="fr-sr-only"> appels de {name}, détail par famille</span>
      </summary>
      <ul className="fr-text--sm fr-mb-0">
        {families.map((f) => (
          <li key={f.family}>
            {fr.requestFamilies[f.family ?? 'other'] ?? f.family} : {formatNumber(f.requests)}
          </li>
        ))}
      </ul>
      {clientErrors + serverErrors > 0 && (
        <p className="fr-text--sm fr-mb-0">
          Erreurs : {formatNumber(clientErrors)} refusés (4xx, limites dépassées comprises), {formatNumber(serverErrors)} côté serveur (5xx)
        </p>
      )}
    </details>
  );
}

/** The new key, shown this once, with a copy button. */
function NewKey({ created, onDone }: { created: CreatedPortal; onDone: () => void }) {
  const keyRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    keyRef.current?.select();
    try {
      await navigator.clipboard.writeText(created.api_key ?? '');
      setCopied(true);
    } catch {
      setCopied(false); // the key is selected: Ctrl+C
    }
  };
  return (
    <div role="status" className="fr-alert fr-alert--warning fr-mb-4w">
      <h2 className="fr-alert__title">Clé créée pour « {created.portal?.name} »</h2>
      <p>
        <strong>Copiez cette clé maintenant : elle ne sera plus jamais affichée.</strong> Seule son empreinte est conservée. Transmettez-la au portail par un canal sûr ; en cas de perte ou de fuite, révoquez-la et créez-en une autre.
      </p>
      <div className="app-row fr-mt-2w" style={{ alignItems: 'flex-end' }}>
        <Input label="Clé d'API" nativeInputProps={{ ref: keyRef, readOnly: true, value: created.api_key ?? '', spellCheck: false, autoComplete: 'off', onFocus: (e) => e.target.select() }} />
        <Button type="button" priority="secondary" onClick={() => void copy()}>
          Copier la clé
        </Button>
        <Button type="button" priority="tertiary" onClick={onDone}>
          J'ai copié la clé
        </Button>
      </div>
      <p aria-live="polite" className="fr-text--sm">
        {copied ? 'Clé copiée.' : ''}
      </p>
    </div>
  );
}

function CreateForm({ onCreated }: { onCreated: (c: CreatedPortal) => void }) {
  const create = useCreatePortal();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [multiplier, setMultiplier] = useState('10');
  const errors = fieldErrors(create.error);
  const general = create.error && Object.keys(errors).length === 0 ? errorMessage(create.error) : null;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const m = Number(multiplier);
    create.mutate(
      { name: name.trim(), ...(email.trim() ? { contact_email: email.trim() } : {}), rate_multiplier: Number.isInteger(m) ? m : 0 },
      {
        onSuccess: (c) => {
          setName('');
          setEmail('');
          setMultiplier('10');
          onCreated(c);
        },
      },
    );
  };

  return (
    <section aria-labelledby="portal-create-title">
      <h2 id="portal-create-title" className="fr-h3">
        Créer une clé pour un portail
      </h2>
      {general && (
        <div role="alert">
          <Alert as="h3" severity="error" small description={general} className="fr-mb-2w" />
        </div>
      )}
      <form onSubmit={onSubmit} noValidate aria-labelledby="portal-create-title">
        <Input
          label="Nom du portail"
          hintText="Affiché dans cet écran et dans les statistiques, 120 caractères au plus."
          state={errors.name ? 'error' : 'default'}
          stateRelatedMessage={errors.name}
          nativeInputProps={{ id: 'portal-name', value: name, maxLength: 120, onChange: (e) => setName(e.target.value) }}
        />
        <Input
          label="Courriel du contact technique (facultatif)"
          hintText="Visible des seuls administrateurs de la plateforme. Format attendu : nom@domaine.fr"
          state={errors.contact_email ? 'error' : 'default'}
          stateRelatedMessage={errors.contact_email}
          nativeInputProps={{ id: 'portal-email', type: 'email', autoComplete: 'off', value: email, onChange: (e) => setEmail(e.target.value) }}
        />
        <Input
          label="Multiplicateur des limites de requêtes"
          hintText="De 1 à 100 : les limites d'une adresse, multipliées, comptées pour tout le portail."
          state={errors.rate_multiplier ? 'error' : 'default'}
          stateRelatedMessage={errors.rate_multiplier}
          nativeInputProps={{ id: 'portal-multiplier', type: 'number', inputMode: 'numeric', min: 1, max: 100, step: 1, value: multiplier, onChange: (e) => setMultiplier(e.target.value) }}
        />
        <Button type="submit" disabled={create.isPending}>
          Créer la clé
        </Button>
      </form>
    </section>
  );
}
