import { describe, expect, it } from 'vitest';
import { changedFields, fromContactPoint, isStale, staleBefore, toRequest, type AdminContactPoint } from '../src/features/contact-points/model';

const cp: AdminContactPoint = {
  id: 'x',
  name: 'PMI de Toulon',
  granularity: 'service',
  pivot: 'pmi',
  channels: [{ kind: 'phone', value: '04 94 00 00 00' }],
  address: { lines: ['1 rue A'], postal_code: '83000', city: 'Toulon', commune_code: '83137', latitude: 43.1, longitude: 5.9, accessibility: 'ACC' },
  coverage: { rule: 'nearest_in_departement', national: false, inferred: true },
  opening_hours: { weekly: [], indicative: false, time_zone: 'Europe/Paris' },
  verified_at: '2017-02-21',
  version: 1,
};

describe('contact point model', () => {
  it('sends only what changed in a PATCH', () => {
    const initial = fromContactPoint(cp);
    expect(changedFields(initial, initial)).toEqual({});
    expect(changedFields(initial, { ...initial, description: 'Accueil sur rendez-vous' })).toEqual({ description: 'Accueil sur rendez-vous' });
  });
  it('keeps the coordinates when the address is sent back', () => {
    const initial = fromContactPoint(cp);
    const edited = { ...initial, address: { ...initial.address, lines: '2 rue B' } };
    expect(changedFields(initial, edited).address).toMatchObject({ lines: ['2 rue B'], latitude: 43.1, longitude: 5.9, commune_code: '83137' });
  });
  it('omits an empty address and optional channel notes on creation', () => {
    const body = toRequest({ ...fromContactPoint(cp), address: { lines: '', postal_code: '', city: '', commune_code: '', accessibility: '' } }, { creating: true });
    expect(body.address).toBeUndefined();
    expect(body.channels).toEqual([{ kind: 'phone', value: '04 94 00 00 00' }]);
  });
  it('flags contact points not verified for six months', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    expect(isStale('2026-05-01', now)).toBe(true);
    expect(isStale('2026-06-28', now)).toBe(false);
    expect(isStale(undefined, now)).toBe(true);
    expect(staleBefore(now)).toBe('2026-05-27'); // what the dashboard asks the API for
    expect(isStale('2026-05-26T23:00:00Z', now)).toBe(true);
    expect(isStale('2026-05-27', now)).toBe(false);
  });
});
