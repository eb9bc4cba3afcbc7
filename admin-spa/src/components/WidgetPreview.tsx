import { useEffect, useState } from 'react';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { apiBaseUrl } from '../env';

export interface WidgetPreviewProps {
  /** Organisation slug (attribute `partner`). */
  partner: string;
  /** Entry point slug (attribute `entry`). */
  entry?: string;
  /** Draft preview token (attribute `preview`), for a journey draft not published yet. */
  preview?: string;
  /** Preset INSEE code (attribute `commune`): the widget skips its location steps. */
  commune?: string;
  /** Accessible name of the preview region, e.g. « Aperçu du widget : Logement ». */
  title: string;
}

const TAG = 'orientation-widget';
let loading: Promise<void> | undefined;

/** The URL of the widget script: the API origin the SPA talks to. */
export const widgetScriptUrl = () => `${apiBaseUrl}/widget.js`;

/**
 * Loads <api origin>/widget.js once per page (a <script src> in <head>: the
 * admin CSP is script-src 'self', so it works when the SPA and the API share
 * an origin; hosted apart, the host's CSP must allow the API origin). A failed
 * load can be retried.
 */
export function loadWidgetScript(): Promise<void> {
  if (customElements.get(TAG)) return Promise.resolve();
  loading ??= new Promise<void>((resolve, reject) => {
    const s = document.createElement('script');
    s.src = widgetScriptUrl();
    s.async = true;
    s.dataset.orientationWidget = '';
    const fail = () => {
      s.remove();
      loading = undefined;
      reject(new Error('widget.js'));
    };
    // widget.js is a small loader that adds the widget's content-hashed bundle: the element is defined a moment
    // after it has loaded. Not within 15 s (the bundle failed, an HTML page served instead of the script): an error.
    s.onload = () => {
      const late = setTimeout(fail, 15_000);
      void customElements.whenDefined(TAG).then(() => {
        clearTimeout(late);
        resolve();
      });
    };
    s.onerror = fail;
    document.head.append(s);
  });
  return loading;
}

/**
 * The real <orientation-widget> rendered in the page, in a labelled region,
 * recreated whenever a prop changes. "Quitter rapidement" (or Escape twice)
 * reloads this page instead of leaving for the widget's neutral site.
 */
export function WidgetPreview({ partner, entry, preview, commune, title }: WidgetPreviewProps) {
  const [state, setState] = useState<'loading' | 'ready' | 'error'>(() => (typeof customElements !== 'undefined' && customElements.get(TAG) ? 'ready' : 'loading'));
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    loadWidgetScript().then(
      () => live && setState('ready'),
      () => live && setState('error'),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const here = `${window.location.origin}${window.location.pathname}${window.location.search}`;
  return (
    <section aria-label={title} className="app-widget-preview">
      {state === 'loading' && <p role="status">Chargement de l'aperçu…</p>}
      {state === 'error' && (
        <div role="alert" className="fr-alert fr-alert--error fr-alert--sm">
          <p>
            L'aperçu du widget n'a pas pu être chargé depuis {widgetScriptUrl()}. Vérifiez votre connexion et réessayez. Si cet espace est hébergé à part du serveur Aiguillage,
            sa politique de sécurité (CSP) doit autoriser ce serveur.
          </p>
          <Button
            size="small"
            priority="secondary"
            className="fr-mt-1w"
            type="button"
            onClick={() => {
              setState('loading');
              setAttempt((n) => n + 1);
            }}
          >
            Réessayer
          </Button>
        </div>
      )}
      {state === 'ready' && (
        <orientation-widget key={[partner, entry, preview, commune].join('\u0000')} partner={partner} entry={entry || undefined} preview={preview || undefined} commune={commune || undefined} api={apiBaseUrl} exit-url={here}>
          <p>Le widget ne s'est pas lancé dans cet aperçu.</p>
        </orientation-widget>
      )}
    </section>
  );
}
