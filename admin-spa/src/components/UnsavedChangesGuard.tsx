import { useEffect, useRef, type RefObject } from 'react';
import { useBlocker } from 'react-router-dom';
import { Button } from '@codegouvfr/react-dsfr/Button';

/**
 * Warns before leaving a form with unsaved changes: a client-side navigation
 * is held until the référent chooses; closing or reloading the tab gets the
 * browser's own warning.
 */
export function UnsavedChangesGuard({ when, skip }: { when: boolean; skip?: RefObject<boolean> }) {
  // skip: set just before the form navigates away itself (after a save).
  const blocker = useBlocker(({ currentLocation, nextLocation }) => when && !skip?.current && currentLocation.pathname !== nextLocation.pathname);
  const stay = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!when) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [when]);

  useEffect(() => {
    if (blocker.state === 'blocked') stay.current?.focus();
  }, [blocker.state]);

  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && blocker.reset?.();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [blocker]);

  if (blocker.state !== 'blocked') return null;
  return (
    <div className="app-dialog" role="alertdialog" aria-modal="false" aria-labelledby="unsaved-title" aria-describedby="unsaved-desc" style={{ position: 'sticky', top: 0, zIndex: 1000 }}>
      <h2 id="unsaved-title" className="fr-h4">
        Quitter sans enregistrer ?
      </h2>
      <p id="unsaved-desc">Vos modifications n'ont pas été enregistrées. Si vous quittez cette page, elles seront perdues.</p>
      <div className="app-row">
        <Button ref={stay} onClick={() => blocker.reset?.()}>
          Rester sur la page
        </Button>
        <Button priority="secondary" onClick={() => blocker.proceed?.()}>
          Quitter sans enregistrer
        </Button>
      </div>
    </div>
  );
}
