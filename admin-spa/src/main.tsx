import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startReactDsfr } from '@codegouvfr/react-dsfr/spa';
import { Link } from 'react-router-dom';
// The DSFR without its 1.4 MB icon utility: the few icons used are in icons.css.
import '@codegouvfr/react-dsfr/dsfr/dsfr.min.css';
import './icons.css';
import './app.css';
import { App } from './App';

// DSFR started once; its links are react-router links (client-side navigation).
startReactDsfr({ defaultColorScheme: 'system', Link });

declare module '@codegouvfr/react-dsfr/spa' {
  interface RegisterLink {
    Link: typeof Link;
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
