import type { RouteObject } from 'react-router-dom';
import { RootLayout, OrgLayout, RequireAuth, RequireRole, HomeRedirect, NotFound } from './layout/Shell';
import { LoginPage } from './features/auth/LoginPage';
import { AcceptInvitationPage } from './features/auth/AcceptInvitationPage';
import { ProConnectCallbackPage } from './features/auth/ProConnectCallbackPage';
import { DashboardPage } from './features/dashboard/DashboardPage';
import { ContactPointListPage } from './features/contact-points/ListPage';
import { ContactPointFormPage } from './features/contact-points/FormPage';
import { ImportPage } from './features/import/ImportPage';
import { JourneyListPage } from './features/journeys/ListPage';
import { JourneyEditorPage } from './features/journeys/EditorPage';
import { ReportsPage } from './features/inbox/ReportsPage';
import { FeedbackPage } from './features/inbox/FeedbackPage';
import { SearchMissesPage } from './features/inbox/SearchMissesPage';
import { MembersPage } from './features/members/MembersPage';
import { AuditPage } from './features/members/AuditPage';
import { BrandingPage } from './features/branding/BrandingPage';
import { ThemesPage } from './features/themes/ThemesPage';
import { ThemeFormPage } from './features/themes/ThemeFormPage';
import { SynonymPickerPage } from './features/themes/SynonymPickerPage';
import { EntryPointsPage } from './features/entry-points/EntryPointsPage';
import { EntryPointPage } from './features/entry-points/EntryPointPage';
import { CreateOrganisationPage, OrganisationDetailsPage } from './features/organisations/OrganisationPages';
import { PortalsPage } from './features/portals/PortalsPage';
import { AccessibilityPage } from './features/accessibility/AccessibilityPage';

export const routes: RouteObject[] = [
  {
    element: <RootLayout />,
    children: [
      { path: '/connexion', element: <LoginPage /> },
      { path: '/connexion/proconnect', element: <ProConnectCallbackPage /> },
      { path: '/invitation', element: <AcceptInvitationPage /> },
      { path: '/accessibilite', element: <AccessibilityPage /> },
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
              { path: 'points-de-contact/import', element: <RequireRole role="editor"><ImportPage /></RequireRole> },
              { path: 'points-de-contact/:id', element: <ContactPointFormPage /> },
              { path: 'parcours', element: <JourneyListPage /> },
              { path: 'parcours/:journey', element: <JourneyEditorPage /> },
              { path: 'signalements', element: <ReportsPage /> },
              { path: 'avis', element: <FeedbackPage /> },
              { path: 'recherches-sans-reponse', element: <SearchMissesPage /> },
              { path: 'membres', element: <RequireRole role="admin"><MembersPage /></RequireRole> },
              { path: 'apparence', element: <RequireRole role="admin"><BrandingPage /></RequireRole> },
              { path: 'journal', element: <RequireRole role="admin"><AuditPage /></RequireRole> },
              { path: 'themes', element: <ThemesPage /> },
              { path: 'themes/nouveau', element: <RequireRole role="editor"><ThemeFormPage /></RequireRole> },
              { path: 'themes/synonyme', element: <RequireRole role="editor"><SynonymPickerPage /></RequireRole> },
              { path: 'themes/:theme', element: <ThemeFormPage /> },
              { path: 'points-d-entree', element: <EntryPointsPage /> },
              { path: 'points-d-entree/nouveau', element: <RequireRole role="admin"><EntryPointPage /></RequireRole> },
              { path: 'points-d-entree/:entry', element: <EntryPointPage /> },
              { path: 'organisation', element: <RequireRole role="admin"><OrganisationDetailsPage /></RequireRole> },
              { path: 'nouvelle-organisation', element: <CreateOrganisationPage /> },
              { path: 'portails', element: <PortalsPage /> },
            ],
          },
        ],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];
