import { Link, useLocation, useParams } from 'react-router-dom';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage } from '../../api/problem';
import { Page } from '../../layout/Page';
import { useThemes } from '../../api/themes';
import { useOwnThemes, type PublicTheme } from './api';

export const THEMES_TITLE = 'Thèmes et synonymes';

export function ThemesPage() {
  const { org = '' } = useParams();
  const { can } = useAuth();
  const location = useLocation();
  const notice = (location.state as { notice?: string } | null)?.notice;
  const own = useOwnThemes(org);
  const all = useThemes(org);
  const editor = can(org, 'editor');

  const labels = new Map<string, string>();
  for (const t of all.data ?? []) labels.set(t.slug ?? '', t.label ?? t.slug ?? '');
  for (const t of own.data ?? []) labels.set(t.slug ?? '', t.label ?? t.slug ?? '');
  const national = (all.data ?? []).filter((t) => t.organisation !== org);
  const ownThemes = [...(own.data ?? [])].sort((a, b) => (a.label ?? '').localeCompare(b.label ?? '', 'fr'));

  return (
    <Page
      title={THEMES_TITLE}
      context={org}
      actions={
        editor ? (
          <Button linkProps={{ to: `/o/${org}/themes/nouveau` }} iconId="fr-icon-add-line">
            Ajouter un thème
          </Button>
        ) : undefined
      }
    >
      <p>
        Les thèmes regroupent les besoins des habitants. Leurs synonymes, les mots des habitants (« loyer en retard », « proprio », « expulsion »), font trouver le bon thème quand un habitant tape sa
        question dans la recherche du widget. Les <Link to={`/o/${org}/recherches-sans-reponse`}>recherches sans réponse</Link> indiquent les mots qui manquent.
      </p>
      {notice && (
        <div role="status">
          <Alert as="h2" severity="success" small description={notice} className="fr-mb-3w" />
        </div>
      )}
      {!editor && <Alert as="h2" severity="info" small description="Votre rôle de lecteur permet de consulter les thèmes, pas de les modifier." className="fr-mb-3w" />}

      <section aria-labelledby="own-themes-title" className="fr-mb-6w">
        <h2 id="own-themes-title" className="fr-h3">
          Thèmes de votre organisation
        </h2>
        {own.error ? (
          <Alert as="h3" severity="error" title="Chargement impossible" description={errorMessage(own.error)} />
        ) : own.isPending ? (
          <p role="status">Chargement…</p>
        ) : ownThemes.length === 0 ? (
          <p>Votre organisation n'a pas encore de thème à elle : le widget propose les thèmes nationaux ci-dessous.</p>
        ) : (
          <div className="app-table-wrap">
            <table className="app-table">
              <caption>
                {ownThemes.length} thème{ownThemes.length > 1 ? 's' : ''} de votre organisation
              </caption>
              <thead>
                <tr>
                  <th scope="col">Thème</th>
                  <th scope="col">Thème parent</th>
                  <th scope="col">Mots des habitants</th>
                </tr>
              </thead>
              <tbody>
                {ownThemes.map((t) => (
                  <tr key={t.slug}>
                    <td>
                      <Link to={`/o/${org}/themes/${t.slug}`}>{t.label}</Link>
                      <p className="fr-text--xs fr-mb-0">Identifiant : {t.slug}</p>
                    </td>
                    <td>{t.parent_slug ? (labels.get(t.parent_slug) ?? t.parent_slug) : '—'}</td>
                    <td>{(t.synonyms ?? []).length ? (t.synonyms ?? []).join(', ') : <span className="fr-text--sm">aucun</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="national-themes-title">
        <h2 id="national-themes-title" className="fr-h3">
          Thèmes nationaux (lecture seule)
        </h2>
        <p>
          Communs à tous les partenaires et tenus par l'équipe Aiguillage, avec leurs propres synonymes. Ils ne se modifient pas ici : pour un besoin propre à votre territoire, créez un thème à vous et
          rattachez-le au thème national qui convient.
        </p>
        {all.error ? (
          <Alert as="h3" severity="error" title="Chargement impossible" description={errorMessage(all.error)} />
        ) : all.isPending ? (
          <p role="status">Chargement…</p>
        ) : (
          <NationalThemes themes={national} />
        )}
      </section>
    </Page>
  );
}

function NationalThemes({ themes }: { themes: PublicTheme[] }) {
  const parents = themes.filter((t) => !t.parent_slug || !themes.some((p) => p.slug === t.parent_slug));
  return (
    <div className="app-table-wrap">
      <table className="app-table">
        <caption>
          {themes.length} thèmes nationaux, par thème principal
        </caption>
        <thead>
          <tr>
            <th scope="col">Thème principal</th>
            <th scope="col">Sous-thèmes</th>
          </tr>
        </thead>
        <tbody>
          {parents.map((p) => {
            const children = themes.filter((t) => t.parent_slug === p.slug);
            return (
              <tr key={p.slug}>
                <th scope="row" style={{ fontWeight: 700 }}>
                  {p.label}
                  <p className="fr-text--xs fr-mb-0" style={{ fontWeight: 400 }}>
                    Identifiant : {p.slug}
                  </p>
                </th>
                <td>{children.length ? children.map((c) => c.label).join(' · ') : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
