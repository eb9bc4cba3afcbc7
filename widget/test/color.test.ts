import { describe, expect, it } from 'vitest';
import { contrast, ensureContrast, onColor, parseColor, toHex } from '../src/color';

const white: [number, number, number] = [255, 255, 255];

describe('contrast', () => {
  it('matches the WCAG reference values', () => {
    expect(contrast([0, 0, 0], white)).toBeCloseTo(21, 5);
    expect(contrast(white, white)).toBe(1);
    expect(contrast(parseColor('#767676')!, white)).toBeCloseTo(4.54, 2);
  });
  it('parses hex and computed rgb()', () => {
    expect(parseColor('#1F4E79')).toEqual([31, 78, 121]);
    expect(parseColor('#abc')).toEqual([170, 187, 204]);
    expect(parseColor('rgb(10, 20, 30)')).toEqual([10, 20, 30]);
    expect(parseColor('rgba(10, 20, 30, 0)')).toBeNull();
    expect(parseColor('red')).toBeNull();
    expect(parseColor('')).toBeNull();
  });
});

describe('ensureContrast', () => {
  it('keeps a colour that is dark enough', () => {
    const c = parseColor('#1F4E79')!;
    expect(ensureContrast(c, white)).toEqual(c);
  });
  it('darkens a too-light partner colour to reach 4.5:1', () => {
    for (const hex of ['#F2C14E', '#ffff00', '#8ecae6', '#ffffff']) {
      const out = ensureContrast(parseColor(hex)!, white);
      expect(contrast(out, white)).toBeGreaterThanOrEqual(4.5);
    }
    expect(toHex(ensureContrast(parseColor('#F2C14E')!, white))).not.toBe('#f2c14e');
  });
  it('lightens on a dark background', () => {
    const bg: [number, number, number] = [20, 20, 20];
    expect(contrast(ensureContrast(parseColor('#1d4e89')!, bg), bg)).toBeGreaterThanOrEqual(4.5);
  });
  it('picks readable text on a button', () => {
    expect(onColor(parseColor('#1d4e89')!)).toEqual(white);
    expect(onColor(parseColor('#ffe600')!)).toEqual([0, 0, 0]);
  });
});
