import { useState, type FormEvent } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage, fieldErrors, unwrap } from '../../api/problem';
import { Page } from '../../layout/Page';
import { Pager, pageOf } from '../../components/Pager';
import { fr, formatDateTime } from '../../i18n/fr';

const PAGE = 50;

export function FeedbackPage() {
  const { org = '' } = useParams();
  const { api } = useAuth();
  const [params, setParams] = useSearchParams();
  const page = pageOf(params);
  const filters = { useful: params.get('utile') ?? '', from: params.get('du') ?? '', to: params.get('au') ?? '', entry: params.get('entree') ?? '' };
  const [draft, setDraft] = useState(filters);
  const [exportError, setExportError] = useState<string | null>(null);
  const query = {
    useful: filters.useful === '' ? undefined : filters.useful === 'oui',
    from: filters.from || undefined,
    to: filters.to || undefined,
    entry: filters.entry || undefined,
  };
  const list = useQuery({
    queryKey: ['feedback', org, query, page],
    placeholderData: keepPreviousData,
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/feedback', { params: { path: { org }, query: { ...query, limit: PAGE, offset: (page - 1) * PAGE } } })),
  });
  const errors = fieldErrors(list.error);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (draft.useful) p.set('utile', draft.useful);
    if (draft.from) p.set('du', draft.from);
    if (draft.to) p.set('au', draft.to);
    if (draft.entry.trim()) p.set('entree', draft.entry.trim());
    setParams(p);
  };

  // The CSV needs the bearer token: fetched, then saved from a blob URL.
  const exportCsv = async () => {
    setExportError(null);
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
    try {
      const blob = await api.download(`/api/v1/admin/organisations/${encodeURIComponent(org)}/feedback.csv${qs.size ? '?' + qs : ''}`);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `avis-${org}${filters.from ? '-' + filters.from : ''}${filters.to ? '-' + filters.to : ''}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setExportError(errorMessage(err));
    }
  };

  const rows = list.data?.feedback ?? [];
  const total = list.data?.total ?? 0;
  return (
    <Page title={fr.nav.feedback} context={org} actions={<Button priority="secondary" iconId="fr-icon-download-line" onClick={() => void exportCsv()}>Exporter en CSV</Button>}>
      <p>Les réponses à « Cette réponse vous a-t-elle aidé ? » des 13 derniers mois, débarrassées des données personnelles.</p>
      {exportError && (
        <div role="alert">
          <Alert as="h2" severity="error" small description={exportError} className="fr-mb-2w" />
        </div>
      )}
      <form onSubmit={apply} className="app-toolbar fr-mb-3w" aria-label="Filtrer les avis">
        <Select label="Avis" nativeSelectProps={{ value: draft.useful, onChange: (e) => setDraft({ ...draft, useful: e.target.value }) }}>
          <option value="">Tous</option>
          <option value="oui">Utile</option>
          <option value="non">Pas utile</option>
        </Select>
        <Input label="Du" state={errors.from ? 'error' : 'default'} stateRelatedMessage={errors.from} nativeInputProps={{ type: 'date', value: draft.from, onChange: (e) => setDraft({ ...draft, from: e.target.value }) }} />
        <Input label="Au" state={errors.to ? 'error' : 'default'} stateRelatedMessage={errors.to} nativeInputProps={{ type: 'date', value: draft.to, onChange: (e) => setDraft({ ...draft, to: e.target.value }) }} />
        <Input label="Point d'entrée" hintText="Par exemple : logement" state={errors.entry ? 'error' : 'default'} stateRelatedMessage={errors.entry} nativeInputProps={{ value: draft.entry, onChange: (e) => setDraft({ ...draft, entry: e.target.value }) }} />
        <Button type="submit">Filtrer</Button>
      </form>
      {list.error && Object.keys(errors).length === 0 ? (
        <Alert as="h2" severity="error" title="Chargement impossible" description={errorMessage(list.error)} />
      ) : (
        <>
          <p role="status">{list.isPending ? 'Chargement…' : total === 0 ? 'Aucun avis pour ces critères.' : `${total} avis`}</p>
          {rows.length > 0 && (
            <div className="app-table-wrap">
              <table className="app-table">
                <caption className="fr-sr-only">Avis des habitants, les plus récents d'abord</caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Avis</th>
                    <th scope="col">Commentaire</th>
                    <th scope="col">Ce qu'il cherchait</th>
                    <th scope="col">Contexte</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((f) => (
                    <tr key={f.id}>
                      <td>{formatDateTime(f.created_at)}</td>
                      <td>{f.useful ? <Badge severity="success" small>Utile</Badge> : <Badge severity="warning" small>Pas utile</Badge>}</td>
                      <td>{f.comment || '—'}</td>
                      <td>{f.looking_for || '—'}</td>
                      <td className="fr-text--sm">
                        {[f.entry && `entrée ${f.entry}`, f.journey && `parcours ${f.journey}`, f.step && `étape ${f.step}`, f.query && `recherche « ${f.query} »`].filter(Boolean).join(' · ') || '—'}
                      </td>
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
