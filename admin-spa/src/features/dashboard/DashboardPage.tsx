import { Link, useParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage, unwrap } from '../../api/problem';
import { Page } from '../../layout/Page';
import { fr, formatDate, formatNumber, formatPercent } from '../../i18n/fr';
import { staleBefore } from '../contact-points/model';
import { SetupChecklist } from './SetupChecklist';
import { JourneyReviewAlert } from '../journeys/Reviews';

/** The contact points not verified for six months (or never), oldest first: the first 20 and how many in all. */
function useStaleContactPoints(org: string) {
  const { api } = useAuth();
  return useQuery({
    queryKey: ['contact-points', org, 'stale'],
    queryFn: async () => {
      const page = unwrap(
        await api.client.GET('/api/v1/admin/organisations/{org}/contact-points', {
          params: { path: { org }, query: { verified_before: staleBefore(), sort: 'verified_at', limit: 20 } },
        }),
      );
      return { items: page.contact_points ?? [], total: page.total ?? 0 };
    },
  });
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="fr-col-12 fr-col-sm-6 fr-col-lg-3">
      <div className="app-stat">
        <p className="app-stat-value">{value}</p>
        <p>{label}</p>
        {hint && <p className="fr-text--xs fr-mt-1v">{hint}</p>}
      </div>
    </div>
  );
}

export function DashboardPage() {
  const { org = '' } = useParams();
  const { api } = useAuth();
  const stats = useQuery({
    queryKey: ['stats', org],
    queryFn: async () => unwrap(await api.client.GET('/api/v1/public/stats/{slug}', { params: { path: { slug: org } } })),
  });
  const stale = useStaleContactPoints(org);
  const t = stats.data?.totals;
  return (
    <Page title={fr.nav.dashboard} context={org}>
      <JourneyReviewAlert org={org} />
      <SetupChecklist org={org} />
      <section aria-labelledby="usage-title" className="fr-mb-6w">
        <h2 id="usage-title" className="fr-h3">
          Utilisation du widget
          {stats.data && (
            <span className="fr-text--md fr-text--regular">
              {' '}
              du {formatDate(stats.data.from)} au {formatDate(stats.data.to)}
            </span>
          )}
        </h2>
        {stats.error ? (
          <Alert as="h2" severity="error" small description={`Statistiques indisponibles : ${errorMessage(stats.error)}`} />
        ) : !t ? (
          <p role="status">Chargement des statistiques…</p>
        ) : (
          <>
            <div className="fr-grid-row fr-grid-row--gutters">
              <Stat label="affichages du widget" value={formatNumber(t.loads)} />
              <Stat label="recherches" value={formatNumber(t.searches)} hint={`dont ${formatNumber(t.searches_unanswered)} sans réponse`} />
              <Stat label="habitants satisfaits" value={formatPercent(t.satisfaction_rate)} hint={`${formatNumber(t.feedback_useful)} avis utiles sur ${formatNumber(t.feedback)}`} />
              <Stat label="parcours menés au bout" value={formatPercent(t.completion_rate)} hint={`${formatNumber(t.journeys_completed)} sur ${formatNumber(t.journeys_started)} commencés`} />
              <Stat label="appels évités (estimation)" value={formatNumber(t.calls_diverted)} hint="habitants orientés directement vers le bon service" />
              <Stat label="contacts utilisés" value={formatNumber(t.contact_clicks)} hint="appels, courriels, plans, démarches" />
              <Stat label="ouvertures du panneau urgences" value={formatNumber(t.emergency_openings)} />
              <Stat label="sessions sans réponse" value={formatPercent(t.unanswered_share)} />
            </div>
            <p className="fr-mt-2w fr-text--sm">
              Mesure anonyme, sans cookie. Détail public : <a href={`/stats/${encodeURIComponent(org)}`}>page de statistiques de {org}</a>.
            </p>
            <h3 className="fr-h5 fr-mt-4w">Recherches sans réponse les plus fréquentes</h3>
            {(stats.data?.unanswered_searches ?? []).length === 0 ? (
              <p>
                Aucune recherche sans réponse vue au moins {stats.data?.k_anonymity ?? 5} fois sur la période. <Link to={`/o/${org}/recherches-sans-reponse`}>Voir toutes les recherches sans réponse</Link>
              </p>
            ) : (
              <div className="app-table-wrap">
                <table className="app-table">
                  <caption className="fr-sr-only">Recherches sans réponse les plus fréquentes</caption>
                  <thead>
                    <tr>
                      <th scope="col">Recherche</th>
                      <th scope="col">Nombre</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(stats.data?.unanswered_searches ?? []).slice(0, 10).map((s, i) => (
                      <tr key={i}>
                        <td>{s.query}</td>
                        <td>{formatNumber(s.count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </section>
      <section aria-labelledby="stale-title">
        <h2 id="stale-title" className="fr-h3">
          Points de contact à vérifier
        </h2>
        <p>Non vérifiés depuis plus de 6 mois : confirmez-les à leur source (ou corrigez-les) pour que les habitants ne soient pas mal orientés.</p>
        {stale.error ? (
          <Alert as="h2" severity="error" small description={errorMessage(stale.error)} />
        ) : !stale.data ? (
          <p role="status">Chargement…</p>
        ) : stale.data.total === 0 ? (
          <p>Tous vos points de contact ont été vérifiés depuis moins de 6 mois.</p>
        ) : (
          <>
            <ul>
              {stale.data.items.map((c) => (
                <li key={c.id}>
                  <Link to={`/o/${org}/points-de-contact/${c.id}`}>{c.name}</Link> — {c.verified_at ? `vérifié le ${formatDate(c.verified_at)}` : 'jamais vérifié'}
                </li>
              ))}
            </ul>
            {stale.data.total > stale.data.items.length && (
              <p>
                … et {formatNumber(stale.data.total - stale.data.items.length)} autres.{' '}
                <Link to={`/o/${org}/points-de-contact?verification=a-verifier&tri=verified_at`}>Voir les points de contact, les moins récemment vérifiés d'abord</Link>
              </p>
            )}
          </>
        )}
      </section>
    </Page>
  );
}
