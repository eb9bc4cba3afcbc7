// WCAG 2.1 contrast, the measure RGAA criteria 3.2 (text: 4.5:1) and 3.3
// (interface components: 3:1) use. The same arithmetic as the widget's
// widget/src/color.ts, which darkens a partner's colour until it reads on white.

export type RGB = [number, number, number];

export function parseHex(v: string): RGB | null {
  const m = /^#([0-9a-f]{6})$/i.exec(v.trim());
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export const toHex = (c: RGB) => '#' + c.map((x) => Math.round(x).toString(16).padStart(2, '0')).join('');

export function luminance([r, g, b]: RGB): number {
  const f = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

export function contrast(a: RGB, b: RGB): number {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

const mix = (a: RGB, b: RGB, t: number): RGB => [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t)) as RGB;

/** The colour the widget will actually use on bg (darkened or lightened until it reaches ratio). */
export function ensureContrast(c: RGB, bg: RGB, ratio = 4.5): RGB {
  if (contrast(c, bg) >= ratio) return c;
  const to: RGB = luminance(bg) > 0.18 ? [0, 0, 0] : [255, 255, 255];
  for (let t = 0.05; t < 1; t += 0.05) {
    const m = mix(c, to, t);
    if (contrast(m, bg) >= ratio) return m;
  }
  return to;
}

/** Black or white text on c, whichever reads better. */
export const onColor = (c: RGB): RGB => (contrast(c, [255, 255, 255]) >= contrast(c, [0, 0, 0]) ? [255, 255, 255] : [0, 0, 0]);

export const WHITE: RGB = [255, 255, 255];
export const MUTED: RGB = [243, 244, 246]; // the widget's muted background

export interface Check {
  label: string;
  ratio: number;
  required: number;
  ok: boolean;
}

/** The checks a partner's main colour must pass in the widget. */
export function primaryChecks(c: RGB): Check[] {
  const on = onColor(c);
  const rows: [string, number, number][] = [
    ['Liens et textes en couleur sur fond blanc', contrast(c, WHITE), 4.5],
    ['Liens sur fond gris clair', contrast(c, MUTED), 4.5],
    [`Texte ${on[0] ? 'blanc' : 'noir'} sur les boutons de cette couleur`, contrast(on, c), 4.5],
  ];
  return rows.map(([label, ratio, required]) => ({ label, ratio, required, ok: ratio >= required }));
}

export function secondaryChecks(c: RGB): Check[] {
  const ratio = contrast(c, WHITE);
  return [{ label: 'Bordures et éléments d\u2019interface sur fond blanc', ratio, required: 3, ok: ratio >= 3 }];
}

export const formatRatio = (r: number) => `${(Math.floor(r * 100) / 100).toLocaleString('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}:1`;
