import { describe, expect, it } from 'vitest';
import { answerStrings, fr } from '../src/i18n';
import { s as en } from '../src/lang/en';
import { AGENT_CONTACT, AGENT_LINE, answerText, channelsToShow } from '../src/answertext';
import type { ContactPoint } from '../src/types';

const s = answerStrings(fr);
// 2026-11-27 is a Friday; 10:00 in Paris.
const now = new Date('2026-11-27T09:00:00Z');
const caf: ContactPoint = {
  id: 'caf',
  name: 'CAF du Var',
  visibility: 'public',
  channels: [
    { kind: 'website', value: 'https://www.caf.fr/', visibility: 'public' },
    { kind: 'phone', value: '3230', cost_note: 'service gratuit + prix d’un appel', visibility: 'public' },
    { kind: 'phone', value: '04 65 71 83 00', label: 'Ligne directe partenaires', visibility: 'organisation_agents' },
    { kind: 'email', value: 'contact@caf83.example.fr' },
    { kind: 'online_procedure', value: 'https://wwwd.caf.fr/wps/portal/caffr/aidesetdemarches', label: 'Demander l’aide au logement' },
    { kind: 'address', value: '1 rue X, Toulon' },
  ],
  address: { lines: ['1 rue X'], postal_code: '83000', city: 'Toulon' },
  opening_hours: { weekly: [1, 2, 3, 4, 5].map((day) => ({ day, opens: '08:30', closes: '16:00' })), time_zone: 'Europe/Paris', exceptions: [{ date: '2026-12-01', closed: true }, { date: '2026-12-25', closed: true }] },
};
const reserved: ContactPoint = { id: 'r', name: 'Cellule partenaires', visibility: 'all_agents', channels: [{ kind: 'phone', value: '04 65 71 83 01' }] };

describe('answerText', () => {
  const base = { title: 'Aide au logement', explanation: 'La CAF verse l’aide au logement.', contactPoints: [caf, reserved], documents: ['Votre bail', 'Votre RIB'], link: 'https://www.exemple.fr/#orientation=p:var', now };

  it('writes the whole answer for the agent, the lines reserved to agents marked', () => {
    const t = answerText(s, { ...base, agent: true });
    expect(t.split('\n')).toEqual([
      'Aide au logement',
      'La CAF verse l’aide au logement.',
      '',
      'Qui contacter :',
      '',
      'CAF du Var',
      '  Appeler le 3230 (service gratuit + prix d’un appel)',
      `  Appeler le 04 65 71 83 00 — Ligne directe partenaires [${AGENT_LINE}]`,
      '  Faire la démarche en ligne : Demander l’aide au logement : https://wwwd.caf.fr/wps/portal/caffr/aidesetdemarches',
      '  Écrire à contact@caf83.example.fr',
      '  Site internet : https://www.caf.fr/',
      '  1 rue X, 83000 Toulon',
      '  Ouvert maintenant, jusqu’à 16 h',
      '  Horaires :',
      '    lundi : 8 h 30 – 16 h',
      '    mardi : 8 h 30 – 16 h',
      '    mercredi : 8 h 30 – 16 h',
      '    jeudi : 8 h 30 – 16 h',
      '    vendredi : 8 h 30 – 16 h',
      '    samedi : fermé',
      '    dimanche : fermé',
      '    Fermé le 1er décembre', // this week's exceptions only (not Christmas)
      '',
      `Cellule partenaires [${AGENT_CONTACT}]`,
      `  Appeler le 04 65 71 83 01`,
      '',
      'Documents à préparer :',
      '- Votre bail',
      '- Votre RIB',
      '',
      'https://www.exemple.fr/#orientation=p:var',
    ]);
  });

  it('never writes a line reserved to agents outside agent mode, nor marks', () => {
    const t = answerText(s, { ...base, contactPoints: [caf], agent: false });
    expect(t).not.toContain('04 65 71 83 00');
    expect(t).not.toContain(AGENT_LINE);
    expect(t).toContain('Appeler le 3230');
  });

  it('writes the SMS short: title, two contact points, their numbers, open or not, the link', () => {
    const t = answerText(s, { ...base, contactPoints: [caf, caf, caf], agent: true, short: true });
    const card = ['', 'CAF du Var', '  3230', '  https://wwwd.caf.fr/wps/portal/caffr/aidesetdemarches', '  contact@caf83.example.fr',
      '  https://www.caf.fr/', '  1 rue X, 83000 Toulon', '  Ouvert maintenant, jusqu’à 16 h'];
    expect(t.split('\n')).toEqual(['Aide au logement', ...card, ...card, '', 'https://www.exemple.fr/#orientation=p:var']);
  });

  it('speaks the widget language for its own words', () => {
    const t = answerText(answerStrings(en), { ...base, contactPoints: [caf], agent: true });
    expect(t).toContain('Documents to prepare');
    expect(t).not.toContain('Qui contacter');
    expect(t).toContain(AGENT_LINE); // the agents' mark stays French
  });
});

describe('channelsToShow', () => {
  it('orders channels as a resident uses them; one of each kind for residents', () => {
    expect(channelsToShow(caf, false).map((c) => c.kind)).toEqual(['phone', 'online_procedure', 'email', 'website', 'address']);
    expect(channelsToShow(caf, true).map((c) => c.value)).toContain('04 65 71 83 00');
  });
  it('drops a line reserved to agents for residents even when it is the only phone', () => {
    const only: ContactPoint = { id: 'x', name: 'x', channels: [{ kind: 'phone', value: '01', visibility: 'all_agents' }, { kind: 'phone', value: '02' }] };
    expect(channelsToShow(only, false).map((c) => c.value)).toEqual(['02']);
  });
});
