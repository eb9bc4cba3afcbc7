import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useApi, useAuth } from '../../auth/AuthContext';
import { ExportControl } from '../../components/ExportControl';
import { errorMessage, fieldErrors, unwrap } from '../../api/problem';
import { Page } from '../../layout/Page';
import { ErrorSummary, fieldId } from '../../components/ErrorSummary';
import { fr, formatDateTime } from '../../i18n/fr';
import { useJourneys } from './api';
import { addStep, limits, slugify } from './model';
import { exportJourneys, journeyExportFormats } from './exports';
import { ReviewBadge } from './Reviews';
import { firstOutcome, reviewHref, useJourneyReviews, useReviewedDrafts } from './reviewModel';

export function JourneyListPage() {
  const { org = '' } = useParams();
  const { can } = useAuth();
  const api = useApi();
  const list = useJourneys(org);
  const [creating, setCreating] = useState(false);
  const rows = list.data ?? [];
  const reviews = useJourneyReviews(org);
  const drafts = useReviewedDrafts(org, reviews.data ?? []);
  const reviewOf = (slug?: string) => reviews.data?.find((r) => r.slug === slug);
  return (
    <Page
      title={fr.nav.journeys}
      context={org}
      actions={
        can(org, 'editor') && !creating ? (
          <Button iconId="fr-icon-add-line" onClick={() => setCreating(true)}>
            Nouveau parcours
          </Button>
        ) : undefined
      }
    >
      <p>
        Un parcours pose quelques questions simples à l'habitant, puis lui indique le bon service. Les modifications restent un brouillon, invisible des habitants,
        jusqu'à la publication.
      </p>
      {creating && <CreateJourney org={org} onCancel={() => setCreating(false)} />}
      {list.error ? (
        <Alert as="h2" severity="error" title="Chargement impossible" description={errorMessage(list.error)} />
      ) : (
        <>
          <p role="status">{list.isPending ? 'Chargement…' : rows.length === 0 ? can(org, 'editor') ? 'Aucun parcours pour le moment : « Nouveau parcours » en crée un, à partir de quelques questions posées aux habitants.' : 'Aucun parcours pour le moment.' : `${rows.length} parcours${reviews.data?.length ? `, dont ${reviews.data.length} à revoir` : ''}`}</p>
          {rows.length > 0 && (
            <div className="app-table-wrap">
              <table className="app-table">
                <caption className="fr-sr-only">Parcours de l'organisation</caption>
                <thead>
                  <tr>
                    <th scope="col">Parcours</th>
                    <th scope="col">État</th>
                    <th scope="col">Dernière modification</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((j) => {
                    const review = reviewOf(j.slug);
                    const described = `review-${j.slug}`;
                    return (
                      <tr key={j.slug}>
                        <td>
                          <Link to={review ? reviewHref(org, j.slug ?? '', firstOutcome(review)) : `/o/${org}/parcours/${j.slug}`} aria-describedby={review ? described : undefined}>
                            {j.title}
                          </Link>
                          <br />
                          <span className="fr-text--xs">{j.slug}</span>
                        </td>
                        <td>
                          <JourneyState published={j.published_version ?? 0} />
                          {review && <ReviewBadge id={described} review={review} doc={drafts[j.slug ?? '']} />}
                        </td>
                        <td>{formatDateTime(j.updated_at)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <ExportControl
        title="Exporter les parcours"
        intro="Tous les parcours de l'organisation, chacun avec sa version publiée et son brouillon."
        formats={journeyExportFormats}
        fetchFile={(format) => exportJourneys(api, org, format)}
      />
    </Page>
  );
}

/** Published or not, and (when known) whether the draft holds unpublished changes. */
export function JourneyState({ published, changed }: { published: number; changed?: boolean }) {
  if (!published) return <Badge severity="info" small noIcon>Jamais publié</Badge>;
  return (
    <span className="app-row" style={{ gap: '.5rem', flexWrap: 'wrap' }}>
      <Badge severity="success" small noIcon>
        En ligne (version {published})
      </Badge>
      {changed && (
        <Badge severity="warning" small noIcon>
          Brouillon modifié
        </Badge>
      )}
    </span>
  );
}

function CreateJourney({ org, onCancel }: { org: string; onCancel: () => void }) {
  const { api } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [question, setQuestion] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  const errors = fieldErrors(error);
  const local: Record<string, string> = {};
  if (error === 'local') {
    if (!title.trim()) local.title = 'indiquez un titre';
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) local.slug = 'minuscules, chiffres et tirets (par exemple logement-loyer)';
  }
  const shown = { ...errors, ...local };
  useEffect(() => titleRef.current?.focus(), []);
  useEffect(() => {
    if (error) summary.current?.focus();
  }, [error]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim() || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) {
      setError('local');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // A new journey starts with its first question, so the editor opens on something to fill in.
      const [doc] = addStep({ slug, title: title.trim(), first_step: '', steps: [] }, 'question', question.trim() || 'Quelle est votre situation ?');
      const d = unwrap(await api.client.POST('/api/v1/admin/organisations/{org}/journeys', { params: { path: { org } }, body: doc }));
      void qc.invalidateQueries({ queryKey: ['journeys', org] });
      navigate(`/o/${org}/parcours/${d.slug}`, { state: { notice: `Le parcours « ${d.title} » est créé (brouillon). Complétez la première question.` } });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const labelOf = (p: string) => ({ title: 'Titre', slug: 'Identifiant', body: 'Parcours' })[p] ?? p;
  return (
    <form className="app-repeat fr-mb-4w" onSubmit={submit} noValidate aria-labelledby="new-journey-title">
      <h2 id="new-journey-title" className="fr-h4">
        Nouveau parcours
      </h2>
      <ErrorSummary ref={summary} errors={shown} labelOf={labelOf} prefix="nj" detail={error && error !== 'local' && Object.keys(errors).length === 0 ? errorMessage(error) : undefined} />
      <Input
        label="Titre"
        hintText={`Le besoin de l'habitant, dans ses mots : « Je n'arrive plus à payer mon loyer ». ${limits.title} caractères au plus.`}
        state={shown.title ? 'error' : 'default'}
        stateRelatedMessage={shown.title}
        nativeInputProps={{
          id: fieldId('nj', 'title'),
          ref: titleRef,
          value: title,
          maxLength: limits.title,
          onChange: (e) => {
            setTitle(e.target.value);
            if (!slugTouched) setSlug(slugify(e.target.value));
          },
        }}
      />
      <Input
        label="Identifiant"
        hintText="Sert dans les adresses et le code d'intégration ; ne change plus ensuite."
        state={shown.slug ? 'error' : 'default'}
        stateRelatedMessage={shown.slug}
        nativeInputProps={{
          id: fieldId('nj', 'slug'),
          value: slug,
          maxLength: limits.id,
          onChange: (e) => {
            setSlugTouched(true);
            setSlug(e.target.value);
          },
        }}
      />
      <Input
        label="Première question (facultatif)"
        hintText="Vous pourrez la modifier ensuite. Par défaut : « Quelle est votre situation ? »"
        nativeInputProps={{ value: question, maxLength: limits.question, onChange: (e) => setQuestion(e.target.value) }}
      />
      <div className="app-row">
        <Button type="submit" disabled={busy}>
          Créer le parcours
        </Button>
        <Button type="button" priority="secondary" onClick={onCancel}>
          Annuler
        </Button>
      </div>
    </form>
  );
}
