import { useRef, useState } from 'react';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { apiBaseUrl } from '../../env';

const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The markup a webmaster pastes (the same as the /integration guide): the
 * script from the API origin, the element, and a fallback link shown when the
 * script does not run.
 */
export function embedSnippet(partner: string, entry?: string, origin: string = apiBaseUrl): string {
  return [
    `<script src="${attr(origin)}/widget.js" defer></script>`,
    `<orientation-widget partner="${attr(partner)}"${entry ? ` entry="${attr(entry)}"` : ''}>`,
    `  <a href="https://www.service-public.fr/">Trouver le bon service sur service-public.fr</a>`,
    `</orientation-widget>`,
  ].join('\n');
}

/** The snippet, with « Copier » (clipboard API; otherwise the text is selected for Ctrl+C) announced in a live region. */
export function EmbedSnippet({ partner, entry, origin }: { partner: string; entry?: string; origin?: string }) {
  const code = embedSnippet(partner, entry, origin);
  const pre = useRef<HTMLPreElement>(null);
  const [message, setMessage] = useState('');

  const select = () => {
    const el = pre.current;
    const sel = window.getSelection();
    if (!el || !sel) return false;
    const range = document.createRange();
    range.selectNodeContents(el);
    sel.removeAllRanges();
    sel.addRange(range);
    return true;
  };

  const copy = async () => {
    setMessage('');
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(code);
      setMessage('Code copié.');
    } catch {
      // No clipboard access (insecure context, permission refused): select the code instead.
      let copied = false;
      pre.current?.focus(); // first: focusing may reset the selection
      if (select()) {
        try {
          copied = document.execCommand?.('copy') ?? false;
        } catch {
          copied = false;
        }
      }
      setMessage(copied ? 'Code copié.' : 'Copie automatique impossible : le code est sélectionné, copiez-le avec Ctrl+C (ou Cmd+C).');
    }
  };

  return (
    <div>
      <pre ref={pre} className="app-snippet" tabIndex={0} aria-label="Code d'intégration du widget">
        <code>{code}</code>
      </pre>
      <div className="app-row" style={{ alignItems: 'center' }}>
        <Button type="button" priority="secondary" onClick={() => void copy()}>
          Copier le code
        </Button>
        <p role="status" aria-live="polite" className="fr-mb-0 fr-text--sm">
          {message}
        </p>
      </div>
    </div>
  );
}
