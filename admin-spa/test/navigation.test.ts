import { describe, expect, it } from 'vitest';
import { navigationFor } from '../src/layout/Shell';

const texts = (items: ReturnType<typeof navigationFor>) => items.map((i) => ('menuLinks' in i ? `${i.text} [${i.menuLinks.map((l) => l.text).join(', ')}]` : i.text));

describe('navigation', () => {
  it('follows the order of the work and groups what is opened less often, for an admin', () => {
    expect(texts(navigationFor('/o/var', '/o/var', 'admin', false))).toEqual([
      'Tableau de bord',
      'Points de contact',
      'Parcours',
      "Points d'entrée",
      'Thèmes',
      'Retours des habitants [Signalements, Avis des habitants, Recherches sans réponse]',
      'Organisation [Membres, Apparence, Journal des modifications]',
    ]);
  });
  it('leaves out what a role cannot open', () => {
    const editor = texts(navigationFor('/o/var', '/o/var', 'editor', false));
    expect(editor.some((t) => t.startsWith('Organisation'))).toBe(false);
    expect(texts(navigationFor('/o/var', '/o/var', 'viewer', true)).at(-1)).toBe('Portails partenaires');
  });
  it('marks the current screen, and its menu', () => {
    const items = navigationFor('/o/var', '/o/var/avis', 'admin', false);
    const active = items.filter((i) => i.isActive).map((i) => i.text);
    expect(active).toEqual(['Retours des habitants']);
    const menu = items.find((i) => 'menuLinks' in i && i.isActive);
    expect(menu && 'menuLinks' in menu && menu.menuLinks.filter((l) => l.isActive).map((l) => l.text)).toEqual(['Avis des habitants']);
    expect(navigationFor('/o/var', '/o/var/points-de-contact/nouveau', 'admin', false).find((i) => i.isActive)?.text).toBe('Points de contact');
    expect(navigationFor('/o/var', '/o/var', 'admin', false).find((i) => i.isActive)?.text).toBe('Tableau de bord');
  });
});
