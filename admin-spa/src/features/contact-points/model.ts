import type { components } from '../../api/schema';
import { targetLanguages } from '../../i18n/languages';

export type AdminContactPoint = components['schemas']['AdminContactPoint'];
export type ContactPointRequest = components['schemas']['ContactPointRequest'];
export type Channel = components['schemas']['Channel'];
export type OpeningSlot = components['schemas']['OpeningSlot'];
export type OpeningException = components['schemas']['OpeningException'];
export type ChannelKind = NonNullable<Channel['kind']>;
export type Granularity = NonNullable<ContactPointRequest['granularity']>;
/** Who sees a contact point or a channel: everyone, or agents only (the widget's agent mode). */
export type Visibility = NonNullable<ContactPointRequest['visibility']>;
export const visibilities: Visibility[] = ['public', 'organisation_agents', 'all_agents'];

/** What the form edits: the request's fields, with lists never absent. */
export interface FormState {
  name: string;
  description: string;
  /** The description's translations by language code ('' when there is none). */
  translations: Record<string, string>;
  granularity: Granularity;
  visibility: Visibility;
  pivot: string;
  themes: string[];
  channels: Channel[];
  address: { lines: string; postal_code: string; city: string; commune_code: string; accessibility: '' | 'ACC' | 'DEM' | 'NAC'; latitude?: number; longitude?: number };
  opening_hours: { weekly: OpeningSlot[]; exceptions: OpeningException[]; note: string; indicative: boolean };
  coverage: { national: boolean; departements: string[]; communes: string[]; regions: string[]; rule: 'explicit' | 'nearest_in_departement' };
}

export const emptyForm = (): FormState => ({
  name: '',
  description: '',
  translations: {},
  granularity: 'service',
  visibility: 'public',
  pivot: '',
  themes: [],
  channels: [{ kind: 'phone', value: '' }],
  address: { lines: '', postal_code: '', city: '', commune_code: '', accessibility: '' },
  opening_hours: { weekly: [], exceptions: [], note: '', indicative: false },
  coverage: { national: false, departements: [], communes: [], regions: [], rule: 'explicit' },
});

export function fromContactPoint(cp: AdminContactPoint): FormState {
  const a = cp.address;
  const h = cp.opening_hours;
  const c = cp.coverage;
  return {
    name: cp.name ?? '',
    description: cp.description ?? '',
    translations: Object.fromEntries(Object.entries(cp.translations ?? {}).map(([l, t]) => [l, t?.description ?? ''])),
    granularity: cp.granularity ?? 'service',
    visibility: cp.visibility ?? 'public',
    pivot: cp.pivot ?? '',
    themes: cp.themes ?? [],
    channels: (cp.channels ?? []).map((ch) => ({ ...ch })),
    address: {
      lines: (a?.lines ?? []).join('\n'),
      postal_code: a?.postal_code ?? '',
      city: a?.city ?? '',
      commune_code: a?.commune_code ?? '',
      accessibility: a?.accessibility ?? '',
      // Not edited here, but sent back with the address so that it is not lost.
      latitude: a?.latitude,
      longitude: a?.longitude,
    },
    opening_hours: { weekly: h?.weekly ?? [], exceptions: h?.exceptions ?? [], note: h?.note ?? '', indicative: h?.indicative ?? false },
    coverage: {
      national: c?.national ?? false,
      departements: c?.departements ?? [],
      communes: c?.communes ?? [],
      regions: c?.regions ?? [],
      rule: c?.rule ?? 'explicit',
    },
  };
}

const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());

/** The request body: every editable field (a PATCH replaces them all). */
export function toRequest(f: FormState, { creating }: { creating: boolean }): ContactPointRequest {
  const a = f.address;
  const hasAddress = [a.lines, a.postal_code, a.city, a.commune_code].some((v) => v.trim() !== '');
  return {
    name: f.name.trim(),
    description: f.description.trim(),
    translations: translationsRequest(f.translations),
    granularity: f.granularity,
    visibility: f.visibility,
    pivot: creating ? opt(f.pivot) : f.pivot.trim(),
    themes: f.themes,
    channels: f.channels.map((c) => ({
      kind: c.kind,
      value: (c.value ?? '').trim(),
      label: opt(c.label ?? ''),
      cost_note: opt(c.cost_note ?? ''),
      accessibility_note: opt(c.accessibility_note ?? ''),
      // Absent is public (a channel reserved to agents says so).
      visibility: c.visibility && c.visibility !== 'public' ? c.visibility : undefined,
    })),
    address: hasAddress
      ? {
          lines: a.lines.split('\n').map((l) => l.trim()).filter(Boolean),
          postal_code: opt(a.postal_code),
          city: opt(a.city),
          commune_code: opt(a.commune_code),
          accessibility: a.accessibility || undefined,
          latitude: a.latitude,
          longitude: a.longitude,
        }
      : undefined,
    opening_hours: {
      weekly: f.opening_hours.weekly,
      exceptions: f.opening_hours.exceptions,
      note: opt(f.opening_hours.note),
      indicative: f.opening_hours.indicative,
    },
    coverage: { ...f.coverage },
  };
}

/**
 * The translations as the API takes them: the non-empty ones, shipped
 * languages first in their usual order (a stable order, so that an unchanged
 * form compares equal), then any other the API returned.
 */
function translationsRequest(ts: Record<string, string>): NonNullable<ContactPointRequest['translations']> {
  const order = [...targetLanguages.map((l) => l.code), ...Object.keys(ts).filter((l) => !targetLanguages.some((t) => t.code === l)).sort()];
  const out: NonNullable<ContactPointRequest['translations']> = {};
  for (const l of order) {
    const d = (ts[l] ?? '').trim();
    if (d) out[l] = { description: d };
  }
  return out;
}

/**
 * What a contact point reserves to agents, for the list's badge: the whole
 * contact point, some of its channels, or nothing.
 */
export function reservedToAgents(cp: Pick<AdminContactPoint, 'visibility' | 'channels'>): 'contact_point' | 'channels' | null {
  if ((cp.visibility ?? 'public') !== 'public') return 'contact_point';
  return (cp.channels ?? []).some((c) => (c.visibility ?? 'public') !== 'public') ? 'channels' : null;
}

/** Older than six months: to be checked again at its source. */
/** The date (YYYY-MM-DD) before which a verification is stale: six months ago. */
export function staleBefore(now = new Date()): string {
  const limit = new Date(now);
  limit.setMonth(limit.getMonth() - 6);
  return limit.toISOString().slice(0, 10);
}

export function isStale(verifiedAt: string | undefined, now = new Date()): boolean {
  if (!verifiedAt) return true;
  return new Date(verifiedAt.length === 10 ? verifiedAt + 'T00:00:00Z' : verifiedAt) < new Date(staleBefore(now) + 'T00:00:00Z');
}

/**
 * The PATCH body: only the fields the référent changed. Absent fields are left
 * unchanged by the API, so an edit of the name never rewrites, say, coverage
 * flags or coordinates the form does not show.
 */
export function changedFields(initial: FormState, current: FormState): ContactPointRequest {
  const before = toRequest(initial, { creating: false }) as Record<string, unknown>;
  const after = toRequest(current, { creating: false }) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(after)) if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = after[k];
  return out as ContactPointRequest;
}
