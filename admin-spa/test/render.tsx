import { render } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router-dom';
import { AuthProvider } from '../src/auth/AuthContext';
import { makeQueryClient } from '../src/App';
import type { Api } from '../src/api/client';

export function renderRoutes(api: Api, routes: RouteObject[], path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const qc = makeQueryClient();
  qc.setDefaultOptions({ queries: { retry: false } });
  const utils = render(
    <QueryClientProvider client={qc}>
      <AuthProvider api={api}>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>,
  );
  return { ...utils, router };
}
