import { Link, useLocation, useParams } from 'react-router-dom';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage } from '../../api/problem';
import { Page } from '../../layout/Page';
import { fr } from '../../i18n/fr';
import { useThemes } from '../../api/themes';
import { useOrganisation } from '../../api/organisation';
import { journeyState, journeyStateLabel, useJourneySummaries } from './api';

export function EntryPointsPage() {
  const { org = '' } = useParams();
  const { can } = useAuth();
  const location = useLocation();
  const notice = (location.state as { notice?: string } | null)?.notice;
  const q = useOrganisation(org);
  const journeys = useJourneySummaries(org);
  const themes = useThemes(org);
  const admin = can(org, 'admin');
  const entries = q.data?.org.entry_points ?? [];
  const themeLabel = (slug: string) => (themes.data ?? []).find((t) => t.slug === slug)?.label ?? slug;

  return (
    <Page
      title={fr.nav.entryPoints}
      context={org}
      actions={
        admin ? (
          <Button linkProps={{ to: `/o/${org}/points-d-entree/nouveau` }} iconId="fr-icon-add-line">
            Ajouter un point d'entrée
          </Button>
        ) : undefined
      }
    >
      <p>
        Un point d'entrée est une porte du widget sur votre site : une page « Logement », une page « Action sociale »… Chacun commence par un parcours de questions, ou propose la recherche et
        des thèmes. Ouvrez-en un pour obtenir le code à coller dans la page et voir le widget tel que les habitants le verront.
      </p>
      {notice && (
        <div role="status">
          <Alert as="h2" severity="success" small description={notice} className="fr-mb-3w" />
        </div>
      )}
      {!admin && <Alert as="h2" severity="info" small className="fr-mb-3w" description="Seuls les administrateurs de l'organisation créent et modifient les points d'entrée. Vous pouvez consulter leur code d'intégration et leur aperçu." />}
      {q.error ? (
        <Alert as="h2" severity="error" title="Chargement impossible" description={errorMessage(q.error)} />
      ) : q.isPending ? (
        <p role="status">Chargement…</p>
      ) : entries.length === 0 ? (
        <p>Aucun point d'entrée pour le moment{admin ? ' : ajoutez-en un pour intégrer le widget à votre site.' : '.'}</p>
      ) : (
        <div className="app-table-wrap">
          <table className="app-table">
            <caption>
              {entries.length} point{entries.length > 1 ? 's' : ''} d'entrée
            </caption>
            <thead>
              <tr>
                <th scope="col">Point d'entrée</th>
                <th scope="col">Parcours</th>
                <th scope="col" className="app-hide-md">
                  Thèmes proposés
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const j = (journeys.data ?? []).find((x) => x.slug === e.journey);
                const state = journeyState(j);
                return (
                  <tr key={e.slug}>
                    <td>
                      <Link to={`/o/${org}/points-d-entree/${e.slug}`}>{e.name || e.slug}</Link>
                      <p className="fr-text--xs fr-mb-0">Identifiant : {e.slug}</p>
                    </td>
                    <td>
                      {e.journey ? (
                        <>
                          {j?.title ?? e.journey}{' '}
                          {journeys.data && (
                            <Badge small noIcon severity={state === 'published' ? 'success' : 'warning'}>
                              {journeyStateLabel(j)}
                            </Badge>
                          )}
                        </>
                      ) : (
                        'Aucun : recherche et thèmes'
                      )}
                    </td>
                    <td className="app-hide-md">{(e.themes ?? []).map(themeLabel).join(', ') || '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
