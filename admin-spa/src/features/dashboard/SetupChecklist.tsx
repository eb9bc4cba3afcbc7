import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useAuth } from '../../auth/AuthContext';
import { unwrap } from '../../api/problem';
import { useOrganisation } from '../../api/organisation';
import { useJourneySummaries } from '../entry-points/api';

export type SetupStep = { key: string; title: string; done: boolean; detail: string; to?: string; action?: string };

/**
 * The four steps from an empty organisation to a widget on the partner's
 * site, each done or not from what the organisation holds. Pure: tested.
 */
export function setupSteps(
  org: string,
  s: { contactPoints: number; journeys: number; published: number; entryPoints: number },
  role: { editor: boolean; admin: boolean },
): SetupStep[] {
  const base = `/o/${org}`;
  return [
    {
      key: 'contact-points',
      title: 'Ajoutez vos points de contact',
      done: s.contactPoints > 0,
      detail: 'Vos guichets, numéros et adresses, avec leurs horaires et les communes qu’ils servent. Un fichier tableur peut les importer tous à la fois.',
      to: role.editor ? `${base}/points-de-contact/nouveau` : `${base}/points-de-contact`,
      action: role.editor ? 'Ajouter un point de contact' : 'Voir les points de contact',
    },
    {
      key: 'journey',
      title: 'Créez un parcours',
      done: s.journeys > 0,
      detail: 'Quelques questions simples qui mènent l’habitant au bon service : vos points de contact ou celui de sa commune (CAF, mairie…).',
      to: `${base}/parcours`,
      action: role.editor ? 'Créer un parcours' : 'Voir les parcours',
    },
    {
      key: 'publish',
      title: 'Publiez-le',
      done: s.published > 0,
      detail: 'Tant qu’il n’est pas publié, un parcours reste un brouillon que seuls les référents voient (onglet « Aperçu dans le widget »).',
      to: `${base}/parcours`,
      action: 'Ouvrir les parcours',
    },
    {
      key: 'entry-point',
      title: 'Intégrez le widget à votre site',
      done: s.entryPoints > 0,
      detail: role.admin
        ? 'Un point d’entrée donne le code à coller dans une page de votre site : le widget y commence par votre parcours.'
        : 'Un administrateur de votre organisation crée le point d’entrée et copie le code à coller dans votre site.',
      to: role.admin ? `${base}/points-d-entree` : undefined,
      action: role.admin ? 'Créer un point d’entrée' : undefined,
    },
  ];
}

/** « Premiers pas »: shown on the dashboard until every step is done. */
export function SetupChecklist({ org }: { org: string }) {
  const { api, can } = useAuth();
  const contactPoints = useQuery({
    queryKey: ['contact-points', org, 'count'],
    queryFn: async () =>
      unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/contact-points', { params: { path: { org }, query: { limit: 1 } } })).total ?? 0,
  });
  const journeys = useJourneySummaries(org);
  const organisation = useOrganisation(org);
  if (contactPoints.data === undefined || !journeys.data || !organisation.data) return null;
  const steps = setupSteps(
    org,
    {
      contactPoints: contactPoints.data,
      journeys: journeys.data.length,
      published: journeys.data.filter((j) => !!j.published_version).length,
      entryPoints: (organisation.data.org.entry_points ?? []).length,
    },
    { editor: can(org, 'editor'), admin: can(org, 'admin') },
  );
  const left = steps.filter((s) => !s.done).length;
  if (left === 0) return null;
  return (
    <section aria-labelledby="setup-title" className="fr-mb-6w app-setup">
      <h2 id="setup-title" className="fr-h3">
        Premiers pas
      </h2>
      <p>
        Pour que les habitants trouvent votre service depuis votre site : {left === 1 ? 'encore une étape' : `encore ${left} étapes`} sur {steps.length}.
      </p>
      <ol className="app-setup-steps">
        {steps.map((s) => (
          <li key={s.key} className={s.done ? 'app-setup-done' : undefined}>
            <p className="fr-mb-1v">
              <strong>{s.title}</strong>{' '}
              <Badge small severity={s.done ? 'success' : 'new'} noIcon>
                {s.done ? 'Fait' : 'À faire'}
              </Badge>
            </p>
            {!s.done && (
              <>
                <p className="fr-text--sm fr-mb-1v">{s.detail}</p>
                {s.to && s.action && (
                  <Link className="fr-link fr-icon-arrow-right-line fr-link--icon-right" to={s.to}>
                    {s.action}
                  </Link>
                )}
              </>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
