import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage, fieldErrors, unwrap } from '../../api/problem';
import { storeOrganisation, useOrganisation, type AdminOrganisation as Org } from '../../api/organisation';
import { Page } from '../../layout/Page';
import { ErrorSummary } from '../../components/ErrorSummary';
import { UnsavedChangesGuard } from '../../components/UnsavedChangesGuard';
import { SaveFailed, saveErrorKinds } from '../../components/SaveErrors';
import { LoadFailedPage, LoadingPage } from '../../components/LoadState';
import { ensureContrast, formatRatio, parseHex, primaryChecks, secondaryChecks, toHex, WHITE, onColor, type Check } from './contrast';

const MAX_LOGO = 512 * 1024;
const P = 'br';

export function BrandingPage() {
  const { org = '' } = useParams();
  const q = useOrganisation(org);
  // Kept here: a saved version remounts the form.
  const [notice, setNotice] = useState<string | null>(null);
  if (q.error) return <LoadFailedPage title="Apparence du widget" context={org} error={q.error} />;
  if (!q.data) return <LoadingPage title="Apparence du widget" context={org} />;
  return <BrandingForm key={q.data.etag} slug={org} org={q.data.org} etag={q.data.etag} onReload={() => void q.refetch()} notice={notice} setNotice={setNotice} />;
}

function Checks({ checks, id }: { checks: Check[]; id: string }) {
  return (
    <ul id={id} className="fr-mt-1w" aria-label="Contrôle des contrastes">
      {checks.map((c) => (
        <li key={c.label}>
          {c.label} : <strong>{formatRatio(c.ratio)}</strong> (minimum {formatRatio(c.required)}){' '}
          {c.ok ? (
            <Badge severity="success" small>
              Conforme
            </Badge>
          ) : (
            <Badge severity="error" small>
              Insuffisant
            </Badge>
          )}
        </li>
      ))}
    </ul>
  );
}

function ColourField({ id, label, hint, value, onChange, error, checks }: { id: string; label: string; hint: string; value: string; onChange: (v: string) => void; error?: string; checks: Check[] | null }) {
  const rgb = parseHex(value);
  return (
    <div className="fr-mb-4w">
      <div className="app-row" style={{ alignItems: 'flex-end' }}>
        <Input
          label={label}
          hintText={hint}
          state={error ? 'error' : 'default'}
          stateRelatedMessage={error}
          nativeInputProps={{ id: `${P}-${id}`, value, placeholder: '#1d4e89', spellCheck: false, onChange: (e) => onChange(e.target.value), 'aria-describedby': checks ? `${P}-${id}-checks` : undefined }}
        />
        <div className="fr-input-group" style={{ flex: '0 0 auto' }}>
          <label className="fr-label" htmlFor={`${P}-${id}-picker`}>
            Nuancier
          </label>
          <input id={`${P}-${id}-picker`} type="color" value={rgb ? toHex(rgb) : '#000000'} onChange={(e) => onChange(e.target.value)} style={{ width: '4rem', height: '2.5rem', marginTop: '0.5rem' }} />
        </div>
      </div>
      {checks && <Checks checks={checks} id={`${P}-${id}-checks`} />}
    </div>
  );
}

function BrandingForm({ slug, org, etag, onReload, notice, setNotice }: { slug: string; org: Org; etag: string; onReload: () => void; notice: string | null; setNotice: (m: string | null) => void }) {
  const { api } = useAuth();
  const qc = useQueryClient();
  const initial = useMemo(() => ({ primary: org.branding?.primary_color ?? '', secondary: org.branding?.secondary_color ?? '' }), [org]);
  const [form, setForm] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const dirty = form.primary !== initial.primary || form.secondary !== initial.secondary;

  const p = parseHex(form.primary);
  const s = parseHex(form.secondary);
  const pChecks = p ? primaryChecks(p) : null;
  const sChecks = s ? secondaryChecks(s) : null;
  const adjusted = p && !pChecks![0].ok ? ensureContrast(p, WHITE) : null;

  const errors = { ...fieldErrors(error) };
  // The API names them branding.primary_color…
  for (const [k, v] of Object.entries(errors)) {
    const short = k.replace(/^branding\./, '');
    if (short !== k) {
      delete errors[k];
      errors[short] = v;
    }
  }
  const { conflict, general } = saveErrorKinds(error, errors);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    setNotice(null);
    try {
      const r = await api.client.PATCH('/api/v1/admin/organisations/{org}', {
        params: { path: { org: slug }, header: { 'If-Match': etag } },
        body: { branding: { primary_color: form.primary.trim() || undefined, secondary_color: form.secondary.trim() || undefined, logo_url: org.branding?.logo_url } },
      });
      const o = unwrap(r);
      setNotice('Couleurs enregistrées. Le widget les affiche dans la minute.');
      storeOrganisation(qc, slug, o, r.response.headers.get('ETag'));
    } catch (err) {
      setError(err);
      setTimeout(() => summary.current?.focus());
    } finally {
      setSaving(false);
    }
  };

  const labelOf = (path: string) => ({ primary_color: 'Couleur principale', secondary_color: 'Couleur secondaire', logo_url: 'Logo' })[path] ?? path;

  return (
    <Page title="Apparence du widget" context={slug}>
      <UnsavedChangesGuard when={dirty && !saving} />
      {/* notice shown below */}
      <p>Les couleurs et le logo de {org.name} dans le widget. Le widget garde toujours des contrastes suffisants (RGAA, critères 3.2 et 3.3) : une couleur trop claire y est foncée automatiquement.</p>
      {notice && !dirty && (
        <div role="status">
          <Alert as="h2" severity="success" small description={notice} className="fr-mb-3w" />
        </div>
      )}
      {conflict && (
        <div role="alert" className="fr-alert fr-alert--error fr-mb-3w">
          <h2 className="fr-alert__title">Quelqu'un d'autre a modifié l'organisation</h2>
          <p>Vos changements n'ont pas été enregistrés. Rechargez la version actuelle puis recommencez.</p>
          <Button className="fr-mt-2w" onClick={onReload}>
            Recharger la version actuelle
          </Button>
        </div>
      )}
      <SaveFailed message={general} />
      <ErrorSummary ref={summary} errors={errors} labelOf={labelOf} prefix={P} />
      <form onSubmit={onSubmit} noValidate aria-labelledby="colours-title">
        <h2 id="colours-title" className="fr-h4">
          Couleurs
        </h2>
        <ColourField id="primary_color" label="Couleur principale" hint="Boutons et liens. Format #RRGGBB, par exemple #1d4e89" value={form.primary} onChange={(v) => setForm({ ...form, primary: v })} error={errors.primary_color} checks={pChecks} />
        {adjusted && (
          <Alert
            as="h3"
            severity="warning"
            small
            className="fr-mb-3w"
            description={`Trop claire pour du texte sur fond blanc : le widget utilisera ${toHex(adjusted)} à la place (contraste ${formatRatio(4.5)} au moins). Choisissez une couleur plus foncée pour garder la vôtre.`}
          />
        )}
        <ColourField id="secondary_color" label="Couleur secondaire" hint="Accents et bordures. Format #RRGGBB" value={form.secondary} onChange={(v) => setForm({ ...form, secondary: v })} error={errors.secondary_color} checks={sChecks} />
        {p && (
          <div className="fr-mb-4w" aria-label="Aperçu" role="group">
            <p className="fr-mb-1w">Aperçu :</p>
            <span style={{ display: 'inline-block', background: toHex(adjusted ?? p), color: toHex(onColor(adjusted ?? p)), padding: '0.5rem 1rem', borderBottom: s ? `4px solid ${toHex(s)}` : undefined }}>Appeler le 3230</span>{' '}
            <span style={{ color: toHex(adjusted ?? p), textDecoration: 'underline', marginLeft: '1rem' }}>Voir les horaires</span>
          </div>
        )}
        <Button type="submit" disabled={saving || !dirty}>
          {saving ? 'Enregistrement…' : 'Enregistrer les couleurs'}
        </Button>
      </form>
      <LogoUpload slug={slug} org={org} onDone={setNotice} />
    </Page>
  );
}

function LogoUpload({ slug, org, onDone }: { slug: string; org: Org; onDone: (m: string) => void }) {
  const { api } = useAuth();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!file) return setError('Choisissez une image.');
    if (!['image/png', 'image/jpeg', 'image/webp'].includes(file.type)) return setError('Format refusé : PNG, JPEG ou WebP (pas de SVG).');
    if (file.size > MAX_LOGO) return setError(`Fichier trop lourd : ${Math.ceil(file.size / 1024)} Ko pour 512 Ko au plus.`);
    setBusy(true);
    try {
      // The body is the image itself (the spec does not declare it yet: see the report).
      const r = await api.client.PUT('/api/v1/admin/organisations/{org}/logo', {
        params: { path: { org: slug } },
        body: file as never,
        bodySerializer: (b: unknown) => b as BodyInit,
        headers: { 'Content-Type': file.type },
      });
      const o = unwrap(r);
      storeOrganisation(qc, slug, o);
      onDone('Logo enregistré.');
    } catch (err) {
      const f = fieldErrors(err);
      setError(f.logo ?? f['Content-Type'] ?? errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="logo-title" className="fr-mt-6w">
      <h2 id="logo-title" className="fr-h4">
        Logo
      </h2>
      {org.branding?.logo_url ? (
        <p>
          Logo actuel : <img src={org.branding.logo_url} alt={`Logo de ${org.name}`} style={{ maxHeight: '4rem', verticalAlign: 'middle', marginLeft: '0.5rem' }} />
        </p>
      ) : (
        <p>Aucun logo pour le moment.</p>
      )}
      <form onSubmit={onSubmit} noValidate aria-labelledby="logo-title">
        <div className={`fr-upload-group${error ? ' fr-input-group--error' : ''}`}>
          <label className="fr-label" htmlFor={`${P}-logo`}>
            Nouveau logo
            <span className="fr-hint-text">PNG, JPEG ou WebP, 512 Ko et 2 048 pixels au plus.</span>
          </label>
          <input className="fr-upload" type="file" id={`${P}-logo`} accept="image/png,image/jpeg,image/webp" aria-describedby={error ? `${P}-logo-error` : undefined} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          {error && (
            <p id={`${P}-logo-error`} className="fr-error-text">
              {error}
            </p>
          )}
        </div>
        <Button type="submit" className="fr-mt-2w" priority="secondary" disabled={busy}>
          Envoyer le logo
        </Button>
      </form>
    </section>
  );
}
