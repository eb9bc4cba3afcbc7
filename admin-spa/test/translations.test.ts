import { describe, expect, it } from 'vitest';
import { countMissing, missingLabel, setTranslation, tidyDocuments, toggleLanguage, translationItems, warningsByLanguage } from '../src/features/journeys/translations';
import { normalise, type Journey } from '../src/features/journeys/model';

const doc = (): Journey => ({
  slug: 'loyer',
  title: 'Payer mon loyer',
  description: '',
  first_step: 'besoin',
  languages: ['en'],
  i18n: { en: { title: 'Paying my rent' } },
  steps: [
    {
      id: 'besoin',
      kind: 'question',
      text: 'Votre situation ?',
      help: 'Choisissez une réponse.',
      i18n: { en: { text: 'Your situation?' } },
      options: [
        { label: 'Retard', next: 'caf', i18n: { en: { label: 'Late' }, es: { label: 'Retraso' } } },
        { label: 'Expulsion', next: 'caf' },
      ],
    },
    { id: 'commune', kind: 'location', text: 'Où habitez-vous ?', next: 'caf' },
    {
      id: 'caf',
      kind: 'outcome',
      text: 'Votre CAF',
      outcome: { explanation: 'Appelez-la.', documents: ['Votre bail', 'Vos quittances'], i18n: { en: { documents: ['Your lease'] } } },
    },
  ],
});

describe('translation model', () => {
  it('lists every non-empty French text with its translation, named as the API names fields', () => {
    const items = translationItems(doc(), 'en');
    expect(items.map((i) => [i.key, i.text, i.missing])).toEqual([
      ['journey.title', 'Paying my rent', false],
      // The empty description is not a text to translate.
      ['steps[besoin].text', 'Your situation?', false],
      ['steps[besoin].help', '', true],
      ['steps[besoin].options[0].label', 'Late', false],
      ['steps[besoin].options[1].label', '', true],
      ['steps[commune].text', '', true],
      ['steps[caf].text', '', true],
      ['steps[caf].outcome.explanation', '', true],
      // One document translated of two: incomplete, hence missing, with a note.
      ['steps[caf].outcome.documents', 'Your lease', true],
    ]);
    expect(items.find((i) => i.key === 'steps[caf].outcome.documents')?.note).toMatch(/1 document traduit pour 2 en français/);
    expect(items.find((i) => i.key === 'steps[besoin].options[1].label')?.group).toBe('Question : Votre situation ?');
    expect(countMissing(items)).toBe(6);
    expect(countMissing(translationItems(doc(), 'ar'))).toBe(9);
    expect(missingLabel(6)).toBe('6 textes à traduire');
    expect(missingLabel(1)).toBe('1 texte à traduire');
    expect(missingLabel(0)).toBe('Tout est traduit');
  });

  it('sets each kind of text, then builds the document back as the API reads it', () => {
    let d = doc();
    d = setTranslation(d, 'en', 'journey.description', 'About rent');
    d = setTranslation(d, 'en', 'steps[besoin].help', 'Choose one answer.');
    d = setTranslation(d, 'en', 'steps[besoin].options[1].label', 'Eviction');
    d = setTranslation(d, 'en', 'steps[commune].text', 'Where do you live?');
    d = setTranslation(d, 'en', 'steps[caf].text', 'Your CAF');
    d = setTranslation(d, 'en', 'steps[caf].outcome.explanation', 'Call them.');
    d = setTranslation(d, 'en', 'steps[caf].outcome.documents', 'Your lease\nYour rent receipts');
    expect(countMissing(translationItems(d, 'en'))).toBe(0);
    expect(d.i18n).toEqual({ en: { title: 'Paying my rent', description: 'About rent' } });
    expect(d.steps![0].i18n).toEqual({ en: { text: 'Your situation?', help: 'Choose one answer.' } });
    expect(d.steps![0].options![1].i18n).toEqual({ en: { label: 'Eviction' } });
    // Other languages are kept.
    expect(d.steps![0].options![0].i18n).toEqual({ en: { label: 'Late' }, es: { label: 'Retraso' } });
    expect(d.steps![2].outcome!.i18n).toEqual({ en: { explanation: 'Call them.', documents: ['Your lease', 'Your rent receipts'] } });
    // The French texts do not move.
    expect(d.steps![2].outcome!.documents).toEqual(['Votre bail', 'Vos quittances']);
    expect(d.title).toBe('Payer mon loyer');
  });

  it('removes what is emptied, down to the maps, so an untouched document compares equal', () => {
    const before = doc();
    let d = setTranslation(before, 'fr-x-falc', 'steps[besoin].text', 'Votre vie ?');
    expect(d.steps![0].i18n).toEqual({ en: { text: 'Your situation?' }, 'fr-x-falc': { text: 'Votre vie ?' } });
    d = setTranslation(d, 'fr-x-falc', 'steps[besoin].text', '');
    expect(normalise(d)).toBe(normalise(before));
    d = setTranslation(d, 'en', 'steps[besoin].text', '');
    expect('i18n' in d.steps![0]).toBe(false);
    d = setTranslation(d, 'en', 'steps[caf].outcome.documents', '');
    expect('i18n' in d.steps![2].outcome!).toBe(false);
    d = setTranslation(d, 'en', 'journey.title', '');
    expect('i18n' in d).toBe(false);
    // Unknown keys and steps change nothing.
    expect(setTranslation(before, 'en', 'steps[besoin].next', 'x')).toBe(before);
    expect(normalise(setTranslation(before, 'en', 'steps[inconnue].text', 'x'))).toBe(normalise(before));
  });

  it('tidies documents, toggles target languages in a stable order, counts warnings', () => {
    expect(tidyDocuments(' Your lease \n\n Receipts\n')).toBe('Your lease\nReceipts');
    const all = ['fr-x-falc', 'en', 'ar'];
    let d = toggleLanguage(doc(), 'fr-x-falc', true, all);
    expect(d.languages).toEqual(['fr-x-falc', 'en']);
    d = toggleLanguage(d, 'en', false, all);
    d = toggleLanguage(d, 'fr-x-falc', false, all);
    expect('languages' in d).toBe(false);
    expect([...warningsByLanguage([{ lang: 'en' }, { lang: 'ar' }, { lang: 'en' }, {}])]).toEqual([
      ['en', 2],
      ['ar', 1],
    ]);
  });
});
