// Opening hours: is it open now, and when does it open next, computed in the
// time zone of the plan (Europe/Paris) whatever the device's own zone.
// Weekly slots: day 1 = Monday … 7 = Sunday, "HH:MM", "24:00" allowed as a
// closing time. Exceptions (dated) replace the weekly plan for their day.

import type { ContactPoint, OpeningHours, Slot } from './types';
import type { AnswerStrings as Strings } from './i18n';

export interface LocalTime {
  date: string; // YYYY-MM-DD
  dow: number; // 1 = Monday … 7 = Sunday
  min: number; // minutes since midnight
}

export interface HoursStatus {
  open: boolean;
  always?: boolean; // 24/7
  until?: number; // minutes, when open (1440 = midnight)
  next?: { days: number; date: string; dow: number; min: number }; // when closed
}

const fmtCache: Record<string, Intl.DateTimeFormat> = {};

/** localTime gives the wall-clock date and time of `now` in time zone tz. */
export function localTime(now: Date, tz = 'Europe/Paris'): LocalTime {
  let f = fmtCache[tz];
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
      });
    } catch {
      f = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    }
    fmtCache[tz] = f;
  }
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(now)) p[x.type] = x.value;
  const date = `${p.year}-${p.month}-${p.day}`;
  return { date, dow: dowOf(date), min: (+p.hour % 24) * 60 + +p.minute };
}

function dowOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const js = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  return js === 0 ? 7 : js;
}

function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** minutes parses "08:30" → 510; "24:00" → 1440; NaN when malformed. */
export function minutes(hhmm: string | undefined): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec((hhmm || '').trim());
  if (!m) return NaN;
  const v = +m[1] * 60 + +m[2];
  return +m[2] < 60 && v <= 1440 ? v : NaN;
}

interface Range { o: number; c: number }

/** slotsOn lists the opening ranges of a date, exceptions first. */
export function slotsOn(h: OpeningHours, date: string, dow: number): Range[] {
  const ex = (h.exceptions || []).find((e) => e.date === date);
  const src: Slot[] = ex ? (ex.closed ? [] : ex.slots || []) : (h.weekly || []).filter((s) => s.day === dow);
  return src
    .map((s) => ({ o: minutes(s.opens), c: minutes(s.closes) }))
    .filter((r) => r.o < r.c) // drops NaN and empty ranges
    .sort((a, b) => a.o - b.o);
}

/** hasPlan tells whether anything can be said about the hours. */
export function hasPlan(h: OpeningHours | undefined): boolean {
  return !!h && !!((h.weekly && h.weekly.length) || (h.exceptions && h.exceptions.length));
}

/** isAlways is true for a plan open every day from 00:00 to 24:00. */
export function isAlways(h: OpeningHours): boolean {
  for (let d = 1; d <= 7; d++) {
    const r = (h.weekly || []).filter((s) => s.day === d).map((s) => ({ o: minutes(s.opens), c: minutes(s.closes) }));
    if (!r.some((x) => x.o === 0 && x.c === 1440)) return false;
  }
  return true;
}

/** status tells whether the place is open at `now`, until when, or when it opens next (within 14 days). */
export function status(h: OpeningHours | undefined, now: Date): HoursStatus | null {
  if (!h || !hasPlan(h)) return null;
  const t = localTime(now, h.time_zone || 'Europe/Paris');
  const always = isAlways(h) && !(h.exceptions || []).some((e) => e.date >= t.date);
  if (always) return { open: true, always: true };
  const today = slotsOn(h, t.date, t.dow);
  const cur = today.find((r) => r.o <= t.min && t.min < r.c);
  if (cur) {
    // Follow a range running to midnight into the next day's 00:00 range.
    let until = cur.c;
    if (until === 1440) {
      const nd = addDays(t.date, 1);
      const n = slotsOn(h, nd, (t.dow % 7) + 1).find((r) => r.o === 0);
      if (n) until = 1440 + n.c;
    }
    return { open: true, until };
  }
  for (let i = 0; i < 15; i++) {
    const date = addDays(t.date, i);
    const dow = ((t.dow - 1 + i) % 7) + 1;
    const r = slotsOn(h, date, dow).find((x) => i > 0 || x.o > t.min);
    if (r) return { open: false, next: { days: i, date, dow, min: r.o } };
  }
  return { open: false };
}

/** fmtTime writes 510 → "8 h 30", 540 → "9 h", 1440 → "minuit" (in French; s.time and s.midnight of each language). */
export function fmtTime(min: number, s: Strings): string {
  if (min >= 1440) {
    if (min === 1440) return s.midnight;
    min -= 1440;
  }
  const h = Math.floor(min / 60), m = min % 60;
  return s.time(h, String(m).padStart(2, '0'));
}

export function fmtDate(date: string, s: Strings): string {
  const [, m, d] = date.split('-').map(Number);
  return s.dayMonth(d, s.months[m - 1]);
}

/** describe gives the one-line status: "Ouvert maintenant, jusqu'à 16 h", "Fermé en ce moment, ouvre demain à 9 h". */
export function describe(st: HoursStatus, s: Strings): string {
  if (st.open) return st.always ? s.open247 : st.until !== undefined && st.until < 2880 ? s.openUntil(fmtTime(st.until, s)) : s.openNow;
  if (!st.next) return s.closed;
  const t = fmtTime(st.next.min, s);
  const when = st.next.days === 0 ? s.today(t) : st.next.days === 1 ? s.tomorrow(t) : st.next.days < 7 ? s.onDay(s.days[st.next.dow - 1], t) : s.onDate(fmtDate(st.next.date, s), t);
  return s.closedOpens(when);
}

/** weekLines gives one line per day: ["lundi : 8 h 30 – 12 h, 14 h – 17 h 30", …]. */
export function weekLines(h: OpeningHours, s: Strings): string[] {
  const out: string[] = [];
  for (let d = 1; d <= 7; d++) {
    const r = (h.weekly || [])
      .filter((x) => x.day === d)
      .map((x) => ({ o: minutes(x.opens), c: minutes(x.closes) }))
      .filter((x) => x.o < x.c)
      .sort((a, b) => a.o - b.o);
    const txt = r.length === 1 && r[0].o === 0 && r[0].c === 1440 ? s.allDay : r.map((x) => `${fmtTime(x.o, s)} – ${fmtTime(x.c, s)}`).join(', ');
    out.push(s.days[d - 1] + s.colon + (txt || s.closedDay));
  }
  return out;
}

/** upcomingExceptions lists the dated changes of the next `days` days, in words. */
export function upcomingExceptions(h: OpeningHours, now: Date, s: Strings, days = 14): string[] {
  const t = localTime(now, h.time_zone || 'Europe/Paris');
  const end = addDays(t.date, days);
  return (h.exceptions || [])
    .filter((e) => e.date >= t.date && e.date <= end)
    .sort((a, b) => (a.date < b.date ? -1 : 1))
    .map((e) => {
      const base = e.closed || !(e.slots && e.slots.length)
        ? s.closedOn(fmtDate(e.date, s))
        : `${fmtDate(e.date, s)}${s.colon}${slotsOn(h, e.date, 0).map((r) => `${fmtTime(r.o, s)} – ${fmtTime(r.c, s)}`).join(', ')}`;
      return e.note ? `${base} (${e.note})` : base;
    });
}

const ONLINE = ['online_procedure', 'website', 'contact_form'];

/** reachableNow: open now by its hours, or reachable online whatever the time. */
export function reachableNow(cp: ContactPoint, now: Date): boolean {
  const st = status(cp.opening_hours, now);
  return (st !== null && st.open) || (cp.channels || []).some((c) => ONLINE.includes(c.kind));
}

/**
 * orderByReachability keeps the API's order (relevance, coverage precedence)
 * unless some place is closed now: then what can be reached now comes first.
 */
export function orderByReachability(cps: ContactPoint[], now: Date): { list: ContactPoint[]; closed: 'none' | 'some' | 'all' } {
  const known = cps.filter((c) => hasPlan(c.opening_hours));
  const closedNow = known.filter((c) => !status(c.opening_hours, now)!.open);
  if (!closedNow.length) return { list: cps, closed: 'none' };
  const first = cps.filter((c) => reachableNow(c, now));
  const later = cps.filter((c) => !reachableNow(c, now));
  return { list: [...first, ...later], closed: closedNow.length === known.length ? 'all' : 'some' };
}
