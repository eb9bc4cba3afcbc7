import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useAuth } from '../../auth/AuthContext';
import { ApiError, fieldErrors, unwrap } from '../../api/problem';
import { refreshPublic } from '../../api/publicCache';
import { Page } from '../../layout/Page';
import { ErrorSummary, fieldId } from '../../components/ErrorSummary';
import { UnsavedChangesGuard } from '../../components/UnsavedChangesGuard';
import { NameAndSlugFields } from '../../components/NameAndSlugFields';
import { FormActions } from '../../components/FormActions';
import { ConflictNotice, SaveFailed, saveErrorKinds, useSaveErrorFocus } from '../../components/SaveErrors';
import { LoadFailedPage, LoadingPage } from '../../components/LoadState';
import { DeleteSection } from '../../components/DeleteSection';
import { useThemes } from '../../api/themes';
import { useOwnTheme, useOwnThemes, type Theme } from './api';
import { emptyThemeForm, fromTheme, parseSynonyms, toThemeRequest, type ThemeForm as FormState } from './model';

const P = 'th';
const labelOf = (path: string) =>
  ({ label: 'Nom du thème', slug: 'Identifiant', description: 'Description', parent_slug: 'Thème parent', synonyms: 'Mots des habitants' })[path.replace(/\[\d+\]$/, '')] ?? path;

export function ThemeFormPage() {
  const { org = '', theme } = useParams();
  const [params] = useSearchParams();
  const synonym = params.get('synonyme')?.trim() || undefined;
  const q = useOwnTheme(org, theme);
  if (theme && q.isPending) return <LoadingPage title="Thème" context={org} />;
  if (theme && q.error) {
    return (
      <LoadFailedPage
        title="Thème"
        context={org}
        error={q.error}
        notFound={{ title: 'Thème introuvable', message: "Ce thème n'existe pas ou n'appartient pas à votre organisation" }}
        back={<Link to={`/o/${org}/themes`}>Retour aux thèmes</Link>}
      />
    );
  }
  // A new version (reloaded after a conflict) starts a fresh form.
  return <ThemeForm key={q.data?.etag ?? 'new'} org={org} current={q.data?.theme} etag={q.data?.etag} synonym={synonym} onReload={() => void q.refetch()} />;
}

export function ThemeForm({ org, current, etag, synonym, onReload }: { org: string; current?: Theme; etag?: string; synonym?: string; onReload: () => void }) {
  const { api, can } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const creating = !current;
  const readOnly = !can(org, 'editor');
  const saved = useMemo(() => (current ? fromTheme(current) : emptyThemeForm()), [current]);
  // A word brought from « Recherches sans réponse » is added but not saved yet.
  const [form, setForm] = useState<FormState>(() => (current ? fromTheme(current, synonym) : emptyThemeForm(synonym ?? '')));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const skipGuard = useRef(false);
  const { summary, conflictRef } = useSaveErrorFocus(error);
  const publicThemes = useThemes(org);
  const own = useOwnThemes(org);

  const dirty = JSON.stringify({ ...form, slugTouched: false }) !== JSON.stringify({ ...saved, slugTouched: false });
  const errors = fieldErrors(error);
  for (const k of Object.keys(errors)) {
    const m = k.match(/^synonyms\[\d+\]$/);
    if (m) errors.synonyms = errors.synonyms ? `${errors.synonyms} ; ${errors[k]}` : errors[k];
    if (m) delete errors[k];
  }
  const { conflict, general } = saveErrorKinds(error, errors);
  const disabled = readOnly || saving;
  const words = parseSynonyms(form.synonyms);

  // Parents: main themes (national and the organisation's), never the theme itself.
  const parents = useMemo(() => {
    const m = new Map<string, { slug: string; label: string; national: boolean }>();
    for (const t of publicThemes.data ?? []) if (!t.parent_slug && t.slug) m.set(t.slug, { slug: t.slug, label: t.label ?? t.slug, national: t.organisation !== org });
    for (const t of own.data ?? []) if (!t.parent_slug && t.slug) m.set(t.slug, { slug: t.slug, label: t.label ?? t.slug, national: false });
    m.delete(current?.slug ?? form.slug);
    return [...m.values()].sort((a, b) => a.label.localeCompare(b.label, 'fr'));
  }, [publicThemes.data, own.data, current?.slug, form.slug, org]);
  const parentMissing = form.parent_slug && !parents.some((p) => p.slug === form.parent_slug);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (readOnly) return;
    setSaving(true);
    setError(null);
    try {
      const body = toThemeRequest(form, creating);
      const r = creating
        ? await api.client.POST('/api/v1/admin/organisations/{org}/themes', { params: { path: { org } }, body })
        : await api.client.PATCH('/api/v1/admin/organisations/{org}/themes/{theme}', { params: { path: { org, theme: current!.slug! }, header: { 'If-Match': etag! } }, body });
      const t = unwrap(r);
      qc.setQueryData(['own-theme', org, t.slug], { theme: t, etag: r.response.headers.get('ETag') ?? `"${t.version}"` });
      await refreshPublic(api, org, { themes: true });
      void qc.invalidateQueries({ queryKey: ['own-themes', org] });
      void qc.invalidateQueries({ queryKey: ['themes', org] });
      setLeaving(true);
      skipGuard.current = true;
      const added = synonym && (t.synonyms ?? []).includes(synonym) ? ` « ${synonym} » fait maintenant partie des mots des habitants de ce thème.` : '';
      navigate(`/o/${org}/themes`, { state: { notice: (creating ? `Le thème « ${t.label} » est créé.` : `Le thème « ${t.label} » est enregistré.`) + added } });
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  const title = creating ? 'Nouveau thème' : (current?.label ?? 'Thème');
  return (
    <Page title={title} context={org}>
      <UnsavedChangesGuard when={dirty && !leaving && !readOnly} skip={skipGuard} />
      <p>
        <Link className="fr-link fr-icon-arrow-left-line fr-link--icon-left" to={`/o/${org}/themes`}>
          Retour aux thèmes
        </Link>
      </p>
      {readOnly && <Alert as="h2" severity="info" small description="Votre rôle de lecteur permet de consulter ce thème, pas de le modifier." className="fr-mb-3w" />}
      {synonym && !readOnly && (
        <Alert as="h2" severity="info" small className="fr-mb-3w" description={`« ${synonym} » est ajouté aux mots des habitants ci-dessous. Vérifiez puis enregistrez.`} />
      )}
      {conflict && (
        <ConflictNotice
          ref={conflictRef}
          title="Quelqu'un d'autre a modifié ce thème"
          onReload={() => {
            setLeaving(true);
            onReload();
          }}
        />
      )}
      <SaveFailed message={general} />
      <ErrorSummary ref={summary} errors={errors} labelOf={labelOf} prefix={P} detail={error instanceof ApiError ? error.problem.detail : undefined} />

      <form onSubmit={onSubmit} noValidate aria-label={title}>
        <fieldset disabled={disabled} className="app-bare">
          <NameAndSlugFields
            prefix={P}
            nameKey="label"
            nameLabel="Nom du thème"
            nameHint="Tel que les habitants le comprennent, par exemple : Loyer impayé, expulsion"
            required
            creating={creating}
            form={form}
            setForm={setForm}
            errors={errors}
            saved={current?.slug}
            slugHint="Proposé à partir du nom ; minuscules, chiffres et tirets. Il ne pourra plus changer."
            fixedHint="L'identifiant d'un thème ne change pas."
          />
          <div className="fr-fieldset__element">
            <Input
              textArea
              label="Description (facultatif)"
              hintText="En mots simples : quelles situations ce thème couvre."
              state={errors.description ? 'error' : 'default'}
              stateRelatedMessage={errors.description}
              nativeTextAreaProps={{ id: fieldId(P, 'description'), value: form.description, rows: 2, onChange: (e) => setForm((f) => ({ ...f, description: e.target.value })) }}
            />
          </div>
          <div className="fr-fieldset__element">
            <Select
              label="Thème parent (facultatif)"
              hint="Le thème principal sous lequel le widget range celui-ci."
              state={errors.parent_slug ? 'error' : 'default'}
              stateRelatedMessage={errors.parent_slug}
              nativeSelectProps={{ id: fieldId(P, 'parent_slug'), value: form.parent_slug, onChange: (e) => setForm((f) => ({ ...f, parent_slug: e.target.value })) }}
            >
              <option value="">Aucun : c'est un thème principal</option>
              {parentMissing && <option value={form.parent_slug}>{form.parent_slug}</option>}
              {[false, true].map((national) => {
                const group = parents.filter((p) => p.national === national);
                return group.length ? (
                  <optgroup key={String(national)} label={national ? 'Thèmes nationaux' : 'Thèmes de votre organisation'}>
                    {group.map((p) => (
                      <option key={p.slug} value={p.slug}>
                        {p.label}
                      </option>
                    ))}
                  </optgroup>
                ) : null;
              })}
            </Select>
          </div>
          <div className="fr-fieldset__element">
            <Input
              textArea
              label="Mots des habitants (synonymes)"
              hintText="Un mot ou une expression par ligne, comme les habitants les écrivent, fautes comprises (« proprio », « loyer en retard »). Ils alimentent la recherche du widget : un habitant qui tape l'un d'eux se voit proposer ce thème."
              state={errors.synonyms ? 'error' : 'default'}
              stateRelatedMessage={errors.synonyms}
              nativeTextAreaProps={{ id: fieldId(P, 'synonyms'), value: form.synonyms, rows: 6, spellCheck: false, onChange: (e) => setForm((f) => ({ ...f, synonyms: e.target.value })) }}
            />
            <p className="fr-text--sm fr-mt-1w" aria-live="polite">
              {words.length === 0 ? 'Aucun mot pour le moment.' : `${words.length} mot${words.length > 1 ? 's' : ''} ou expression${words.length > 1 ? 's' : ''}.`}
            </p>
          </div>
          {!readOnly && (
            <FormActions
              saving={saving}
              dirty={dirty}
              creating={creating}
              createLabel="Créer le thème"
              saveLabel="Enregistrer le thème"
              onReset={() => {
                setForm(saved);
                setError(null);
              }}
            />
          )}
        </fieldset>
      </form>
      {current && !readOnly && <DeleteTheme org={org} theme={current} subThemes={(own.data ?? []).filter((t) => t.parent_slug === current.slug)} onDeleted={() => { setLeaving(true); skipGuard.current = true; }} />}
    </Page>
  );
}

function DeleteTheme({ org, theme, subThemes, onDeleted }: { org: string; theme: Theme; subThemes: Theme[]; onDeleted: () => void }) {
  const { api } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const remove = async () => {
    const r = await api.client.DELETE('/api/v1/admin/organisations/{org}/themes/{theme}', { params: { path: { org, theme: theme.slug! } } });
    if (!r.response.ok) unwrap(r);
    onDeleted();
    await refreshPublic(api, org, { themes: true });
    qc.removeQueries({ queryKey: ['own-theme', org, theme.slug] });
    void qc.invalidateQueries({ queryKey: ['own-themes', org] });
    void qc.invalidateQueries({ queryKey: ['themes', org] });
    navigate(`/o/${org}/themes`, { state: { notice: `Le thème « ${theme.label} » est supprimé.` } });
  };
  return (
    <DeleteSection titleId="delete-theme-title" confirmId="delete-theme-confirm" title="Supprimer ce thème" openLabel="Supprimer le thème…" question={`Supprimer « ${theme.label} » ?`} onConfirm={remove}>
      <DeleteThemeConsequences org={org} theme={theme} subThemes={subThemes} />
    </DeleteSection>
  );
}

/** What deleting the theme does; rendered while confirming, so the count of contact points carrying it is asked for then. */
function DeleteThemeConsequences({ org, theme, subThemes }: { org: string; theme: Theme; subThemes: Theme[] }) {
  const { api } = useAuth();
  // How many of the organisation's contact points carry it (the API keeps their reference).
  const usage = useQuery({
    queryKey: ['contact-points', org, { theme: theme.slug, limit: 1 }],
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/contact-points', { params: { path: { org }, query: { theme: theme.slug, limit: 1 } } })).total ?? 0,
  });
  return (
    <ul>
      <li>Le widget ne le proposera plus et ses mots des habitants ne mèneront plus à lui.</li>
      <li>
        {usage.isPending
          ? 'Recherche des points de contact qui le portent…'
          : usage.error
            ? "Le nombre de points de contact qui le portent n'a pas pu être vérifié."
            : usage.data === 0
              ? 'Aucun point de contact de votre organisation ne le porte.'
              : `${usage.data} point${usage.data! > 1 ? 's' : ''} de contact de votre organisation le porte${usage.data! > 1 ? 'nt' : ''} : ${usage.data! > 1 ? 'ils ne seront plus trouvés' : 'il ne sera plus trouvé'} par ce thème.`}
      </li>
      {subThemes.length > 0 && <li>Ses sous-thèmes ({subThemes.map((c) => c.label).join(', ')}) resteront rattachés à un thème qui n'existe plus : changez d'abord leur thème parent.</li>}
    </ul>
  );
}
