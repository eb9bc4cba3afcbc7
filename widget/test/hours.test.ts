import { describe, expect, it } from 'vitest';
import { answerStrings, fr } from '../src/i18n';
import { describe as say, fmtTime, localTime, orderByReachability, status, upcomingExceptions, weekLines } from '../src/hours';
import type { ContactPoint, OpeningHours } from '../src/types';

const s = answerStrings(fr);
const weekdays = (opens: string, closes: string) => [1, 2, 3, 4, 5].map((day) => ({ day, opens, closes }));
const office: OpeningHours = {
  weekly: [...weekdays('08:30', '12:00'), ...weekdays('14:00', '17:30')],
  time_zone: 'Europe/Paris',
};
const always: OpeningHours = { weekly: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, opens: '00:00', closes: '24:00' })), indicative: true };
// 2026-11-27 is a Friday. Paris is UTC+1 in winter, UTC+2 in summer.
const at = (iso: string) => new Date(iso);

describe('localTime', () => {
  it('reads the wall clock in Paris whatever the device zone', () => {
    expect(localTime(at('2026-11-27T09:15:00Z'))).toEqual({ date: '2026-11-27', dow: 5, min: 10 * 60 + 15 });
    expect(localTime(at('2026-07-01T22:30:00Z'))).toEqual({ date: '2026-07-02', dow: 4, min: 30 }); // UTC+2
  });
});

describe('status', () => {
  it('is open inside a slot, until its end', () => {
    const st = status(office, at('2026-11-27T08:00:00Z'))!; // 9:00 Paris
    expect(st).toEqual({ open: true, until: 12 * 60 });
    expect(say(st, s)).toBe('Ouvert maintenant, jusqu’à 12 h');
  });
  it('at lunch, opens again today', () => {
    const st = status(office, at('2026-11-27T11:30:00Z'))!; // 12:30
    expect(say(st, s)).toBe('Fermé en ce moment, ouvre aujourd’hui à 14 h');
  });
  it('on Friday evening, opens on Monday', () => {
    const st = status(office, at('2026-11-27T18:00:00Z'))!; // 19:00 Friday
    expect(st.next).toMatchObject({ days: 3, dow: 1, min: 510 });
    expect(say(st, s)).toBe('Fermé en ce moment, ouvre lundi à 8 h 30');
  });
  it('on a weekday evening, opens tomorrow', () => {
    expect(say(status(office, at('2026-11-26T19:00:00Z'))!, s)).toBe('Fermé en ce moment, ouvre demain à 8 h 30');
  });
  it('the closing minute is closed', () => {
    expect(status(office, at('2026-11-27T16:30:00Z'))!.open).toBe(false); // 17:30
  });
  it('24/7 lines are always open', () => {
    const st = status(always, at('2026-11-29T03:00:00Z'))!;
    expect(st).toEqual({ open: true, always: true });
    expect(say(st, s)).toBe('Ouvert 24 h/24, 7 j/7');
  });
  it('an exception closes a weekday (public holiday) and says so', () => {
    const h: OpeningHours = { ...office, exceptions: [{ date: '2026-12-25', closed: true, note: 'Noël' }] };
    const st = status(h, at('2026-12-24T18:00:00Z'))!; // Thursday evening
    expect(say(st, s)).toBe('Fermé en ce moment, ouvre lundi à 8 h 30');
    expect(upcomingExceptions(h, at('2026-12-20T10:00:00Z'), s)).toEqual(['Fermé le 25 décembre (Noël)']);
  });
  it('an exception can open a closed day', () => {
    const h: OpeningHours = { ...office, exceptions: [{ date: '2026-11-28', slots: [{ opens: '09:00', closes: '12:00' }] }] };
    expect(status(h, at('2026-11-28T09:00:00Z'))).toEqual({ open: true, until: 720 }); // Saturday 10:00
  });
  it('a slot running to midnight continues into the next day', () => {
    const h: OpeningHours = { weekly: [{ day: 5, opens: '20:00', closes: '24:00' }, { day: 6, opens: '00:00', closes: '02:00' }] };
    const st = status(h, at('2026-11-27T21:00:00Z'))!; // Friday 22:00
    expect(st).toEqual({ open: true, until: 1440 + 120 });
    expect(say(st, s)).toBe('Ouvert maintenant, jusqu’à 2 h');
  });
  it('says nothing without a plan, and ignores malformed slots', () => {
    expect(status(undefined, new Date())).toBeNull();
    expect(status({ weekly: [] }, new Date())).toBeNull();
    expect(status({ weekly: [{ day: 5, opens: 'nine', closes: '25:99' }] }, at('2026-11-27T10:00:00Z'))).toEqual({ open: false });
  });
  it('summer time: 8:30 Paris is 6:30 UTC', () => {
    expect(status(office, at('2026-07-01T06:29:00Z'))!.open).toBe(false);
    expect(status(office, at('2026-07-01T06:30:00Z'))!.open).toBe(true);
  });
});

describe('formatting', () => {
  it('writes French times', () => {
    expect(fmtTime(510, s)).toBe('8 h 30');
    expect(fmtTime(540, s)).toBe('9 h');
    expect(fmtTime(1440, s)).toBe('minuit');
  });
  it('lists the week', () => {
    const l = weekLines(office, s);
    expect(l[0]).toBe('lundi : 8 h 30 – 12 h, 14 h – 17 h 30');
    expect(l[6]).toBe('dimanche : fermé');
    expect(weekLines(always, s)[3]).toBe('jeudi : 24 h/24');
  });
});

describe('orderByReachability', () => {
  const cp = (id: string, oh?: OpeningHours, kinds: string[] = ['phone']): ContactPoint => ({ id, name: id, opening_hours: oh, channels: kinds.map((kind) => ({ kind, value: 'x' })) });
  it('keeps the API order while everything is open', () => {
    const list = [cp('a', office), cp('b', always)];
    expect(orderByReachability(list, at('2026-11-27T09:00:00Z'))).toEqual({ list, closed: 'none' });
  });
  it('puts what is reachable now first outside opening hours', () => {
    const list = [cp('office', office), cp('online', office, ['online_procedure']), cp('line', always), cp('unknown')];
    const r = orderByReachability(list, at('2026-11-28T20:00:00Z'));
    expect(r.list.map((c) => c.id)).toEqual(['online', 'line', 'office', 'unknown']);
    expect(r.closed).toBe('some');
    expect(orderByReachability([cp('office', office)], at('2026-11-28T20:00:00Z')).closed).toBe('all');
  });
});
