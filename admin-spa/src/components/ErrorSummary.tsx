import { forwardRef } from 'react';

export const fieldId = (prefix: string, path: string) => `${prefix}-${path.replace(/[[\].]+/g, '-').replace(/-$/, '')}`;

/** Focuses the field of an error path, or its closest rendered parent. */
export function focusField(prefix: string, path: string) {
  let p = path;
  for (;;) {
    const el = document.getElementById(fieldId(prefix, p));
    if (el) {
      el.focus();
      el.scrollIntoView?.({ block: 'center' });
      return;
    }
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return;
    p = p.slice(0, cut);
  }
}

/**
 * The list of a form's errors, on top of it (RGAA 11.10/11.11): each links to
 * its field. It takes the focus after a refused save.
 */
export const ErrorSummary = forwardRef<HTMLDivElement, { errors: Record<string, string>; labelOf: (path: string) => string; prefix: string; detail?: string }>(
  function ErrorSummary({ errors, labelOf, prefix, detail }, ref) {
    const entries = Object.entries(errors);
    if (entries.length === 0) return null;
    return (
      <div ref={ref} tabIndex={-1} className="fr-alert fr-alert--error fr-mb-4w" role="alert" aria-labelledby={`${prefix}-summary-title`}>
        <h2 id={`${prefix}-summary-title`} className="fr-alert__title">
          {entries.length === 1 ? 'Le formulaire contient une erreur' : `Le formulaire contient ${entries.length} erreurs`}
        </h2>
        {detail && <p>{detail}</p>}
        <ul>
          {entries.map(([path, message]) => (
            <li key={path}>
              <a
                href={`#${fieldId(prefix, path)}`}
                onClick={(e) => {
                  e.preventDefault();
                  focusField(prefix, path);
                }}
              >
                {labelOf(path)} : {message}
              </a>
            </li>
          ))}
        </ul>
      </div>
    );
  },
);
