import type { Api } from './client';

/**
 * The public API answers with `Cache-Control: public, max-age=300`: after an
 * edit, the browser would keep showing the old answer (to the widget preview,
 * to the theme pickers) for up to 5 minutes. Fetching the URLs again with
 * `cache: 'reload'` refreshes the browser's copy. Failures are ignored: it is
 * only a refresh.
 */
export async function refreshPublic(api: Api, org: string, what: { organisation?: boolean; themes?: boolean; entry?: string }) {
  const c = api.client;
  const jobs: Promise<unknown>[] = [];
  if (what.organisation) jobs.push(c.GET('/api/v1/public/organisations/{slug}', { params: { path: { slug: org } }, cache: 'reload' }));
  if (what.themes) jobs.push(c.GET('/api/v1/public/organisations/{slug}/themes', { params: { path: { slug: org } }, cache: 'reload' }));
  if (what.entry) jobs.push(c.GET('/api/v1/public/organisations/{slug}/journeys/{entry}', { params: { path: { slug: org, entry: what.entry } }, cache: 'reload' }));
  await Promise.allSettled(jobs);
}
