import type { Api } from '../../api/client';
import type { paths } from '../../api/schema';
import { unwrap } from '../../api/problem';
import { filenameOf, type Downloaded, type ExportFormat } from '../../components/ExportControl';

export type JourneyExportFormat = NonNullable<NonNullable<paths['/api/v1/admin/organisations/{org}/exports/journeys']['get']['parameters']['query']>['format']>;

export const journeyExportFormats: ExportFormat<JourneyExportFormat>[] = [
  { value: 'json', label: 'JSON', hint: 'Chaque parcours avec sa version publiée et son brouillon, au format des documents de parcours.' },
  { value: 'csv', label: 'CSV (tableur)', hint: 'Une ligne par étape et par option de réponse, version publiée puis brouillon.' },
];

/** Downloads the organisation's journeys in a format. */
export async function exportJourneys(api: Api, org: string, format: JourneyExportFormat): Promise<Downloaded> {
  const r = await api.client.GET('/api/v1/admin/organisations/{org}/exports/journeys', { params: { path: { org }, query: { format } }, parseAs: 'blob' });
  const blob = unwrap(r) as Blob;
  return { blob, filename: filenameOf(r.response.headers.get('Content-Disposition'), `parcours-${org}.${format}`) };
}
