import { useEffect, type ReactNode } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate, useParams, matchPath } from 'react-router-dom';
import { Header } from '@codegouvfr/react-dsfr/Header';
import { Footer } from '@codegouvfr/react-dsfr/Footer';
import { SkipLinks } from '@codegouvfr/react-dsfr/SkipLinks';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useQuery } from '@tanstack/react-query';
import { useAuth } from '../auth/AuthContext';
import { unwrap, errorMessage } from '../api/problem';
import { fr } from '../i18n/fr';
import { Page } from './Page';
import { useOrganisation } from '../api/organisation';

const brandTop = (
  <>
    République
    <br />
    Française
  </>
);

export function RootLayout() {
  return (
    <>
      <SkipLinks links={[{ anchor: '#contenu', label: 'Contenu' }, { anchor: '#pied-de-page', label: 'Pied de page' }]} />
      <Outlet />
      <Footer
        id="pied-de-page"
        brandTop={brandTop}
        accessibility="non compliant"
        accessibilityLinkProps={{ to: '/accessibilite' }}
        homeLinkProps={{ to: '/', title: 'Accueil — Aiguillage, espace référents' }}
        contentDescription="Aiguillage oriente les habitants vers la bonne administration. Cet espace permet aux référents de chaque partenaire de tenir à jour leurs points de contact."
        bottomItems={[{ text: 'Statistiques publiques', linkProps: { href: '/stats' } }]}
      />
    </>
  );
}

/** Orgs the user can open: their memberships, or every one for platform admins. */
export function useOrganisations() {
  const { me, api } = useAuth();
  const all = useQuery({
    queryKey: ['organisations'],
    enabled: !!me?.platform_admin,
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations', { params: { query: { limit: 200 } } })),
  });
  const fromMemberships = (me?.memberships ?? []).map((m) => ({ slug: m.organisation ?? '', name: m.organisation ?? '', role: m.role }));
  if (me?.platform_admin && all.data) {
    return (all.data.organisations ?? []).map((o) => ({ slug: o.slug ?? '', name: o.name ?? o.slug ?? '', role: 'admin' as const }));
  }
  return fromMemberships;
}

export function RequireAuth() {
  const { status, me, meError } = useAuth();
  const location = useLocation();
  if (status === 'restoring' || (status === 'signed-in' && !me && !meError)) {
    return (
      <main id="contenu" className="fr-container fr-py-6w" aria-busy="true">
        <p role="status">Chargement de votre session…</p>
      </main>
    );
  }
  if (status === 'signed-out') {
    return <Navigate to="/connexion" replace state={{ from: location.pathname + location.search }} />;
  }
  if (meError) {
    return (
      <main id="contenu" className="fr-container fr-py-6w">
        <Alert as="h2" severity="error" title="Impossible de charger votre compte" description={errorMessage(meError)} />
      </main>
    );
  }
  return <Outlet />;
}

export function HomeRedirect() {
  const orgs = useOrganisations();
  const { me, signOut } = useAuth();
  if (orgs.length > 0) return <Navigate to={`/o/${orgs[0].slug}`} replace />;
  if (me?.platform_admin) return <p role="status">Chargement des organisations…</p>;
  return (
    <main id="contenu" className="fr-container fr-py-6w">
      <Page title="Aucune organisation">
        <p>Votre compte ({me?.email}) n'est membre d'aucune organisation. Demandez une invitation à un administrateur de votre organisation.</p>
        <button className="fr-btn fr-btn--secondary" onClick={() => void signOut()}>
          Se déconnecter
        </button>
      </Page>
    </main>
  );
}

/** Menus grouping the screens a référent opens less often (one line of navigation at 1280 px). */
const groups = { feedback: 'Retours des habitants', organisation: 'Organisation' } as const;

const sections: { path: string; label: string; end?: boolean; admin?: boolean; platform?: boolean; group?: keyof typeof groups }[] = [
  { path: '', label: fr.nav.dashboard, end: true },
  { path: 'points-de-contact', label: fr.nav.contactPoints },
  { path: 'parcours', label: fr.nav.journeys },
  { path: 'points-d-entree', label: fr.nav.entryPoints },
  { path: 'themes', label: fr.nav.themes },
  { path: 'signalements', label: fr.nav.reports, group: 'feedback' },
  { path: 'avis', label: fr.nav.feedback, group: 'feedback' },
  { path: 'recherches-sans-reponse', label: fr.nav.searchMisses, group: 'feedback' },
  { path: 'membres', label: fr.nav.members, admin: true, group: 'organisation' },
  { path: 'apparence', label: fr.nav.branding, admin: true, group: 'organisation' },
  { path: 'journal', label: fr.nav.audit, admin: true, group: 'organisation' },
  { path: 'portails', label: fr.nav.portals, platform: true },
];

type NavLink = { text: string; linkProps: { to: string }; isActive: boolean };
type NavItem = NavLink | { text: string; menuLinks: NavLink[]; isActive: boolean };

/** The header's navigation: the screens this role may open, grouped menus where their first screen stands. */
export function navigationFor(base: string, pathname: string, role: string | null | undefined, platformAdmin: boolean): NavItem[] {
  const items: NavItem[] = [];
  const menus = new Map<string, NavLink[]>();
  for (const s of sections) {
    if ((s.admin && role !== 'admin') || (s.platform && !platformAdmin)) continue;
    const to = s.path ? `${base}/${s.path}` : base;
    const isActive = s.end ? !!matchPath({ path: base, end: true }, pathname) : pathname === to || pathname.startsWith(to + '/');
    const link = { text: s.label, linkProps: { to }, isActive };
    if (!s.group) {
      items.push(link);
      continue;
    }
    let menu = menus.get(s.group);
    if (!menu) {
      menu = [];
      menus.set(s.group, menu);
      items.push({ text: groups[s.group], menuLinks: menu, isActive: false });
    }
    menu.push(link);
  }
  return items.map((i) => ('menuLinks' in i ? { ...i, isActive: i.menuLinks.some((l) => l.isActive) } : i));
}

/** Screens for admins only (the API answers 403 to others anyway). */
export function RequireRole({ role, children }: { role: 'admin' | 'editor'; children: ReactNode }) {
  const { org = '' } = useParams();
  const { can } = useAuth();
  if (can(org, role)) return <>{children}</>;
  return (
    <Page title="Accès réservé">
      <Alert as="h2" severity="info" title={role === 'admin' ? 'Écran réservé aux administrateurs' : 'Écran réservé aux éditeurs'} description="Demandez à un administrateur de votre organisation si vous avez besoin de cet accès." />
    </Page>
  );
}

export function OrgLayout() {
  const { org = '' } = useParams();
  const { me, roleIn, signOut } = useAuth();
  const orgs = useOrganisations();
  const location = useLocation();
  const navigate = useNavigate();
  const role = roleIn(org);
  // The name, once loaded (memberships carry only the slug); shared cache with the organisation screens.
  const orgName = useOrganisation(org, !!role).data?.org.name;

  useEffect(() => {
    document.documentElement.lang = 'fr';
  }, []);

  const base = `/o/${org}`;
  const navigation = navigationFor(base, location.pathname, role, !!me?.platform_admin);

  const switchTo = (slug: string) => {
    // Same screen in the other organisation; objects of one org are not in the other.
    const rest = location.pathname.slice(base.length).split('/').filter(Boolean)[0] ?? '';
    navigate(`/o/${slug}${rest ? '/' + rest : ''}`);
  };

  return (
    <>
      <Header
        brandTop={brandTop}
        serviceTitle={fr.serviceTitle}
        serviceTagline={fr.serviceTagline}
        homeLinkProps={{ to: base, title: `Accueil — ${fr.serviceTitle}` }}
        quickAccessItems={[
          { iconId: 'fr-icon-account-circle-line', text: me?.email ?? '', linkProps: { to: base } },
          { iconId: 'fr-icon-logout-box-r-line', text: 'Se déconnecter', buttonProps: { onClick: () => void signOut(), type: 'button' } },
        ]}
        navigation={navigation}
      />
      <div className="app-orgbar" role="region" aria-label="Organisation">
        <div className="fr-container fr-py-1w app-row" style={{ alignItems: 'center' }}>
          {orgs.length > 1 ? (
            <Select
              label="Organisation"
              nativeSelectProps={{ value: org, onChange: (e) => switchTo(e.target.value), id: 'org-switcher' }}
              className="fr-mb-0"
            >
              {orgs.map((o) => (
                <option key={o.slug} value={o.slug}>
                  {o.name}
                </option>
              ))}
            </Select>
          ) : (
            <p className="fr-mb-0">
              Organisation : <strong>{orgName || org}</strong>
            </p>
          )}
          <p className="fr-mb-0 fr-text--sm">
            Votre rôle : <strong>{role ? fr.roles[role] : 'aucun'}</strong>
          </p>
          {role === 'admin' && (
            <Link className="fr-link fr-text--sm" to={`${base}/organisation`}>
              Informations de l'organisation
            </Link>
          )}
          {me?.platform_admin && (
            <Link className="fr-link fr-text--sm fr-icon-add-line fr-link--icon-left" to={`${base}/nouvelle-organisation`}>
              Créer une organisation
            </Link>
          )}
        </div>
      </div>
      <main id="contenu" className="fr-container fr-py-4w app-main" tabIndex={-1}>
        {role ? (
          <Outlet />
        ) : (
          <Page title="Organisation inaccessible">
            <Alert as="h2" severity="warning" title="Vous n'êtes pas membre de cette organisation" description="Choisissez une de vos organisations, ou demandez une invitation à son administrateur." />
          </Page>
        )}
      </main>
    </>
  );
}

export function NotFound() {
  return (
    <main id="contenu" className="fr-container fr-py-6w">
      <Page title="Page introuvable">
        <p>Cette adresse ne correspond à aucune page de l'espace référents.</p>
        <a className="fr-link" href={import.meta.env.BASE_URL}>
          Retour à l'accueil
        </a>
      </Page>
    </main>
  );
}

/** Header of the pages seen before signing in. */
export function PublicHeader() {
  return <Header brandTop={brandTop} serviceTitle={fr.serviceTitle} serviceTagline={fr.serviceTagline} homeLinkProps={{ to: '/', title: `Accueil — ${fr.serviceTitle}` }} />;
}
