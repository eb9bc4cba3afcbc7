import { Button } from '@codegouvfr/react-dsfr/Button';

/** Keeps the actions in view at the bottom of a long form. */
const stickyStyle = { position: 'sticky', bottom: 0, background: 'var(--background-default-grey)', padding: '1rem 0', zIndex: 2 } as const;

/**
 * The action bar at the bottom of an edit form: the submit button (« Enregistrement… » while saving; enabled
 * when creating or once something changed), « Annuler les modifications » back to the saved version, and a
 * polite « Modifications non enregistrées ».
 */
export function FormActions({
  saving,
  dirty,
  creating,
  createLabel,
  saveLabel,
  onReset,
  sticky,
  unsavedNote = true,
}: {
  saving: boolean;
  dirty: boolean;
  creating: boolean;
  /** Submit label when creating, e.g. « Créer le thème ». */
  createLabel: string;
  /** Submit label when editing, e.g. « Enregistrer les modifications ». */
  saveLabel: string;
  /** Puts the form back to the saved version (and clears the error). */
  onReset: () => void;
  sticky?: boolean;
  /** Say « Modifications non enregistrées » while the form differs from the saved version. */
  unsavedNote?: boolean;
}) {
  return (
    <div className="app-row fr-mt-4w" style={sticky ? stickyStyle : undefined}>
      <Button type="submit" disabled={saving || (!creating && !dirty)}>
        {saving ? 'Enregistrement…' : creating ? createLabel : saveLabel}
      </Button>
      {dirty && !creating && (
        <Button type="button" priority="secondary" onClick={onReset}>
          Annuler les modifications
        </Button>
      )}
      {dirty && unsavedNote && (
        <p className="fr-mb-0 fr-text--sm" aria-live="polite">
          Modifications non enregistrées
        </p>
      )}
    </div>
  );
}
