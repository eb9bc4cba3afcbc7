import { useMemo, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams, useSearchParams } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Tabs } from '@codegouvfr/react-dsfr/Tabs';
import { useAuth } from '../../auth/AuthContext';
import { ApiError, errorMessage, fieldErrors, unwrap } from '../../api/problem';
import { Page } from '../../layout/Page';
import { ErrorSummary, focusField } from '../../components/ErrorSummary';
import { UnsavedChangesGuard } from '../../components/UnsavedChangesGuard';
import { ConflictNotice, useSaveErrorFocus } from '../../components/SaveErrors';
import { LoadFailedPage, LoadingPage } from '../../components/LoadState';
import { ThemePicker } from '../../components/ThemePicker';
import { usePivots, useJourneyDraft, type JourneyDraft } from './api';
import { JourneyState } from './ListPage';
import { JourneyTree } from './Tree';
import { JY, StepForm } from './StepForm';
import { HistoryPanel } from './HistoryPanel';
import { PreviewPanel } from './PreviewPanel';
import { ReviewNotice } from './Reviews';
import { outcomesAt, reviewsKey, useJourneyReviews } from './reviewModel';
import { TranslationsPanel } from './TranslationsPanel';
import { warningsByLanguage } from './translations';
import { languageLabel, targetLanguage } from '../../i18n/languages';
import { addStep, fieldLabel, findStep, limits, normalise, placeProblem, problemsByStep, stepName, type Journey, type Slot, type StepKind, type ValidationProblem } from './model';
import './journeys.css';

type Tab = 'etapes' | 'reglages' | 'traductions' | 'publication' | 'apercu';
const tabs: { tabId: Tab; label: string }[] = [
  { tabId: 'etapes', label: 'Étapes' },
  { tabId: 'reglages', label: 'Réglages' },
  { tabId: 'traductions', label: 'Traductions' },
  { tabId: 'publication', label: 'Publication et historique' },
  { tabId: 'apercu', label: 'Aperçu dans le widget' },
];

export function JourneyEditorPage() {
  const { org = '', journey = '' } = useParams();
  const q = useJourneyDraft(org, journey);
  if (q.isPending) return <LoadingPage title="Parcours" context={org} />;
  if (q.error) {
    return (
      <LoadFailedPage
        title="Parcours"
        context={org}
        error={q.error}
        notFound={{ title: 'Parcours introuvable', message: "Ce parcours n'existe pas ou n'appartient pas à cette organisation" }}
        back={<Link to={`/o/${org}/parcours`}>Retour à la liste des parcours</Link>}
      />
    );
  }
  return <JourneyEditor key={journey} org={org} loaded={q.data} reload={async () => (await q.refetch()).data} />;
}

type Loaded = { draft: JourneyDraft; etag: string };

export function JourneyEditor({ org, loaded, reload }: { org: string; loaded: Loaded; reload: () => Promise<Loaded | undefined> }) {
  const { api, can } = useAuth();
  const qc = useQueryClient();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const readOnly = !can(org, 'editor');
  const slug = loaded.draft.slug ?? '';
  // base: the draft as last read or saved; doc: what the référent edits.
  const [base, setBase] = useState<Loaded>(loaded);
  const [doc, setDoc] = useState<Journey>(loaded.draft.journey ?? {});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string>((location.state as { notice?: string } | null)?.notice ?? '');
  const [busy, setBusy] = useState(false);
  const { summary, conflictRef } = useSaveErrorFocus(error);
  const tab = (tabs.some((t) => t.tabId === params.get('onglet')) ? params.get('onglet') : 'etapes') as Tab;
  const selected = params.get('etape') ?? doc.first_step ?? '';
  const setParam = (k: string, v: string) =>
    setParams(
      (p) => {
        const n = new URLSearchParams(p);
        if (v) n.set(k, v);
        else n.delete(k);
        return n;
      },
      { replace: true },
    );

  const dirty = useMemo(() => normalise(doc) !== normalise(base.draft.journey ?? {}), [doc, base]);
  const draftVersion = base.draft.draft_version ?? 0;

  // The saved draft is checked as publishing would, after every save.
  const validation = useQuery({
    queryKey: ['journey-validate', org, slug, draftVersion],
    queryFn: async () => unwrap(await api.client.POST('/api/v1/admin/organisations/{org}/journeys/{journey}/validate', { params: { path: { org, journey: slug } } })),
  });
  const [publishProblems, setPublishProblems] = useState<ValidationProblem[] | null>(null);
  const problemList = publishProblems ?? validation.data?.problems ?? [];
  const warnings = validation.data?.warnings ?? [];
  const problems = useMemo(() => problemsByStep(problemList), [problemList]);

  const pivots = usePivots();
  const pivotChoices = useMemo(() => (pivots.data ?? []).map((p) => ({ value: p.code ?? '', label: `${p.label} (${p.code})` })), [pivots.data]);

  // Outcomes naming a contact point its source withdrew (draft or live version).
  const reviews = useJourneyReviews(org);
  const review = reviews.data?.find((r) => r.slug === slug);

  const errors = fieldErrors(error);
  const conflict = error instanceof ApiError && error.isConflict;

  const accept = (d: JourneyDraft, etag: string | null, message: string) => {
    const next = { draft: d, etag: etag ?? `"${d.draft_version}"` };
    setBase(next);
    setDoc(d.journey ?? {});
    qc.setQueryData(['journey', org, slug], next);
    void qc.invalidateQueries({ queryKey: ['journeys', org] });
    void qc.invalidateQueries({ queryKey: ['journey-diff', org, slug] });
    void qc.invalidateQueries({ queryKey: reviewsKey(org) });
    setPublishProblems(null);
    setNotice(message);
  };

  const save = async (): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      const r = await api.client.PUT('/api/v1/admin/organisations/{org}/journeys/{journey}', {
        params: { path: { org, journey: slug }, header: { 'If-Match': base.etag } },
        body: doc,
      });
      accept(unwrap(r), r.response.headers.get('ETag'), 'Brouillon enregistré. Les habitants voient toujours la version en ligne tant que vous ne publiez pas.');
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const reloadCurrent = async () => {
    const fresh = await reload();
    if (!fresh) return;
    setBase(fresh);
    setDoc(fresh.draft.journey ?? {});
    setError(null);
    setNotice(`Version actuelle rechargée (brouillon n° ${fresh.draft.draft_version}).`);
  };

  const select = (id: string) => {
    setParam('etape', id);
    if (tab !== 'etapes') setParam('onglet', 'etapes');
    // Move to the step's form, for keyboard and screen reader users.
    requestAnimationFrame(() => document.getElementById('jy-step-title')?.focus());
  };
  const create = (kind: StepKind, slot: Slot) => {
    const [next, id] = addStep(doc, kind, '', slot);
    setDoc(next);
    select(id);
  };
  const goToProblem = (step: string, field: string) => {
    if (!step) {
      setParam('onglet', 'reglages');
      requestAnimationFrame(() => focusField(JY, field || 'title'));
      return;
    }
    setParams(
      (p) => {
        const n = new URLSearchParams(p);
        n.set('etape', step);
        n.set('onglet', 'etapes');
        return n;
      },
      { replace: true },
    );
    requestAnimationFrame(() => focusField(JY, field ? `steps[${step}].${field}` : `steps[${step}]`));
  };

  const live = base.draft.published_version ?? 0;
  const labelOf = (path: string) => (path === 'body' ? 'Document' : path === 'slug' ? 'Identifiant' : fieldLabel(placeProblem({ field: path }).field));

  return (
    <Page title={doc.title?.trim() || slug} context={org}>
      <UnsavedChangesGuard when={dirty && !readOnly} />
      <p className="fr-mb-1w">
        <Link to={`/o/${org}/parcours`}>← Tous les parcours</Link>
      </p>
      <div className="jy-toolbar" role="region" aria-label="État du parcours">
        <JourneyState published={live} />
        <span className="fr-text--sm fr-mb-0">
          Brouillon n° {draftVersion}
          {dirty ? ' — modifications non enregistrées' : ''}
        </span>
        {!readOnly && (
          <Button type="button" iconId="fr-icon-save-line" disabled={!dirty || busy} onClick={() => void save()}>
            Enregistrer le brouillon
          </Button>
        )}
      </div>
      <div role="status" className="fr-mb-2w">
        {notice && <Alert severity="success" small description={notice} closable onClose={() => setNotice('')} />}
      </div>
      {conflict && (
        <ConflictNotice ref={conflictRef} severity="warning" title="Quelqu'un d'autre a enregistré ce parcours entre-temps" onReload={() => void reloadCurrent()}>
          <p>Vos modifications n'ont pas été enregistrées ; elles restent à l'écran. Rechargez la version actuelle (vos modifications seront perdues) ou copiez-les avant.</p>
        </ConflictNotice>
      )}
      {!conflict && <ErrorSummary ref={summary} errors={errors} labelOf={labelOf} prefix={JY} />}
      {!conflict && error != null && Object.keys(errors).length === 0 && (
        <div ref={summary} tabIndex={-1}>
          <Alert severity="error" title="Enregistrement impossible" description={errorMessage(error)} className="fr-mb-3w" />
        </div>
      )}

      {review && (
        <ReviewNotice
          review={review}
          doc={doc}
          onGo={(step) => {
            const k = findStep(doc, step)?.outcome?.contact_points?.findIndex((id) => review.outcomes?.some((o) => o.step_id === step && o.contact_point_id === id)) ?? -1;
            goToProblem(step, k >= 0 ? `outcome.contact_points[${k}]` : 'outcome.contact_points');
          }}
          onPublish={() => setParam('onglet', 'publication')}
        />
      )}
      <ProblemsPanel problems={problemList} pending={validation.isPending} dirty={dirty} stepText={(id) => stepName(findStep(doc, id), id)} onGo={goToProblem} fromPublish={publishProblems !== null} />
      <WarningsPanel warnings={warnings} dirty={dirty} stepText={(id) => stepName(findStep(doc, id), id)} />

      <Tabs label="Édition du parcours" tabs={tabs} selectedTabId={tab} onTabChange={(t) => setParam('onglet', t)}>
        {tab === 'etapes' && (
          <div className="fr-grid-row fr-grid-row--gutters">
            <div className="fr-col-12 fr-col-lg-5">
              <h2 className="fr-h6">Déroulé</h2>
              <JourneyTree doc={doc} selected={selected} problems={problems} readOnly={readOnly} onSelect={select} onCreate={create} />
            </div>
            <div className="fr-col-12 fr-col-lg-7">
              <StepForm org={org} doc={doc} stepId={selected} problems={problems.get(selected) ?? []} pivots={pivotChoices} readOnly={readOnly} reviewed={outcomesAt(reviews.data, slug, selected)} onChange={setDoc} onSelect={(id) => setParam('etape', id)} onCreate={create} />
            </div>
          </div>
        )}
        {tab === 'reglages' && <Settings org={org} doc={doc} onChange={setDoc} readOnly={readOnly} problems={problems.get('') ?? []} />}
        {tab === 'traductions' && (
          <TranslationsPanel
            doc={doc}
            onChange={setDoc}
            readOnly={readOnly}
            lang={targetLanguage(params.get('langue'))?.code ?? doc.languages?.find((l) => targetLanguage(l)) ?? 'en'}
            onLang={(l) => setParam('langue', l)}
            onlyMissing={params.get('manquants') === '1'}
            onOnlyMissing={(on) => setParam('manquants', on ? '1' : '')}
            draftVersion={draftVersion}
          />
        )}
        {tab === 'publication' && (
          <HistoryPanel
            org={org}
            slug={slug}
            draftVersion={draftVersion}
            dirty={dirty}
            readOnly={readOnly}
            onPublished={async (message) => {
              setPublishProblems(null);
              const fresh = await reload();
              if (fresh) setBase(fresh);
              setNotice(message);
            }}
            onRefused={(ps) => setPublishProblems(ps)}
          />
        )}
        {tab === 'apercu' && <PreviewPanel org={org} slug={slug} draftVersion={draftVersion} dirty={dirty} />}
      </Tabs>
    </Page>
  );
}

/** What stops the saved draft from being published, each linked to its step. */
function ProblemsPanel({ problems, pending, dirty, stepText, onGo, fromPublish }: { problems: ValidationProblem[]; pending: boolean; dirty: boolean; stepText: (id: string) => string; onGo: (step: string, field: string) => void; fromPublish: boolean }) {
  if (pending) return null;
  if (problems.length === 0)
    return (
      <p className="fr-text--sm jy-ok">
        <span className="fr-icon-success-line fr-icon--sm" aria-hidden="true" /> Le brouillon enregistré peut être publié{dirty ? ' (enregistrez pour vérifier vos dernières modifications)' : ''}.
      </p>
    );
  const placed = problems.map(placeProblem);
  return (
    <details className="fr-mb-3w jy-problem-list" open={fromPublish || placed.length <= 5}>
      <summary>
        {fromPublish ? 'Publication refusée : ' : ''}
        {placed.length} problème{placed.length > 1 ? 's' : ''} à corriger avant de publier{dirty ? ' (dans le brouillon enregistré)' : ''}
      </summary>
      <ul>
        {placed.map((p, i) => (
          <li key={i}>
            <button type="button" className="jy-link" onClick={() => onGo(p.step, p.field)}>
              {p.step ? stepText(p.step) : 'Parcours'}
              {p.field ? ` — ${fieldLabel(p.field)}` : ''}
            </button>{' '}
            : {p.detail}
            {p.communes?.length ? ` (communes : ${p.communes.join(', ')})` : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}

type Warning = { field?: string; lang?: string; detail?: string };

/**
 * The translations missing in the journey's target languages: they never
 * stop a publication (residents read the French text), so they are listed
 * apart from the problems, by language, each language linked to the
 * translation view showing only its missing texts.
 */
function WarningsPanel({ warnings, dirty, stepText }: { warnings: Warning[]; dirty: boolean; stepText: (id: string) => string }) {
  if (warnings.length === 0) return null;
  const byLang = warningsByLanguage(warnings);
  const where = (w: Warning) => {
    const p = placeProblem({ field: w.field ?? '' });
    return `${p.step ? stepText(p.step) : 'Parcours'}${p.field ? ` — ${fieldLabel(p.field)}` : ''}`;
  };
  return (
    <details className="fr-mb-3w jy-warning-list">
      <summary>
        {warnings.length} traduction{warnings.length > 1 ? 's' : ''} manquante{warnings.length > 1 ? 's' : ''} (n'empêche{warnings.length > 1 ? 'nt' : ''} pas la publication)
        {dirty ? ' dans le brouillon enregistré' : ''}
      </summary>
      <p className="fr-text--sm fr-mb-1w">Les habitants qui lisent ces langues verront le texte français à la place.</p>
      <ul>
        {[...byLang].map(([lang, n]) => (
          <li key={lang}>
            <Link to={{ search: `?onglet=traductions&langue=${encodeURIComponent(lang)}&manquants=1` }}>
              Traduire en {languageLabel(lang)} : {n} texte{n > 1 ? 's' : ''} manquant{n > 1 ? 's' : ''}
            </Link>
            <ul className="fr-text--sm">
              {warnings
                .filter((w) => w.lang === lang)
                .map((w, i) => (
                  <li key={i}>
                    {where(w)} : {w.detail}
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ul>
    </details>
  );
}

function Settings({ org, doc, onChange, readOnly, problems }: { org: string; doc: Journey; onChange: (d: Journey) => void; readOnly: boolean; problems: { field: string; detail: string }[] }) {
  const err = (f: string) => problems.filter((p) => p.field === f).map((p) => p.detail).join(' ; ') || undefined;
  const none = (e: FormEvent) => e.preventDefault();
  return (
    <form onSubmit={none} className="jy-form" aria-label="Réglages du parcours">
      <fieldset className="app-bare" disabled={readOnly}>
        <Input
          label="Titre"
          hintText={`Le besoin, dans les mots de l'habitant. ${limits.title} caractères au plus.`}
          state={err('title') ? 'error' : 'default'}
          stateRelatedMessage={err('title')}
          nativeInputProps={{ id: `${JY}-title`, value: doc.title ?? '', maxLength: limits.title, onChange: (e) => onChange({ ...doc, title: e.target.value }) }}
        />
        <Input
          label="Description (facultatif)"
          hintText="Affichée avant la première question."
          textArea
          state={err('description') ? 'error' : 'default'}
          stateRelatedMessage={err('description')}
          nativeTextAreaProps={{ id: `${JY}-description`, value: doc.description ?? '', rows: 3, onChange: (e) => onChange({ ...doc, description: e.target.value || undefined }) }}
        />
        <Select
          label="Première étape"
          state={err('first_step') ? 'error' : 'default'}
          stateRelatedMessage={err('first_step')}
          nativeSelectProps={{ id: `${JY}-first_step`, value: doc.first_step ?? '', onChange: (e) => onChange({ ...doc, first_step: e.target.value }) }}
        >
          <option value="">— à définir —</option>
          {(doc.steps ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {stepName(s)}
            </option>
          ))}
        </Select>
        <ThemePicker
          org={org}
          id={`${JY}-themes`}
          label="Thèmes"
          hint="La recherche du widget propose ce parcours aux habitants qui décrivent ces besoins. Choisissez un thème pour l'ajouter."
          listLabel="Thèmes choisis"
          chosen={doc.themes ?? []}
          onChange={(v) => onChange({ ...doc, themes: v })}
          error={err('themes')}
          disabled={readOnly}
        />
      </fieldset>
      <p className="fr-text--sm">
        Identifiant : <code>{doc.slug}</code> (ne change pas).
      </p>
    </form>
  );
}
