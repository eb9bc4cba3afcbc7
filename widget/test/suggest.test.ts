import { describe, expect, it } from 'vitest';
import { suggestThemes } from '../src/suggest';

const themes = [
  { slug: 'logement', label: 'Logement' },
  { slug: 'expulsion', parent_slug: 'logement', label: 'Expulsion locative', synonyms: ['huissier', 'commandement de quitter'] },
  { slug: 'energie', label: 'Énergie', synonyms: ['électricité', 'facture de gaz'] },
];

describe('suggestThemes', () => {
  it('matches the starts of words of the label or synonyms, case and accents ignored', () => {
    expect(suggestThemes(themes, 'expuls')).toEqual([{ id: 'expulsion', label: 'Expulsion locative' }]);
    expect(suggestThemes(themes, 'HUISS')).toEqual([{ id: 'expulsion', label: 'Expulsion locative' }]);
    expect(suggestThemes(themes, 'electri')).toEqual([{ id: 'energie', label: 'Énergie' }]);
    expect(suggestThemes(themes, 'énergie facture')).toEqual([{ id: 'energie', label: 'Énergie' }]);
  });
  it('needs a word of three letters, and every word to match', () => {
    expect(suggestThemes(themes, 'lo')).toEqual([]);
    expect(suggestThemes(themes, 'logement gaz')).toEqual([]);
    expect(suggestThemes(Array(10).fill(themes[0]), 'log')).toHaveLength(6);
  });
});
