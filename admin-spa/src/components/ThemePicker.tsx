import { Select } from '@codegouvfr/react-dsfr/Select';
import { Tag } from '@codegouvfr/react-dsfr/Tag';
import { useThemes } from '../api/themes';

/**
 * Themes picked from the organisation's and the national ones: a select grouped
 * by main theme (the main theme itself first, « (tout le thème) ») that adds the
 * chosen theme at once, then the chosen themes as tags, each dismissible
 * (« Retirer le thème … ») unless disabled.
 */
export function ThemePicker({
  org,
  id,
  label,
  hint,
  listLabel,
  chosen,
  onChange,
  error,
  disabled,
}: {
  org: string;
  /** The select's id: what an error summary links to. */
  id: string;
  label: string;
  hint: string;
  /** Accessible name of the list of chosen themes, e.g. « Thèmes choisis ». */
  listLabel: string;
  chosen: string[];
  onChange: (themes: string[]) => void;
  error?: string;
  disabled?: boolean;
}) {
  const themes = useThemes(org);
  const themeList = themes.data ?? [];
  const parents = themeList.filter((t) => !t.parent_slug);
  const themeLabel = (slug: string) => themeList.find((t) => t.slug === slug)?.label ?? slug;
  return (
    <>
      <Select
        label={label}
        hint={hint}
        state={error ? 'error' : 'default'}
        stateRelatedMessage={error}
        nativeSelectProps={{
          id,
          value: '',
          disabled: disabled || themes.isPending,
          onChange: (e) => e.target.value && !chosen.includes(e.target.value) && onChange([...chosen, e.target.value]),
        }}
      >
        <option value="">{themes.isPending ? 'Chargement des thèmes…' : 'Ajouter un thème'}</option>
        {parents.map((p) => (
          <optgroup key={p.slug} label={p.label}>
            {[p, ...themeList.filter((t) => t.parent_slug === p.slug)].map((t) => (
              <option key={t.slug} value={t.slug} disabled={chosen.includes(t.slug ?? '')}>
                {t === p ? `${t.label} (tout le thème)` : t.label}
              </option>
            ))}
          </optgroup>
        ))}
      </Select>
      {chosen.length > 0 && (
        <ul className="fr-tags-group" aria-label={listLabel}>
          {chosen.map((t) => (
            <li key={t}>
              {disabled ? (
                <Tag>{themeLabel(t)}</Tag>
              ) : (
                <Tag dismissible nativeButtonProps={{ type: 'button', onClick: () => onChange(chosen.filter((x) => x !== t)), 'aria-label': `Retirer le thème ${themeLabel(t)}` }}>
                  {themeLabel(t)}
                </Tag>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
