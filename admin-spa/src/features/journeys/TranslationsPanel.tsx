import { Fragment, useMemo } from 'react';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { FALC, htmlLang, languageLabel, targetLanguage, targetLanguages } from '../../i18n/languages';
import { ReadabilityNote, useReadability } from '../readability/readability';
import { countMissing, missingLabel, setTranslation, tidyDocuments, toggleLanguage, translationItems, type TextItem } from './translations';
import type { Journey } from './model';

type Props = {
  doc: Journey;
  onChange: (doc: Journey) => void;
  readOnly: boolean;
  /** The language shown (a target language code). */
  lang: string;
  onLang: (lang: string) => void;
  onlyMissing: boolean;
  onOnlyMissing: (on: boolean) => void;
  /** Changes when the draft is saved or reloaded: the « only missing » list is taken again then. */
  draftVersion: number;
};

const allCodes = targetLanguages.map((l) => l.code);

/** The id of the translation field of a text (a warning's link focuses it). */
export const translationFieldId = (key: string) => `jy-tr-${key.replace(/[^a-zA-Z0-9-]/g, '_')}`;

/**
 * The référents' translation view: the French texts of the draft beside their
 * translation in one language, the missing ones counted and marked, and the
 * journey's target languages. Edits go into the draft, saved with the editor's
 * « Enregistrer le brouillon ».
 */
export function TranslationsPanel({ doc, onChange, readOnly, lang, onLang, onlyMissing, onOnlyMissing, draftVersion }: Props) {
  const language = targetLanguage(lang) ?? targetLanguages[1];
  const code = language.code;
  const items = useMemo(() => translationItems(doc, code), [doc, code]);
  const missing = countMissing(items);
  // The texts listed under « only missing » are those missing when the
  // filter, the language or the saved draft changed: a text being typed
  // does not vanish from under the cursor.
  // (missingKeys is left out of the dependencies on purpose.)
  const missingKeys = items.filter((i) => i.missing).map((i) => i.key);
  const shown = useMemo(() => (onlyMissing ? new Set(missingKeys) : null), [onlyMissing, code, draftVersion]);
  const visible = shown ? items.filter((i) => shown.has(i.key)) : items;

  const sources = useReadability('fr', useMemo(() => items.map((i) => ({ key: i.key, text: i.fr })), [items]));
  const falc = useReadability(
    'fr-x-falc',
    useMemo(() => items.map((i) => ({ key: i.key, text: i.text })), [items]),
    { enabled: code === FALC },
  );
  const counts = useMemo(() => new Map(allCodes.map((c) => [c, countMissing(translationItems(doc, c))])), [doc]);
  const followed = new Set(doc.languages ?? []);

  const groups: { group: string; items: TextItem[] }[] = [];
  for (const it of visible) {
    const last = groups[groups.length - 1];
    if (last && last.group === it.group) last.items.push(it);
    else groups.push({ group: it.group, items: [it] });
  }

  return (
    <section aria-labelledby="jy-tr-title" className="jy-translations">
      <h2 id="jy-tr-title" className="fr-h5">
        Traductions
      </h2>
      <p className="fr-text--sm">
        Le français est la langue d'origine du parcours. Un habitant qui lit une autre langue voit le texte français quand la traduction manque. Les modifications
        s'enregistrent avec le brouillon.
      </p>
      <fieldset className="app-bare" disabled={readOnly}>
        <Checkbox
          legend="Langues suivies"
          hintText="La publication vous signale les textes qui manquent dans ces langues (sans l'empêcher)."
          orientation="horizontal"
          small
          options={targetLanguages.map((l) => ({
            label: l.code === FALC ? 'FALC' : `${l.french[0].toUpperCase()}${l.french.slice(1)}`,
            nativeInputProps: { checked: followed.has(l.code), onChange: (e) => onChange(toggleLanguage(doc, l.code, e.target.checked, allCodes)) },
          }))}
        />
      </fieldset>
      <div className="app-row jy-tr-controls">
        <Select label="Langue affichée" nativeSelectProps={{ id: 'jy-tr-lang', value: code, onChange: (e) => onLang(e.target.value) }}>
          {targetLanguages.map((l) => (
            <option key={l.code} value={l.code}>
              {languageLabel(l.code)} — {missingLabel(counts.get(l.code) ?? 0).toLowerCase()}
            </option>
          ))}
        </Select>
        <Checkbox
          small
          options={[{ label: 'Seulement les textes à traduire', nativeInputProps: { checked: onlyMissing, onChange: (e) => onOnlyMissing(e.target.checked) } }]}
        />
      </div>
      <p role="status" className="jy-tr-count fr-mb-2w">
        <strong>{missingLabel(missing)}</strong> en {languageLabel(code)}
        {items.length > 0 ? `${missing > 0 ? ', sur' : ' :'} ${items.length} texte${items.length > 1 ? 's' : ''}` : ''}.
      </p>

      {items.length === 0 ? (
        <p>Ce parcours n'a pas encore de texte à traduire.</p>
      ) : visible.length === 0 ? (
        <p>Aucun texte à traduire en {languageLabel(code)}.</p>
      ) : (
        <fieldset className="app-bare" disabled={readOnly}>
          {groups.map((g, gi) => (
            <Fragment key={gi}>
              <h3 className="fr-h6 jy-tr-group">{g.group}</h3>
              {g.items.map((it) => (
                <div key={it.key} className={`jy-tr-row${it.missing ? ' jy-tr-missing' : ''}`} data-key={it.key}>
                  <div className="jy-tr-source">
                    <p className="fr-text--sm fr-mb-1v">
                      <strong>{it.label}</strong> — français
                    </p>
                    <p lang="fr" className="jy-tr-fr">
                      {it.fr}
                    </p>
                    <ReadabilityNote lang="fr" result={sources.get(it.key)} />
                  </div>
                  <div className="jy-tr-target">
                    <TranslationField item={it} code={code} onChange={(v) => onChange(setTranslation(doc, code, it.key, v))} />
                    {code === FALC && <ReadabilityNote lang="fr-x-falc" result={falc.get(it.key)} />}
                  </div>
                </div>
              ))}
            </Fragment>
          ))}
        </fieldset>
      )}
    </section>
  );
}

function TranslationField({ item, code, onChange }: { item: TextItem; code: string; onChange: (value: string) => void }) {
  const language = targetLanguage(code)!;
  const label = `${item.label} en ${code === FALC ? 'FALC' : language.french}`;
  const hint = item.list ? 'Un document par ligne, dans l\'ordre du français.' : item.max ? `${item.max} caractères au plus.` : undefined;
  const common = { id: translationFieldId(item.key), value: item.text, lang: htmlLang(code), dir: language.dir, maxLength: item.max };
  return (
    <>
      {item.missing && (
        <Badge small severity="warning" className="fr-mb-1v">
          À traduire
        </Badge>
      )}
      {item.multiline ? (
        <Input
          label={label}
          hintText={hint}
          textArea
          state={item.note ? 'info' : 'default'}
          stateRelatedMessage={item.note}
          nativeTextAreaProps={{
            ...common,
            rows: item.list ? Math.max(2, item.fr.split('\n').length) : 3,
            onChange: (e) => onChange(e.target.value),
            onBlur: item.list ? (e) => onChange(tidyDocuments(e.target.value)) : undefined,
          }}
        />
      ) : (
        <Input label={label} hintText={hint} nativeInputProps={{ ...common, onChange: (e) => onChange(e.target.value) }} />
      )}
    </>
  );
}
