import { useEffect, useState } from 'react';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { fieldId } from '../../components/ErrorSummary';
import {
  addOption,
  changeKind,
  fieldLabel,
  findStep,
  limits,
  moveOption,
  removeOption,
  removeStep,
  renameStep,
  setTarget,
  stepName,
  updateStep,
  validId,
  type Journey,
  type Outcome,
  type PlacedProblem,
  type Slot,
  type Step,
  type StepKind,
} from './model';
import { NewStepButtons } from './NewStepButtons';
import { ContactPointPicker, PickList, type Choice } from './Pickers';
import type { ReviewOutcome } from './reviewModel';
import { ReadabilityNote, useReadability, type Measured } from '../readability/readability';

export const JY = 'jy';
/** The id of a step's field, as validation problems name it (focusable from the problem list). */
export const stepFieldId = (step: string, field: string) => fieldId(JY, field ? `steps[${step}].${field}` : `steps[${step}]`);

type Props = {
  org: string;
  doc: Journey;
  stepId: string;
  problems: PlacedProblem[];
  pivots: Choice[];
  readOnly: boolean;
  /** The API's journey reviews of this step (withdrawn contact points). */
  reviewed?: ReviewOutcome[];
  onChange: (doc: Journey) => void;
  onSelect: (id: string) => void;
  onCreate: (kind: StepKind, slot: Slot) => void;
};

/** Edits one step: its kind, words, choices or outcome. */
export function StepForm({ org, doc, stepId, problems, pivots, readOnly, reviewed = [], onChange, onSelect, onCreate }: Props) {
  const step = findStep(doc, stepId);
  const [idDraft, setIdDraft] = useState(stepId);
  const [idError, setIdError] = useState('');
  useEffect(() => {
    setIdDraft(stepId);
    setIdError('');
  }, [stepId]);
  // The readability of the step's French sentences (not of labels).
  const measured: Measured[] = step
    ? [
        { key: `${stepId}:text`, text: step.text ?? '' },
        { key: `${stepId}:help`, text: step.help ?? '' },
        { key: `${stepId}:outcome.explanation`, text: step.outcome?.explanation ?? '' },
      ]
    : [];
  const readability = useReadability('fr', measured);
  if (!step) return <p>Choisissez une étape dans l'arbre.</p>;
  const readabilityOf = (field: string) => <ReadabilityNote lang="fr" result={readability.get(`${stepId}:${field}`)} />;

  // The first problem of a field (and of its sub-fields for lists).
  const err = (field: string) => {
    const ps = problems.filter((p) => p.field === field);
    return ps.length ? ps.map((p) => p.detail + (p.communes?.length ? ` (communes : ${p.communes.join(', ')})` : '')).join(' ; ') : undefined;
  };
  const errUnder = (prefix: string) => problems.filter((p) => p.field.startsWith(prefix + '[')).map((p) => `${fieldLabel(p.field)} : ${p.detail}`).join(' ; ') || undefined;
  const set = (f: (s: Step) => Step) => onChange(updateStep(doc, stepId, f));
  const setOutcome = (patch: Partial<Outcome>) => set((s) => ({ ...s, outcome: { explanation: '', ...s.outcome, ...patch } }));
  const targets = (doc.steps ?? []).filter((s) => s.id !== stepId);
  const general = problems.filter((p) => p.field === '');

  const commitId = () => {
    if (idDraft === stepId) return;
    const renamed = renameStep(doc, stepId, idDraft);
    if (!renamed) {
      setIdError(validId(idDraft) ? 'cet identifiant est déjà pris par une autre étape' : 'minuscules, chiffres et tirets, sans espace (par exemple loyer-retard)');
      return;
    }
    setIdError('');
    onChange(renamed);
    onSelect(idDraft);
  };

  const targetSelect = (slot: Slot, value: string, label: string, field: string) => (
    <div className="app-slot">
      <Select
        label={label}
        state={err(field) ? 'error' : 'default'}
        stateRelatedMessage={err(field)}
        nativeSelectProps={{ id: stepFieldId(stepId, field), value, disabled: readOnly, onChange: (e) => onChange(setTarget(doc, slot, e.target.value)) }}
      >
        <option value="">— à définir —</option>
        {targets.map((s) => (
          <option key={s.id} value={s.id}>
            {stepName(s)}
          </option>
        ))}
        {value && !targets.some((s) => s.id === value) && <option value={value}>{value === stepId ? 'cette même étape (boucle)' : `étape introuvable « ${value} »`}</option>}
      </Select>
      {!value && !readOnly && (
        <NewStepButtons label={`Créer l'étape où mène : ${label}`} slot={slot} onCreate={onCreate} />
      )}
    </div>
  );

  return (
    <section aria-labelledby="jy-step-title" className="jy-form">
      <h2 id="jy-step-title" className="fr-h5" tabIndex={-1}>
        {stepName(step)}
      </h2>
      {general.length > 0 && (
        <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" id={stepFieldId(stepId, '')} tabIndex={-1}>
          <ul className="fr-mb-0">
            {general.map((p, i) => (
              <li key={i}>{p.detail}</li>
            ))}
          </ul>
        </div>
      )}
      <fieldset className="app-bare" disabled={readOnly}>
        <div className="app-row">
          <Select
            label="Type d'étape"
            nativeSelectProps={{ id: stepFieldId(stepId, 'kind'), value: step.kind, onChange: (e) => onChange(changeKind(doc, stepId, e.target.value as StepKind)) }}
          >
            <option value="question">Question à choix</option>
            <option value="location">Commune de l'habitant</option>
            <option value="outcome">Réponse (où s'adresser)</option>
          </Select>
          <Input
            label="Identifiant"
            hintText="Visible dans les adresses de l'aperçu ; renommer met à jour les liens."
            state={idError ? 'error' : 'default'}
            stateRelatedMessage={idError}
            nativeInputProps={{ id: stepFieldId(stepId, 'id'), value: idDraft, maxLength: limits.id, onChange: (e) => setIdDraft(e.target.value), onBlur: commitId, onKeyDown: (e) => e.key === 'Enter' && (e.preventDefault(), commitId()) }}
          />
        </div>
        <Input
          label={step.kind === 'outcome' ? 'Titre de la réponse' : step.kind === 'location' ? 'Question pour la commune' : 'Question posée'}
          hintText={`Dans les mots de l'habitant. ${step.kind === 'outcome' ? limits.title : limits.question} caractères au plus.`}
          state={err('text') ? 'error' : 'default'}
          stateRelatedMessage={err('text')}
          nativeInputProps={{ id: stepFieldId(stepId, 'text'), value: step.text ?? '', maxLength: step.kind === 'outcome' ? limits.title : limits.question, onChange: (e) => set((s) => ({ ...s, text: e.target.value })) }}
        />
        {readabilityOf('text')}
        <Input
          label="Aide (facultatif)"
          hintText={`Une précision affichée sous la question. ${limits.help} caractères au plus.`}
          textArea
          state={err('help') ? 'error' : 'default'}
          stateRelatedMessage={err('help')}
          nativeTextAreaProps={{ id: stepFieldId(stepId, 'help'), value: step.help ?? '', rows: 2, maxLength: limits.help, onChange: (e) => set((s) => ({ ...s, help: e.target.value || undefined })) }}
        />
        {readabilityOf('help')}

        {step.kind === 'question' && (
          <fieldset className={`fr-fieldset app-bare${err('options') || errUnder('options') ? ' fr-fieldset--error' : ''}`} aria-labelledby="jy-options-legend" id={stepFieldId(stepId, 'options')} tabIndex={-1}>
            <legend id="jy-options-legend" className="fr-fieldset__legend">
              Choix proposés
              <span className="fr-hint-text">
                De {limits.minOptions} à {limits.maxOptions} choix, {limits.label} caractères chacun. L'ordre est celui de l'affichage.
              </span>
            </legend>
            {err('options') && <p className="fr-error-text fr-mt-0">{err('options')}</p>}
            {(step.options ?? []).map((o, i) => {
              const n = i + 1;
              const count = step.options?.length ?? 0;
              return (
                <div key={i} className="app-repeat">
                  <Input
                    label={`Choix n° ${n}`}
                    state={err(`options[${i}].label`) ? 'error' : 'default'}
                    stateRelatedMessage={err(`options[${i}].label`)}
                    nativeInputProps={{
                      id: stepFieldId(stepId, `options[${i}].label`),
                      value: o.label ?? '',
                      maxLength: limits.label,
                      onChange: (e) => set((s) => ({ ...s, options: (s.options ?? []).map((x, k) => (k === i ? { ...x, label: e.target.value } : x)) })),
                    }}
                  />
                  {targetSelect({ step: stepId, option: i }, o.next ?? '', `Le choix n° ${n} mène à`, `options[${i}].next`)}
                  {!readOnly && (
                    <div className="app-row">
                      <Button type="button" size="small" priority="tertiary" iconId="fr-icon-arrow-up-line" disabled={i === 0} onClick={() => onChange(moveOption(doc, stepId, i, -1))}>
                        Monter le choix n° {n}
                      </Button>
                      <Button type="button" size="small" priority="tertiary" iconId="fr-icon-arrow-down-line" disabled={i === count - 1} onClick={() => onChange(moveOption(doc, stepId, i, 1))}>
                        Descendre le choix n° {n}
                      </Button>
                      <Button type="button" size="small" priority="tertiary" iconId="fr-icon-delete-line" onClick={() => onChange(removeOption(doc, stepId, i))}>
                        Retirer le choix n° {n}
                      </Button>
                    </div>
                  )}
                </div>
              );
            })}
            {!readOnly && (
              <Button type="button" priority="secondary" iconId="fr-icon-add-line" disabled={(step.options?.length ?? 0) >= limits.maxOptions} onClick={() => onChange(addOption(doc, stepId))}>
                Ajouter un choix
              </Button>
            )}
          </fieldset>
        )}

        {step.kind === 'location' && targetSelect({ step: stepId }, step.next ?? '', 'Une fois la commune connue, aller à', 'next')}

        {step.kind === 'outcome' && (
          <>
            <Input
              label="Explication"
              hintText={`Ce que l'habitant doit savoir ou faire, en phrases courtes. ${limits.explanation} caractères au plus.`}
              textArea
              state={err('outcome.explanation') ? 'error' : 'default'}
              stateRelatedMessage={err('outcome.explanation')}
              nativeTextAreaProps={{ id: stepFieldId(stepId, 'outcome.explanation'), value: step.outcome?.explanation ?? '', rows: 4, maxLength: limits.explanation, onChange: (e) => setOutcome({ explanation: e.target.value }) }}
            />
            {readabilityOf('outcome.explanation')}
            <Input
              label="Documents à préparer (facultatif)"
              hintText="Un document par ligne."
              textArea
              state={err('outcome.documents') || errUnder('outcome.documents') ? 'error' : 'default'}
              stateRelatedMessage={err('outcome.documents') ?? errUnder('outcome.documents')}
              nativeTextAreaProps={{
                id: stepFieldId(stepId, 'outcome.documents'),
                value: (step.outcome?.documents ?? []).join('\n'),
                rows: 3,
                onChange: (e) => setOutcome({ documents: e.target.value.split('\n') }),
                onBlur: (e) => setOutcome({ documents: e.target.value.split('\n').map((d) => d.trim()).filter(Boolean) }),
              }}
            />
            <ContactPointPicker
              org={org}
              id={stepFieldId(stepId, 'outcome.contact_points')}
              chosen={step.outcome?.contact_points ?? []}
              onChange={(v) => setOutcome({ contact_points: v })}
              problems={problems}
              reviewed={reviewed}
              disabled={readOnly}
            />
            <PickList
              id={stepFieldId(stepId, 'outcome.pivots')}
              label="Services selon la commune"
              hint="Le service qui couvre la commune de l'habitant (sa CAF, sa mairie…). Une étape « Commune » doit précéder cette réponse."
              choices={pivots}
              chosen={step.outcome?.pivots ?? []}
              onChange={(v) => setOutcome({ pivots: v })}
              error={err('outcome.pivots') ?? errUnder('outcome.pivots')}
              disabled={readOnly}
              unknownLabel={(v) => `type inconnu : ${v}`}
            />
            <Checkbox
              options={[
                {
                  label: "Situation d'urgence",
                  hintText: "Affiche aussi les numéros d'urgence (15, 17, 112…) avec cette réponse.",
                  nativeInputProps: { checked: !!step.outcome?.emergency, onChange: (e) => setOutcome({ emergency: e.target.checked || undefined }) },
                },
              ]}
            />
          </>
        )}
      </fieldset>

      {!readOnly && (
        <div className="app-row fr-mt-3w">
          {doc.first_step !== stepId && (
            <Button type="button" priority="secondary" onClick={() => onChange({ ...doc, first_step: stepId })}>
              Commencer le parcours par cette étape
            </Button>
          )}
          <Button
            type="button"
            priority="tertiary"
            iconId="fr-icon-delete-line"
            onClick={() => {
              if (window.confirm(`Supprimer l'étape « ${(step.text ?? '').trim() || stepId} » ? Les choix qui y mènent n'auront plus de suite.`)) {
                onChange(removeStep(doc, stepId));
                onSelect(doc.first_step && doc.first_step !== stepId ? doc.first_step : '');
              }
            }}
          >
            Supprimer l'étape
          </Button>
        </div>
      )}
    </section>
  );
}
