// Journeys to review: outcomes naming a contact point its source (the
// national annuaire, France services) no longer lists. Residents never see a
// withdrawn contact point, so such an outcome has lost it; the référent
// replaces it, then publishes. Wording and links shared by the dashboard, the
// journey list and the editor; tested in test/journeyReviews.test.tsx (components in Reviews.tsx).

import { useQueries, useQuery } from '@tanstack/react-query';
import { useApi } from '../../auth/AuthContext';
import { unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { journeyDraftQuery } from './api';
import { findStep, type Journey } from './model';

export type JourneyReview = components['schemas']['JourneyReview'];
export type ReviewOutcome = components['schemas']['JourneyReviewOutcome'];

export const reviewsKey = (org: string) => ['journey-reviews', org];

/** The organisation's journeys whose outcomes name a withdrawn contact point. */
export function useJourneyReviews(org: string) {
  const api = useApi();
  return useQuery({
    queryKey: reviewsKey(org),
    queryFn: async () => unwrap(await api.client.GET('/api/v1/admin/organisations/{org}/journey-reviews', { params: { path: { org } } })).journeys ?? [],
  });
}

/**
 * The drafts of the journeys to review (few: usually none), to name their
 * steps by their text. Shares the editor's cache.
 */
export function useReviewedDrafts(org: string, reviews: JourneyReview[]): Record<string, Journey | undefined> {
  const api = useApi();
  const qs = useQueries({ queries: reviews.map((r) => ({ ...journeyDraftQuery(api, org, r.slug ?? ''), staleTime: 60_000 })) });
  const out: Record<string, Journey | undefined> = {};
  reviews.forEach((r, i) => (out[r.slug ?? ''] = qs[i]?.data?.draft.journey));
  return out;
}

/** « text of the step », or « its id » when the draft no longer has it. */
export function stepLabel(doc: Journey | undefined, id: string): string {
  const text = (findStep(doc ?? {}, id)?.text ?? '').trim();
  return `« ${text || id} »`;
}

/** The outcome to open first: one the draft still names (to fix), else one only the live version names (to publish). */
export function firstOutcome(r: JourneyReview): ReviewOutcome | undefined {
  const os = r.outcomes ?? [];
  return os.find((o) => o.in_draft) ?? os[0];
}

/**
 * Where to fix an outcome: the editor on the step (`?etape=`), or, when the
 * draft no longer names the contact point, the publication tab.
 */
export function reviewHref(org: string, slug: string, o: ReviewOutcome | undefined): string {
  const base = `/o/${org}/parcours/${encodeURIComponent(slug)}`;
  if (!o) return base;
  if (!o.in_draft) return `${base}?onglet=publication`;
  return `${base}?etape=${encodeURIComponent(o.step_id ?? '')}`;
}

/** What an outcome at fault means for residents, and what to do. */
export function outcomeState(o: ReviewOutcome): string {
  if (o.in_draft && o.in_published) return "un service qu'elle indique a été retiré de l'annuaire national ; la version en ligne n'affiche plus ce service. Remplacez-le, puis publiez.";
  if (o.in_draft) return "un service qu'elle indique a été retiré de l'annuaire national. La version en ligne n'est pas concernée ; remplacez-le avant de publier.";
  return "la version en ligne n'affiche plus ce service, retiré de l'annuaire national. Le brouillon ne l'indique plus : publiez-le.";
}

/** The same, after the step it is about. */
export function outcomeSentence(o: ReviewOutcome, step: string): string {
  return `Étape ${step}${o.in_draft && !o.in_published ? ' (brouillon)' : ''} : ${outcomeState(o)}`;
}

/** The outcomes of one journey and step naming a withdrawn contact point. */
export function outcomesAt(reviews: JourneyReview[] | undefined, slug: string, step: string): ReviewOutcome[] {
  return (reviews ?? []).find((r) => r.slug === slug)?.outcomes?.filter((o) => o.step_id === step) ?? [];
}

export const reviewCount = (n: number) => `${n} parcours à revoir`;
