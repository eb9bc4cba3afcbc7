import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useAuth } from '../../auth/AuthContext';
import { ApiError, errorMessage, fieldErrors, unwrap } from '../../api/problem';
import { organisationKey, storeOrganisation, useOrganisation, type AdminOrganisation } from '../../api/organisation';
import { refreshPublic } from '../../api/publicCache';
import type { Api } from '../../api/client';
import { apiBaseUrl } from '../../env';
import { Page } from '../../layout/Page';
import { ErrorSummary, fieldId } from '../../components/ErrorSummary';
import { UnsavedChangesGuard } from '../../components/UnsavedChangesGuard';
import { NameAndSlugFields } from '../../components/NameAndSlugFields';
import { WidgetPreview } from '../../components/WidgetPreview';
import { FormActions } from '../../components/FormActions';
import { ConflictNotice, SaveFailed, saveErrorKinds, useSaveErrorFocus } from '../../components/SaveErrors';
import { LoadingPage } from '../../components/LoadState';
import { ThemePicker } from '../../components/ThemePicker';
import { DeleteSection } from '../../components/DeleteSection';
import { listErrors } from '../contact-points/editors';
import { EmbedSnippet } from './EmbedSnippet';
import { journeyState, journeyStateLabel, useJourneySummaries, type EntryPoint, type EntryPointRequest } from './api';

const P = 'ep';

interface FormState {
  slug: string;
  slugTouched: boolean;
  name: string;
  description: string;
  journey: string;
  themes: string[];
  primary: string;
  secondary: string;
}

const fromEntry = (e?: EntryPoint): FormState => ({
  slug: e?.slug ?? '',
  slugTouched: !!e,
  name: e?.name ?? '',
  description: e?.description ?? '',
  journey: e?.journey ?? '',
  themes: e?.themes ?? [],
  primary: e?.branding?.primary_color ?? '',
  secondary: e?.branding?.secondary_color ?? '',
});

function toRequest(f: FormState): EntryPointRequest {
  const body: EntryPointRequest = { name: f.name.trim(), description: f.description.trim(), journey: f.journey, themes: f.themes };
  if (f.primary.trim() || f.secondary.trim()) body.branding = { primary_color: f.primary.trim() || undefined, secondary_color: f.secondary.trim() || undefined };
  return body;
}

/** The entry point as stored, for comparing what was read with what the server has now. */
const same = (a?: EntryPoint, b?: EntryPoint) => JSON.stringify(fromEntry(a)) === JSON.stringify(fromEntry(b));

const changedElsewhere = () => new ApiError(409, { status: 409, detail: "Le point d'entrée a été modifié ou supprimé par quelqu'un d'autre." });

/**
 * The organisation as the server has it now, with its version (ETag). Entry
 * points live in the organisation, whose version also moves with its
 * branding or details: a write checks its own entry point against this
 * copy, then sends this version in If-Match so that a change made in
 * between is refused by the API (409) rather than overwritten.
 */
async function currentOrganisation(api: Api, org: string) {
  const r = await api.client.GET('/api/v1/admin/organisations/{org}', { params: { path: { org } } });
  const o = unwrap(r);
  return { list: o.entry_points ?? [], etag: r.response.headers.get('ETag') ?? `"${o.version}"` };
}

const labels: Record<string, string> = {
  slug: 'Identifiant',
  name: 'Nom',
  description: 'Description',
  journey: 'Parcours',
  themes: 'Thèmes proposés',
  'branding.primary_color': 'Couleur principale',
  'branding.secondary_color': 'Couleur secondaire',
};
const labelOf = (path: string) => labels[path] ?? labels[path.replace(/\[\d+\]$/, '')] ?? path;

export function EntryPointPage() {
  const { org = '', entry } = useParams();
  const q = useOrganisation(org);
  const location = useLocation();
  const notice = (location.state as { notice?: string } | null)?.notice;
  const current = entry ? q.data?.org.entry_points?.find((e) => e.slug === entry) : undefined;
  const back = (
    <p>
      <Link className="fr-link fr-icon-arrow-left-line fr-link--icon-left" to={`/o/${org}/points-d-entree`}>
        Retour aux points d'entrée
      </Link>
    </p>
  );
  if (q.error || (entry && q.data && !current)) {
    return (
      <Page title={q.error ? "Point d'entrée" : "Point d'entrée introuvable"} context={org}>
        {back}
        <Alert as="h2" severity="error" title={q.error ? 'Chargement impossible' : "Ce point d'entrée n'existe pas ou a été supprimé"} description={q.error ? errorMessage(q.error) : `Aucun point d'entrée « ${entry} » dans cette organisation.`} />
      </Page>
    );
  }
  if (!q.data) return <LoadingPage title="Point d'entrée" context={org} />;
  const title = current ? current.name || current.slug || '' : "Nouveau point d'entrée";
  return (
    <Page title={title} context={org}>
      {back}
      {notice && (
        <div role="status">
          <Alert as="h2" severity="success" small description={notice} className="fr-mb-3w" />
        </div>
      )}
      {current && <Integration org={org} entry={current} />}
      {/* A new version of the entry point (saved, reloaded) starts a fresh form. */}
      <EntryPointForm key={JSON.stringify(current ?? null)} org={org} current={current} onReload={() => void q.refetch()} />
    </Page>
  );
}

function Integration({ org, entry }: { org: string; entry: EntryPoint }) {
  const journeys = useJourneySummaries(org);
  const j = journeys.data?.find((x) => x.slug === entry.journey);
  const unpublished = entry.journey && journeys.data && journeyState(j) !== 'published';
  return (
    <>
      <section aria-labelledby="ep-code-title" className="fr-mb-6w">
        <h2 id="ep-code-title" className="fr-h3">
          Code à intégrer
        </h2>
        <p>
          Collez ces lignes dans la page de votre site où le widget doit apparaître (dans un bloc « HTML » de votre CMS). Le lien à l'intérieur reste affiché si le script ne se charge pas. Toutes les
          options sont décrites dans le{' '}
          <a href={`${apiBaseUrl}/integration`} target="_blank" rel="noopener">
            guide d'intégration (nouvelle fenêtre)
          </a>
          .
        </p>
        <EmbedSnippet partner={org} entry={entry.slug} />
      </section>
      <section aria-labelledby="ep-preview-title" className="fr-mb-6w">
        <h2 id="ep-preview-title" className="fr-h3">
          Aperçu
        </h2>
        <p>Le vrai widget, tel que les habitants le verront avec ce code. Les modifications enregistrées s'y reflètent aussitôt.</p>
        {unpublished && (
          <Alert
            as="h3"
            severity="warning"
            small
            className="fr-mb-2w"
            description={`Le parcours « ${j?.title ?? entry.journey} » n'est pas publié (${journeyStateLabel(j)}) : tant qu'il ne l'est pas, le widget de ce point d'entrée ne pose aucune question et propose seulement la recherche et les thèmes.`}
          />
        )}
        {/* Restarted when the entry point changes (its journey, themes, colours). */}
        <WidgetPreview key={JSON.stringify(entry)} partner={org} entry={entry.slug} title={`Aperçu du widget : ${entry.name || entry.slug}`} />
      </section>
    </>
  );
}

function EntryPointForm({ org, current, onReload }: { org: string; current?: EntryPoint; onReload: () => void }) {
  const { api, can } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const creating = !current;
  const readOnly = !can(org, 'admin');
  const initial = useMemo(() => fromEntry(current), [current]);
  // ?parcours=slug (the journey editor's « Créer un point d'entrée pour ce parcours ») preselects the journey.
  const [params] = useSearchParams();
  const [form, setForm] = useState<FormState>(() => (creating && params.get('parcours') ? { ...initial, journey: params.get('parcours')! } : initial));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const skipGuard = useRef(false);
  const { summary, conflictRef } = useSaveErrorFocus(error);
  const journeys = useJourneySummaries(org);

  const dirty = JSON.stringify({ ...form, slugTouched: false }) !== JSON.stringify({ ...initial, slugTouched: false });
  const [index, setIndex] = useState(-1);
  // The API names the fields of the organisation's list: entry_points[2].name.
  const errors: Record<string, string> = {};
  for (const [k, v] of Object.entries(fieldErrors(error))) {
    const m = k.match(/^entry_points\[(\d+)\]\.(.+)$/);
    errors[m && Number(m[1]) === index ? m[2] : k] = v;
  }
  const { conflict, general } = saveErrorKinds(error, errors);
  const disabled = readOnly || saving;
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (readOnly) return;
    setSaving(true);
    setError(null);
    const slug = creating ? form.slug.trim() : current!.slug!;
    try {
      const { list, etag } = await currentOrganisation(api, org);
      const existing = list.findIndex((x) => x.slug === slug);
      setIndex(existing >= 0 ? existing : list.length);
      if (creating && slug && existing >= 0) {
        throw new ApiError(400, { status: 400, detail: "Ce point d'entrée existe déjà.", errors: [{ field: 'slug', detail: `est déjà utilisé par le point d'entrée « ${list[existing].name} »` }] });
      }
      if (!creating && (existing < 0 || !same(list[existing], current))) throw changedElsewhere();
      const o: AdminOrganisation = unwrap(
        await api.client.PUT('/api/v1/admin/organisations/{org}/entry-points/{entry}', {
          params: { path: { org, entry: slug || '-' }, header: { 'If-Match': etag } },
          body: toRequest(form),
        }),
      );
      await refreshPublic(api, org, { organisation: true, entry: slug });
      setLeaving(true);
      skipGuard.current = true;
      storeOrganisation(qc, org, o);
      navigate(`/o/${org}/points-d-entree/${slug}`, {
        replace: !creating,
        state: { notice: creating ? `Le point d'entrée « ${form.name.trim()} » est créé. Copiez son code ci-dessous pour l'intégrer à votre site.` : 'Modifications enregistrées. Le widget les affiche dès maintenant.' },
      });
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  const journeyList = journeys.data ?? [];
  const selected = journeyList.find((j) => j.slug === form.journey);
  const st = (m?: string) => (m ? ({ state: 'error', stateRelatedMessage: m } as const) : ({ state: 'default' } as const));

  return (
    <section aria-labelledby="ep-settings-title">
      <h2 id="ep-settings-title" className="fr-h3">
        Réglages
      </h2>
      <UnsavedChangesGuard when={dirty && !leaving && !readOnly} skip={skipGuard} />
      {readOnly && <Alert as="h3" severity="info" small description="Seuls les administrateurs de l'organisation modifient les points d'entrée." className="fr-mb-3w" />}
      {conflict && (
        <ConflictNotice
          ref={conflictRef}
          as="h3"
          title="Quelqu'un d'autre a modifié ce point d'entrée"
          onReload={() => {
            setLeaving(true);
            onReload();
          }}
        >
          <p>Pendant que vous l'éditiez, une autre personne l'a modifié ou supprimé. Vos modifications n'ont pas été enregistrées, pour ne pas effacer les siennes.</p>
          <p>Rechargez la version actuelle puis refaites vos changements. Vos saisies restent affichées en attendant : copiez-les si besoin.</p>
        </ConflictNotice>
      )}
      <SaveFailed as="h3" message={general} />
      <ErrorSummary ref={summary} errors={errors} labelOf={labelOf} prefix={P} detail={error instanceof ApiError ? error.problem.detail : undefined} />
      <form onSubmit={onSubmit} noValidate aria-labelledby="ep-settings-title">
        <fieldset disabled={disabled} className="app-bare">
          <NameAndSlugFields
            prefix={P}
            nameKey="name"
            nameLabel="Nom"
            nameHint="Pour vous y retrouver, par exemple : Logement"
            creating={creating}
            form={form}
            setForm={setForm}
            errors={errors}
            saved={current?.slug}
            slugHint="Proposé à partir du nom ; minuscules, chiffres et tirets. Il figure dans le code à coller (entry=…) et ne pourra plus changer."
            fixedHint="Il figure dans le code intégré aux sites : il ne change pas."
          />
          <div className="fr-fieldset__element">
            <Input
              textArea
              label="Description (facultatif)"
              hintText="Pour vos collègues : où ce point d'entrée est intégré, pour quel public."
              {...st(errors.description)}
              nativeTextAreaProps={{ id: fieldId(P, 'description'), value: form.description, rows: 2, onChange: (e) => set('description', e.target.value) }}
            />
          </div>
          <div className="fr-fieldset__element">
            <Select
              label="Parcours"
              hint="Les questions posées aux habitants en premier. Sans parcours, le widget propose la recherche et les thèmes choisis ci-dessous."
              {...st(errors.journey)}
              nativeSelectProps={{ id: fieldId(P, 'journey'), value: form.journey, disabled: disabled || journeys.isPending, onChange: (e) => set('journey', e.target.value) }}
            >
              <option value="">{journeys.isPending ? 'Chargement des parcours…' : 'Aucun parcours : recherche et thèmes seulement'}</option>
              {form.journey && !selected && !journeys.isPending && <option value={form.journey}>{form.journey} (parcours introuvable)</option>}
              {journeyList.map((j) => (
                <option key={j.slug} value={j.slug}>
                  {j.title || j.slug} — {journeyStateLabel(j)}
                </option>
              ))}
            </Select>
            <div aria-live="polite">
              {form.journey && selected && journeyState(selected) !== 'published' && (
                <Alert
                  as="h3"
                  severity="warning"
                  small
                  className="fr-mt-1w"
                  description={`Le parcours « ${selected.title || selected.slug} » n'a jamais été publié : tant qu'il ne l'est pas, le widget de ce point d'entrée ne pose aucune question (seulement la recherche et les thèmes).`}
                />
              )}
            </div>
            {journeys.error != null && <p className="fr-error-text">Liste des parcours indisponible : {errorMessage(journeys.error)}</p>}
          </div>
          <div className="fr-fieldset__element">
            <ThemePicker
              org={org}
              id={fieldId(P, 'themes')}
              label="Thèmes proposés (facultatif)"
              hint="Les besoins proposés aux habitants qui préfèrent choisir plutôt qu'écrire. Choisissez un thème pour l'ajouter."
              listLabel="Thèmes proposés"
              chosen={form.themes}
              onChange={(themes) => set('themes', themes)}
              error={listErrors(errors, 'themes')}
              disabled={disabled}
            />
          </div>
          <fieldset className="fr-fieldset fr-mt-2w">
            <legend className="fr-fieldset__legend">
              <h3 className="fr-h6 fr-mb-0">Couleurs (facultatif)</h3>
              <span className="fr-hint-text">
                Laissez vide pour reprendre les couleurs de l'organisation (écran « Apparence »). Le widget fonce automatiquement une couleur trop claire.
              </span>
            </legend>
            <div className="fr-fieldset__element app-row">
              <Input
                label="Couleur principale"
                hintText="Format #RRGGBB, par exemple #1d4e89"
                {...st(errors['branding.primary_color'])}
                nativeInputProps={{ id: fieldId(P, 'branding.primary_color'), value: form.primary, spellCheck: false, placeholder: '#1d4e89', onChange: (e) => set('primary', e.target.value) }}
              />
              <Input
                label="Couleur secondaire"
                hintText="Format #RRGGBB"
                {...st(errors['branding.secondary_color'])}
                nativeInputProps={{ id: fieldId(P, 'branding.secondary_color'), value: form.secondary, spellCheck: false, onChange: (e) => set('secondary', e.target.value) }}
              />
            </div>
          </fieldset>
          {!readOnly && (
            <FormActions
              saving={saving}
              dirty={dirty}
              creating={creating}
              createLabel="Créer le point d'entrée"
              saveLabel="Enregistrer les modifications"
              onReset={() => {
                setForm(initial);
                setError(null);
              }}
            />
          )}
        </fieldset>
      </form>
      {current && !readOnly && <DeleteEntryPoint org={org} entry={current} onDeleted={() => { setLeaving(true); skipGuard.current = true; }} />}
    </section>
  );
}

function DeleteEntryPoint({ org, entry, onDeleted }: { org: string; entry: EntryPoint; onDeleted: () => void }) {
  const { api } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const remove = async () => {
    const { list, etag } = await currentOrganisation(api, org);
    if (!same(list.find((x) => x.slug === entry.slug), entry)) throw changedElsewhere();
    const r = await api.client.DELETE('/api/v1/admin/organisations/{org}/entry-points/{entry}', { params: { path: { org, entry: entry.slug! }, header: { 'If-Match': etag } } });
    if (!r.response.ok) unwrap(r);
    onDeleted();
    await refreshPublic(api, org, { organisation: true });
    await qc.invalidateQueries({ queryKey: organisationKey(org) });
    navigate(`/o/${org}/points-d-entree`, { state: { notice: `Le point d'entrée « ${entry.name || entry.slug} » est supprimé.` } });
  };
  return (
    <DeleteSection titleId="ep-delete-title" confirmId="ep-delete-confirm" title="Supprimer ce point d'entrée" openLabel="Supprimer le point d'entrée…" question={`Supprimer « ${entry.name || entry.slug} » ?`} onConfirm={remove}>
      <p>Les sites qui intègrent le code avec entry="{entry.slug}" afficheront le widget sans parcours (recherche seulement) jusqu'à ce qu'ils le changent. Le parcours lui-même n'est pas supprimé.</p>
    </DeleteSection>
  );
}
