import '@testing-library/jest-dom/vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EmbedSnippet, embedSnippet } from '../src/features/entry-points/EmbedSnippet';
import { WidgetPreview } from '../src/components/WidgetPreview';

describe('embed snippet', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is the markup of the integration guide, with the API origin, the partner and the entry point', () => {
    const code = embedSnippet('var', 'logement', 'https://api.aiguillage.fr');
    expect(code).toBe(
      [
        '<script src="https://api.aiguillage.fr/widget.js" defer></script>',
        '<orientation-widget partner="var" entry="logement">',
        '  <a href="https://www.service-public.fr/">Trouver le bon service sur service-public.fr</a>',
        '</orientation-widget>',
      ].join('\n'),
    );
    expect(embedSnippet('var')).toContain(`<script src="${window.location.origin}/widget.js" defer>`);
    expect(embedSnippet('var')).not.toContain('entry=');
  });

  it('copies the code and announces it', async () => {
    const user = userEvent.setup();
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<EmbedSnippet partner="var" entry="logement" />);
    expect(screen.getByLabelText("Code d'intégration du widget")).toHaveTextContent('partner="var" entry="logement"');
    await user.click(screen.getByRole('button', { name: 'Copier le code' }));
    expect(writeText).toHaveBeenCalledWith(expect.stringContaining('<orientation-widget partner="var" entry="logement">'));
    expect(await screen.findByRole('status')).toHaveTextContent('Code copié.');
  });

  it('selects the code when the clipboard is refused, and says so', async () => {
    const user = userEvent.setup();
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: vi.fn().mockRejectedValue(new Error('denied')) }, configurable: true });
    document.execCommand = vi.fn().mockReturnValue(false);
    render(<EmbedSnippet partner="var" entry="logement" />);
    await user.click(screen.getByRole('button', { name: 'Copier le code' }));
    expect(await screen.findByRole('status')).toHaveTextContent(/le code est sélectionné, copiez-le avec Ctrl\+C/);
    expect(window.getSelection()?.toString()).toContain('entry="logement"');
    expect(screen.getByLabelText("Code d'intégration du widget")).toHaveFocus();
  });
});

describe('widget preview', () => {
  it('loads widget.js once from the API origin, says so when it fails, then renders the element', async () => {
    const { unmount } = render(<WidgetPreview partner="var" entry="logement" title="Aperçu du widget : Logement" />);
    expect(screen.getByRole('region', { name: 'Aperçu du widget : Logement' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent("Chargement de l'aperçu");
    const scripts = () => document.head.querySelectorAll<HTMLScriptElement>('script[data-orientation-widget]');
    expect(scripts()).toHaveLength(1);
    expect(scripts()[0].src).toBe(`${window.location.origin}/widget.js`);
    await act(async () => {
      fireEvent.error(scripts()[0]);
    });
    expect(screen.getByRole('alert')).toHaveTextContent("L'aperçu du widget n'a pas pu être chargé");
    expect(scripts()).toHaveLength(0);

    // Retry: this time the script defines the element.
    fireEvent.click(screen.getByRole('button', { name: 'Réessayer' }));
    expect(scripts()).toHaveLength(1);
    customElements.define('orientation-widget', class extends HTMLElement {});
    await act(async () => {
      fireEvent.load(scripts()[0]);
    });
    const el = screen.getByRole('region', { name: 'Aperçu du widget : Logement' }).querySelector('orientation-widget')!;
    expect(el).toHaveAttribute('partner', 'var');
    expect(el).toHaveAttribute('entry', 'logement');
    expect(el).toHaveAttribute('api', window.location.origin);
    expect(el).not.toHaveAttribute('preview');
    unmount();

    // Defined already: no second script, the element at once, with the preview token.
    render(<WidgetPreview partner="var" preview="tok123" title="Aperçu du brouillon" />);
    expect(scripts()).toHaveLength(1);
    const el2 = screen.getByRole('region', { name: 'Aperçu du brouillon' }).querySelector('orientation-widget')!;
    expect(el2).toHaveAttribute('preview', 'tok123');
    expect(el2).not.toHaveAttribute('entry');
  });
});
