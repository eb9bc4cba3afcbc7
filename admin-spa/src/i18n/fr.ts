// User-facing French shared across screens.
export const fr = {
  appName: 'Aiguillage',
  serviceTitle: 'Aiguillage — espace référents',
  serviceTagline: 'Orienter chaque habitant vers le bon service',
  roles: { admin: 'Administrateur', editor: 'Éditeur', viewer: 'Lecteur' } as Record<string, string>,
  nav: {
    dashboard: 'Tableau de bord',
    contactPoints: 'Points de contact',
    journeys: 'Parcours',
    themes: 'Thèmes',
    entryPoints: "Points d'entrée",
    reports: 'Signalements',
    feedback: 'Avis des habitants',
    searchMisses: 'Recherches sans réponse',
    members: 'Membres',
    branding: 'Apparence',
    audit: 'Journal des modifications',
    portals: 'Portails partenaires',
  },
  channelKinds: {
    phone: 'Téléphone',
    sms: 'SMS',
    email: 'Courriel',
    address: 'Adresse',
    online_procedure: 'Démarche en ligne',
    website: 'Site web',
    contact_form: 'Formulaire de contact',
    chat: 'Messagerie instantanée',
  } as Record<string, string>,
  granularities: {
    administration: 'Administration (accueil général, standard)',
    service: 'Service',
    agent_group: "Groupe d'agents",
    person: 'Personne',
  } as Record<string, string>,
  /** Who sees a contact point or a channel (the widget's agent mode shows what agents may see). */
  visibilities: {
    public: 'Public',
    organisation_agents: 'Agents de notre organisation',
    all_agents: 'Tous les agents',
  } as Record<string, string>,
  visibilityHints: {
    public: 'Visible de tous : habitants, portails, données ouvertes.',
    organisation_agents: 'Seulement les membres de votre organisation connectés au mode agent du widget.',
    all_agents: 'Tous les agents connectés au mode agent du widget, de toutes les organisations.',
  } as Record<string, string>,
  days: ['', 'Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi', 'Samedi', 'Dimanche'],
  organisationKinds: {
    commons: 'Communs nationaux',
    region: 'Région',
    departement: 'Département',
    epci: 'Intercommunalité (EPCI)',
    commune: 'Commune',
    public_body: 'Organisme public',
  } as Record<string, string>,
  accessibility: { ACC: 'Accessible', DEM: 'Accessible sur demande', NAC: 'Non accessible' } as Record<string, string>,
  /** Families of public API endpoints, as the portals' request counts name them. */
  requestFamilies: {
    search: 'Recherche',
    journeys: 'Parcours',
    outcomes: 'Réponses de parcours',
    'contact-points': 'Points de contact',
    communes: 'Communes',
    organisations: 'Organisations et thèmes',
    emergency: "Numéros d'urgence",
    other: 'Autres',
  } as Record<string, string>,
  /** Why a sign-in with ProConnect failed, by the code the server sends (#error=…). */
  proconnectErrors: {
    unknown_account:
      "Aucun compte Aiguillage n'est associé à votre adresse ProConnect. Demandez à l'administrateur de votre organisation de vous inviter, puis connectez-vous de nouveau avec ProConnect.",
    email_unverified: "ProConnect n'a pas confirmé votre adresse électronique : la connexion est refusée. Contactez le support de ProConnect.",
    no_email: "ProConnect n'a pas transmis votre adresse électronique : la connexion est impossible.",
    access_denied: 'La connexion avec ProConnect a été annulée ou refusée.',
    invalid_state: 'La connexion a expiré ou a été interrompue : recommencez.',
    forbidden: 'Ce compte ne peut pas se connecter sur ce serveur.',
    unavailable: 'ProConnect est momentanément indisponible : réessayez dans quelques instants, ou connectez-vous avec votre mot de passe.',
    server_error: 'La connexion avec ProConnect a échoué : réessayez dans quelques instants.',
    expired_code: 'Le lien de connexion a expiré ou a déjà servi : recommencez.',
  } as Record<string, string>,
};

export function formatDate(iso?: string): string {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? iso + 'T12:00:00Z' : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
}

export function formatDateTime(iso?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('fr-FR', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' });
}

export function formatPercent(v?: number): string {
  return v === undefined || v === null ? '—' : `${Math.round(v * 100)} %`;
}

export function formatNumber(v?: number): string {
  return v === undefined || v === null ? '—' : v.toLocaleString('fr-FR');
}
