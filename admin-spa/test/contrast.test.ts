import { describe, expect, it } from 'vitest';
import { contrast, ensureContrast, parseHex, primaryChecks, secondaryChecks, toHex, WHITE } from '../src/features/branding/contrast';

describe('contrast (RGAA 3.2 / 3.3)', () => {
  it('computes WCAG ratios', () => {
    expect(contrast([0, 0, 0], WHITE)).toBeCloseTo(21, 5);
    expect(contrast(parseHex('#000091')!, WHITE)).toBeCloseTo(14.91, 2); // bleu France
    expect(contrast(parseHex('#767676')!, WHITE)).toBeCloseTo(4.54, 2);
  });
  it('rejects malformed colours', () => {
    expect(parseHex('#12345')).toBeNull();
    expect(parseHex('red')).toBeNull();
    expect(toHex(parseHex('#1D4E89')!)).toBe('#1d4e89');
  });
  it('flags a light main colour and gives the colour the widget will use instead', () => {
    const yellow = parseHex('#ffd200')!;
    const checks = primaryChecks(yellow);
    expect(checks[0].ok).toBe(false);
    expect(checks[2].ok).toBe(true); // black text on yellow buttons
    const used = ensureContrast(yellow, WHITE);
    expect(contrast(used, WHITE)).toBeGreaterThanOrEqual(4.5);
  });
  it('accepts a dark main colour', () => {
    expect(primaryChecks(parseHex('#1d4e89')!).every((c) => c.ok)).toBe(true);
    expect(secondaryChecks(parseHex('#dddddd')!)[0].ok).toBe(false);
  });
});
