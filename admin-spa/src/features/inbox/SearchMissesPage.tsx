import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage, unwrap } from '../../api/problem';
import { Page } from '../../layout/Page';
import { Pager, pageOf } from '../../components/Pager';
import { fr, formatDateTime, formatNumber } from '../../i18n/fr';

const PAGE = 50;

export function SearchMissesPage() {
  const { org = '' } = useParams();
  const { api, can } = useAuth();
  const editor = can(org, 'editor');
  const [params] = useSearchParams();
  const page = pageOf(params);
  const list = useQuery({
    queryKey: ['search-misses', org, page],
    placeholderData: keepPreviousData,
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/search-misses', { params: { path: { org }, query: { limit: PAGE, offset: (page - 1) * PAGE } } })),
  });
  const rows = list.data?.searches ?? [];
  const total = list.data?.total ?? 0;
  return (
    <Page title={fr.nav.searchMisses} context={org}>
      <p>Ce que des habitants ont cherché dans votre widget sans obtenir de réponse, débarrassé des données personnelles. Ajoutez un point de contact, un thème ou un synonyme pour y répondre.</p>
      {list.error ? (
        <Alert as="h2" severity="error" title="Chargement impossible" description={errorMessage(list.error)} />
      ) : (
        <>
          <p role="status">{list.isPending ? 'Chargement…' : total === 0 ? 'Aucune recherche sans réponse sur la période conservée (13 mois).' : `${total} recherche${total > 1 ? 's' : ''} sans réponse`}</p>
          {rows.length > 0 && (
            <div className="app-table-wrap">
              <table className="app-table">
                <caption className="fr-sr-only">Recherches sans réponse, les plus fréquentes d'abord</caption>
                <thead>
                  <tr>
                    <th scope="col">Recherche</th>
                    <th scope="col">Nombre</th>
                    <th scope="col">Département</th>
                    <th scope="col">Première fois</th>
                    <th scope="col">Dernière fois</th>
                    {editor && <th scope="col">Action</th>}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r, i) => (
                    <tr key={`${r.query}-${i}`}>
                      <td>{r.query}</td>
                      <td>{formatNumber(r.count)}</td>
                      <td>{r.departement || '—'}</td>
                      <td>{formatDateTime(r.first_seen)}</td>
                      <td>{formatDateTime(r.last_seen)}</td>
                      {editor && (
                        <td>
                          <Link className="fr-link fr-text--sm" to={`/o/${org}/themes/synonyme?${new URLSearchParams({ mot: r.query ?? '' })}`}>
                            Ajouter comme synonyme…<span className="fr-sr-only"> : {r.query}</span>
                          </Link>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager total={total} pageSize={PAGE} page={page} />
        </>
      )}
    </Page>
  );
}
