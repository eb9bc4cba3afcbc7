import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { errorMessage } from '../api/problem';

/**
 * « Supprimer ce … »: a button that opens a confirmation (which takes the
 * focus) saying what the deletion does (`children`, rendered only while
 * confirming), then « Confirmer la suppression » runs `onConfirm`; a failure
 * is shown as « Suppression impossible ».
 */
export function DeleteSection({
  titleId,
  confirmId,
  title,
  openLabel,
  question,
  onConfirm,
  children,
}: {
  /** Ids of the section's heading and of the confirmation's question. */
  titleId: string;
  confirmId: string;
  /** e.g. « Supprimer ce thème ». */
  title: string;
  /** e.g. « Supprimer le thème… ». */
  openLabel: string;
  /** e.g. « Supprimer « Logement » ? ». */
  question: string;
  onConfirm: () => Promise<void>;
  children: ReactNode;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={titleId} className="fr-mt-8w">
      <h2 id={titleId} className="fr-h4">
        {title}
      </h2>
      {error != null && (
        <div role="alert">
          <Alert as="h3" severity="error" title="Suppression impossible" description={errorMessage(error)} className="fr-mb-2w" />
        </div>
      )}
      {!confirming ? (
        <Button priority="secondary" type="button" onClick={() => setConfirming(true)}>
          {openLabel}
        </Button>
      ) : (
        <div ref={confirmRef} tabIndex={-1} className="app-dialog" role="group" aria-labelledby={confirmId}>
          <p id={confirmId} className="fr-text--bold">
            {question}
          </p>
          {children}
          <div className="app-row">
            <Button type="button" onClick={() => void remove()} disabled={busy}>
              {busy ? 'Suppression…' : 'Confirmer la suppression'}
            </Button>
            <Button type="button" priority="secondary" onClick={() => setConfirming(false)}>
              Annuler
            </Button>
          </div>
        </div>
      )}
    </section>
  );
}
