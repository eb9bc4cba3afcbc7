import { Link } from 'react-router-dom';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { errorMessage } from '../../api/problem';
import type { Journey } from './model';
import { firstOutcome, outcomeSentence, outcomeState, reviewCount, reviewHref, stepLabel, useJourneyReviews, useReviewedDrafts, type JourneyReview } from './reviewModel';

const key = (o: { step_id?: string; contact_point_id?: string }) => `${o.step_id}/${o.contact_point_id}`;

/**
 * The dashboard's notice of the journeys to review, each linked to the step
 * at fault. Not role="alert": it is no response to an action, and would
 * interrupt the screen reader on every visit. It is the first region of the
 * page, after the title, named by its heading.
 */
export function JourneyReviewAlert({ org }: { org: string }) {
  const reviews = useJourneyReviews(org);
  const list = reviews.data ?? [];
  const drafts = useReviewedDrafts(org, list);
  if (reviews.error)
    return <Alert severity="error" small role={undefined} className="fr-mb-4w" description={`Impossible de vérifier si des parcours sont à revoir : ${errorMessage(reviews.error)}`} />;
  if (list.length === 0) return null;
  const several = new Set(list.flatMap((r) => (r.outcomes ?? []).map((o) => o.contact_point_id))).size > 1;
  return (
    <section aria-labelledby="reviews-title" className="fr-mb-6w">
      <Alert
        severity="warning"
        role={undefined}
        as="h2"
        title={<span id="reviews-title">{reviewCount(list.length)}</span>}
        description={
          <div>
            <p>
              {several
                ? "Des services que vos parcours indiquent ont fermé ou déménagé : l'annuaire national des services publics ne les référence plus, et les habitants ne les voient plus."
                : "Un service que vos parcours indiquent a fermé ou déménagé : l'annuaire national des services publics ne le référence plus, et les habitants ne le voient plus."}{' '}
              Ouvrez chaque parcours pour remplacer ce service par un autre, puis publiez-le.
            </p>
            <ul className="fr-mb-0">
              {list.map((r) => (
                <ReviewItem key={r.slug} org={org} review={r} doc={drafts[r.slug ?? '']} />
              ))}
            </ul>
          </div>
        }
      />
    </section>
  );
}

function ReviewItem({ org, review, doc }: { org: string; review: JourneyReview; doc: Journey | undefined }) {
  const slug = review.slug ?? '';
  const outcomes = review.outcomes ?? [];
  if (outcomes.length <= 1) {
    const o = outcomes[0];
    return (
      <li>
        <Link to={reviewHref(org, slug, o)}>{review.title || slug}</Link>
        {o && <> — {outcomeSentence(o, stepLabel(doc, o.step_id ?? ''))}</>}
      </li>
    );
  }
  return (
    <li>
      <Link to={reviewHref(org, slug, firstOutcome(review))}>{review.title || slug}</Link> — {outcomes.length} étapes :
      <ul>
        {outcomes.map((o) => (
          <li key={key(o)}>
            <Link to={reviewHref(org, slug, o)}>Étape {stepLabel(doc, o.step_id ?? '')}</Link>{o.in_draft && !o.in_published ? ' (brouillon)' : ''} : {outcomeState(o)}
          </li>
        ))}
      </ul>
    </li>
  );
}

/**
 * The « À revoir » badge of a journey in the list, with what it means in
 * words (visible, and the description of the journey's link: id).
 */
export function ReviewBadge({ id, review, doc }: { id: string; review: JourneyReview; doc: Journey | undefined }) {
  return (
    <div id={id} className="jy-review">
      <Badge severity="warning" small>
        À revoir
      </Badge>
      <ul className="fr-text--xs fr-mb-0">
        {(review.outcomes ?? []).map((o) => (
          <li key={key(o)}>{outcomeSentence(o, stepLabel(doc, o.step_id ?? ''))}</li>
        ))}
      </ul>
    </div>
  );
}

/** The editor's notice when the journey is to review: each outcome at fault, and a way to it. */
export function ReviewNotice({ review, doc, onGo, onPublish }: { review: JourneyReview; doc: Journey; onGo: (step: string) => void; onPublish: () => void }) {
  const outcomes = review.outcomes ?? [];
  return (
    <Alert
      severity="warning"
      role={undefined}
      as="h2"
      className="fr-mb-3w"
      title="Parcours à revoir : un service a été retiré de l'annuaire national"
      description={
        <div>
          <p>Ce service a fermé ou déménagé : les habitants ne le voient plus. Remplacez-le dans l'étape indiquée, enregistrez, puis publiez.</p>
          <ul className="fr-mb-0">
            {outcomes.map((o) => (
              <li key={key(o)}>
                {outcomeSentence(o, stepLabel(doc, o.step_id ?? ''))}{' '}
                {o.in_draft ? (
                  <Button type="button" size="small" priority="tertiary" onClick={() => onGo(o.step_id ?? '')}>
                    Aller à l'étape {stepLabel(doc, o.step_id ?? '')}
                  </Button>
                ) : (
                  <Button type="button" size="small" priority="tertiary" onClick={onPublish}>
                    Publier le brouillon
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </div>
      }
    />
  );
}
