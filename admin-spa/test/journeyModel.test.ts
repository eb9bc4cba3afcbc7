import { describe, expect, it } from 'vitest';
import {
  addStep,
  buildTree,
  changeKind,
  moveOption,
  placeProblem,
  problemsByStep,
  removeStep,
  renameStep,
  slugify,
  uniqueStepId,
  type Journey,
} from '../src/features/journeys/model';

const journey = (): Journey => ({
  slug: 'loyer',
  title: 'Loyer',
  first_step: 'besoin',
  steps: [
    { id: 'besoin', kind: 'question', text: 'Votre situation ?', options: [{ label: 'Retard', next: 'commune' }, { label: 'Expulsion', next: 'adil' }] },
    { id: 'commune', kind: 'location', text: 'Où habitez-vous ?', next: 'caf' },
    { id: 'caf', kind: 'outcome', text: 'Votre CAF', outcome: { explanation: '…', pivots: ['caf'] } },
    { id: 'adil', kind: 'outcome', text: "L'ADIL", outcome: { explanation: '…', contact_points: ['x'] } },
    { id: 'seule', kind: 'outcome', text: 'Orpheline', outcome: { explanation: '' } },
  ],
});

describe('journey model', () => {
  it('slugifies French text into ids', () => {
    expect(slugify("J'ai un problème d'œuvre — vite !")).toBe('j-ai-un-probleme-d-oeuvre-vite');
    expect(slugify('   ')).toBe('');
    expect(slugify('a'.repeat(80)).length).toBe(64);
  });

  it('finds unused ids', () => {
    const j = journey();
    expect(uniqueStepId(j, 'Besoin')).toBe('besoin-2');
    expect(uniqueStepId(j, 'Nouvelle')).toBe('nouvelle');
    expect(uniqueStepId(j, '!!!')).toBe('etape');
  });

  it('builds the tree: each step once, shared steps as links, unreachable steps apart', () => {
    const j = journey();
    j.steps![3].kind = 'question';
    j.steps![3].options = [{ label: 'Aller à la CAF', next: 'commune' }, { label: '', next: '' }];
    const { root, unreachable } = buildTree(j);
    expect(root?.step).toBe('besoin');
    expect(root?.children.map((c) => [c.step, c.via?.label])).toEqual([
      ['commune', 'Retard'],
      ['adil', 'Expulsion'],
    ]);
    const adil = root!.children[1];
    expect(adil.children[0]).toMatchObject({ step: 'commune', link: true });
    expect(adil.children[1]).toMatchObject({ step: '', link: false, missing: false, via: { parent: 'adil', option: 1 } });
    expect(unreachable).toEqual(['seule']); // caf is reached through commune
  });

  it('marks targets that do not exist', () => {
    const j = journey();
    j.steps![1].next = 'disparue';
    expect(buildTree(j).root!.children[0].children[0]).toMatchObject({ step: 'disparue', missing: true });
  });

  it('adds a step on a slot and makes the first step of an empty journey', () => {
    const [j, id] = addStep({ slug: 's', title: 't', first_step: '', steps: [] }, 'question', 'Quelle aide ?');
    expect(id).toBe('quelle-aide');
    expect(j.first_step).toBe('quelle-aide');
    expect(j.steps![0].options).toHaveLength(2);
    const [k, id2] = addStep(j, 'outcome', '', { step: 'quelle-aide', option: 1 });
    expect(id2).toBe('reponse');
    expect(k.steps![0].options![1].next).toBe('reponse');
    expect(k.steps![1].outcome).toBeDefined();
    expect(j.steps).toHaveLength(1); // the argument is untouched
  });

  it('renames a step and every reference, refusing bad or taken ids', () => {
    const j = renameStep(journey(), 'commune', 'ou-habitez-vous')!;
    expect(j.steps![0].options![0].next).toBe('ou-habitez-vous');
    expect(j.steps![1].id).toBe('ou-habitez-vous');
    expect(renameStep(journey(), 'besoin', 'caf')).toBeNull();
    expect(renameStep(journey(), 'besoin', 'Pas Valide')).toBeNull();
    expect(renameStep(journey(), 'besoin', 'debut')!.first_step).toBe('debut');
  });

  it('removes a step and leaves what led to it pointing nowhere', () => {
    const j = removeStep(journey(), 'commune');
    expect(j.steps!.map((s) => s.id)).not.toContain('commune');
    expect(j.steps![0].options![0].next).toBe('');
    expect(removeStep(journey(), 'besoin').first_step).toBe('');
  });

  it('moves options within bounds', () => {
    const j = moveOption(journey(), 'besoin', 0, 1);
    expect(j.steps![0].options!.map((o) => o.label)).toEqual(['Expulsion', 'Retard']);
    expect(moveOption(journey(), 'besoin', 0, -1).steps![0].options![0].label).toBe('Retard');
  });

  it('changes kind keeping what still makes sense', () => {
    const j = changeKind(journey(), 'besoin', 'location');
    expect(j.steps![0]).toMatchObject({ id: 'besoin', kind: 'location', text: 'Votre situation ?', next: 'commune' });
    expect(j.steps![0].options).toBeUndefined();
    const k = changeKind(journey(), 'commune', 'question');
    expect(k.steps![1].options![0].next).toBe('caf');
  });

  it('places validation problems on their step and field', () => {
    expect(placeProblem({ field: 'steps[besoin].options[1].next', detail: 'x' })).toEqual({ step: 'besoin', field: 'options[1].next', detail: 'x', communes: undefined });
    expect(placeProblem({ field: 'steps[caf]', detail: 'y' })).toMatchObject({ step: 'caf', field: '' });
    expect(placeProblem({ field: 'journey.first_step', detail: 'z' })).toMatchObject({ step: '', field: 'first_step' });
    expect(placeProblem({ field: 'journey', detail: 'z' })).toMatchObject({ step: '', field: '' });
    const m = problemsByStep([{ field: 'steps[caf].outcome.pivots[0]', detail: 'a', communes: ['83137'] }, { field: 'steps[caf]', detail: 'b' }, { field: 'title', detail: 'c' }]);
    expect(m.get('caf')).toHaveLength(2);
    expect(m.get('')?.[0].field).toBe('title');
  });
});
