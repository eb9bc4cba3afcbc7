import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { fr } from '../../i18n/fr';
import { reservedToAgents, visibilities, type AdminContactPoint, type Visibility } from './model';

/** A radio group: public, our organisation's agents, all agents. */
export function VisibilityPicker({
  id,
  name,
  legend,
  hint,
  value,
  onChange,
  error,
  disabled,
  small,
}: {
  id: string;
  name: string;
  legend: string;
  hint?: string;
  value: Visibility;
  onChange: (v: Visibility) => void;
  error?: string;
  disabled: boolean;
  /** Inline and without hints (one per channel). */
  small?: boolean;
}) {
  return (
    <div id={id} tabIndex={-1}>
      <RadioButtons
        legend={legend}
        hintText={hint}
        name={name}
        orientation={small ? 'horizontal' : 'vertical'}
        small={small}
        disabled={disabled}
        state={error ? 'error' : 'default'}
        stateRelatedMessage={error}
        options={visibilities.map((v) => ({
          label: fr.visibilities[v],
          hintText: small ? undefined : fr.visibilityHints[v],
          nativeInputProps: { value: v, checked: value === v, disabled, onChange: () => onChange(v) },
        }))}
      />
    </div>
  );
}

/** The list's mark of what a contact point reserves to agents. */
export function AgentOnlyBadge({ cp }: { cp: Pick<AdminContactPoint, 'visibility' | 'channels'> }) {
  const reserved = reservedToAgents(cp);
  if (!reserved) return null;
  const text = reserved === 'contact_point' ? `Réservé : ${fr.visibilities[cp.visibility ?? ''].toLowerCase()}` : 'Ligne réservée aux agents';
  return (
    <Badge severity="info" small noIcon className="fr-ml-1w">
      {text}
    </Badge>
  );
}
