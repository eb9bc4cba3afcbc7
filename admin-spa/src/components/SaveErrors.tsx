import { forwardRef, useEffect, useRef, type ReactNode } from 'react';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { ApiError, errorMessage } from '../api/problem';

type Heading = 'h2' | 'h3';

/**
 * What a refused save is about: a version conflict (409/412), or, when no field
 * is at fault, a sentence for the whole form (`general`); field errors go to the
 * ErrorSummary and their fields.
 */
export function saveErrorKinds(error: unknown, fieldErrors: Record<string, string>): { conflict: boolean; general: string | null } {
  const conflict = error instanceof ApiError && error.isConflict;
  const general = error && !conflict && Object.keys(fieldErrors).length === 0 ? errorMessage(error) : null;
  return { conflict, general };
}

/**
 * Once a save's error is on screen, moves the focus to it, so that screen
 * readers announce it: the conflict notice for a conflict, the error summary
 * (or the general error) otherwise.
 */
export function useSaveErrorFocus(error: unknown) {
  const summary = useRef<HTMLDivElement>(null);
  const conflictRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!error) return;
    if (error instanceof ApiError && error.isConflict) conflictRef.current?.focus();
    else summary.current?.focus();
  }, [error]);
  return { summary, conflictRef };
}

/**
 * « Quelqu'un d'autre a modifié… »: a save refused because someone else saved
 * meanwhile. The référent's input stays on screen; the button reloads the
 * current version. Without children, the usual explanation. `warning`: the
 * journey editor's quieter variant (secondary button).
 */
export const ConflictNotice = forwardRef<HTMLDivElement, { title: string; as?: Heading; severity?: 'error' | 'warning'; onReload: () => void; children?: ReactNode }>(function ConflictNotice(
  { title, as: H = 'h2', severity = 'error', onReload, children },
  ref,
) {
  const warning = severity === 'warning';
  return (
    <div ref={ref} tabIndex={-1} role="alert" className={`fr-alert fr-alert--${severity} ${warning ? 'fr-mb-3w' : 'fr-mb-4w'}`}>
      <H className="fr-alert__title">{title}</H>
      {children ?? (
        <>
          <p>Pendant que vous l'éditiez, une autre personne a enregistré une nouvelle version. Vos modifications n'ont pas été enregistrées, pour ne pas effacer les siennes.</p>
          <p>Rechargez la version actuelle puis refaites vos changements. Vos saisies restent affichées en attendant : copiez-les si besoin.</p>
        </>
      )}
      <Button type="button" priority={warning ? 'secondary' : undefined} className={warning ? 'fr-mt-1w' : 'fr-mt-2w'} onClick={onReload}>
        Recharger la version actuelle
      </Button>
    </div>
  );
});

/** « Enregistrement impossible »: a refused save that no field explains. */
export function SaveFailed({ message, as = 'h2' }: { message: string | null; as?: Heading }) {
  if (!message) return null;
  return (
    <div role="alert">
      <Alert as={as} severity="error" title="Enregistrement impossible" description={message} className="fr-mb-3w" />
    </div>
  );
}
