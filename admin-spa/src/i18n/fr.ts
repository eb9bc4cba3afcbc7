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
