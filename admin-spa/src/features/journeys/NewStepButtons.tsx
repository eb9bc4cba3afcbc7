import { Button } from '@codegouvfr/react-dsfr/Button';
import type { Slot, StepKind } from './model';

/** What each button creates, in words a référent reads at first sight. */
const labels: Record<StepKind, { text: string; title: string }> = {
  question: { text: '+ Question', title: "Une question à choix posée à l'habitant" },
  location: { text: "+ Commune de l'habitant", title: "Demander la commune de l'habitant, pour trouver le service qui la couvre" },
  outcome: { text: '+ Réponse', title: "La fin du parcours : les services à contacter et les papiers à préparer" },
};

/** The buttons creating the step a slot (an option, a "next") leads to. */
export function NewStepButtons({ label, slot, onCreate }: { label: string; slot: Slot; onCreate: (kind: StepKind, slot: Slot) => void }) {
  return (
    <span className="jy-create" role="group" aria-label={label}>
      {(['question', 'location', 'outcome'] as StepKind[]).map((k) => (
        <Button key={k} type="button" size="small" priority="tertiary" title={labels[k].title} onClick={() => onCreate(k, slot)}>
          {labels[k].text}
        </Button>
      ))}
    </span>
  );
}
