import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { useApi, useAuth } from '../../auth/AuthContext';
import { unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import type { Api } from '../../api/client';

export type JourneyDraft = components['schemas']['JourneyDraft'];
export type Pivot = components['schemas']['Pivot'];

export function useJourneys(org: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['journeys', org],
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/journeys', { params: { path: { org } } })).journeys ?? [],
  });
}

/** The query of a journey's draft and its version (the ETag, sent back in If-Match). */
export function journeyDraftQuery(api: Api, org: string, slug: string) {
  return {
    queryKey: ['journey', org, slug],
    queryFn: async () => {
      const r = await api.client.GET('/api/v1/admin/organisations/{org}/journeys/{journey}', { params: { path: { org, journey: slug } } });
      const d = unwrap(r);
      return { draft: d, etag: r.response.headers.get('ETag') ?? `"${d.draft_version}"` };
    },
  };
}

/** A journey's draft and its version (the ETag, sent back in If-Match). */
export function useJourneyDraft(org: string, slug: string) {
  const api = useApi();
  return useQuery(journeyDraftQuery(api, org, slug));
}

export function useVersions(org: string, slug: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['journey-versions', org, slug],
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/journeys/{journey}/versions', { params: { path: { org, journey: slug } } })),
  });
}

export function useDiff(org: string, slug: string, draftVersion: number | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['journey-diff', org, slug, draftVersion],
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/journeys/{journey}/diff', { params: { path: { org, journey: slug } } })),
  });
}

/** The reviewed kinds of office an outcome can resolve from the commune. */
export function usePivots() {
  const api = useApi();
  return useQuery({
    queryKey: ['pivots'],
    staleTime: Infinity,
    queryFn: async () => unwrap(await api.client.GET('/api/v1/public/pivots')).pivots ?? [],
  });
}

export type ContactChoice = { id: string; name: string; detail: string; agentOnly?: boolean };

/**
 * Contact points an outcome can name: the organisation's own (by name) and,
 * through the public search, the national ones (helplines…).
 */
export function useContactSearch(org: string, q: string) {
  const api = useApi();
  const term = q.trim();
  return useQuery({
    queryKey: ['contact-choices', org, term],
    enabled: term.length >= 2,
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<ContactChoice[]> => {
      const [own, found] = await Promise.all([
        api.client.GET('/api/v1/admin/organisations/{org}/contact-points', { params: { path: { org }, query: { q: term, limit: 10 } } }),
        api.client.GET('/api/v1/public/search', { params: { query: { q: term, partner: org, limit: 10 } } }),
      ]);
      const out: ContactChoice[] = [];
      for (const cp of unwrap(own).contact_points ?? []) {
        const agentOnly = !!cp.visibility && cp.visibility !== 'public';
        out.push({ id: cp.id!, name: cp.name ?? '', detail: agentOnly ? 'votre organisation, réservé aux agents' : 'votre organisation', agentOnly });
      }
      if (found.response.ok) {
        for (const r of found.data?.results ?? []) {
          if (r.kind !== 'contact_point' || !r.ref || out.some((c) => c.id === r.ref)) continue;
          out.push({ id: r.ref, name: r.title ?? '', detail: r.organisation === org ? 'votre organisation' : 'national' });
        }
      }
      return out;
    },
  });
}

/**
 * What the admin app knows of a chosen contact point: its name, or why it
 * has none. A contact point withdrawn by its source (the national annuaire,
 * France services) answers 410 to the public read, without its name; the
 * organisation's admin read only knows the organisation's own contact points,
 * so its name stays unknown (except to platform admins, who can read the
 * national commons).
 */
export type ContactName = { name?: string; withdrawn?: boolean; missing?: boolean; agentOnly?: boolean };

/** The national commons, whose contact points platform admins can read. */
export const COMMONS = 'communs-nationaux';

/**
 * Names of contact points already chosen: the public read (any public
 * contact point), else the organisation's own read, which also knows its
 * contact points reserved to agents (the public read answers 404 for them).
 */
export function useContactNames(ids: string[], org: string) {
  const { api, me } = useAuth();
  const platform = !!me?.platform_admin;
  return useQuery({
    queryKey: ['contact-names', [...ids].sort(), platform, org],
    enabled: ids.length > 0,
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const names: Record<string, ContactName> = {};
      await Promise.all(
        ids.map(async (id) => {
          const r = await api.client.GET('/api/v1/public/contact-points/{id}', { params: { path: { id } } });
          if (r.response.ok) {
            names[id] = { name: r.data?.name || undefined };
            return;
          }
          if (r.response.status !== 410) {
            const own = await api.client.GET('/api/v1/admin/organisations/{org}/contact-points/{id}', { params: { path: { org, id } } });
            names[id] = own.response.ok && own.data ? { name: own.data.name || undefined, agentOnly: !!own.data.visibility && own.data.visibility !== 'public' } : { missing: true };
            return;
          }
          const withdrawn: ContactName = { withdrawn: true };
          if (platform) {
            const own = await api.client.GET('/api/v1/admin/organisations/{org}/contact-points/{id}', { params: { path: { org: COMMONS, id } } });
            if (own.response.ok) withdrawn.name = own.data?.name || undefined;
          }
          names[id] = withdrawn;
        }),
      );
      return names;
    },
  });
}
