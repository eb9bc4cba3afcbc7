// Every URL the widget puts in an href goes through safeUrl: text from the API
// is never trusted as markup or as a scheme (no javascript:, data:, …).

const SCHEMES = ['http:', 'https:', 'tel:', 'mailto:', 'sms:'];

/** safeUrl returns the normalised URL when its scheme is allowed, else null. */
export function safeUrl(raw: string | null | undefined, schemes: string[] = SCHEMES): string | null {
  if (!raw) return null;
  const s = String(raw).trim();
  if (!s || /[\u0000-\u001f\u007f]/.test(s)) return null;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  return schemes.includes(u.protocol) ? u.href : null;
}

/** webUrl accepts only http(s) URLs, adding https:// to a bare host ("www.caf.fr"). */
export function webUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = String(raw).trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(s) ? s : /^[\w-]+(\.[\w-]+)+(\/|$)/.test(s) ? 'https://' + s : s;
  return safeUrl(withScheme, ['http:', 'https:']);
}

/** dialable keeps what a phone dials: digits, a leading +, * and #. Null when it is not a number. */
export function dialable(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = String(raw).trim();
  if (!/^\+?[\d\s.()*#-]{2,25}$/.test(s)) return null;
  const d = s.replace(/[^\d+*#]/g, '');
  const digits = d.replace(/\D/g, '');
  return digits.length >= 2 && digits.length <= 15 && d.lastIndexOf('+') <= 0 ? d : null;
}

export function telHref(raw: string | null | undefined): string | null {
  const d = dialable(raw);
  return d ? 'tel:' + d : null;
}

export function smsHref(raw: string | null | undefined, body?: string): string | null {
  const d = dialable(raw);
  if (!d && raw) return null;
  return 'sms:' + (d || '') + (body ? '?&body=' + encodeURIComponent(body) : '');
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$/;

export function mailHref(raw: string | null | undefined): string | null {
  const s = (raw || '').trim().replace(/^mailto:/i, '');
  return EMAIL.test(s) ? 'mailto:' + s : null;
}

/** hostOf gives "caf.fr" for "https://www.caf.fr/…", to label a website link. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return url;
  }
}

/** osmUrl links to OpenStreetMap at a point: a link the resident opens, nothing is loaded. */
export function osmUrl(lat: unknown, lon: unknown): string | null {
  if (typeof lat !== 'number' || typeof lon !== 'number' || !isFinite(lat) || !isFinite(lon)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return null;
  const a = lat.toFixed(5), o = lon.toFixed(5);
  return `https://www.openstreetmap.org/?mlat=${a}&mlon=${o}#map=18/${a}/${o}`;
}

/** clip shortens a text to n characters at a word boundary. */
export function clip(s: string | undefined, n: number): string {
  if (!s) return '';
  if (s.length <= n) return s;
  const cut = s.slice(0, n);
  const sp = cut.lastIndexOf(' ');
  return (sp > n * 0.6 ? cut.slice(0, sp) : cut) + '…';
}
