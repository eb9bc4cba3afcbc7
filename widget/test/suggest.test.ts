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
  it('matches labels and synonyms in other scripts, as the server gives them in the widget language', () => {
    const uk = [{ slug: 'logement', label: 'Житло', synonyms: ['оренда', 'квартира'] }, { slug: 'energie', label: 'Енергія' }];
    const ar = [{ slug: 'logement', label: 'السكن', synonyms: ['الإيجار'] }];
    expect(suggestThemes(uk, 'оренд')).toEqual([{ id: 'logement', label: 'Житло' }]);
    expect(suggestThemes(uk, 'ЕНЕРГ')).toEqual([{ id: 'energie', label: 'Енергія' }]);
    expect(suggestThemes(ar, 'الإيج')).toEqual([{ id: 'logement', label: 'السكن' }]);
    expect(suggestThemes(ar, 'سيارة')).toEqual([]);
  });
  it('needs a word of three letters, and every word to match', () => {
    expect(suggestThemes(themes, 'lo')).toEqual([]);
    expect(suggestThemes(themes, 'logement gaz')).toEqual([]);
    expect(suggestThemes(Array(10).fill(themes[0]), 'log')).toHaveLength(6);
  });
});
