import { describe, expect, it } from 'vitest';
import { changedFields, emptyForm, fromContactPoint, reservedToAgents, toRequest, type AdminContactPoint } from '../src/features/contact-points/model';

const cp: AdminContactPoint = {
  id: 'x',
  name: 'Caf du Var',
  visibility: 'public',
  channels: [
    { kind: 'phone', value: '3230', visibility: 'public' },
    { kind: 'phone', value: '04 65 71 83 00', label: 'Ligne directe partenaires', visibility: 'organisation_agents' },
  ],
  coverage: { rule: 'explicit', national: false, inferred: false, departements: ['83'] },
  opening_hours: { weekly: [], indicative: false, time_zone: 'Europe/Paris' },
  version: 3,
};

describe('contact point visibility', () => {
  it('is public by default, for the contact point and its channels', () => {
    const f = emptyForm();
    expect(f.visibility).toBe('public');
    const body = toRequest({ ...f, name: 'Accueil', channels: [{ kind: 'phone', value: '3230' }] }, { creating: true });
    expect(body.visibility).toBe('public');
    expect(body.channels?.[0].visibility).toBeUndefined();
  });
  it('keeps each visibility through the form', () => {
    const f = fromContactPoint(cp);
    expect(f.visibility).toBe('public');
    expect(toRequest(f, { creating: false }).channels?.map((c) => c.visibility)).toEqual([undefined, 'organisation_agents']);
    // An API without the field (older server): public.
    const { visibility: _omitted, ...old } = cp;
    expect(fromContactPoint({ ...old, channels: [{ kind: 'phone', value: '3230' }] }).visibility).toBe('public');
  });
  it('sends a changed visibility, and only what changed', () => {
    const initial = fromContactPoint(cp);
    expect(changedFields(initial, { ...initial, visibility: 'all_agents' })).toEqual({ visibility: 'all_agents' });
    const channels = initial.channels.map((c, i) => (i === 1 ? { ...c, visibility: 'all_agents' as const } : c));
    const patch = changedFields(initial, { ...initial, channels });
    expect(Object.keys(patch)).toEqual(['channels']);
    expect(patch.channels?.[1]).toMatchObject({ value: '04 65 71 83 00', visibility: 'all_agents', label: 'Ligne directe partenaires' });
  });
  it('tells the list what is reserved to agents', () => {
    expect(reservedToAgents(cp)).toBe('channels');
    expect(reservedToAgents({ ...cp, visibility: 'all_agents' })).toBe('contact_point');
    expect(reservedToAgents({ visibility: 'public', channels: [{ kind: 'phone', value: '3230' }] })).toBeNull();
    expect(reservedToAgents({ channels: [] })).toBeNull();
  });
});
