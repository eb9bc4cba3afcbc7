// Plural forms for the language chunks: the CLDR rules of the browser
// (Intl.PluralRules: one, few, many… as the language has them); '#' in a form
// is the number.

type Forms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export const plural = (lang: string) => {
  const rules = new Intl.PluralRules(lang);
  return (n: number, forms: Forms): string => (forms[rules.select(n)] ?? forms.other).replace('#', String(n));
};
