import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useLocation, useNavigate, useParams, Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useAuth } from '../../auth/AuthContext';
import { ApiError, fieldErrors, unwrap } from '../../api/problem';
import { Page } from '../../layout/Page';
import { ErrorSummary, fieldId } from '../../components/ErrorSummary';
import { UnsavedChangesGuard } from '../../components/UnsavedChangesGuard';
import { FormActions } from '../../components/FormActions';
import { ConflictNotice, SaveFailed, saveErrorKinds, useSaveErrorFocus } from '../../components/SaveErrors';
import { LoadFailedPage, LoadingPage } from '../../components/LoadState';
import { ThemePicker } from '../../components/ThemePicker';
import { fr, formatDate } from '../../i18n/fr';
import { FALC, htmlLang, languageLabel, targetLanguages } from '../../i18n/languages';
import { useContactPoint } from './api';
import { changedFields, emptyForm, fromContactPoint, isStale, toRequest, type AdminContactPoint, type FormState } from './model';
import { ChannelsEditor, CommunePicker, DepartementPicker, OpeningHoursEditor, P, listErrors } from './editors';
import { VisibilityPicker } from './VisibilityPicker';

const labels: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^name$/, () => 'Nom'],
  [/^description$/, () => 'Description'],
  [/^translations\.([^.]+)/, (m) => `Description en ${languageLabel(m[1])}`],
  [/^granularity$/, () => 'Niveau'],
  [/^visibility$/, () => 'Visibilité'],
  [/^pivot$/, () => "Type d'établissement"],
  [/^themes/, () => 'Thèmes'],
  [/^channels$/, () => 'Moyens de contact'],
  [/^channels\[(\d+)\]/, (m) => `Moyen de contact ${Number(m[1]) + 1}`],
  [/^opening_hours\.weekly\[(\d+)\]/, () => "Horaires d'ouverture"],
  [/^opening_hours/, () => "Horaires d'ouverture"],
  [/^coverage\.communes/, () => 'Communes servies'],
  [/^coverage\.departements/, () => 'Départements servis'],
  [/^coverage/, () => 'Territoire servi'],
  [/^address/, () => 'Adresse'],
  [/^overrides$/, () => 'Point de contact national adapté'],
];
const labelOf = (path: string) => {
  for (const [re, f] of labels) {
    const m = path.match(re);
    if (m) return f(m);
  }
  return path;
};

export function ContactPointFormPage() {
  const { org = '', id } = useParams();
  const q = useContactPoint(org, id);
  const location = useLocation();
  const notice = (location.state as { notice?: string } | null)?.notice;
  if (id && q.isPending) return <LoadingPage title="Point de contact" context={org} />;
  if (id && q.error) {
    return (
      <LoadFailedPage
        title="Point de contact"
        context={org}
        error={q.error}
        notFound={{ title: 'Point de contact introuvable', message: "Ce point de contact n'existe pas ou n'appartient pas à cette organisation" }}
        back={<Link to={`/o/${org}/points-de-contact`}>Retour à la liste des points de contact</Link>}
      />
    );
  }
  // A new version (saved, verified or reloaded) starts a fresh form.
  return <ContactPointForm key={q.data?.etag ?? 'new'} org={org} current={q.data?.cp} etag={q.data?.etag} notice={notice} onReload={() => void q.refetch()} />;
}

export function ContactPointForm({ org, current, etag, notice, onReload }: { org: string; current?: AdminContactPoint; etag?: string; notice?: string; onReload: () => void }) {
  const { api, can } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const creating = !current;
  const readOnly = !can(org, 'editor');
  const initial = useMemo(() => (current ? fromContactPoint(current) : emptyForm()), [current]);
  const [form, setForm] = useState<FormState>(initial);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const skipGuard = useRef(false);
  const [verifyNote, setVerifyNote] = useState<string | null>(null);
  const [communeNames, setCommuneNames] = useState<Record<string, string>>({});
  const { summary, conflictRef } = useSaveErrorFocus(error);

  const dirty = useMemo(() => JSON.stringify(form) !== JSON.stringify(initial), [form, initial]);
  const errors = fieldErrors(error);
  const { conflict, general } = saveErrorKinds(error, errors);

  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));
  const setCov = (patch: Partial<FormState['coverage']>) => setForm((f) => ({ ...f, coverage: { ...f.coverage, ...patch } }));
  const setAddr = (patch: Partial<FormState['address']>) => setForm((f) => ({ ...f, address: { ...f.address, ...patch } }));

  const store = (cp: AdminContactPoint, etagHeader: string | null) => {
    qc.setQueryData(['contact-point', org, cp.id], { cp, etag: etagHeader ?? `"${cp.version}"` });
    void qc.invalidateQueries({ queryKey: ['contact-points', org] });
  };

  const afterError = (err: unknown) => setError(err);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (readOnly) return;
    setSaving(true);
    setError(null);
    try {
      if (creating) {
        const body = toRequest(form, { creating });
        const r = await api.client.POST('/api/v1/admin/organisations/{org}/contact-points', { params: { path: { org } }, body });
        const cp = unwrap(r);
        store(cp, r.response.headers.get('ETag'));
        setLeaving(true);
        skipGuard.current = true;
        navigate(`/o/${org}/points-de-contact/${cp.id}`, { replace: true, state: { notice: `« ${cp.name} » est créé. Il est visible des habitants.` } });
      } else {
        const r = await api.client.PATCH('/api/v1/admin/organisations/{org}/contact-points/{id}', {
          params: { path: { org, id: current!.id! }, header: { 'If-Match': etag! } },
          body: changedFields(initial, form),
        });
        const cp = unwrap(r);
        setLeaving(true);
        skipGuard.current = true;
        navigate('.', { replace: true, state: { notice: 'Modifications enregistrées. Le point de contact est marqué vérifié aujourd\u2019hui.' } });
        store(cp, r.response.headers.get('ETag'));
      }
    } catch (err) {
      afterError(err);
    } finally {
      setSaving(false);
    }
  };

  const markVerified = async () => {
    setSaving(true);
    setError(null);
    try {
      // An empty edit: "checked, nothing to change". The API stamps verified_at on saved edits.
      const r = await api.client.PATCH('/api/v1/admin/organisations/{org}/contact-points/{id}', {
        params: { path: { org, id: current!.id! }, header: { 'If-Match': etag! } },
        body: {},
      });
      const cp = unwrap(r);
      if ((cp.verified_at ?? '').slice(0, 10) !== new Date().toISOString().slice(0, 10)) {
        // Today's API skips an edit without change (see the report to the Go side).
        setVerifyNote("La date de vérification n'a pas pu être enregistrée sans modification. Elle l'est quand vous enregistrez une correction ou traitez un signalement sur ce point de contact.");
        return;
      }
      navigate('.', { replace: true, state: { notice: `Vérification enregistrée : informations à jour au ${formatDate(cp.verified_at)}.` } });
      store(cp, r.response.headers.get('ETag'));
    } catch (err) {
      afterError(err);
    } finally {
      setSaving(false);
    }
  };

  const title = creating ? 'Nouveau point de contact' : (current?.name ?? 'Point de contact');
  const disabled = readOnly || saving;

  return (
    <Page title={title} context={org}>
      <UnsavedChangesGuard when={dirty && !leaving && !readOnly} skip={skipGuard} />
      <p>
        <Link className="fr-link fr-icon-arrow-left-line fr-link--icon-left" to={`/o/${org}/points-de-contact`}>
          Retour à la liste
        </Link>
      </p>
      {notice && !dirty && !error && (
        <div role="status">
          <Alert as="h2" severity="success" small description={notice} className="fr-mb-3w" />
        </div>
      )}
      {verifyNote && (
        <div role="status">
          <Alert as="h2" severity="info" small description={verifyNote} className="fr-mb-3w" closable onClose={() => setVerifyNote(null)} />
        </div>
      )}
      {readOnly && <Alert as="h2" severity="info" small description="Votre rôle de lecteur permet de consulter ce point de contact, pas de le modifier." className="fr-mb-3w" />}
      {current && (
        <div className="fr-mb-3w app-row" style={{ alignItems: 'center' }}>
          <div className="fr-mb-0">
            Dernière vérification : <strong>{formatDate(current.verified_at)}</strong>{' '}
            {isStale(current.verified_at) ? (
              <Badge severity="warning" small>
                À vérifier
              </Badge>
            ) : (
              <Badge severity="success" small>
                À jour
              </Badge>
            )}
          </div>
          {!readOnly && (
            <Button priority="secondary" size="small" type="button" disabled={saving || dirty} onClick={() => void markVerified()} title={dirty ? 'Enregistrez d\u2019abord vos modifications : l\u2019enregistrement vaut vérification.' : undefined}>
              Marquer comme vérifié
            </Button>
          )}
          <p className="fr-mb-0 fr-text--sm">
            Source : {current.source?.kind === 'manual' ? 'saisie manuelle' : (current.source?.dataset ?? current.source?.kind)} · version {current.version}
          </p>
        </div>
      )}
      {conflict && <ConflictNotice ref={conflictRef} title="Quelqu'un d'autre a modifié ce point de contact" onReload={() => { setLeaving(true); onReload(); }} />}
      <SaveFailed message={general} />
      <ErrorSummary ref={summary} errors={errors} labelOf={labelOf} prefix={P} detail={error instanceof ApiError ? error.problem.detail : undefined} />

      <form onSubmit={onSubmit} noValidate aria-label={title}>
        {/* A disabled fieldset disables every control inside (react-dsfr's own disabled props override the native ones). */}
        <fieldset disabled={disabled} className="app-bare">
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">
            <h2 className="fr-h4 fr-mb-0">Présentation</h2>
          </legend>
          <div className="fr-fieldset__element">
            <Input
              label="Nom"
              hintText="Tel que les habitants le connaissent, par exemple : Maison départementale des solidarités de Toulon"
              state={errors.name ? 'error' : 'default'}
              stateRelatedMessage={errors.name}
              nativeInputProps={{ id: fieldId(P, 'name'), value: form.name, disabled, required: true, maxLength: 300, onChange: (e) => set('name', e.target.value) }}
            />
          </div>
          <div className="fr-fieldset__element">
            <Input
              textArea
              label="Description (facultatif)"
              hintText="En mots simples : pour qui, pour quoi. 2 000 caractères au plus."
              state={errors.description ? 'error' : 'default'}
              stateRelatedMessage={errors.description}
              nativeTextAreaProps={{ id: fieldId(P, 'description'), value: form.description, disabled, rows: 3, onChange: (e) => set('description', e.target.value) }}
            />
          </div>
          <div className="fr-fieldset__element app-row">
            <Select
              label="Niveau"
              hint="« Administration » pour votre accueil général (standard)."
              state={errors.granularity ? 'error' : 'default'}
              stateRelatedMessage={errors.granularity}
              nativeSelectProps={{ id: fieldId(P, 'granularity'), value: form.granularity, disabled, onChange: (e) => set('granularity', e.target.value as FormState['granularity']) }}
            >
              {Object.entries(fr.granularities).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </Select>
            <Input
              label="Type d'établissement (facultatif)"
              hintText="Code de l'annuaire service-public.fr : caf, cpam, mairie, ccas, mds…"
              state={errors.pivot ? 'error' : 'default'}
              stateRelatedMessage={errors.pivot}
              nativeInputProps={{ id: fieldId(P, 'pivot'), value: form.pivot, disabled, onChange: (e) => set('pivot', e.target.value) }}
            />
          </div>
          <div className="fr-fieldset__element">
            <VisibilityPicker
              id={fieldId(P, 'visibility')}
              name="cp-visibility"
              legend="Qui voit ce point de contact ?"
              hint="Un point de contact réservé aux agents n'apparaît jamais aux habitants, ni dans les données ouvertes. Pour réserver seulement une ligne directe, choisissez-le sur ce moyen de contact."
              value={form.visibility}
              onChange={(v) => set('visibility', v)}
              error={errors.visibility}
              disabled={disabled}
            />
          </div>
          <div className="fr-fieldset__element">
            <ThemePicker
              org={org}
              id={fieldId(P, 'themes')}
              label="Thèmes"
              hint="Les besoins des habitants auxquels ce point de contact répond. Choisissez un thème pour l'ajouter."
              listLabel="Thèmes choisis"
              chosen={form.themes}
              onChange={(themes) => set('themes', themes)}
              error={listErrors(errors, 'themes')}
              disabled={disabled}
            />
          </div>
        </fieldset>

        <fieldset className="fr-fieldset" aria-labelledby="cp-translations-title">
          <legend className="fr-fieldset__legend">
            <h2 id="cp-translations-title" className="fr-h4 fr-mb-0">
              Traductions de la description (facultatif)
            </h2>
            <span className="fr-hint-text">
              La description dans les langues des habitants. Sans traduction, ils lisent la description en français. Le nom, les horaires et les moyens de contact ne se
              traduisent pas.
            </span>
          </legend>
          {targetLanguages.map((l) => {
            const k = `translations.${l.code}.description`;
            const e = errors[k] ?? errors[`translations.${l.code}`];
            return (
              <div className="fr-fieldset__element" key={l.code}>
                <Input
                  textArea
                  label={l.code === FALC ? 'FALC (facile à lire et à comprendre)' : `${l.french[0].toUpperCase()}${l.french.slice(1)} (${l.name})`}
                  state={e ? 'error' : 'default'}
                  stateRelatedMessage={e}
                  nativeTextAreaProps={{
                    id: fieldId(P, k),
                    value: form.translations[l.code] ?? '',
                    lang: htmlLang(l.code),
                    dir: l.dir,
                    disabled,
                    rows: 2,
                    onChange: (ev) => set('translations', { ...form.translations, [l.code]: ev.target.value }),
                  }}
                />
              </div>
            );
          })}
        </fieldset>

        <ChannelsEditor channels={form.channels} onChange={(c) => set('channels', c)} errors={errors} disabled={disabled} />

        <fieldset className="fr-fieldset" id={fieldId(P, 'address')} tabIndex={-1}>
          <legend className="fr-fieldset__legend">
            <h2 className="fr-h4 fr-mb-0">Adresse d'accueil (facultatif)</h2>
            <span className="fr-hint-text">Pour le lien vers la carte et la règle « le plus proche dans le département ».</span>
          </legend>
          <div className="fr-fieldset__element">
            <Input
              textArea
              label="Adresse"
              hintText="Une ligne par ligne d'adresse, sans le code postal ni la ville"
              state={errors['address.lines'] ? 'error' : 'default'}
              stateRelatedMessage={errors['address.lines']}
              nativeTextAreaProps={{ id: fieldId(P, 'address.lines'), value: form.address.lines, disabled, rows: 2, onChange: (e) => setAddr({ lines: e.target.value }) }}
            />
          </div>
          <div className="fr-fieldset__element app-row">
            <Input label="Code postal" {...(errors['address.postal_code'] ? { state: 'error' as const, stateRelatedMessage: errors['address.postal_code'] } : {})} nativeInputProps={{ id: fieldId(P, 'address.postal_code'), value: form.address.postal_code, disabled, inputMode: 'numeric', autoComplete: 'off', onChange: (e) => setAddr({ postal_code: e.target.value }) }} />
            <Input label="Ville" {...(errors['address.city'] ? { state: 'error' as const, stateRelatedMessage: errors['address.city'] } : {})} nativeInputProps={{ id: fieldId(P, 'address.city'), value: form.address.city, disabled, onChange: (e) => setAddr({ city: e.target.value }) }} />
            <Input
              label="Code INSEE de la commune"
              hintText="5 caractères, par exemple 83137 pour Toulon"
              state={errors['address.commune_code'] ? 'error' : 'default'}
              stateRelatedMessage={errors['address.commune_code']}
              nativeInputProps={{ id: fieldId(P, 'address.commune_code'), value: form.address.commune_code, disabled, onChange: (e) => setAddr({ commune_code: e.target.value }) }}
            />
            <Select label="Accessibilité des locaux" nativeSelectProps={{ id: fieldId(P, 'address.accessibility'), value: form.address.accessibility, disabled, onChange: (e) => setAddr({ accessibility: e.target.value as FormState['address']['accessibility'] }) }}>
              <option value="">Non renseignée</option>
              {Object.entries(fr.accessibility).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </Select>
          </div>
        </fieldset>

        <OpeningHoursEditor hours={form.opening_hours} onChange={(h) => set('opening_hours', h)} errors={errors} disabled={disabled} />

        <fieldset className="fr-fieldset" id={fieldId(P, 'coverage')} tabIndex={-1} aria-describedby={errors.coverage || errors['coverage.rule'] ? 'cp-coverage-error' : undefined}>
          <legend className="fr-fieldset__legend">
            <h2 className="fr-h4 fr-mb-0">Territoire servi</h2>
            <span className="fr-hint-text">Les habitants de ces communes ou départements seront orientés ici.</span>
          </legend>
          {(errors.coverage || errors['coverage.rule']) && (
            <p id="cp-coverage-error" className="fr-error-text fr-ml-1w fr-mb-2w">
              {[errors.coverage, errors['coverage.rule']].filter(Boolean).join(' ; ')}
            </p>
          )}
          <div className="fr-fieldset__element">
            <Select
              label="Règle"
              nativeSelectProps={{ id: fieldId(P, 'coverage.rule'), value: form.coverage.rule, disabled, onChange: (e) => setCov({ rule: e.target.value as FormState['coverage']['rule'] }) }}
            >
              <option value="explicit">Les territoires listés ci-dessous</option>
              <option value="nearest_in_departement">L'accueil de la commune, sinon le plus proche dans le département (demande un type et une adresse)</option>
            </Select>
          </div>
          <div className="fr-fieldset__element">
            <Checkbox options={[{ label: 'Toute la France', nativeInputProps: { checked: form.coverage.national, disabled, onChange: (e) => setCov({ national: e.target.checked }) } }]} />
          </div>
          <div className="fr-fieldset__element">
            <DepartementPicker codes={form.coverage.departements} onChange={(d) => setCov({ departements: d })} error={listErrors(errors, 'coverage.departements')} disabled={disabled || form.coverage.national} />
            <CommunePicker
              codes={form.coverage.communes}
              onChange={(c) => setCov({ communes: c })}
              error={listErrors(errors, 'coverage.communes')}
              disabled={disabled || form.coverage.national}
              names={communeNames}
              onName={(code, name) => setCommuneNames((n) => ({ ...n, [code]: name }))}
            />
            {form.coverage.regions.length > 0 && <p className="fr-text--sm">Régions (codes) : {form.coverage.regions.join(', ')}</p>}
          </div>
        </fieldset>

        {!readOnly && (
          <FormActions
            sticky
            saving={saving}
            dirty={dirty}
            creating={creating}
            createLabel="Créer le point de contact"
            saveLabel="Enregistrer les modifications"
            onReset={() => {
              setForm(initial);
              setError(null);
            }}
          />
        )}
        </fieldset>
      </form>
    </Page>
  );
}
