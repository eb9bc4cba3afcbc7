import { useId, useRef, useState } from 'react';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useContactNames, useContactSearch, type ContactChoice } from './api';
import { fieldLabel, type PlacedProblem } from './model';
import type { ReviewOutcome } from './reviewModel';

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
 *
 * A chosen contact point its source withdrew (the national annuaire no longer
 * lists it: reviewed by the API's journey reviews, or answered 410 by the
 * public read) gets its own message, focusable as the field
 * outcome.contact_points[i] the validation names: what it means for
 * residents, and a way to replace it (the next pick takes its place) or
 * remove it.
 */
export function ContactPointPicker({
  org,
  id,
  chosen,
  onChange,
  problems = [],
  reviewed = [],
  disabled,
}: {
  org: string;
  id: string;
  chosen: string[];
  onChange: (v: string[]) => void;
  /** The step's validation problems (those of this field are shown here). */
  problems?: PlacedProblem[];
  /** The API's journey reviews of this step: withdrawn contact points, and whether the live version names them. */
  reviewed?: ReviewOutcome[];
  disabled?: boolean;
}) {
  const [q, setQ] = useState('');
  const [replacing, setReplacing] = useState<string | null>(null);
  const [done, setDone] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const found = useContactSearch(org, q);
  const names = useContactNames(chosen, org);
  const status = useId();
  const replaceHint = useId();
  const results = (found.data ?? []).filter((c) => !chosen.includes(c.id));
  const info = (v: string) => names.data?.[v];
  // A withdrawn national service is no longer readable by partners: the review names it.
  const nameOf = (v: string) => info(v)?.name ?? (reviewed.find((o) => o.contact_point_id === v)?.contact_point_name || undefined);
  const withdrawn = (v: string) => !!info(v)?.withdrawn || reviewed.some((o) => o.contact_point_id === v);
  const live = (v: string) => reviewed.some((o) => o.contact_point_id === v && o.in_published);
  const label = (v: string) => nameOf(v) ?? (names.isPending ? 'Chargement…' : withdrawn(v) ? `service retiré (identifiant ${v})` : info(v)?.missing ? `point de contact introuvable (${v})` : v);
  const current = replacing && chosen.includes(replacing) ? replacing : null;

  // This field's problems, but those of a withdrawn contact point: its own message says it.
  const own = problems.filter((p) => p.field === 'outcome.contact_points' || p.field.startsWith('outcome.contact_points['));
  const apart = (p: PlacedProblem) => chosen.some((v) => withdrawn(v) && p.detail.includes(v));
  const error =
    own
      .filter((p) => !apart(p))
      .map((p) => (p.field === 'outcome.contact_points' ? p.detail : `${fieldLabel(p.field)} : ${p.detail}`))
      .join(' ; ') || undefined;

  const focusSearch = () => requestAnimationFrame(() => input.current?.focus());
  const remove = (i: number) => {
    if (chosen[i] === current) setReplacing(null);
    onChange(chosen.filter((_, k) => k !== i));
  };
  const pick = (c: ContactChoice) => {
    if (current) {
      onChange(chosen.map((v) => (v === current ? c.id : v)));
      setDone(`« ${c.name} » remplace le service retiré. Enregistrez le brouillon, puis publiez-le pour que les habitants le voient.`);
      setReplacing(null);
      setQ('');
      focusSearch();
      return;
    }
    onChange([...chosen, c.id]);
  };

  return (
    <fieldset className={`fr-fieldset app-bare fr-mb-3w${error ? ' fr-fieldset--error' : ''}`} aria-labelledby={`${id}-legend`}>
      <legend id={`${id}-legend`} className="fr-fieldset__legend fr-text--regular fr-pb-1w">
        Points de contact fixes
        <span className="fr-hint-text">Montrés à tous, quelle que soit la commune : vos services, un numéro national (3919, 115…).</span>
      </legend>
      {chosen.map((v, i) =>
        withdrawn(v) ? (
          <div key={v} id={`${id}-${i}`} tabIndex={-1} className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w jy-withdrawn">
            <p>
              <strong>
                {nameOf(v) ? `« ${nameOf(v)} » ne figure plus dans l'annuaire national.` : "Un service choisi ici ne figure plus dans l'annuaire national."}
              </strong>{' '}
              Il a fermé ou déménagé
              {live(v) ? " : la version en ligne n'affiche plus ce service, les habitants qui arrivent à cette réponse ne le voient plus." : ' : les habitants ne le verront pas.'}
            </p>
            {!nameOf(v) && !names.isPending && (
              <p className="fr-text--sm">
                Son nom n'est plus disponible ; son identifiant : <code>{v}</code>.
              </p>
            )}
            {disabled ? (
              <p className="fr-text--sm">Un éditeur de l'organisation peut le remplacer.</p>
            ) : (
              <div className="app-row fr-mt-1w">
                <Button
                  type="button"
                  size="small"
                  onClick={() => {
                    setReplacing(v);
                    setDone('');
                    focusSearch();
                  }}
                >
                  Choisir un remplaçant<span className="fr-sr-only"> de {label(v)}</span>
                </Button>
                <Button type="button" size="small" priority="secondary" onClick={() => remove(i)}>
                  Retirer ce service<span className="fr-sr-only"> ({label(v)})</span>
                </Button>
              </div>
            )}
          </div>
        ) : null,
      )}
      {chosen.length > 0 ? (
        <ul className="jy-chosen">
          {chosen.map((v, i) => (
            <li key={v}>
              <span>
                {label(v)}
                {withdrawn(v) && (
                  <Badge severity="error" small noIcon as="span" className="fr-ml-1w">
                    Retiré de l'annuaire
                  </Badge>
                )}
                {info(v)?.agentOnly && (
                  <Badge severity="info" small noIcon as="span" className="fr-ml-1w">
                    Réservé aux agents
                  </Badge>
                )}
              </span>
              {!disabled && <Button type="button" size="small" priority="tertiary no outline" iconId="fr-icon-close-line" title={`Retirer ${label(v)}`} onClick={() => remove(i)} />}
            </li>
          ))}
        </ul>
      ) : (
        <p className="fr-text--sm fr-mb-1w">Aucun.</p>
      )}
      {!disabled && (
        <>
          {current && (
            <div className="app-row fr-mb-1w jy-replacing">
              <p id={replaceHint} className="fr-mb-0">
                Cherchez le service qui remplace {info(current)?.name ? `« ${info(current)?.name} »` : 'le service retiré'}, puis choisissez-le dans la liste.
              </p>
              <Button type="button" size="small" priority="tertiary" onClick={() => setReplacing(null)}>
                Annuler le remplacement
              </Button>
            </div>
          )}
          <Input
            label="Chercher un point de contact par son nom"
            hintText="Deux lettres au moins."
            state={error ? 'error' : 'default'}
            stateRelatedMessage={error}
            nativeInputProps={{
              id,
              ref: input,
              type: 'search',
              value: q,
              onChange: (e) => setQ(e.target.value),
              'aria-describedby': [current ? replaceHint : '', status].filter(Boolean).join(' '),
              autoComplete: 'off',
            }}
          />
          <p id={status} className={`fr-text--sm fr-mb-1w${q.trim().length < 2 && done ? ' jy-ok' : ''}`} role="status">
            {q.trim().length < 2 ? done : found.isFetching ? 'Recherche…' : found.error ? 'Recherche impossible.' : results.length === 0 ? 'Aucun point de contact trouvé.' : `${results.length} résultat${results.length > 1 ? 's' : ''}`}
          </p>
          {results.length > 0 && (
            <ul className="app-suggestions">
              {results.map((c) => (
                <li key={c.id}>
                  <button type="button" className="jy-suggestion" onClick={() => pick(c)}>
                    {current ? 'Remplacer par' : 'Ajouter'} « {c.name} » <span className="fr-text--xs">({c.detail})</span>
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
