import { useParams, useSearchParams } from 'react-router-dom';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage, unwrap } from '../../api/problem';
import { Page } from '../../layout/Page';
import { Pager, pageOf } from '../../components/Pager';
import { fr, formatDateTime } from '../../i18n/fr';

const PAGE = 50;
const actions: Record<string, string> = { create: 'Création', update: 'Modification', delete: 'Suppression', publish: 'Publication', rollback: 'Retour arrière', resolve: 'Signalement traité', invite: 'Invitation', role: 'Changement de rôle', remove: 'Retrait' };
const entities: Record<string, string> = { contact_point: 'Point de contact', journey: 'Parcours', theme: 'Thème', member: 'Membre', invitation: 'Invitation', organisation: 'Organisation', entry_point: "Point d'entrée", report: 'Signalement' };

function describeChanges(changes: unknown): string {
  if (!changes || typeof changes !== 'object') return '';
  const keys = Object.keys(changes as object);
  return keys.length ? `Champs : ${keys.join(', ')}` : '';
}

export function AuditPage() {
  const { org = '' } = useParams();
  const { api } = useAuth();
  const [params] = useSearchParams();
  const page = pageOf(params);
  const list = useQuery({
    queryKey: ['audit', org, page],
    placeholderData: keepPreviousData,
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/audit', { params: { path: { org }, query: { limit: PAGE, offset: (page - 1) * PAGE } } })),
  });
  const rows = list.data?.entries ?? [];
  const total = list.data?.total ?? 0;
  return (
    <Page title={fr.nav.audit} context={org}>
      <p>Qui a modifié quoi, et quand, dans cette organisation. Les plus récentes d'abord.</p>
      {list.error ? (
        <Alert as="h2" severity="error" title="Chargement impossible" description={errorMessage(list.error)} />
      ) : (
        <>
          <p role="status">{list.isPending ? 'Chargement…' : `${total} entrée${total > 1 ? 's' : ''}`}</p>
          {rows.length > 0 && (
            <div className="app-table-wrap">
              <table className="app-table">
                <caption className="fr-sr-only">Journal des modifications, page {page}</caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Par</th>
                    <th scope="col">Action</th>
                    <th scope="col">Objet</th>
                    <th scope="col">Détail</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((e, i) => (
                    <tr key={`${e.at}-${i}`}>
                      <td>{formatDateTime(e.at)}</td>
                      <td>{e.user_email || '—'}</td>
                      <td>{actions[e.action ?? ''] ?? e.action}</td>
                      <td>
                        {entities[e.entity_type ?? ''] ?? e.entity_type}
                        {e.entity_id && e.entity_type === 'contact_point' ? (
                          <>
                            {' '}
                            <a href={`${import.meta.env.BASE_URL}o/${org}/points-de-contact/${e.entity_id}`}>(ouvrir)</a>
                          </>
                        ) : (
                          e.entity_id && <span className="fr-text--xs"> {e.entity_id}</span>
                        )}
                      </td>
                      <td className="fr-text--sm">{describeChanges(e.changes)}</td>
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
