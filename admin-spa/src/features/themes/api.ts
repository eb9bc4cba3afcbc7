import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../auth/AuthContext';
import { unwrap } from '../../api/problem';
import type { components } from '../../api/schema';

export type Theme = components['schemas']['Theme'];
export type ThemeRequest = components['schemas']['ThemeRequest'];
export type PublicTheme = components['schemas']['PublicTheme'];

/** The organisation's own themes, with their synonyms. */
export function useOwnThemes(org: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['own-themes', org],
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/themes', { params: { path: { org } } })).themes ?? [],
  });
}

/** One theme and its version (the ETag, sent back in If-Match). */
export function useOwnTheme(org: string, slug: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['own-theme', org, slug],
    enabled: !!slug,
    queryFn: async () => {
      const r = await api.client.GET('/api/v1/admin/organisations/{org}/themes/{theme}', { params: { path: { org, theme: slug! } } });
      const theme = unwrap(r);
      return { theme, etag: r.response.headers.get('ETag') ?? `"${theme.version}"` };
    },
  });
}
