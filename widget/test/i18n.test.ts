import { afterEach, describe, expect, it, vi } from 'vitest';
import { answerStrings, fr, LANGS, normalize, pickLang, type AnswerStrings } from '../src/i18n';
import { inLang } from '../src/dom';
import { describe as say, status, weekLines, upcomingExceptions } from '../src/hours';
import type { OpeningHours } from '../src/types';
import { s as en } from '../src/lang/en';
import { s as falc } from '../src/lang/fr-x-falc';
import { s as ar } from '../src/lang/ar';
import { s as uk } from '../src/lang/uk';
import { s as es } from '../src/lang/es';
import { s as pt } from '../src/lang/pt';
import { s as tr } from '../src/lang/tr';

const tables: Record<string, AnswerStrings> = { fr: answerStrings(fr), 'fr-x-falc': falc, en, ar, uk, es, pt, tr };

afterEach(() => vi.unstubAllGlobals());

describe('normalize', () => {
  it.each([
    ['fr', 'fr'], ['FR-fr', 'fr'], ['fr-CA', 'fr'], ['en-GB', 'en'], ['en_US', 'en'], ['pt-BR', 'pt'], ['ar-MA', 'ar'],
    ['uk-UA', 'uk'], ['es-419', 'es'], ['TR', 'tr'], ['fr-x-falc', 'fr-x-falc'], ['FR-X-FALC', 'fr-x-falc'], ['falc', 'fr-x-falc'],
    [' en ', 'en'], ['de', undefined], ['zh-Hans-CN', undefined], ['', undefined], [null, undefined], ['english', undefined],
  ])('%s → %s', (tag, want) => {
    expect(normalize(tag)).toBe(want);
  });
});

describe('pickLang', () => {
  it.each<[string, string | null, string | null, string[] | undefined, string]>([
    ['the choice of the session comes first', 'ar', 'fr', ['en'], 'ar'],
    ['then the lang of the element or of the page', null, 'uk', ['en'], 'uk'],
    ['a region of the page is dropped', null, 'pt-BR', undefined, 'pt'],
    ['a page in a language not spoken here is French', null, 'de', ['en'], 'fr'],
    ['no lang in the page: the browser languages, the first spoken here', null, null, ['de-DE', 'tr-TR', 'en'], 'tr'],
    ['no lang anywhere known: French', null, null, ['de', 'it'], 'fr'],
    ['nothing at all: French', null, null, undefined, 'fr'],
    ['a stale choice not spoken here is ignored', 'xx', 'es', undefined, 'es'],
    ['the FALC alias', 'falc', 'fr', undefined, 'fr-x-falc'],
  ])('%s', (_, chosen, page, browser, want) => {
    expect(pickLang(chosen, page, browser)).toBe(want);
  });
});

const ARGS: Record<string, unknown[]> = {
  communesFound: [3], suggestionsFound: [3], resultsCount: [3], seeMore: [3], distance: [1.5], time: [9, '30'], dayMonth: [25, 'XII'],
};

describe('the strings of every language', () => {
  it('has a lazy chunk for each language but French (src/lang/CODE.ts), and a name in its own language for each', async () => {
    for (const [code] of LANGS.filter(([c]) => c !== 'fr')) expect((await import(`../src/lang/${code}.ts`)).s, code).toBe(tables[code]);
    expect(Object.keys(tables).sort()).toEqual(LANGS.map(([c]) => c).sort());
    for (const [code, name] of LANGS) expect(normalize(code), name).toBe(code);
  });
  it.each(Object.keys(tables))('%s has every key of French, of the same kind, each filled', (code) => {
    const ref = tables.fr as unknown as Record<string, unknown>;
    const t = tables[code] as unknown as Record<string, unknown>;
    expect(Object.keys(t).sort()).toEqual(Object.keys(ref).sort());
    for (const k of Object.keys(ref)) {
      const want = ref[k], got = t[k];
      expect(typeof got, k).toBe(typeof want);
      if (Array.isArray(want)) {
        expect((got as string[]).length, k).toBe(want.length);
        for (const x of got as string[]) expect(x, k).toMatch(/\S/);
      } else if (typeof want === 'function') {
        // Counts take a number, the others strings (time: hours and minutes, dayMonth: a day and a month).
        const args = ARGS[k] || ((want as (...a: unknown[]) => string).length === 2 ? ['X1', 'Y2'] : ['X1']);
        const out = (got as (...a: unknown[]) => string)(...args);
        expect(out, k).toMatch(/\S/);
        for (const a of args) if (k !== 'distance') expect(out, k).toContain(String(a));
      } else expect(got, k).toMatch(/\S/);
    }
  });
  it('is translated: no language but FALC repeats the French sentences', () => {
    const same = (a: AnswerStrings, b: AnswerStrings) => (Object.keys(a) as (keyof AnswerStrings)[])
      .filter((k) => typeof a[k] === 'string' && (a[k] as string).length > 12 && a[k] === b[k]);
    for (const code of ['en', 'ar', 'uk', 'es', 'pt', 'tr']) expect(same(tables[code], tables.fr), code).toEqual([]);
  });
});

describe('plural forms', () => {
  it('Ukrainian has one, few and many', () => {
    expect([1, 2, 4, 5, 11, 21, 22, 25].map((n) => uk.resultsCount(n))).toEqual([
      '1 результат', '2 результати', '4 результати', '5 результатів', '11 результатів', '21 результат', '22 результати', '25 результатів',
    ]);
    expect(uk.resultsCount(0)).toBe('Нічого не знайдено');
    expect(uk.seeMore(3)).toBe('Показати ще 3 служби');
  });
  it('Arabic has zero, one, two, few and many', () => {
    expect([0, 1, 2, 3, 10, 11, 100].map((n) => ar.resultsCount(n))).toEqual([
      'لا توجد نتائج', 'نتيجة واحدة', 'نتيجتان', '3 نتائج', '10 نتائج', '11 نتيجة', '100 نتيجة',
    ]);
  });
  it('English, Spanish, Portuguese, French and FALC have one and other', () => {
    expect([0, 1, 2].map((n) => en.resultsCount(n))).toEqual(['No results', '1 result', '2 results']);
    expect([0, 1, 2].map((n) => es.communesFound(n))).toEqual(['No se ha encontrado ningún municipio', '1 municipio propuesto', '2 municipios propuestos']);
    expect([1, 7].map((n) => pt.seeMore(n))).toEqual(['Ver mais 1 serviço', 'Ver mais 7 serviços']);
    expect([1, 2].map((n) => tables.fr.resultsCount(n))).toEqual(['1 résultat', '2 résultats']);
    expect([0, 2].map((n) => falc.resultsCount(n))).toEqual(['Pas de réponse', '2 réponses']);
    expect(tr.resultsCount(3)).toBe('3 sonuç');
  });
});

describe('opening hours in each language', () => {
  const office: OpeningHours = { weekly: [1, 2, 3, 4, 5].flatMap((day) => [{ day, opens: '08:30', closes: '12:00' }, { day, opens: '14:00', closes: '17:30' }]) };
  const friday = new Date('2026-11-27T18:00:00Z'); // 19:00 in Paris
  it.each([
    ['fr', 'Fermé en ce moment, ouvre lundi à 8 h 30', 'lundi : 8 h 30 – 12 h, 14 h – 17 h 30'],
    ['en', 'Closed right now, opens on Monday at 8:30', 'Monday: 8:30 – 12:00, 14:00 – 17:30'],
    ['uk', 'Зараз зачинено, відчиниться у понеділок о 8:30', 'понеділок: 8:30 – 12:00, 14:00 – 17:30'],
    ['es', 'Cerrado ahora mismo, abre el lunes a las 8:30', 'lunes: 8:30 – 12:00, 14:00 – 17:30'],
    ['pt', 'Fechado neste momento, abre na segunda-feira às 8:30', 'segunda-feira: 8:30 – 12:00, 14:00 – 17:30'],
    ['tr', 'Şu an kapalı, açılış: Pazartesi saat 8:30', 'Pazartesi: 8:30 – 12:00, 14:00 – 17:30'],
    ['ar', 'مغلق الآن، يفتح يوم الاثنين الساعة \u20668:30\u2069', 'الاثنين: \u20668:30\u2069 – \u206612:00\u2069, \u206614:00\u2069 – \u206617:30\u2069'],
  ])('%s', (code, closed, monday) => {
    const s = tables[code];
    expect(say(status(office, friday)!, s)).toBe(closed);
    expect(weekLines(office, s)[0]).toBe(monday);
  });
  it('says dates in the language, Ukrainian months in the genitive and a Wednesday in the accusative', () => {
    const h: OpeningHours = { ...office, exceptions: [{ date: '2026-12-25', closed: true }] };
    const at = new Date('2026-12-20T10:00:00Z');
    expect(upcomingExceptions(h, at, tables.fr)).toEqual(['Fermé le 25 décembre']);
    expect(upcomingExceptions(h, at, en)).toEqual(['Closed on 25 December']);
    expect(upcomingExceptions(h, at, uk)).toEqual(['Зачинено 25 грудня']);
    expect(upcomingExceptions(h, at, es)).toEqual(['Cerrado el 25 de diciembre']);
    const wednesday: OpeningHours = { weekly: [{ day: 3, opens: '09:00', closes: '12:00' }] };
    expect(say(status(wednesday, friday)!, uk)).toBe('Зараз зачинено, відчиниться у середу о 9:00');
  });
});

describe('inLang', () => {
  // A minimal document: inLang builds one span.
  const fakeDocument = () => ({
    createElement: (tag: string) => ({ tag, attrs: {} as Record<string, string>, kids: [] as unknown[], setAttribute(k: string, v: string) { this.attrs[k] = v; }, appendChild(c: unknown) { this.kids.push(c); } }),
    createTextNode: (text: string) => ({ text }),
  });
  it('gives a translated text as it is', () => {
    expect(inLang('Do I rent my home?', {}, en)).toEqual(['Do I rent my home?']);
    expect(inLang('Do I rent my home?', undefined, en)).toEqual(['Do I rent my home?']);
  });
  it.each([
    ['en', '(in French)'], ['ar', '(بالفرنسية)'], ['uk', '(французькою)'], ['es', '(en francés)'], ['pt', '(em francês)'], ['tr', '(Fransızca)'],
    ['fr-x-falc', '(texte pas en facile à lire)'],
  ])('marks a French fallback in %s: lang="fr" on the text, the mark in the widget language after it', (code, mark) => {
    vi.stubGlobal('document', fakeDocument());
    const [span, after] = inLang('Êtes-vous locataire ?', { text_lang: 'fr' }, tables[code]) as [{ tag: string; attrs: Record<string, string>; kids: { text: string }[] }, string];
    expect(span.tag).toBe('span');
    expect(span.attrs).toEqual({ lang: 'fr', dir: 'auto' });
    expect(span.kids).toEqual([{ text: 'Êtes-vous locataire ?' }]);
    expect(after).toBe(' ' + mark);
  });
});
