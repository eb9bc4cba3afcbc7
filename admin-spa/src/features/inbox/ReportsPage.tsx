import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient, keepPreviousData } from '@tanstack/react-query';
import { SegmentedControl } from '@codegouvfr/react-dsfr/SegmentedControl';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage, unwrap } from '../../api/problem';
import { Page } from '../../layout/Page';
import { Pager, pageOf } from '../../components/Pager';
import { fr, formatDate, formatDateTime } from '../../i18n/fr';

const PAGE = 25;

export function ReportsPage() {
  const { org = '' } = useParams();
  const { api, can } = useAuth();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const status = params.get('statut') === 'resolved' ? 'resolved' : 'open';
  const page = pageOf(params);
  const [done, setDone] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['reports', org, status, page],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/reports', { params: { path: { org }, query: { status, limit: PAGE, offset: (page - 1) * PAGE } } })),
  });
  const resolve = useMutation({
    mutationFn: async (id: string) => unwrap(await api.client.POST('/api/v1/admin/organisations/{org}/reports/{id}/resolve', { params: { path: { org, id } } })),
    onSuccess: (_, id) => {
      const r = list.data?.reports?.find((x) => x.id === id);
      setDone(`Signalement sur « ${r?.contact_point_name ?? 'le point de contact'} » traité ; le point de contact est marqué vérifié aujourd'hui.`);
      void qc.invalidateQueries({ queryKey: ['reports', org] });
      void qc.invalidateQueries({ queryKey: ['contact-points', org] });
    },
  });
  const rows = list.data?.reports ?? [];
  const total = list.data?.total ?? 0;
  return (
    <Page title={fr.nav.reports} context={org}>
      <p>Les habitants signalent une information incorrecte depuis le widget (« Information incorrecte ? »). Vérifiez-la à sa source, corrigez le point de contact, puis marquez le signalement comme traité dans les 15 jours.</p>
      <SegmentedControl
        legend="Afficher les signalements"
        hideLegend
        className="fr-mb-3w"
        segments={[
          { label: 'À traiter', nativeInputProps: { checked: status === 'open', onChange: () => setParams({}) } },
          { label: 'Traités', nativeInputProps: { checked: status === 'resolved', onChange: () => setParams({ statut: 'resolved' }) } },
        ]}
      />
      {done && (
        <div role="status">
          <Alert as="h2" severity="success" small description={done} className="fr-mb-2w" closable onClose={() => setDone(null)} />
        </div>
      )}
      {resolve.error && (
        <div role="alert">
          <Alert as="h2" severity="error" small description={errorMessage(resolve.error)} className="fr-mb-2w" />
        </div>
      )}
      {list.error ? (
        <Alert as="h2" severity="error" title="Chargement impossible" description={errorMessage(list.error)} />
      ) : (
        <>
          <p role="status">{list.isPending ? 'Chargement…' : total === 0 ? (status === 'open' ? 'Aucun signalement à traiter.' : 'Aucun signalement traité.') : `${total} signalement${total > 1 ? 's' : ''}`}</p>
          {rows.length > 0 && (
            <div className="app-table-wrap">
              <table className="app-table">
                <caption className="fr-sr-only">Signalements {status === 'open' ? 'à traiter' : 'traités'}</caption>
                <thead>
                  <tr>
                    <th scope="col">Reçu le</th>
                    <th scope="col">Point de contact</th>
                    <th scope="col">Message de l'habitant</th>
                    <th scope="col">{status === 'open' ? 'À traiter avant le' : 'Traité le'}</th>
                    {status === 'open' && can(org, 'editor') && <th scope="col">Action</th>}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id}>
                      <td>{formatDateTime(r.created_at)}</td>
                      <td>
                        <Link to={`/o/${org}/points-de-contact/${r.contact_point_id}`}>{r.contact_point_name}</Link>
                        {r.partner && r.partner !== org && <p className="fr-text--xs fr-mb-0">via le widget de {r.partner}</p>}
                      </td>
                      <td>{r.message}</td>
                      <td>
                        {status === 'open' ? formatDate(r.due_at) : formatDateTime(r.resolved_at)}{' '}
                        {r.overdue && (
                          <Badge severity="error" small>
                            En retard
                          </Badge>
                        )}
                      </td>
                      {status === 'open' && can(org, 'editor') && (
                        <td>
                          <Button size="small" priority="secondary" disabled={resolve.isPending} onClick={() => resolve.mutate(r.id!)}>
                            Marquer comme traité<span className="fr-sr-only"> : {r.contact_point_name}</span>
                          </Button>
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
