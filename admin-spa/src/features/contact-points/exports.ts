import type { Api } from '../../api/client';
import type { paths } from '../../api/schema';
import { unwrap } from '../../api/problem';
import { filenameOf, type Downloaded, type ExportFormat } from '../../components/ExportControl';

export type ContactPointExportFormat = NonNullable<NonNullable<paths['/api/v1/admin/organisations/{org}/exports/contact-points']['get']['parameters']['query']>['format']>;

export const contactPointExportFormats: ExportFormat<ContactPointExportFormat>[] = [
  { value: 'csv', label: 'CSV (tableur, réimportable)', hint: "Les colonnes du modèle d'import : modifiez le fichier, puis importez-le à nouveau." },
  { value: 'json', label: 'JSON (format Aiguillage)', hint: "Tous les champs des points de contact, tels que l'API les décrit." },
  { value: 'hsds', label: 'HSDS 3.0 (Open Referral)', hint: 'Le standard international des annuaires de services sociaux.' },
  { value: 'data-inclusion', label: 'data·inclusion (schéma v1)', hint: "Le schéma des services d'insertion (DORA, data·inclusion)." },
];

/** Downloads the organisation's contact points in a format. */
export async function exportContactPoints(api: Api, org: string, format: ContactPointExportFormat): Promise<Downloaded> {
  const r = await api.client.GET('/api/v1/admin/organisations/{org}/exports/contact-points', { params: { path: { org }, query: { format } }, parseAs: 'blob' });
  const blob = unwrap(r) as Blob;
  return { blob, filename: filenameOf(r.response.headers.get('Content-Disposition'), `points-de-contact-${org}.${format === 'csv' ? 'csv' : 'json'}`) };
}
