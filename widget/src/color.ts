// WCAG 2.x contrast, and the adjustment that keeps a partner's colour
// readable: text and buttons in the primary colour must reach 4.5:1.

export type RGB = [number, number, number];

/** parseColor reads #rgb, #rrggbb and rgb()/rgba() (as getComputedStyle gives it). */
export function parseColor(s: string | null | undefined): RGB | null {
  if (!s) return null;
  const t = s.trim().toLowerCase();
  let m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(t);
  if (m) {
    let h = m[1];
    if (h.length === 3) h = h.replace(/./g, '$&$&');
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as RGB;
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*(?:[,/]\s*([\d.]+%?)\s*)?\)$/.exec(t);
  if (m) {
    if (m[4] !== undefined && parseFloat(m[4]) === 0) return null; // transparent
    return [m[1], m[2], m[3]].map((x) => Math.max(0, Math.min(255, Math.round(+x)))) as RGB;
  }
  return null;
}

export function toHex(c: RGB): string {
  return '#' + c.map((x) => x.toString(16).padStart(2, '0')).join('');
}

export function luminance([r, g, b]: RGB): number {
  const f = (v: number) => {
    const x = v / 255;
    return x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

export function contrast(a: RGB, b: RGB): number {
  const la = luminance(a), lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function mix(c: RGB, to: RGB, t: number): RGB {
  return c.map((x, i) => Math.round(x + (to[i] - x) * t)) as RGB;
}

/**
 * ensureContrast darkens (on a light background) or lightens (on a dark one)
 * a colour until it reaches `ratio` against the background; the hue is kept.
 */
export function ensureContrast(c: RGB, bg: RGB, ratio = 4.5): RGB {
  if (contrast(c, bg) >= ratio) return c;
  const to: RGB = luminance(bg) > 0.18 ? [0, 0, 0] : [255, 255, 255];
  for (let t = 0.05; t < 1; t += 0.05) {
    const m = mix(c, to, t);
    if (contrast(m, bg) >= ratio) return m;
  }
  return to;
}

/** onColor picks black or white text, whichever reads better on c. */
export function onColor(c: RGB): RGB {
  return contrast(c, [255, 255, 255]) >= contrast(c, [0, 0, 0]) ? [255, 255, 255] : [0, 0, 0];
}
