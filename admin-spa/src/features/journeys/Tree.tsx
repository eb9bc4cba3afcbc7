import { NewStepButtons } from './NewStepButtons';
import { buildTree, findStep, kindLabels, stepName, type Journey, type PlacedProblem, type Slot, type StepKind, type TreeNode } from './model';

type Props = {
  doc: Journey;
  selected: string;
  problems: Map<string, PlacedProblem[]>;
  readOnly: boolean;
  onSelect: (id: string) => void;
  onCreate: (kind: StepKind, slot: Slot) => void;
};

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

/**
 * The journey as a tree the référent reads like the resident walks it: each
 * question with its choices, each choice with the step it leads to. A step
 * reached by several paths is shown once; the other paths link to it.
 */
export function JourneyTree({ doc, selected, problems, readOnly, onSelect, onCreate }: Props) {
  const { root, unreachable } = buildTree(doc);
  return (
    <nav aria-label="Étapes du parcours" className="jy-tree">
      {root ? (
        <ul>
          <Node node={root} doc={doc} selected={selected} problems={problems} readOnly={readOnly} onSelect={onSelect} onCreate={onCreate} />
        </ul>
      ) : (
        <p>Le parcours n'a pas de première étape : choisissez-la dans les réglages.</p>
      )}
      {unreachable.length > 0 && (
        <>
          <h3 className="fr-h6 fr-mt-3w fr-mb-1w">Étapes non reliées</h3>
          <p className="fr-text--sm">Aucun choix ne mène à ces étapes : reliez-les ou supprimez-les.</p>
          <ul>
            {unreachable.map((id) => (
              <Node
                key={id}
                node={{ step: id, depth: 0, link: false, missing: false, children: [] }}
                doc={doc}
                selected={selected}
                problems={problems}
                readOnly={readOnly}
                onSelect={onSelect}
                onCreate={onCreate}
              />
            ))}
          </ul>
        </>
      )}
    </nav>
  );
}

function Node({ node, doc, selected, problems, readOnly, onSelect, onCreate }: { node: TreeNode } & Props) {
  const step = findStep(doc, node.step);
  const via = node.via ? (node.via.option !== undefined ? `« ${node.via.label.trim() || `choix n° ${node.via.option + 1} sans libellé`} »` : 'Ensuite') : null;
  const slot: Slot | null = node.via ? { step: node.via.parent, option: node.via.option } : null;
  const count = node.link || node.missing ? 0 : (problems.get(node.step)?.length ?? 0);
  return (
    <li className="jy-node">
      {via && <span className="jy-via">{via} →</span>}
      {!node.step ? (
        <span className="jy-empty">
          <span className="jy-warn">Aucune étape suivante.</span>
          {!readOnly && slot && (
            <NewStepButtons label={`Créer l'étape suivante de ${via ?? 'cette étape'}`} slot={slot} onCreate={onCreate} />
          )}
        </span>
      ) : node.missing ? (
        <span className="jy-warn">Étape introuvable : « {node.step} »</span>
      ) : node.link ? (
        <span>
          rejoint{' '}
          <button type="button" className="jy-link" onClick={() => onSelect(node.step)}>
            {stepName(step)}
          </button>
        </span>
      ) : (
        <>
          <button type="button" className={`jy-step jy-step--${step?.kind}`} aria-current={selected === node.step ? 'step' : undefined} onClick={() => onSelect(node.step)}>
            <span className="jy-kind">{kindLabels[step?.kind ?? 'question']}</span> {(step?.text ?? '').trim() || '(sans texte)'}
            {doc.first_step === node.step && <span className="fr-sr-only"> (première étape)</span>}
          </button>
          {count > 0 && <span className="jy-problems">{plural(count, 'problème', 'problèmes')}</span>}
        </>
      )}
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c, i) => (
            <Node key={`${c.step}-${i}`} node={c} doc={doc} selected={selected} problems={problems} readOnly={readOnly} onSelect={onSelect} onCreate={onCreate} />
          ))}
        </ul>
      )}
    </li>
  );
}
