import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useAuth } from '../../auth/AuthContext';
import { ApiError, errorMessage, unwrap } from '../../api/problem';
import { formatDateTime } from '../../i18n/fr';
import { useDiff, useVersions } from './api';
import { useOrganisation } from '../../api/organisation';
import { fieldLabel, type ValidationProblem } from './model';
import { reviewsKey } from './reviewModel';

type Props = {
  org: string;
  slug: string;
  draftVersion: number;
  dirty: boolean;
  readOnly: boolean;
  onPublished: (message: string) => void | Promise<void>;
  onRefused: (problems: ValidationProblem[]) => void;
};

const kinds: Record<string, string> = { added: 'Ajouté', removed: 'Retiré', changed: 'Modifié' };

function show(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(', ') || '—';
  return JSON.stringify(v);
}

/** Publish the draft, see what it changes, the versions, and republish one. */
export function HistoryPanel({ org, slug, draftVersion, dirty, readOnly, onPublished, onRefused }: Props) {
  const { api } = useAuth();
  const qc = useQueryClient();
  const diff = useDiff(org, slug, draftVersion);
  const versions = useVersions(org, slug);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const changes = diff.data?.changes ?? [];
  const live = versions.data?.published_version ?? diff.data?.published_version ?? 0;

  const done = async (message: string) => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: ['journey-versions', org, slug] }),
      qc.invalidateQueries({ queryKey: ['journey-diff', org, slug] }),
      qc.invalidateQueries({ queryKey: ['journeys', org] }),
      qc.invalidateQueries({ queryKey: reviewsKey(org) }),
    ]);
    await onPublished(message);
  };
  const refused = (err: unknown) => {
    if (err instanceof ApiError && err.status === 400 && (err.problem.errors?.length ?? 0) > 0) {
      onRefused(err.problem.errors!.map((e) => ({ field: e.field, detail: e.detail, communes: e.communes })));
    }
    setError(err);
  };

  const publish = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const v = unwrap(await api.client.POST('/api/v1/admin/organisations/{org}/journeys/{journey}/publish', { params: { path: { org, journey: slug } }, body: note.trim() ? { note: note.trim() } : {} }));
      setNote('');
      const w = v.warnings?.length ?? 0;
      const untranslated = w > 0 ? ` ${w} traduction${w > 1 ? 's' : ''} manque${w > 1 ? 'nt' : ''} encore : ces textes s'affichent en français (voir « Traductions »).` : '';
      await done(`Version ${v.number} publiée : les habitants la voient dès maintenant.${untranslated}`);
    } catch (err) {
      refused(err);
    } finally {
      setBusy(false);
    }
  };

  const rollback = async (n: number) => {
    if (!window.confirm(`Republier la version ${n} ? Elle devient la version en ligne (une nouvelle version, l'historique est conservé). Le brouillon ne change pas.`)) return;
    setBusy(true);
    setError(null);
    try {
      const v = unwrap(await api.client.POST('/api/v1/admin/organisations/{org}/journeys/{journey}/rollback', { params: { path: { org, journey: slug } }, body: { version: n } }));
      await done(`La version ${n} est de nouveau en ligne (version ${v.number}).`);
    } catch (err) {
      refused(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <h2 className="fr-h5">Ce que le brouillon change</h2>
      {diff.error ? (
        <Alert severity="error" small description={errorMessage(diff.error)} />
      ) : diff.isPending ? (
        <p role="status">Chargement…</p>
      ) : !live ? (
        <p>Ce parcours n'a jamais été publié : tout le brouillon sera mis en ligne.</p>
      ) : changes.length === 0 ? (
        <p>Le brouillon enregistré est identique à la version en ligne (version {live}).</p>
      ) : (
        <div className="app-table-wrap fr-mb-3w">
          <table className="app-table">
            <caption>
              {changes.length} différence{changes.length > 1 ? 's' : ''} avec la version en ligne (version {live})
            </caption>
            <thead>
              <tr>
                <th scope="col">Étape</th>
                <th scope="col">Élément</th>
                <th scope="col">Changement</th>
                <th scope="col">Avant</th>
                <th scope="col">Après</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c, i) => (
                <tr key={i}>
                  <td>{c.step || 'Parcours'}</td>
                  <td>{fieldLabel(c.field ?? '')}</td>
                  <td>{kinds[c.kind ?? ''] ?? c.kind}</td>
                  <td>{show(c.from)}</td>
                  <td>{show(c.to)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {!readOnly && (
        <form onSubmit={publish} className="app-repeat fr-my-3w" aria-labelledby="jy-publish-title">
          <h2 id="jy-publish-title" className="fr-h5">
            Publier
          </h2>
          {dirty && <Alert severity="warning" small description="Vous avez des modifications non enregistrées : enregistrez le brouillon avant de publier, sinon elles ne seront pas publiées." className="fr-mb-2w" />}
          {error != null && <Alert severity="error" small description={errorMessage(error)} className="fr-mb-2w" />}
          <Input label="Note de version (facultatif)" hintText="Pour l'historique : ce qui change et pourquoi." nativeInputProps={{ value: note, maxLength: 200, onChange: (e) => setNote(e.target.value) }} />
          <Button type="submit" iconId="fr-icon-upload-2-line" disabled={busy}>
            Publier le brouillon enregistré
          </Button>
        </form>
      )}

      <OnYourSite org={org} slug={slug} live={live} />

      <h2 className="fr-h5">Historique des versions</h2>
      {versions.error ? (
        <Alert severity="error" small description={errorMessage(versions.error)} />
      ) : versions.isPending ? (
        <p role="status">Chargement…</p>
      ) : (versions.data?.versions ?? []).length === 0 ? (
        <p>Aucune version publiée.</p>
      ) : (
        <div className="app-table-wrap">
          <table className="app-table">
            <caption className="fr-sr-only">Versions publiées, la plus récente d'abord</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Publiée le</th>
                <th scope="col">Par</th>
                <th scope="col">Note</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {(versions.data?.versions ?? []).map((v) => (
                <tr key={v.number}>
                  <td>
                    {v.number}{' '}
                    {v.number === live && (
                      <Badge severity="success" small noIcon>
                        En ligne
                      </Badge>
                    )}
                  </td>
                  <td>{formatDateTime(v.created_at)}</td>
                  <td>{v.author || '—'}</td>
                  <td>{v.note || '—'}</td>
                  <td>
                    {!readOnly && v.number !== live && (
                      <Button type="button" size="small" priority="secondary" disabled={busy} onClick={() => void rollback(v.number!)}>
                        Republier la version {v.number}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Where residents meet this journey: the entry points that start on it. */
function OnYourSite({ org, slug, live }: { org: string; slug: string; live: number }) {
  const { can } = useAuth();
  const o = useOrganisation(org);
  const entries = (o.data?.org.entry_points ?? []).filter((e) => e.journey === slug);
  return (
    <section aria-labelledby="jy-site-title" className="fr-mb-4w">
      <h2 id="jy-site-title" className="fr-h5">
        Sur votre site
      </h2>
      {o.isPending ? (
        <p role="status">Chargement…</p>
      ) : o.error ? (
        <Alert severity="error" small description={errorMessage(o.error)} />
      ) : entries.length > 0 ? (
        <>
          <p>
            {live ? 'Les habitants trouvent ce parcours' : 'Une fois publié, les habitants trouveront ce parcours'} dans le widget de ces points d'entrée (le code à copier pour votre
            site est sur leur page) :
          </p>
          <ul>
            {entries.map((e) => (
              <li key={e.slug}>
                <Link to={`/o/${org}/points-d-entree/${e.slug}`}>{e.name || e.slug}</Link> (<code>entry="{e.slug}"</code>)
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>
          Aucun point d'entrée ne commence par ce parcours : les habitants ne le trouvent que par la recherche.{' '}
          {can(org, 'admin') ? (
            <Link to={`/o/${org}/points-d-entree/nouveau?parcours=${encodeURIComponent(slug)}`}>Créer un point d'entrée pour ce parcours (et son code à copier)</Link>
          ) : (
            "Un administrateur de l'organisation peut créer un point d'entrée pour l'afficher sur votre site."
          )}
        </p>
      )}
    </section>
  );
}
