import { describe, expect, it } from 'vitest';
import { CallerHistory } from '../src/history';
import type { View } from '../src/ctx';
import type { Journey } from '../src/types';

const journey: Journey = {
  slug: 'logement-loyer',
  first_step: 'besoin',
  steps: [
    { id: 'besoin', kind: 'question', text: 'Quel est votre besoin ?', options: [{ label: 'Payer mon loyer', next: 'ou' }, { label: 'Me loger ce soir', next: 'urgence' }] },
    { id: 'ou', kind: 'location', text: 'Votre commune ?', next: 'statut' },
    { id: 'statut', kind: 'question', text: 'Êtes-vous locataire ?', options: [{ label: 'Oui', next: 'caf' }, { label: 'Non', next: 'ccas' }] },
    { id: 'caf', kind: 'outcome', text: 'L’aide au logement de la CAF' },
    { id: 'ccas', kind: 'outcome', text: 'Le CCAS' },
    { id: 'urgence', kind: 'outcome', text: 'Le 115' },
  ],
};
const toulon = { code: '83137', name: 'Toulon' };

function clock() {
  let t = Date.parse('2026-11-27T09:00:00Z');
  return () => new Date((t += 60_000));
}
const texts = (h: CallerHistory) => h.entries.map((e) => `${e.kind}: ${e.text}`);

describe('CallerHistory', () => {
  it('records a journey: each answer with its question, the commune, the answer seen, in order, with times', () => {
    const h = new CallerHistory(clock());
    const start: View = { k: 'start' };
    h.record(start, undefined, journey, { title: 'Logement' });
    h.record({ k: 'step', path: ['besoin', 'ou'] }, undefined, journey, { title: 'Votre commune ?' });
    h.record({ k: 'step', path: ['besoin', 'ou', 'statut'] }, toulon, journey, { title: 'Êtes-vous locataire ?' });
    h.record({ k: 'step', path: ['besoin', 'ou', 'statut', 'caf'] }, toulon, journey, { title: 'L’aide au logement de la CAF' });
    expect(texts(h)).toEqual([
      'answer: Question : Quel est votre besoin ? — Réponse : Payer mon loyer',
      'commune: Commune : Toulon (83137)',
      'answer: Question : Êtes-vous locataire ? — Réponse : Oui',
      'outcome: Réponse affichée : L’aide au logement de la CAF',
    ]);
    const at = h.entries.map((e) => e.at.getTime());
    expect(at).toEqual([...at].sort((a, b) => a - b));
  });

  it('records the answer before a location step skipped because the commune is known', () => {
    const h = new CallerHistory(clock());
    h.place(toulon);
    h.record({ k: 'step', path: ['besoin', 'ou', 'statut'] }, toulon, journey, {});
    expect(texts(h)).toEqual(['commune: Commune : Toulon (83137)', 'answer: Question : Quel est votre besoin ? — Réponse : Payer mon loyer']);
  });

  it('does not record a view shown again (Back), but a new answer after it', () => {
    const h = new CallerHistory(clock());
    const q2: View = { k: 'step', path: ['besoin', 'ou', 'statut'] };
    h.record(q2, toulon, journey, {});
    h.record({ k: 'step', path: ['besoin', 'ou', 'statut', 'caf'] }, toulon, journey, { title: 'CAF' });
    const n = h.entries.length;
    expect(h.record(q2, toulon, journey, {})).toBe(false); // Back
    expect(h.entries.length).toBe(n);
    h.record({ k: 'step', path: ['besoin', 'ou', 'statut', 'ccas'] }, toulon, journey, { title: 'Le CCAS' });
    expect(texts(h).slice(n)).toEqual(['answer: Question : Êtes-vous locataire ? — Réponse : Non', 'outcome: Réponse affichée : Le CCAS']);
  });

  it('records the same answer again after « Recommencer »', () => {
    const h = new CallerHistory(clock());
    h.record({ k: 'step', path: ['besoin', 'urgence'] }, undefined, journey, { title: 'Le 115' });
    h.record({ k: 'start' }, undefined, journey, {});
    h.record({ k: 'step', path: ['besoin', 'urgence'] }, undefined, journey, { title: 'Le 115' });
    expect(texts(h).filter((t) => t.startsWith('answer'))).toHaveLength(2);
  });

  it('records searches with their count, a commune chosen for them, answers and themes', () => {
    const h = new CallerHistory(clock());
    const search: View = { k: 'results', q: '  loyer   impayé ' };
    h.record(search, undefined, undefined, { title: 'Ce qui correspond', count: '3 résultats' });
    h.record(search, toulon, undefined, { title: 'Ce qui correspond', count: '3 résultats' }); // commune asked by the results
    h.record({ k: 'outcome', id: 'x' }, toulon, undefined, { title: 'Aide au logement' });
    h.record({ k: 'theme', slug: 'logement' }, toulon, undefined, { title: 'Services pour : Logement' });
    h.record({ k: 'commune', then: { k: 'start' } }, undefined, undefined, { title: 'Votre commune ?' });
    h.record({ k: 'theme', slug: 'famille' }, { code: '83069', name: 'Hyères' }, undefined, { title: 'Services pour : Famille' });
    expect(texts(h)).toEqual([
      'search: Recherche : « loyer impayé » — 3 résultats',
      'commune: Commune : Toulon (83137)',
      'outcome: Réponse affichée : Aide au logement',
      'theme: Sujet : Services pour : Logement',
      'commune: Commune : Hyères (83069)',
      'theme: Sujet : Services pour : Famille',
    ]);
  });

  it('« Nouvel appelant »: clear forgets everything, the commune too', () => {
    const h = new CallerHistory(clock());
    const v: View = { k: 'results', q: 'caf' };
    h.record(v, toulon, undefined, {});
    h.add('partner', 'Parcours : Var — Logement');
    h.clear();
    expect(h.entries).toEqual([]);
    h.record(v, toulon, undefined, {});
    expect(texts(h)).toEqual(['commune: Commune : Toulon (83137)', 'search: Recherche : « caf »']);
  });
});
