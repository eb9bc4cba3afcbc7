import { PublicHeader } from '../../layout/Shell';
import { Page } from '../../layout/Page';

/**
 * The accessibility statement the RGAA requires, linked from the footer's
 * compliance mention. Honest: no full audit has been carried out yet.
 */
export function AccessibilityPage() {
  return (
    <>
      <PublicHeader />
      <main id="contenu" className="fr-container fr-py-6w app-main" tabIndex={-1}>
        <div className="fr-grid-row">
          <div className="fr-col-12 fr-col-lg-8">
            <Page title="Déclaration d'accessibilité">
              <p>
                Aiguillage s'engage à rendre ses services accessibles, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration
                s'applique à l'espace référents d'Aiguillage.
              </p>
              <h2 className="fr-h4">État de conformité</h2>
              <p>
                L'espace référents est <strong>non conforme</strong> au référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1.2 : aucun audit
                complet n'a encore été réalisé.
              </p>
              <h2 className="fr-h4">Ce qui est vérifié</h2>
              <ul>
                <li>Chaque écran est contrôlé automatiquement à chaque modification du logiciel (axe-core, règles WCAG 2.1 niveaux A et AA).</li>
                <li>Les parcours principaux (connexion, points de contact, parcours, publication, points d'entrée) sont suivis au clavier dans les tests de bout en bout, à 1280 et 768 pixels de large.</li>
                <li>Les couleurs choisies pour le widget sont comparées au seuil de contraste du RGAA (4,5:1) avant d'être enregistrées.</li>
              </ul>
              <p>Ces contrôles automatiques ne remplacent pas un audit par des experts ni des tests avec des lecteurs d'écran.</p>
              <h2 className="fr-h4">Technologies utilisées</h2>
              <p>HTML, CSS, JavaScript (React) et le Système de design de l'État (DSFR).</p>
              <h2 className="fr-h4">Retour d'information et contact</h2>
              <p>
                Si vous n'arrivez pas à accéder à un contenu ou à une fonction, signalez-le à l'administrateur de votre organisation ou à l'équipe qui exploite ce
                service : elle vous aidera à l'obtenir sous une autre forme et corrigera le défaut.
              </p>
              <h2 className="fr-h4">Voies de recours</h2>
              <p>Si vous avez signalé un défaut d'accessibilité sans obtenir de réponse satisfaisante, vous pouvez saisir le Défenseur des droits :</p>
              <ul>
                <li>
                  par le{' '}
                  <a href="https://formulaire.defenseurdesdroits.fr/" target="_blank" rel="noopener noreferrer" title="formulaire en ligne du Défenseur des droits (nouvelle fenêtre)">
                    formulaire en ligne
                  </a>
                  ;
                </li>
                <li>
                  en contactant un délégué de votre région (
                  <a href="https://www.defenseurdesdroits.fr/saisir/delegues" target="_blank" rel="noopener noreferrer" title="liste des délégués du Défenseur des droits (nouvelle fenêtre)">
                    liste des délégués
                  </a>
                  ) ;
                </li>
                <li>par téléphone au 09 69 39 00 00 ;</li>
                <li>par courrier, gratuitement et sans timbre : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.</li>
              </ul>
            </Page>
          </div>
        </div>
      </main>
    </>
  );
}
