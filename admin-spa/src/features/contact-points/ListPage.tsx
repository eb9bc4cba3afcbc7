import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useApi, useAuth } from '../../auth/AuthContext';
import { ExportControl } from '../../components/ExportControl';
import { errorMessage } from '../../api/problem';
import { Page } from '../../layout/Page';
import { Pager, pageOf } from '../../components/Pager';
import { fr, formatDate } from '../../i18n/fr';
import { useThemes } from '../../api/themes';
import { useContactPoints, type ListQuery } from './api';
import { isStale, staleBefore } from './model';
import { AgentOnlyBadge } from './VisibilityPicker';
import { contactPointExportFormats, exportContactPoints } from './exports';

const PAGE = 25;
type Sort = NonNullable<ListQuery['sort']>;

export function ContactPointListPage() {
  const { org = '' } = useParams();
  const { can } = useAuth();
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const page = pageOf(params);
  const q = params.get('q') ?? '';
  const pivot = params.get('type') ?? '';
  const theme = params.get('theme') ?? '';
  const sort = (params.get('tri') as Sort | null) ?? 'name';
  const stale = params.get('verification') === 'a-verifier';
  const [draft, setDraft] = useState({ q, pivot });
  useEffect(() => setDraft({ q, pivot }), [q, pivot]);

  const themes = useThemes(org);
  const list = useContactPoints(org, { q: q || undefined, pivot: pivot || undefined, theme: theme || undefined, verified_before: stale ? staleBefore() : undefined, sort, limit: PAGE, offset: (page - 1) * PAGE });

  const update = (patch: Record<string, string>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) v ? p.set(k, v) : p.delete(k);
    p.delete('page');
    setParams(p);
  };
  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    update({ q: draft.q.trim(), type: draft.pivot.trim() });
  };

  const total = list.data?.total ?? 0;
  const rows = list.data?.contact_points ?? [];
  const filtered = q || pivot || theme || stale;

  return (
    <Page
      title={fr.nav.contactPoints}
      context={org}
      actions={
        can(org, 'editor') ? (
          <div className="app-row">
            <Button priority="secondary" linkProps={{ to: `/o/${org}/points-de-contact/import` }}>
              Importer
            </Button>
            <Button linkProps={{ to: `/o/${org}/points-de-contact/nouveau` }} iconId="fr-icon-add-line">
              Ajouter un point de contact
            </Button>
          </div>
        ) : undefined
      }
    >
      <form role="search" aria-label="Rechercher parmi les points de contact" onSubmit={onSearch} className="app-toolbar fr-mb-3w">
        <Input label="Nom" hintText="Tout ou partie du nom" nativeInputProps={{ type: 'search', value: draft.q, onChange: (e) => setDraft({ ...draft, q: e.target.value }), name: 'q' }} />
        <Input label="Type d'établissement" hintText="caf, cpam, mairie…" nativeInputProps={{ value: draft.pivot, onChange: (e) => setDraft({ ...draft, pivot: e.target.value }), name: 'type' }} />
        <Select label="Thème" nativeSelectProps={{ value: theme, onChange: (e) => update({ theme: e.target.value }) }}>
          <option value="">Tous les thèmes</option>
          {(themes.data ?? []).map((t) => (
            <option key={t.slug} value={t.slug}>
              {t.parent_slug ? '\u00a0\u00a0' : ''}
              {t.label}
            </option>
          ))}
        </Select>
        <Select label="Vérification" hint="Plus de 6 mois" nativeSelectProps={{ value: stale ? 'a-verifier' : '', onChange: (e) => update({ verification: e.target.value }) }}>
          <option value="">Tous</option>
          <option value="a-verifier">À vérifier</option>
        </Select>
        <Select label="Trier par" nativeSelectProps={{ value: sort, onChange: (e) => update({ tri: e.target.value === 'name' ? '' : e.target.value }) }}>
          <option value="name">Nom (A → Z)</option>
          <option value="-name">Nom (Z → A)</option>
          <option value="-updated_at">Modifiés récemment</option>
          <option value="updated_at">Modifiés il y a longtemps</option>
          <option value="verified_at">Vérifiés il y a longtemps</option>
          <option value="-verified_at">Vérifiés récemment</option>
        </Select>
        <Button type="submit">Rechercher</Button>
        {filtered && (
          <Button type="button" priority="tertiary" onClick={() => setParams(new URLSearchParams())}>
            Effacer les filtres
          </Button>
        )}
      </form>

      {list.error ? (
        <Alert as="h2" severity="error" title="Chargement impossible" description={errorMessage(list.error)} />
      ) : (
        <>
          <p role="status" aria-live="polite">
            {list.isPending ? 'Chargement…' : total === 0 ? (filtered ? 'Aucun point de contact ne correspond à ces critères.' : can(org, 'editor') ? 'Aucun point de contact pour le moment : ajoutez-en un, ou importez un fichier (tableur, annuaire de service-public.fr, data·inclusion).' : 'Aucun point de contact pour le moment.') : `${total} point${total > 1 ? 's' : ''} de contact${filtered ? ' trouvé' + (total > 1 ? 's' : '') : ''}`}
          </p>
          {rows.length > 0 && (
            <div className="app-table-wrap" aria-busy={list.isFetching}>
              <table className="app-table">
                <caption className="fr-sr-only">Points de contact, page {page}</caption>
                <thead>
                  <tr>
                    <th scope="col">Nom</th>
                    <th scope="col">Type</th>
                    <th scope="col" className="app-hide-md">
                      Moyens de contact
                    </th>
                    <th scope="col">Vérifié le</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((cp) => (
                    <tr key={cp.id}>
                      <td>
                        <Link to={`/o/${org}/points-de-contact/${cp.id}`}>{cp.name}</Link>
                        <AgentOnlyBadge cp={cp} />
                        {cp.overrides && <p className="fr-text--xs fr-mb-0">Adapte un point de contact national</p>}
                      </td>
                      <td>{cp.pivot || '—'}</td>
                      <td className="app-hide-md">{(cp.channels ?? []).map((c) => fr.channelKinds[c.kind ?? ''] ?? c.kind).filter((v, i, a) => a.indexOf(v) === i).join(', ') || '—'}</td>
                      <td>
                        {formatDate(cp.verified_at)}{' '}
                        {isStale(cp.verified_at) && (
                          <Badge severity="warning" small noIcon>
                            À vérifier
                          </Badge>
                        )}
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
      <ExportControl
        title="Exporter les points de contact"
        intro="Tous les points de contact de l'organisation, sans tenir compte des filtres ci-dessus."
        formats={contactPointExportFormats}
        fetchFile={(format) => exportContactPoints(api, org, format)}
      />
    </Page>
  );
}
