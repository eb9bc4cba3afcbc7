import { useId, useState } from 'react';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useContactNames, useContactSearch } from './api';

export type Choice = { value: string; label: string };

/**
 * A list of chosen values picked from a known set (pivots, themes): a select
 * and an "Ajouter" button, the chosen ones listed with a "Retirer" button
 * each. Native controls only: keyboard and screen readers work as usual.
 */
export function PickList({
  id,
  label,
  hint,
  choices,
  chosen,
  onChange,
  error,
  disabled,
  unknownLabel = (v: string) => `inconnu : ${v}`,
}: {
  id: string;
  label: string;
  hint?: string;
  choices: Choice[];
  chosen: string[];
  onChange: (v: string[]) => void;
  error?: string;
  disabled?: boolean;
  unknownLabel?: (v: string) => string;
}) {
  const [pick, setPick] = useState('');
  const labelOf = (v: string) => choices.find((c) => c.value === v)?.label ?? unknownLabel(v);
  const hintId = `${id}-hint`;
  const errId = `${id}-error`;
  return (
    <fieldset className={`fr-fieldset app-bare fr-mb-3w${error ? ' fr-fieldset--error' : ''}`} aria-labelledby={`${id}-legend`}>
      <legend id={`${id}-legend`} className="fr-fieldset__legend fr-text--regular fr-pb-1w">
        {label}
        {hint && (
          <span className="fr-hint-text" id={hintId}>
            {hint}
          </span>
        )}
      </legend>
      {chosen.length > 0 ? (
        <ul className="jy-chosen">
          {chosen.map((v, i) => (
            <li key={`${v}-${i}`}>
              <span>{labelOf(v)}</span>
              {!disabled && (
                <Button type="button" size="small" priority="tertiary no outline" iconId="fr-icon-close-line" title={`Retirer ${labelOf(v)}`} onClick={() => onChange(chosen.filter((_, k) => k !== i))} />
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="fr-text--sm fr-mb-1w">Aucun.</p>
      )}
      {!disabled && (
        <div className="app-slot">
          <div className={`fr-select-group fr-mb-0${error ? ' fr-select-group--error' : ''}`}>
            <label className="fr-label" htmlFor={id}>
              Ajouter
            </label>
            <select id={id} className="fr-select" value={pick} onChange={(e) => setPick(e.target.value)} aria-describedby={[hint ? hintId : '', error ? errId : ''].filter(Boolean).join(' ') || undefined}>
              <option value="">— choisir —</option>
              {choices
                .filter((c) => !chosen.includes(c.value))
                .map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
            </select>
          </div>
          <Button
            type="button"
            priority="secondary"
            disabled={!pick}
            onClick={() => {
              onChange([...chosen, pick]);
              setPick('');
            }}
          >
            Ajouter
          </Button>
        </div>
      )}
      {error && (
        <p id={errId} className="fr-error-text">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/**
 * The contact points an outcome shows whatever the commune: the
 * organisation's own and national ones (helplines…), found by name.
 */
export function ContactPointPicker({ org, id, chosen, onChange, error, disabled }: { org: string; id: string; chosen: string[]; onChange: (v: string[]) => void; error?: string; disabled?: boolean }) {
  const [q, setQ] = useState('');
  const found = useContactSearch(org, q);
  const names = useContactNames(chosen);
  const status = useId();
  const results = (found.data ?? []).filter((c) => !chosen.includes(c.id));
  return (
    <fieldset className={`fr-fieldset app-bare fr-mb-3w${error ? ' fr-fieldset--error' : ''}`} aria-labelledby={`${id}-legend`}>
      <legend id={`${id}-legend`} className="fr-fieldset__legend fr-text--regular fr-pb-1w">
        Points de contact fixes
        <span className="fr-hint-text">Montrés à tous, quelle que soit la commune : vos services, un numéro national (3919, 115…).</span>
      </legend>
      {chosen.length > 0 ? (
        <ul className="jy-chosen">
          {chosen.map((v, i) => (
            <li key={v}>
              <span>{names.data?.[v] ?? (names.isPending ? 'Chargement…' : v)}</span>
              {!disabled && (
                <Button type="button" size="small" priority="tertiary no outline" iconId="fr-icon-close-line" title={`Retirer ${names.data?.[v] ?? v}`} onClick={() => onChange(chosen.filter((_, k) => k !== i))} />
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="fr-text--sm fr-mb-1w">Aucun.</p>
      )}
      {!disabled && (
        <>
          <Input
            label="Chercher un point de contact par son nom"
            hintText="Deux lettres au moins."
            state={error ? 'error' : 'default'}
            stateRelatedMessage={error}
            nativeInputProps={{ id, type: 'search', value: q, onChange: (e) => setQ(e.target.value), 'aria-describedby': status, autoComplete: 'off' }}
          />
          <p id={status} className="fr-text--sm fr-mb-1w" role="status">
            {q.trim().length < 2 ? '' : found.isFetching ? 'Recherche…' : found.error ? 'Recherche impossible.' : results.length === 0 ? 'Aucun point de contact trouvé.' : `${results.length} résultat${results.length > 1 ? 's' : ''}`}
          </p>
          {results.length > 0 && (
            <ul className="app-suggestions">
              {results.map((c) => (
                <li key={c.id}>
                  <button type="button" className="jy-suggestion" onClick={() => onChange([...chosen, c.id])}>
                    Ajouter « {c.name} » <span className="fr-text--xs">({c.detail})</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </fieldset>
  );
}
