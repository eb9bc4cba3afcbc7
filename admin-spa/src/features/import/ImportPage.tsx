import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Accordion } from '@codegouvfr/react-dsfr/Accordion';
import { useAuth } from '../../auth/AuthContext';
import { ApiError, errorMessage, unwrap } from '../../api/problem';
import type { components, paths } from '../../api/schema';
import { Page } from '../../layout/Page';
import { ErrorSummary } from '../../components/ErrorSummary';
import { formatNumber } from '../../i18n/fr';

export type ImportReport = components['schemas']['ImportReport'];
export type ImportRow = components['schemas']['ImportRow'];
type ImportProblem = components['schemas']['ImportProblem'];
type Format = NonNullable<NonNullable<paths['/api/v1/admin/organisations/{org}/contact-points/import']['post']['parameters']['query']>['format']>;

const P = 'imp';
/** Rows shown at once: a file may hold thousands. */
const MAX_SHOWN = 500;
/** The API's limit (admin.MaxImportBytes). */
const MAX_BYTES = 10 * 1024 * 1024;

/** The template's columns (api/internal/importer/partner.go), for the help and the row errors. */
export const columns: { key: string; label: string; help: string; required?: boolean }[] = [
  { key: 'reference', label: 'Référence', required: true, help: 'Votre identifiant stable du point de contact : la même référence met à jour le même point de contact à chaque import.' },
  { key: 'nom', label: 'Nom', required: true, help: 'Nom affiché aux habitants.' },
  { key: 'type', label: 'Type', help: "Code du type d'établissement de l'annuaire (mds, caf, ccas, mairie…)." },
  { key: 'description', label: 'Description', help: 'Ce que le service fait pour les habitants.' },
  { key: 'themes', label: 'Thèmes', help: 'Identifiants des thèmes, séparés par « | » (logement|aide-financiere).' },
  { key: 'telephones', label: 'Téléphones', help: 'Séparés par « | » : 04 94 12 34 56, 04.94.12.34.56, +33 4 94 12 34 56, 3230.' },
  { key: 'courriel', label: 'Courriel', help: 'Adresse électronique.' },
  { key: 'site_web', label: 'Site web', help: 'Adresse du site (https:// ajouté s’il manque).' },
  { key: 'demarche_en_ligne', label: 'Démarche en ligne', help: 'Adresse d’une démarche à faire en ligne.' },
  { key: 'adresse', label: 'Adresse', help: 'Lignes de l’adresse, séparées par « | » ou des retours à la ligne.' },
  { key: 'code_postal', label: 'Code postal', help: '5 chiffres.' },
  { key: 'ville', label: 'Ville', help: '' },
  { key: 'code_commune', label: 'Code commune', help: 'Code INSEE de la commune du lieu d’accueil (83137), pas le code postal.' },
  { key: 'latitude', label: 'Latitude', help: 'Degrés décimaux, virgule ou point (43,1242).' },
  { key: 'longitude', label: 'Longitude', help: 'Degrés décimaux, virgule ou point (5,9280).' },
  { key: 'accessibilite', label: 'Accessibilité', help: '« accessible », « sur demande » ou « non accessible ».' },
  { key: 'horaires', label: 'Horaires', help: 'lundi-vendredi 09:00-12:00 13:30-17:00 ; samedi 09:00-12:00' },
  { key: 'remarque_horaires', label: 'Remarque horaires', help: 'Précision libre sur les horaires.' },
  { key: 'departements_desservis', label: 'Départements desservis', help: 'Codes séparés par « | » (83|2A).' },
  { key: 'communes_desservies', label: 'Communes desservies', help: 'Codes INSEE séparés par « | ». Vides avec les départements : le territoire de votre organisation.' },
];

/** Fields of the data·inclusion schema named in row errors and warnings (api/internal/importer/datainclusion.go). */
const dataInclusionFields: Record<string, string> = {
  source: 'Source',
  structure_id: 'Structure',
  telephone: 'Téléphone',
  page_web: 'Page web',
  lien_source: 'Fiche détaillée',
  lien_mobilisation: 'Lien de mobilisation',
  prise_rdv: 'Prise de rendez-vous',
  formulaire_en_ligne: 'Formulaire en ligne',
  code_insee: 'Code INSEE',
  horaires_accueil: 'Horaires d’accueil',
  zone_eligibilite: 'Zone d’éligibilité',
  zone_diffusion_type: 'Type de zone',
  zone_diffusion_code: 'Code de zone',
  thematiques: 'Thématiques',
  date_maj: 'Date de mise à jour',
  moyens_de_contact: 'Moyens de contact',
};

const fieldLabels: Record<string, string> = {
  ...dataInclusionFields,
  ...Object.fromEntries(columns.map((c) => [c.key, c.label])),
  ligne: 'Ligne',
  format: 'Format',
  dry_run: 'Mode',
  fichier: 'Fichier',
  enregistrement: 'Enregistrement',
  name: 'Nom',
  pivot: 'Type',
  coverage: 'Territoire',
  id: 'Identifiant',
};

/** The label of a row error's field: a column of the template, or a field of an annuaire or data·inclusion record. */
export function fieldLabel(field?: string): string {
  if (!field) return 'Ligne';
  return fieldLabels[field] ?? fieldLabels[field.replace(/\[\d+\].*$/, '').replace(/\..*$/, '')] ?? field;
}

const changeLabels: Record<string, string> = {
  name: 'nom',
  description: 'description',
  pivot: 'type',
  themes: 'thèmes',
  channels: 'moyens de contact',
  address: 'adresse',
  opening_hours: 'horaires',
  coverage: 'territoire',
  source: 'source',
  granularity: 'niveau',
};

const actions: Record<string, { label: string; severity?: 'success' | 'info' | 'error' | 'new' }> = {
  create: { label: 'À créer', severity: 'success' },
  update: { label: 'À mettre à jour', severity: 'info' },
  unchanged: { label: 'Inchangé' },
  reject: { label: 'Rejeté', severity: 'error' },
};

const formats: { value: '' | Format; label: string }[] = [
  { value: '', label: 'Détection automatique' },
  { value: 'csv', label: 'CSV (modèle Aiguillage)' },
  { value: 'xlsx', label: 'Classeur Excel XLSX (modèle Aiguillage)' },
  { value: 'annuaire', label: "Extrait de l'annuaire de service-public.fr ou des France services" },
  { value: 'data-inclusion', label: 'data·inclusion (JSON)' },
];

/** The format a file's name suggests; a .json file may be an annuaire extract or data·inclusion: the server tells. */
export function formatOf(name: string): '' | Format {
  const n = name.toLowerCase();
  if (n.endsWith('.csv')) return 'csv';
  if (n.endsWith('.xlsx')) return 'xlsx';
  if (n.endsWith('.geojson') || n.endsWith('.tsv')) return 'annuaire';
  if (n.endsWith('.jsonl') || n.endsWith('.ndjson')) return 'data-inclusion';
  return '';
}

const formatNames: Record<string, string> = { xlsx: 'Classeur XLSX', 'data-inclusion': 'Fichier data·inclusion', csv: 'Fichier CSV' };

const plural = (n: number, one: string, many: string) => `${formatNumber(n)} ${n > 1 ? many : one}`;

export function ImportPage() {
  const { org = '' } = useParams();
  const { api } = useAuth();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<'' | Format>('');
  const [busy, setBusy] = useState<'check' | 'apply' | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [applied, setApplied] = useState<ImportReport | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | undefined>();
  const [onlyRejected, setOnlyRejected] = useState(false);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const resultRef = useRef<HTMLHeadingElement>(null);
  const doneRef = useRef<HTMLDivElement>(null);

  // Move the focus to what the last action produced, once it is rendered.
  useEffect(() => {
    if (Object.keys(errors).length > 0) summaryRef.current?.focus();
  }, [errors]);
  useEffect(() => {
    if (report && !applied) resultRef.current?.focus();
  }, [report, applied]);
  useEffect(() => {
    if (applied) doneRef.current?.focus();
  }, [applied]);

  const reset = () => {
    setReport(null);
    setApplied(null);
    setErrors({});
    setProblem(undefined);
  };

  const onFile = (f: File | null) => {
    reset();
    setFile(f);
    if (f) setFormat(formatOf(f.name));
  };

  const send = async (dryRun: boolean): Promise<ImportReport> => {
    const r = await api.client.POST('/api/v1/admin/organisations/{org}/contact-points/import', {
      params: { path: { org }, query: { dry_run: dryRun, format: format || undefined } },
      // The body is the file itself.
      body: file as never,
      bodySerializer: (b: unknown) => b as BodyInit,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    return unwrap(r);
  };

  const fail = (err: unknown) => {
    const rejectedReport = err instanceof ApiError && err.status === 422 ? (err.problem as ImportProblem).import : undefined;
    if (rejectedReport) {
      // Rows were rejected when applying (the data changed since the check): show them.
      setReport(rejectedReport);
      setOnlyRejected(true);
      return;
    }
    const out: Record<string, string> = {};
    if (err instanceof ApiError && err.problem.errors?.length) {
      for (const f of err.problem.errors) out[`file.${f.field ?? ''}`] = f.detail ?? '';
      setProblem(err.problem.detail);
    } else {
      out.file = errorMessage(err);
      setProblem(undefined);
    }
    setErrors(out);
  };

  const onCheck = async (e: FormEvent) => {
    e.preventDefault();
    reset();
    if (!file) return setErrors({ file: 'Choisissez un fichier.' });
    if (file.size > MAX_BYTES) return setErrors({ file: `Fichier trop lourd : ${Math.ceil(file.size / 1024 / 1024)} Mo pour 10 Mo au plus. Découpez-le en plusieurs fichiers.` });
    setBusy('check');
    try {
      const rep = await send(true);
      setReport(rep);
      setOnlyRejected((rep.rejected ?? 0) > 0);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const onApply = async () => {
    setBusy('apply');
    try {
      const rep = await send(false);
      setReport(rep);
      setApplied(rep);
      await qc.invalidateQueries({ queryKey: ['contact-points', org] });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const downloadTemplate = async () => {
    setDownloadError(null);
    try {
      const blob = await api.download(`/api/v1/admin/organisations/${encodeURIComponent(org)}/contact-points/import/template.csv`);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = 'modele-points-de-contact.csv';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setDownloadError(errorMessage(err));
    }
  };

  const labelOf = (path: string) => (path === 'file' ? 'Fichier' : `Fichier, ${path.startsWith('file.') && columns.some((c) => c.key === path.slice(5)) ? 'colonne « ' + fieldLabel(path.slice(5)) + ' »' : fieldLabel(path.slice(5)).toLowerCase()}`);
  const fileError = Object.values(errors)[0];
  const toWrite = (report?.created ?? 0) + (report?.updated ?? 0);
  const rejected = report?.rejected ?? 0;
  const warned = (report?.rows ?? []).filter((r) => (r.warnings ?? []).length > 0).length;
  const rows = (report?.rows ?? []).filter((r) => !onlyRejected || r.action === 'reject');
  const shown = rows.slice(0, MAX_SHOWN);

  return (
    <Page title="Importer des points de contact" context={org}>
      <p>
        Ajoutez ou mettez à jour d’un coup les points de contact de votre organisation depuis un tableur (CSV ou XLSX, selon le modèle), depuis un
        extrait de l’annuaire de service-public.fr ou depuis un export data·inclusion (services de DORA et des autres sources de l’inclusion). Le fichier est d’abord vérifié ligne par ligne : rien n’est enregistré tant que vous n’avez pas
        confirmé, et l’import se fait en entier ou pas du tout.
      </p>
      <div className="app-row fr-mb-2w" style={{ alignItems: 'center' }}>
        <Button priority="secondary" iconId="fr-icon-download-line" onClick={() => void downloadTemplate()}>
          Télécharger le modèle CSV
        </Button>
        <Link to={`/o/${org}/points-de-contact`}>Retour à la liste des points de contact</Link>
      </div>
      {downloadError && <Alert small severity="error" description={downloadError} className="fr-mb-2w" />}

      <Accordion label="Colonnes du modèle" titleAs="h2" className="fr-mb-4w">
        <p>
          La première ligne nomme les colonnes (majuscules et accents indifférents) ; une colonne absente du fichier laisse le champ inchangé lors d’une mise à
          jour, une cellule vide l’efface. Séparateur « ; » ou « , », encodage UTF-8 ou Windows-1252 : tout est reconnu.
        </p>
        <dl>
          {columns.map((c) => (
            <div key={c.key} className="fr-mb-1w">
              <dt className="fr-text--bold">
                {c.label}
                {c.required ? ' (obligatoire)' : ''}
              </dt>
              {c.help && <dd className="fr-ml-0">{c.help}</dd>}
            </div>
          ))}
        </dl>
      </Accordion>

      <ErrorSummary ref={summaryRef} errors={errors} labelOf={labelOf} prefix={P} detail={problem} />

      <h2 className="fr-h4">1. Choisir le fichier</h2>
      <form onSubmit={onCheck} noValidate aria-label="Vérifier le fichier">
        <div className={`fr-upload-group${fileError ? ' fr-input-group--error' : ''}`}>
          <label className="fr-label" htmlFor={`${P}-file`}>
            Fichier à importer
            <span className="fr-hint-text">
              CSV ou XLSX selon le modèle, extrait de l’annuaire (JSON, GeoJSON, TSV, CSV) ou fichier data·inclusion (JSON, JSON Lines) ; 10 Mo au plus.
            </span>
          </label>
          <input
            className="fr-upload"
            type="file"
            id={`${P}-file`}
            accept=".csv,.xlsx,.json,.jsonl,.ndjson,.geojson,.tsv,text/csv,application/json,application/x-ndjson,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-describedby={fileError ? `${P}-file-error` : undefined}
            onChange={(e) => onFile(e.target.files?.[0] ?? null)}
          />
          {fileError && (
            <p id={`${P}-file-error`} className="fr-error-text">
              {fileError}
            </p>
          )}
        </div>
        <Select
          className="fr-mt-3w"
          label="Format du fichier"
          hint="Déduit du nom du fichier ; la détection automatique reconnaît aussi le contenu."
          nativeSelectProps={{ id: `${P}-format`, value: format, onChange: (e) => {
            reset();
            setFormat(e.target.value as '' | Format);
          } }}
        >
          {formats.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </Select>
        <Button type="submit" disabled={busy !== null}>
          Vérifier le fichier
        </Button>
      </form>

      <div role="status" className="fr-mt-2w">
        {busy === 'check' && <p>Vérification du fichier…</p>}
        {busy === 'apply' && <p>Import en cours…</p>}
        {report && !busy && (
          <p className="fr-sr-only">
            {applied
              ? `Import terminé : ${plural(report.created ?? 0, 'point de contact créé', 'points de contact créés')}, ${plural(report.updated ?? 0, 'mis à jour', 'mis à jour')}.`
              : `Fichier vérifié : ${formatNumber(report.created ?? 0)} à créer, ${formatNumber(report.updated ?? 0)} à mettre à jour, ${formatNumber(report.unchanged ?? 0)} inchangés, ${plural(rejected, 'ligne rejetée', 'lignes rejetées')}.`}
          </p>
        )}
      </div>

      {report && (
        <section aria-labelledby={`${P}-result`} className="fr-mt-4w">
          <h2 id={`${P}-result`} ref={resultRef} tabIndex={-1} className="fr-h4">
            2. Résultat de la vérification
          </h2>
          <p className="fr-text--sm">
            {report.format === 'annuaire' ? `Extrait de l’annuaire (${report.annuaire_format ?? 'format reconnu'})` : formatNames[report.format ?? 'csv'] ?? 'Fichier CSV'}
            {report.encoding && report.format === 'csv' ? `, lu en ${report.encoding}` : ''}
            {report.separator ? `, séparateur « ${report.separator === '\t' ? 'tabulation' : report.separator} »` : ''}.
          </p>
          <div className="fr-grid-row fr-grid-row--gutters fr-mb-2w">
            <Count value={report.created ?? 0} label="à créer" />
            <Count value={report.updated ?? 0} label="à mettre à jour" />
            <Count value={report.unchanged ?? 0} label="inchangés" />
            <Count value={rejected} label="rejetés" />
          </div>
          {(report.ignored_columns ?? []).length > 0 && (
            <Alert
              small
              severity="warning"
              className="fr-mb-2w"
              description={`Colonnes ignorées, inconnues du modèle : ${(report.ignored_columns ?? []).join(', ')}. Vérifiez leur nom si elles devaient être importées.`}
            />
          )}
          {warned > 0 && (
            <Alert
              small
              severity="info"
              className="fr-mb-2w"
              description={`${plural(warned, 'ligne a', 'lignes ont')} des avertissements : ${warned > 1 ? 'elles seront importées' : 'elle sera importée'}, mais une partie des informations est laissée de côté ou adaptée (voir le détail).`}
            />
          )}
          {rejected > 0 && !applied && (
            <Alert
              small
              severity="error"
              className="fr-mb-2w"
              description={`${plural(rejected, 'ligne est rejetée', 'lignes sont rejetées')} : corrigez le fichier puis vérifiez-le à nouveau. Rien n’est importé tant qu’une ligne est rejetée.`}
            />
          )}
          <Checkbox
            small
            options={[
              {
                label: `Afficher uniquement les lignes rejetées (${formatNumber(rejected)})`,
                nativeInputProps: { checked: onlyRejected, onChange: (e) => setOnlyRejected(e.target.checked), disabled: rejected === 0 },
              },
            ]}
          />
          {shown.length > 0 && (
            <div className="app-table-wrap">
              <table className="app-table">
                <caption>
                  {onlyRejected ? 'Lignes rejetées' : 'Lignes du fichier'} ({formatNumber(rows.length)})
                  {rows.length > shown.length ? ` : les ${MAX_SHOWN} premières` : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Ligne</th>
                    <th scope="col">Référence</th>
                    <th scope="col">Nom</th>
                    <th scope="col">Action</th>
                    <th scope="col">Détail</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => (
                    <tr key={`${r.row}-${r.reference ?? ''}`}>
                      <td>{r.row}</td>
                      <td>{r.reference || '—'}</td>
                      <th scope="row" className="fr-text--regular">
                        {r.name || '—'}
                      </th>
                      <td>
                        <Badge small noIcon severity={actions[r.action ?? '']?.severity}>
                          {actions[r.action ?? '']?.label ?? r.action}
                        </Badge>
                      </td>
                      <td>
                        {(r.errors ?? []).length > 0 ? (
                          <ul className="fr-my-0">
                            {(r.errors ?? []).map((e, i) => (
                              <li key={i}>
                                {fieldLabel(e.field)} : {e.detail}
                              </li>
                            ))}
                          </ul>
                        ) : (r.changes ?? []).length > 0 ? (
                          `Modifie : ${(r.changes ?? []).map((c) => changeLabels[c] ?? c).join(', ')}`
                        ) : (
                          ''
                        )}
                        {(r.warnings ?? []).length > 0 && (
                          <ul className="fr-my-0 fr-text--sm">
                            {(r.warnings ?? []).map((w, i) => (
                              <li key={i}>
                                Avertissement ({fieldLabel(w.field)}) : {w.detail}
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h2 className="fr-h4 fr-mt-4w">3. Importer</h2>
          {applied ? (
            <div ref={doneRef} tabIndex={-1}>
              <Alert
                severity="success"
                title="Import terminé"
                description={
                  <>
                    {plural(applied.created ?? 0, 'point de contact créé', 'points de contact créés')}, {formatNumber(applied.updated ?? 0)} mis à jour,{' '}
                    {formatNumber(applied.unchanged ?? 0)} inchangés. <Link to={`/o/${org}/points-de-contact`}>Voir la liste des points de contact</Link>
                  </>
                }
              />
            </div>
          ) : (
            <>
              <p id={`${P}-apply-hint`} className="fr-text--sm">
                {rejected > 0
                  ? 'Import impossible tant qu’une ligne est rejetée.'
                  : toWrite === 0
                    ? 'Rien à importer : le fichier correspond déjà à vos points de contact.'
                    : 'Tout est enregistré en une fois, avec une entrée au journal des modifications pour chaque point de contact.'}
              </p>
              <Button onClick={() => void onApply()} disabled={busy !== null || rejected > 0 || toWrite === 0} nativeButtonProps={{ 'aria-describedby': `${P}-apply-hint` }}>
                {`Importer ${plural(toWrite, 'point de contact', 'points de contact')}`}
              </Button>
            </>
          )}
        </section>
      )}
    </Page>
  );
}

function Count({ value, label }: { value: number; label: string }) {
  return (
    <div className="fr-col-6 fr-col-md-3">
      <div className="app-stat">
        <p className="app-stat-value">{formatNumber(value)}</p>
        <p>{label}</p>
      </div>
    </div>
  );
}
