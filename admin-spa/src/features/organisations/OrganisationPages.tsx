import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useAuth } from '../../auth/AuthContext';
import { ApiError, errorMessage, fieldErrors, unwrap } from '../../api/problem';
import { suggestSlug } from '../../api/slug';
import { Page } from '../../layout/Page';
import { ErrorSummary, fieldId } from '../../components/ErrorSummary';
import { UnsavedChangesGuard } from '../../components/UnsavedChangesGuard';
import { fr } from '../../i18n/fr';
import type { components } from '../../api/schema';
import { useOrganisation, type AdminOrganisation } from '../entry-points/api';

type OrganisationRequest = components['schemas']['OrganisationRequest'];
type Kind = NonNullable<OrganisationRequest['kind']>;
const KINDS: Kind[] = ['commune', 'epci', 'departement', 'region', 'public_body'];
const P = 'org';

interface FormState {
  slug: string;
  slugTouched: boolean;
  name: string;
  kind: string;
  territory: string;
  origins: string;
}

const fromOrganisation = (o?: AdminOrganisation): FormState => ({
  slug: o?.slug ?? '',
  slugTouched: !!o,
  name: o?.name ?? '',
  kind: o?.kind ?? '',
  territory: (o?.territory ?? []).join(' '),
  origins: (o?.allowed_origins ?? []).join('\n'),
});

/** INSEE codes typed with spaces, commas or new lines. */
export const splitCodes = (s: string) => s.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);
const splitLines = (s: string) => s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Field errors by form field: territory[3] and allowed_origins[1] are shown on their text area, with the value at fault. */
function formErrors(err: unknown, form: FormState): Record<string, string> {
  const out: Record<string, string> = {};
  const codes = splitCodes(form.territory);
  const origins = splitLines(form.origins);
  const add = (k: string, v: string) => (out[k] = out[k] ? `${out[k]} ; ${v}` : v);
  for (const [k, v] of Object.entries(fieldErrors(err))) {
    const t = k.match(/^territory\[(\d+)\]$/);
    const o = k.match(/^allowed_origins\[(\d+)\]$/);
    if (t) add('territory', `${codes[Number(t[1])] ?? `code n° ${Number(t[1]) + 1}`} : ${v}`);
    else if (o) add('allowed_origins', `${origins[Number(o[1])] ?? `ligne ${Number(o[1]) + 1}`} : ${v}`);
    else add(k, v);
  }
  return out;
}

const labelOf = (path: string) =>
  ({ slug: 'Identifiant', name: 'Nom', kind: 'Type', territory: 'Territoire', allowed_origins: 'Sites qui intègrent le widget' })[path] ?? path;

/** « Créer une organisation » (platform admins). */
export function CreateOrganisationPage() {
  const { org = '' } = useParams();
  const { me } = useAuth();
  if (!me?.platform_admin) {
    return (
      <Page title="Accès réservé" context={org}>
        <Alert as="h2" severity="info" title="Écran réservé aux administrateurs de la plateforme" description="Les organisations partenaires sont créées par l'équipe Aiguillage." />
      </Page>
    );
  }
  return <OrganisationForm from={org} />;
}

/** « Informations de l'organisation » (admins; name, type and territory: platform admins). */
export function OrganisationDetailsPage() {
  const { org = '' } = useParams();
  const q = useOrganisation(org);
  // Kept here: a saved version remounts the form.
  const [notice, setNotice] = useState<string | null>(null);
  if (q.error) {
    return (
      <Page title="Informations de l'organisation" context={org}>
        <Alert as="h2" severity="error" title="Chargement impossible" description={errorMessage(q.error)} />
      </Page>
    );
  }
  if (!q.data) {
    return (
      <Page title="Informations de l'organisation" context={org}>
        <p role="status">Chargement…</p>
      </Page>
    );
  }
  return <OrganisationForm key={q.data.etag} from={org} current={q.data.org} etag={q.data.etag} onReload={() => void q.refetch()} notice={notice} setNotice={setNotice} />;
}

function OrganisationForm(props: { from: string; current?: AdminOrganisation; etag?: string; onReload?: () => void; notice?: string | null; setNotice?: (m: string | null) => void }) {
  const { from, current, etag, onReload } = props;
  const [ownNotice, setOwnNotice] = useState<string | null>(null);
  const notice = props.setNotice ? props.notice : ownNotice;
  const setNotice = props.setNotice ?? setOwnNotice;
  const { api, me } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const creating = !current;
  const platform = !!me?.platform_admin;
  const commons = current?.kind === 'commons';
  const initial = useMemo(() => fromOrganisation(current), [current]);
  const [form, setForm] = useState<FormState>(initial);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const skipGuard = useRef(false);
  const summary = useRef<HTMLDivElement>(null);
  const conflictRef = useRef<HTMLDivElement>(null);

  const dirty = JSON.stringify({ ...form, slugTouched: false }) !== JSON.stringify({ ...initial, slugTouched: false });
  const errors = formErrors(error, form);
  const conflict = error instanceof ApiError && error.isConflict;
  const general = error && !conflict && Object.keys(errors).length === 0 ? errorMessage(error) : null;
  const lockedIdentity = !platform || commons; // name, type, territory
  const disabled = saving || commons;
  const codes = splitCodes(form.territory);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));

  useEffect(() => {
    if (!error) return;
    if (error instanceof ApiError && error.isConflict) conflictRef.current?.focus();
    else summary.current?.focus();
  }, [error]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    setNotice(null);
    try {
      if (creating) {
        const body: OrganisationRequest = { slug: form.slug.trim(), name: form.name.trim(), territory: codes, allowed_origins: splitLines(form.origins) };
        if (form.kind) body.kind = form.kind as Kind;
        const o = unwrap(await api.client.POST('/api/v1/admin/organisations', { body }));
        setLeaving(true);
        skipGuard.current = true;
        await qc.invalidateQueries({ queryKey: ['organisations'] });
        navigate(`/o/${o.slug}`);
        return;
      }
      // Only what changed: name, type and territory are refused to organisation admins.
      const body: OrganisationRequest = {};
      if (form.name.trim() !== initial.name) body.name = form.name.trim();
      if (form.kind !== initial.kind) body.kind = form.kind as Kind;
      if (!sameList(codes, splitCodes(initial.territory))) body.territory = codes;
      if (!sameList(splitLines(form.origins), splitLines(initial.origins))) body.allowed_origins = splitLines(form.origins);
      const r = await api.client.PATCH('/api/v1/admin/organisations/{org}', { params: { path: { org: current!.slug! }, header: { 'If-Match': etag! } }, body });
      const o = unwrap(r);
      setNotice('Informations enregistrées.');
      qc.setQueryData(['organisation', o.slug], { org: o, etag: r.response.headers.get('ETag') ?? `"${o.version}"` });
      void qc.invalidateQueries({ queryKey: ['organisations'] });
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  const title = creating ? 'Créer une organisation' : "Informations de l'organisation";
  return (
    <Page title={title} context={from}>
      <UnsavedChangesGuard when={dirty && !leaving && !saving} skip={skipGuard} />
      {creating ? (
        <p>
          Une organisation partenaire (collectivité, organisme public) a ses points de contact, ses parcours, ses thèmes et son widget. Une fois créée, invitez son premier administrateur depuis «{' '}
          {fr.nav.members} ».
        </p>
      ) : (
        <p>
          Les couleurs et le logo du widget se règlent dans <Link to={`/o/${from}/apparence`}>{fr.nav.branding}</Link>.
          {lockedIdentity && !commons && " Le nom, le type et le territoire sont tenus par l'équipe Aiguillage : écrivez-lui pour les changer."}
        </p>
      )}
      {commons && <Alert as="h2" severity="info" small className="fr-mb-3w" description="Les communs nationaux ne se modifient pas depuis cet écran." />}
      {notice && !dirty && (
        <div role="status">
          <Alert as="h2" severity="success" small description={notice} className="fr-mb-3w" />
        </div>
      )}
      {conflict && (
        <div ref={conflictRef} tabIndex={-1} role="alert" className="fr-alert fr-alert--error fr-mb-4w">
          <h2 className="fr-alert__title">Quelqu'un d'autre a modifié l'organisation</h2>
          <p>Vos changements n'ont pas été enregistrés, pour ne pas effacer les siens. Rechargez la version actuelle puis recommencez ; vos saisies restent affichées en attendant.</p>
          <Button
            type="button"
            className="fr-mt-2w"
            onClick={() => {
              setLeaving(true);
              onReload?.();
            }}
          >
            Recharger la version actuelle
          </Button>
        </div>
      )}
      {general && (
        <div role="alert">
          <Alert as="h2" severity="error" title="Enregistrement impossible" description={general} className="fr-mb-3w" />
        </div>
      )}
      <ErrorSummary ref={summary} errors={errors} labelOf={labelOf} prefix={P} detail={error instanceof ApiError ? error.problem.detail : undefined} />
      <form onSubmit={onSubmit} noValidate aria-label={title}>
        <fieldset disabled={disabled} className="app-bare">
          {!creating && lockedIdentity ? (
            <dl className="fr-mb-3w">
              <dt className="fr-text--bold">Nom</dt>
              <dd className="fr-ml-0 fr-mb-1w">{current?.name}</dd>
              <dt className="fr-text--bold">Identifiant</dt>
              <dd className="fr-ml-0 fr-mb-1w">{current?.slug}</dd>
              <dt className="fr-text--bold">Type</dt>
              <dd className="fr-ml-0 fr-mb-1w">{fr.organisationKinds[current?.kind ?? ''] ?? current?.kind ?? '—'}</dd>
              <dt className="fr-text--bold">Territoire</dt>
              <dd className="fr-ml-0 fr-mb-1w">
                {codes.length === 0 ? 'Aucune commune.' : `${codes.length} commune${codes.length > 1 ? 's' : ''} (codes INSEE : ${codes.slice(0, 12).join(', ')}${codes.length > 12 ? '…' : ''})`}
              </dd>
            </dl>
          ) : (
            <>
          <div className="fr-fieldset__element">
            <Input
              label="Nom"
              hintText="Tel que les habitants le connaissent, par exemple : Ville de Toulon"
              state={errors.name ? 'error' : 'default'}
              stateRelatedMessage={errors.name}
              nativeInputProps={{
                id: fieldId(P, 'name'),
                value: form.name,
                maxLength: 200,
                                onChange: (e) => {
                  const name = e.target.value;
                  setForm((f) => ({ ...f, name, slug: creating && !f.slugTouched ? suggestSlug(name) : f.slug }));
                },
              }}
            />
          </div>
          <div className="fr-fieldset__element">
            {creating ? (
              <Input
                label="Identifiant"
                hintText="Proposé à partir du nom ; minuscules, chiffres et tirets. Il figure dans l'adresse de cet espace et dans le code du widget (partner=…) : il ne changera plus."
                state={errors.slug ? 'error' : 'default'}
                stateRelatedMessage={errors.slug}
                nativeInputProps={{ id: fieldId(P, 'slug'), value: form.slug, spellCheck: false, autoComplete: 'off', maxLength: 64, onChange: (e) => setForm((f) => ({ ...f, slug: e.target.value, slugTouched: true })) }}
              />
            ) : (
              <p id={fieldId(P, 'slug')} tabIndex={-1}>
                Identifiant : <strong>{current?.slug}</strong>
              </p>
            )}
          </div>
          <div className="fr-fieldset__element">
            <Select
              label="Type"
              state={errors.kind ? 'error' : 'default'}
              stateRelatedMessage={errors.kind}
              nativeSelectProps={{ id: fieldId(P, 'kind'), value: form.kind, disabled, onChange: (e) => set('kind', e.target.value) }}
            >
              <option value="">Choisissez un type</option>
              {commons && <option value="commons">{fr.organisationKinds.commons}</option>}
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {fr.organisationKinds[k]}
                </option>
              ))}
            </Select>
          </div>
          <div className="fr-fieldset__element">
            <Input
              textArea
              label="Territoire (codes INSEE des communes servies)"
              hintText="Séparés par des espaces, des virgules ou des retours à la ligne, par exemple 83137 pour Toulon. Le widget propose d'abord les communes de ce territoire."
              state={errors.territory ? 'error' : 'default'}
              stateRelatedMessage={errors.territory}
              nativeTextAreaProps={{ id: fieldId(P, 'territory'), value: form.territory, rows: 3, spellCheck: false, onChange: (e) => set('territory', e.target.value) }}
            />
            <p className="fr-text--sm fr-mt-1w">
              {codes.length === 0 ? 'Aucune commune.' : `${codes.length} commune${codes.length > 1 ? 's' : ''}.`}
            </p>
          </div>
            </>
          )}
          <div className="fr-fieldset__element">
            <Input
              textArea
              label="Sites qui intègrent le widget (facultatif)"
              hintText="Une origine par ligne, sans chemin, par exemple https://www.toulon.fr"
              state={errors.allowed_origins ? 'error' : 'default'}
              stateRelatedMessage={errors.allowed_origins}
              nativeTextAreaProps={{ id: fieldId(P, 'allowed_origins'), value: form.origins, rows: 3, spellCheck: false, onChange: (e) => set('origins', e.target.value) }}
            />
          </div>
          {!commons && (
            <div className="app-row fr-mt-4w">
              <Button type="submit" disabled={saving || (!creating && !dirty)}>
                {saving ? 'Enregistrement…' : creating ? "Créer l'organisation" : 'Enregistrer les informations'}
              </Button>
              {dirty && !creating && (
                <Button
                  type="button"
                  priority="secondary"
                  onClick={() => {
                    setForm(initial);
                    setError(null);
                  }}
                >
                  Annuler les modifications
                </Button>
              )}
            </div>
          )}
        </fieldset>
      </form>
    </Page>
  );
}
