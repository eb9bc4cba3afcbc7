import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useAuth } from '../../auth/AuthContext';
import { ApiError, fieldErrors, unwrap } from '../../api/problem';
import { storeOrganisation, useOrganisation, type AdminOrganisation } from '../../api/organisation';
import { Page } from '../../layout/Page';
import { ErrorSummary, fieldId } from '../../components/ErrorSummary';
import { UnsavedChangesGuard } from '../../components/UnsavedChangesGuard';
import { NameAndSlugFields } from '../../components/NameAndSlugFields';
import { FormActions } from '../../components/FormActions';
import { ConflictNotice, SaveFailed, saveErrorKinds, useSaveErrorFocus } from '../../components/SaveErrors';
import { LoadFailedPage, LoadingPage } from '../../components/LoadState';
import { fr } from '../../i18n/fr';
import type { components } from '../../api/schema';

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
  if (q.error) return <LoadFailedPage title="Informations de l'organisation" context={org} error={q.error} />;
  if (!q.data) return <LoadingPage title="Informations de l'organisation" context={org} />;
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
  const { summary, conflictRef } = useSaveErrorFocus(error);

  const dirty = JSON.stringify({ ...form, slugTouched: false }) !== JSON.stringify({ ...initial, slugTouched: false });
  const errors = formErrors(error, form);
  const { conflict, general } = saveErrorKinds(error, errors);
  const lockedIdentity = !platform || commons; // name, type, territory
  const disabled = saving || commons;
  const codes = splitCodes(form.territory);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));

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
      storeOrganisation(qc, o.slug!, o, r.response.headers.get('ETag'));
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
        <ConflictNotice
          ref={conflictRef}
          title="Quelqu'un d'autre a modifié l'organisation"
          onReload={() => {
            setLeaving(true);
            onReload?.();
          }}
        >
          <p>Vos changements n'ont pas été enregistrés, pour ne pas effacer les siens. Rechargez la version actuelle puis recommencez ; vos saisies restent affichées en attendant.</p>
        </ConflictNotice>
      )}
      <SaveFailed message={general} />
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
          <NameAndSlugFields
            prefix={P}
            nameKey="name"
            nameLabel="Nom"
            nameHint="Tel que les habitants le connaissent, par exemple : Ville de Toulon"
            creating={creating}
            form={form}
            setForm={setForm}
            errors={errors}
            saved={current?.slug}
            slugHint="Proposé à partir du nom ; minuscules, chiffres et tirets. Il figure dans l'adresse de cet espace et dans le code du widget (partner=…) : il ne changera plus."
          />
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
            <FormActions
              saving={saving}
              dirty={dirty}
              creating={creating}
              createLabel="Créer l'organisation"
              saveLabel="Enregistrer les informations"
              unsavedNote={false}
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
