import { useQuery } from '@tanstack/react-query';
import { useApi } from '../auth/AuthContext';
import { unwrap } from './problem';

/** Themes a contact point, an entry point or a journey may carry: the national ones and the partner's. */
export function useThemes(org: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['themes', org],
    staleTime: 5 * 60_000,
    queryFn: async () => unwrap(await api.client.GET('/api/v1/public/organisations/{slug}/themes', { params: { path: { slug: org } } })).themes ?? [],
  });
}
