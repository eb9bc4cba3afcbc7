import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api as defaultApi, type Api } from '../api/client';
import { session } from '../api/session';
import { unwrap } from '../api/problem';
import type { components } from '../api/schema';

export type Me = components['schemas']['Me'];
export type Role = 'admin' | 'editor' | 'viewer';

interface AuthValue {
  api: Api;
  /** 'restoring' while a reload's refresh token is exchanged. */
  status: 'restoring' | 'signed-in' | 'signed-out';
  me?: Me;
  meError: unknown;
  /** Why the last session ended, to tell the référent on the sign-in page. */
  endedReason: string | null;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  roleIn(org: string): Role | null;
  can(org: string, needed: Role): boolean;
}

const AuthContext = createContext<AuthValue | null>(null);
const rank: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

export function AuthProvider({ children, api = defaultApi }: { children: ReactNode; api?: Api }) {
  const qc = useQueryClient();
  const [restoring, setRestoring] = useState(() => !session.accessToken && session.refreshToken !== null);
  const [endedReason, setEndedReason] = useState<string | null>(null);
  const signedIn = useSyncExternalStore(session.subscribe, () => session.accessToken !== null);
  const signingOut = useRef(false);

  useEffect(() => {
    if (!restoring) return;
    let live = true;
    api.restore().finally(() => live && setRestoring(false));
    return () => {
      live = false;
    };
  }, [api, restoring]);

  // A session that ends by itself (refresh refused): forget cached data.
  useEffect(
    () =>
      session.subscribe(() => {
        if (!session.accessToken && !session.refreshToken) {
          qc.clear();
          if (!signingOut.current) setEndedReason('Votre session a expiré ou a été fermée : reconnectez-vous.');
        }
      }),
    [qc],
  );

  const meQuery = useQuery({
    queryKey: ['me'],
    enabled: signedIn,
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/me')),
    staleTime: 60_000,
  });

  const signIn = useCallback(
    async (email: string, password: string) => {
      const data = unwrap(await api.authClient.POST('/api/v1/auth/login', { body: { email, password } }));
      qc.clear();
      session.set(data);
      setEndedReason(null);
    },
    [api, qc],
  );

  const signOut = useCallback(async () => {
    const token = session.refreshToken;
    signingOut.current = true;
    session.clear();
    signingOut.current = false;
    qc.clear();
    setEndedReason('Vous êtes déconnecté.');
    if (token) {
      try {
        await api.authClient.POST('/api/v1/auth/logout', { body: { refresh_token: token } });
      } catch {
        /* the token is forgotten locally anyway; it expires server-side */
      }
    }
  }, [api, qc]);

  const value = useMemo<AuthValue>(() => {
    const me = meQuery.data;
    const roleIn = (org: string): Role | null => {
      if (me?.platform_admin) return 'admin';
      const m = me?.memberships?.find((x) => x.organisation === org);
      return (m?.role as Role | undefined) ?? null;
    };
    return {
      api,
      status: restoring ? 'restoring' : signedIn ? 'signed-in' : 'signed-out',
      me,
      meError: meQuery.error,
      endedReason: signedIn ? null : endedReason,
      signIn,
      signOut,
      roleIn,
      can: (org, needed) => {
        const r = roleIn(org);
        return r !== null && rank[r] >= rank[needed];
      },
    };
  }, [api, restoring, signedIn, meQuery.data, meQuery.error, endedReason, signIn, signOut]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

export function useApi(): Api {
  return useAuth().api;
}
