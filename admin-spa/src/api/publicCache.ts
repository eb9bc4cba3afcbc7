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
  // The widget asks in its language (`?lang=…`, a URL of its own for the
  // browser's cache): refresh French and the language picked in the preview.
  for (const lang of previewLanguages()) {
    const query = lang ? { lang } : undefined;
    if (what.organisation) jobs.push(c.GET('/api/v1/public/organisations/{slug}', { params: { path: { slug: org }, query }, cache: 'reload' }));
    if (what.themes) jobs.push(c.GET('/api/v1/public/organisations/{slug}/themes', { params: { path: { slug: org }, query }, cache: 'reload' }));
    if (what.entry) jobs.push(c.GET('/api/v1/public/organisations/{slug}/journeys/{entry}', { params: { path: { slug: org, entry: what.entry }, query }, cache: 'reload' }));
  }
  await Promise.allSettled(jobs);
}

/** The languages the preview widget may ask in: none (other clients), French, and the one picked in the widget's menu this session. */
function previewLanguages(): (string | undefined)[] {
  const out: (string | undefined)[] = [undefined, 'fr'];
  try {
    const picked = sessionStorage.getItem('orientation-lang');
    if (picked && !out.includes(picked)) out.push(picked);
  } catch {
    // storage refused: French only
  }
  return out;
}
