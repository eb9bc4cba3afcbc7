import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { errorMessage } from '../../api/problem';
import { Page } from '../../layout/Page';
import { useOwnThemes } from './api';

const NEW = '';

/**
 * « Ajouter comme synonyme… » from the searches without answer: the word,
 * prefilled, and the theme that should answer it (one of the organisation's,
 * or a new one). The theme form then opens with the word added, to review and save.
 */
export function SynonymPickerPage() {
  const { org = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const own = useOwnThemes(org);
  const [word, setWord] = useState(params.get('mot') ?? '');
  const [theme, setTheme] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [themeError, setThemeError] = useState<string | null>(null);
  const themes = [...(own.data ?? [])].sort((a, b) => (a.label ?? '').localeCompare(b.label ?? '', 'fr'));
  const chosen = theme ?? (themes.length ? null : NEW);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const w = word.trim().replace(/\s+/g, ' ');
    setError(w ? null : 'Indiquez le mot ou l\u2019expression à ajouter.');
    setThemeError(chosen === null ? 'Choisissez un thème.' : null);
    if (!w) return document.getElementById('syn-word')?.focus();
    if (chosen === null) return document.querySelector<HTMLInputElement>('input[name="syn-theme"]')?.focus();
    const q = new URLSearchParams({ synonyme: w }).toString();
    navigate(chosen === NEW ? `/o/${org}/themes/nouveau?${q}` : `/o/${org}/themes/${chosen}?${q}`);
  };

  return (
    <Page title="Ajouter un synonyme" context={org}>
      <p>
        <Link className="fr-link fr-icon-arrow-left-line fr-link--icon-left" to={`/o/${org}/recherches-sans-reponse`}>
          Retour aux recherches sans réponse
        </Link>
      </p>
      <p>
        Choisissez le thème qui répond à cette recherche : le mot s'ajoutera à ses mots des habitants, et le widget proposera ce thème aux prochains habitants qui l'écriront. Les thèmes nationaux ne se
        modifient pas ici : créez un thème à vous, rattaché au thème national qui convient.
      </p>
      {own.error ? (
        <Alert as="h2" severity="error" title="Chargement impossible" description={errorMessage(own.error)} />
      ) : own.isPending ? (
        <p role="status">Chargement…</p>
      ) : (
        <form onSubmit={onSubmit} noValidate aria-label="Ajouter un synonyme">
          <Input
            label="Mot ou expression des habitants"
            state={error ? 'error' : 'default'}
            stateRelatedMessage={error ?? undefined}
            nativeInputProps={{ id: 'syn-word', value: word, spellCheck: false, onChange: (e) => setWord(e.target.value) }}
          />
          <RadioButtons
            legend="Thème auquel l'ajouter"
            name="syn-theme"
            state={themeError ? 'error' : 'default'}
            stateRelatedMessage={themeError ?? undefined}
            options={[
              ...themes.map((t) => ({
                label: t.label ?? t.slug ?? '',
                hintText: (t.synonyms ?? []).length ? `Déjà : ${(t.synonyms ?? []).slice(0, 6).join(', ')}${(t.synonyms ?? []).length > 6 ? '…' : ''}` : 'Aucun mot pour le moment',
                nativeInputProps: { value: t.slug ?? '', checked: chosen === t.slug, onChange: () => { setTheme(t.slug ?? ''); setThemeError(null); } },
              })),
              { label: 'Un nouveau thème', hintText: 'Vous lui donnerez un nom et, si besoin, un thème parent national.', nativeInputProps: { value: NEW, checked: chosen === NEW, onChange: () => { setTheme(NEW); setThemeError(null); } } },
            ]}
          />
          <Button type="submit">
            Continuer
          </Button>
        </form>
      )}
    </Page>
  );
}
