import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage, unwrap } from '../../api/problem';
import { WidgetPreview } from '../../components/WidgetPreview';

/**
 * The real widget walking the saved draft (not the published version),
 * through a short-lived preview token. It starts again after each save.
 */
export function PreviewPanel({ org, slug, draftVersion, dirty }: { org: string; slug: string; draftVersion: number; dirty: boolean }) {
  const { api } = useAuth();
  const [run, setRun] = useState(0);
  const token = useQuery({
    queryKey: ['journey-preview-token', org, slug],
    // Valid 30 minutes: a new one every 20 (the preview then restarts), so an open tab never shows an expired one.
    staleTime: 20 * 60_000,
    refetchInterval: 20 * 60_000,
    refetchOnWindowFocus: false,
    queryFn: async () => unwrap(await api.client.POST('/api/v1/admin/organisations/{org}/journeys/{journey}/preview-token', { params: { path: { org, journey: slug } } })),
  });
  return (
    <div>
      <p>
        L'aperçu montre le <strong>brouillon enregistré</strong> tel qu'un habitant le parcourra, avec les vrais points de contact de la commune choisie. Rien n'est compté
        dans les statistiques.
      </p>
      {dirty && <Alert severity="warning" small description="Vous avez des modifications non enregistrées : enregistrez le brouillon pour les voir dans l'aperçu." className="fr-mb-2w" />}
      <Button type="button" priority="secondary" size="small" iconId="fr-icon-refresh-line" className="fr-mb-2w" onClick={() => setRun((n) => n + 1)}>
        Recommencer l'aperçu
      </Button>
      {token.error ? (
        <Alert severity="error" small title="Aperçu impossible" description={errorMessage(token.error)} />
      ) : token.isPending ? (
        <p role="status">Préparation de l'aperçu…</p>
      ) : (
        <div className="jy-preview">
          <WidgetPreview key={`${draftVersion}-${run}-${token.data.token}`} partner={org} preview={token.data.token} title={`Aperçu du brouillon n° ${draftVersion} dans le widget`} />
        </div>
      )}
    </div>
  );
}
