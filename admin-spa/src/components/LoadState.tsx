import type { ReactNode } from 'react';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { ApiError, errorMessage } from '../api/problem';
import { Page } from '../layout/Page';

/** A screen while its data loads. */
export function LoadingPage({ title, context }: { title: string; context?: string }) {
  return (
    <Page title={title} context={context}>
      <p role="status">Chargement…</p>
    </Page>
  );
}

/**
 * A screen whose data could not be loaded: « Chargement impossible », or, for a
 * 404 when `notFound` is given, « … introuvable » with what is missing. `back`:
 * the link back to the list, under the message.
 */
export function LoadFailedPage({
  title,
  context,
  error,
  notFound,
  back,
}: {
  title: string;
  context?: string;
  error: unknown;
  /** The page title and the message of a 404, e.g. « Thème introuvable », « Ce thème n'existe pas… ». */
  notFound?: { title: string; message: string };
  back?: ReactNode;
}) {
  const missing = notFound && error instanceof ApiError && error.status === 404 ? notFound : undefined;
  return (
    <Page title={missing ? missing.title : title} context={context}>
      <Alert as="h2" severity="error" title={missing ? missing.message : 'Chargement impossible'} description={errorMessage(error)} />
      {back && <p className="fr-mt-2w">{back}</p>}
    </Page>
  );
}
