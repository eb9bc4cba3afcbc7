import { useQuery } from '@tanstack/react-query';
import type { Api } from '../../api/client';
import type { components } from '../../api/schema';
import { apiBaseUrl } from '../../env';
import { fr } from '../../i18n/fr';

/** Where the browser goes to sign in with ProConnect (a navigation, not a fetch). */
export const proconnectStartUrl = `${apiBaseUrl}/api/v1/auth/proconnect/start?purpose=admin`;

export type AuthProviders = components['schemas']['AuthProviders'];

/** The server's sign-in methods (password only while unknown or on error). */
export function useAuthProviders(api: Api): AuthProviders {
  const q = useQuery({
    queryKey: ['auth-providers'],
    queryFn: async (): Promise<AuthProviders> => {
      const { data, response } = await api.authClient.GET('/api/v1/auth/providers');
      return response.ok && data ? data : { password: true, proconnect: false };
    },
    staleTime: 5 * 60_000,
  });
  return q.data ?? { password: true, proconnect: false };
}

/** The French message for a sign-in error code (#error=… or a refused code). */
export function proconnectError(code: string): string {
  return fr.proconnectErrors[code] ?? fr.proconnectErrors.server_error;
}
