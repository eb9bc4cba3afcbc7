import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { AuthProvider } from './auth/AuthContext';
import { routes } from './routes';
import type { Api } from './api/client';

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: (n, err) => n < 2 && !(err && typeof err === 'object' && 'status' in err && (err as { status: number }).status < 500), refetchOnWindowFocus: false },
    },
  });
}

const router = createBrowserRouter(routes, { basename: import.meta.env.BASE_URL.replace(/\/$/, '') });
const queryClient = makeQueryClient();

export function App({ api }: { api?: Api }) {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider api={api}>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>
  );
}
