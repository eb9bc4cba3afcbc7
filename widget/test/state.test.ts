import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, fragmentIsOurs } from '../src/state';

describe('fragment state', () => {
  it('round-trips a journey path', () => {
    const st = { p: 'var', e: 'logement', c: '83137', s: ['besoin', 'ou', 'loyer', 'caf-aide-logement'] };
    const enc = encodeState(st);
    expect(enc).toBe('orientation=p:var;e:logement;c:83137;s:besoin,ou,loyer,caf-aide-logement');
    expect(decodeState('#' + enc)).toEqual(st);
  });
  it('round-trips an outcome id and a theme, Corsican communes included', () => {
    const o = { p: 'var', c: '2A004', o: '83752042-d92d-5516-92d0-8f0af666198f' };
    expect(decodeState('#' + encodeState(o))).toEqual(o);
    expect(decodeState('#' + encodeState({ p: 'lille', t: 'etat-civil' }))).toEqual({ p: 'lille', t: 'etat-civil' });
  });
  it('survives percent-encoding by browsers or mail clients', () => {
    expect(decodeState('#orientation=p%3Avar%3Bs%3Abesoin')).toEqual({ p: 'var', s: ['besoin'] });
  });
  it('rejects anything that is not an identifier', () => {
    for (const bad of [
      '#orientation=p:var;s:<img src=x>',
      '#orientation=p:var;c:javascript:alert(1)',
      '#orientation=p:var;x:1',
      '#orientation=e:logement',
      '#orientation=p:var;c:8313',
      '#orientation=p:%E0%A4%A',
      '#other',
      '',
    ]) expect(decodeState(bad)).toBeNull();
  });
  it('writes the fragment only when it is free or already ours', () => {
    expect(fragmentIsOurs('')).toBe(true);
    expect(fragmentIsOurs('#orientation=p:var')).toBe(true);
    expect(fragmentIsOurs('#/route/of/the/host')).toBe(false);
  });
});
