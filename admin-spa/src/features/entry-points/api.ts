import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../auth/AuthContext';
import { unwrap } from '../../api/problem';
import type { components } from '../../api/schema';

export type EntryPoint = components['schemas']['EntryPoint'];
export type EntryPointRequest = components['schemas']['EntryPointRequest'];
export type JourneySummary = components['schemas']['JourneySummary'];

/** The organisation's journeys, with their published state. */
export function useJourneySummaries(org: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['journeys', org, 'summaries'],
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/journeys', { params: { path: { org } } })).journeys ?? [],
  });
}

export type JourneyState = 'published' | 'draft' | 'unknown';

/** published: a version is live (the draft may have changed since); draft: never published. */
export function journeyState(j?: JourneySummary): JourneyState {
  if (!j) return 'unknown';
  return j.published_version ? 'published' : 'draft';
}

export function journeyStateLabel(j?: JourneySummary): string {
  const s = journeyState(j);
  return s === 'published' ? `publié (version ${j!.published_version})` : s === 'draft' ? 'jamais publié' : 'parcours introuvable';
}
