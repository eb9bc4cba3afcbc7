import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../../auth/AuthContext';
import { unwrap } from '../../api/problem';
import type { components } from '../../api/schema';

export type Portal = components['schemas']['Portal'];
export type PortalRequest = components['schemas']['PortalRequest'];
export type CreatedPortal = components['schemas']['CreatedPortal'];
export type PortalUsage = components['schemas']['PortalUsage'];
export type PortalRequestCounts = components['schemas']['PortalRequestCounts'];

/** Third-party portals and their API keys (platform admins). */
export function usePortals() {
  const { api } = useAuth();
  return useQuery({
    queryKey: ['portals'],
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/portals')).portals ?? [],
  });
}

/** Usage by portal over the last 30 days (platform admins). */
export function usePortalUsage() {
  const { api } = useAuth();
  return useQuery({
    queryKey: ['portals', 'stats'],
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/portals/stats')),
  });
}

export function useCreatePortal() {
  const { api } = useAuth();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: PortalRequest) => unwrap(await api.client.POST('/api/v1/admin/portals', { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['portals'] }),
  });
}

export function useRevokePortal() {
  const { api } = useAuth();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => unwrap(await api.client.POST('/api/v1/admin/portals/{id}/revoke', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['portals'] }),
  });
}
