import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The app ships the DSFR without its 1.4 MB icon utility (main.tsx): every
// icon class it names must have its rule in src/icons.css, taken from the
// utility, or the icon renders as a filled square.
const root = path.resolve(__dirname, '..');
const dsfr = path.join(root, 'node_modules/@codegouvfr/react-dsfr/dsfr');
const modifiers = new Set(['fr-icon--sm', 'fr-icon--md', 'fr-icon--lg', 'fr-icon--xs']);

async function usedIcons(): Promise<Set<string>> {
  const used = new Set<string>();
  const dir = path.join(root, 'src');
  for (const f of await readdir(dir, { recursive: true })) {
    if (!/\.(tsx?|css)$/.test(String(f)) || String(f) === 'icons.css') continue;
    const text = await readFile(path.join(dir, String(f)), 'utf8');
    for (const m of text.matchAll(/fr-icon-[a-z0-9-]+/g)) if (!modifiers.has(m[0])) used.add(m[0]);
  }
  return used;
}

const rule = (css: string, icon: string) =>
  css.match(new RegExp(`\\.${icon}:after,\\.${icon}:before\\{[^}]*mask-image:url\\(([^)]+)\\)\\}`))?.[1];

describe('icons.css', () => {
  it('defines every DSFR icon the app uses, with the utility’s own image', async () => {
    const ours = await readFile(path.join(root, 'src/icons.css'), 'utf8');
    const utility = await readFile(path.join(dsfr, 'utility/icons/icons.min.css'), 'utf8');
    const used = await usedIcons();
    expect(used.size).toBeGreaterThan(5);
    for (const icon of used) {
      const theirs = rule(utility, icon);
      expect(theirs, `${icon} is not a DSFR icon`).toBeTruthy();
      const mine = rule(ours, icon);
      expect(mine, `${icon} has no rule in src/icons.css`).toBeTruthy();
      expect(path.resolve(path.join(root, 'src'), mine!)).toBe(path.resolve(path.join(dsfr, 'utility/icons'), theirs!));
    }
  });
});
