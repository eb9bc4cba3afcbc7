import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { useApi } from '../../auth/AuthContext';
import { unwrap } from '../../api/problem';
import type { paths } from '../../api/schema';

export type ListQuery = NonNullable<paths['/api/v1/admin/organisations/{org}/contact-points']['get']['parameters']['query']>;

export function useContactPoints(org: string, query: ListQuery) {
  const api = useApi();
  return useQuery({
    queryKey: ['contact-points', org, query],
    placeholderData: keepPreviousData,
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/contact-points', { params: { path: { org }, query } })),
  });
}

/** One contact point and its version (the ETag, sent back in If-Match). */
export function useContactPoint(org: string, id: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['contact-point', org, id],
    enabled: !!id,
    queryFn: async () => {
      const r = await api.client.GET('/api/v1/admin/organisations/{org}/contact-points/{id}', { params: { path: { org, id: id! } } });
      const cp = unwrap(r);
      return { cp, etag: r.response.headers.get('ETag') ?? `"${cp.version}"` };
    },
  });
}
