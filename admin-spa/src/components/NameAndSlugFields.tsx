import type { Dispatch, SetStateAction } from 'react';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { suggestSlug, SLUG_MAX } from '../api/slug';
import { fieldId } from './ErrorSummary';

/** A form with a name and an identifier (slug); slugTouched: the slug was typed by hand, stop suggesting it. */
type Named = { slug: string; slugTouched: boolean };

/**
 * The name field and « Identifiant »: at creation, the identifier is suggested
 * from the name until it is typed by hand; once created, it no longer changes
 * and is shown as text, which keeps the field's id so that an error summary's
 * link still focuses it.
 */
export function NameAndSlugFields<F extends Named, K extends keyof F & string>({
  prefix,
  nameKey,
  nameLabel,
  nameHint,
  required,
  creating,
  form,
  setForm,
  errors,
  saved,
  slugHint,
  fixedHint,
}: {
  /** The form's field id prefix (fieldId). */
  prefix: string;
  /** The form's key of the name, e.g. 'name' or 'label'. */
  nameKey: K;
  nameLabel: string;
  nameHint: string;
  required?: boolean;
  creating: boolean;
  form: F & Record<K, string>;
  setForm: Dispatch<SetStateAction<F>>;
  errors: Record<string, string | undefined>;
  /** The saved identifier, once created. */
  saved?: string;
  /** Hint of the identifier at creation. */
  slugHint: string;
  /** Said next to the saved identifier, e.g. « Il ne change pas. ». */
  fixedHint?: string;
}) {
  const slugId = fieldId(prefix, 'slug');
  return (
    <>
      <div className="fr-fieldset__element">
        <Input
          label={nameLabel}
          hintText={nameHint}
          state={errors[nameKey] ? 'error' : 'default'}
          stateRelatedMessage={errors[nameKey]}
          nativeInputProps={{
            id: fieldId(prefix, nameKey),
            value: form[nameKey],
            required,
            maxLength: 200,
            onChange: (e) => {
              const name = e.target.value;
              setForm((f) => ({ ...f, [nameKey]: name, slug: creating && !f.slugTouched ? suggestSlug(name) : f.slug }));
            },
          }}
        />
      </div>
      <div className="fr-fieldset__element">
        {creating ? (
          <Input
            label="Identifiant"
            hintText={slugHint}
            state={errors.slug ? 'error' : 'default'}
            stateRelatedMessage={errors.slug}
            nativeInputProps={{ id: slugId, value: form.slug, spellCheck: false, autoComplete: 'off', maxLength: SLUG_MAX, onChange: (e) => setForm((f) => ({ ...f, slug: e.target.value, slugTouched: true })) }}
          />
        ) : (
          <p id={slugId} tabIndex={-1}>
            Identifiant : <strong>{saved}</strong>
            {fixedHint && (
              <>
                {' '}
                <span className="fr-hint-text">{fixedHint}</span>
              </>
            )}
          </p>
        )}
      </div>
    </>
  );
}
