import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useApi } from '../auth/AuthContext';
import { unwrap } from './problem';
import type { components } from './schema';

export type AdminOrganisation = components['schemas']['AdminOrganisation'];

/** What the organisation query holds: the organisation and its version (the ETag, sent back in If-Match). */
export type LoadedOrganisation = { org: AdminOrganisation; etag: string };

export const organisationKey = (org: string) => ['organisation', org] as const;

/**
 * The organisation (its branding and entry points inside) and its version: one
 * cache entry shared by « Apparence », the entry points, the organisation's
 * details and the journey history.
 */
export function useOrganisation(org: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: organisationKey(org),
    enabled,
    queryFn: async (): Promise<LoadedOrganisation> => {
      const r = await api.client.GET('/api/v1/admin/organisations/{org}', { params: { path: { org } } });
      const o = unwrap(r);
      return { org: o, etag: r.response.headers.get('ETag') ?? `"${o.version}"` };
    },
  });
}

/** Puts the organisation a save answered with in the cache; without an ETag, its version stands for it. */
export function storeOrganisation(qc: QueryClient, org: string, o: AdminOrganisation, etag?: string | null) {
  qc.setQueryData<LoadedOrganisation>(organisationKey(org), { org: o, etag: etag ?? `"${o.version}"` });
}
