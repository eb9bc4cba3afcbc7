import type { RouteObject } from 'react-router-dom';
import { RootLayout, OrgLayout, RequireAuth, RequireRole, HomeRedirect, NotFound } from './layout/Shell';
import { LoginPage } from './features/auth/LoginPage';
import { AcceptInvitationPage } from './features/auth/AcceptInvitationPage';
import { DashboardPage } from './features/dashboard/DashboardPage';
import { ContactPointListPage } from './features/contact-points/ListPage';
import { ContactPointFormPage } from './features/contact-points/FormPage';
import { ReportsPage } from './features/inbox/ReportsPage';
import { FeedbackPage } from './features/inbox/FeedbackPage';
import { SearchMissesPage } from './features/inbox/SearchMissesPage';
import { MembersPage } from './features/members/MembersPage';
import { AuditPage } from './features/members/AuditPage';
import { BrandingPage } from './features/branding/BrandingPage';

export const routes: RouteObject[] = [
  {
    element: <RootLayout />,
    children: [
      { path: '/connexion', element: <LoginPage /> },
      { path: '/invitation', element: <AcceptInvitationPage /> },
      {
        element: <RequireAuth />,
        children: [
          { index: true, element: <HomeRedirect /> },
          {
            path: '/o/:org',
            element: <OrgLayout />,
            children: [
              { index: true, element: <DashboardPage /> },
              { path: 'points-de-contact', element: <ContactPointListPage /> },
              { path: 'points-de-contact/nouveau', element: <ContactPointFormPage /> },
              { path: 'points-de-contact/:id', element: <ContactPointFormPage /> },
              { path: 'signalements', element: <ReportsPage /> },
              { path: 'avis', element: <FeedbackPage /> },
              { path: 'recherches-sans-reponse', element: <SearchMissesPage /> },
              { path: 'membres', element: <RequireRole role="admin"><MembersPage /></RequireRole> },
              { path: 'apparence', element: <RequireRole role="admin"><BrandingPage /></RequireRole> },
              { path: 'journal', element: <RequireRole role="admin"><AuditPage /></RequireRole> },
            ],
          },
        ],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];
