// End-to-end tests of the contact point import (o/{org}/points-de-contact/import),
// registered with run.mjs's harness. Run alone with E2E_ONLY=import.

import { readFile } from 'node:fs/promises';
import { test, assert, axe, signIn, EDITOR, log } from './harness.mjs';

const csv = (rows) => Buffer.from('\ufeffRéférence;Nom;Téléphones;Horaires\r\n' + rows.map((r) => r.join(';')).join('\r\n') + '\r\n');

test('import: template, a rejected row and its reason, then the fixed file applies', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  await page.getByRole('link', { name: 'Points de contact', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Points de contact' }).waitFor();
  await page.getByRole('link', { name: 'Importer', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Importer des points de contact' }).waitFor();
  await axe(page, 'import');

  // The template comes with the bearer token, as a download.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Télécharger le modèle CSV' }).click()]);
  assert(download.suggestedFilename() === 'modele-points-de-contact.csv', `template file name ${download.suggestedFilename()}`);
  const template = await readFile(await download.path(), 'utf8');
  assert(template.startsWith('\ufeffRéférence;Nom;Type;'), `template starts with ${JSON.stringify(template.slice(0, 40))}`);
  log('  template downloaded');

  // The help lists every column.
  await page.getByRole('button', { name: 'Colonnes du modèle' }).click();
  await page.getByText('Communes desservies', { exact: true }).waitFor();
  await axe(page, 'import (aide des colonnes)');

  const stamp = Date.now();
  const name = `Permanence importée ${stamp}`;
  const file = page.getByLabel(/Fichier à importer/);
  await file.setInputFiles({
    name: 'points.csv',
    mimeType: 'text/csv',
    buffer: csv([
      [`E2E-${stamp}-1`, name, '04 94 12 34 56', 'lundi-vendredi 09:00-12:00'],
      [`E2E-${stamp}-2`, `Antenne importée ${stamp}`, '12 34', ''],
    ]),
  });
  await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
  const rejected = page.getByRole('table', { name: /Lignes rejetées \(1\)/ });
  await rejected.getByText(/Téléphones : « 12 34 » : numéro invalide/).waitFor();
  await page.getByRole('status').getByText(/1 à créer, 0 à mettre à jour, 0 inchangés, 1 ligne rejetée/).waitFor({ state: 'attached' });
  assert(await page.getByRole('button', { name: 'Importer 1 point de contact' }).isDisabled(), 'import enabled with a rejected row');
  await axe(page, 'import (ligne rejetée)');

  // Fixed: checked again, then imported.
  await file.setInputFiles({
    name: 'points.csv',
    mimeType: 'text/csv',
    buffer: csv([
      [`E2E-${stamp}-1`, name, '04 94 12 34 56', 'lundi-vendredi 09:00-12:00'],
      [`E2E-${stamp}-2`, `Antenne importée ${stamp}`, '04.94.12.34.57', ''],
    ]),
  });
  await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
  await page.getByRole('status').getByText(/2 à créer, 0 à mettre à jour, 0 inchangés, 0 ligne rejetée/).waitFor({ state: 'attached' });
  const apply = page.getByRole('button', { name: 'Importer 2 points de contact' });
  assert(await apply.isEnabled(), 'import disabled on a clean file');
  await axe(page, 'import (fichier vérifié)');
  await apply.click();
  await page.getByText('Import terminé', { exact: true }).waitFor();
  await axe(page, 'import terminé');

  // The new contact point is in the list.
  await page.getByRole('link', { name: 'Voir la liste des points de contact' }).click();
  await page.getByRole('heading', { level: 1, name: 'Points de contact' }).waitFor();
  await page.getByLabel(/^Nom/).fill(name);
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.getByRole('link', { name }).waitFor();
  log('  imported contact point listed');
});

test('import: a data·inclusion file, detected, with its warnings, then applied', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  await page.goto(front + '/admin/o/var/points-de-contact/import');
  await page.getByRole('heading', { level: 1, name: 'Importer des points de contact' }).waitFor();
  const stamp = Date.now();
  const name = `Atelier numérique importé ${stamp}`;
  const doc = {
    structures: [
      { source: 'dora', id: `dora--s-${stamp}`, nom: 'Centre social de test', telephone: '+33494000000', adresse: '1 place de la Liberté', code_postal: '83000', commune: 'Toulon', code_insee: '83137', horaires_accueil: 'Mo-Fr 09:00-12:00', date_maj: '2025-03-01' },
    ],
    services: [
      { source: 'dora', id: `dora--svc-${stamp}`, structure_id: `dora--s-${stamp}`, nom: name, description: 'Ateliers pour apprendre à utiliser internet.', thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique', 'numerique--inconnue'], horaires_accueil: 'Tu 14:00-17:00; Jan-Jun Sa 10:00-12:00', zone_eligibilite: ['83'], date_maj: '2025-03-02' },
    ],
  };
  // A .json file: the format is left to the server, which recognises data·inclusion.
  await page.getByLabel(/Fichier à importer/).setInputFiles({ name: 'dora.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
  await page.getByText(/Fichier data·inclusion\./).waitFor();
  await page.getByText(/1 ligne a des avertissements/).waitFor();
  const table = page.getByRole('table', { name: /Lignes du fichier \(1\)/ });
  await table.getByText(/Avertissement \(Thématiques\) : .*numerique--inconnue/).waitFor();
  await table.getByText(/Avertissement \(Horaires d’accueil\) : .*Jan-Jun Sa 10:00-12:00/).waitFor();
  await axe(page, 'import (data·inclusion, avertissements)');
  await page.getByRole('button', { name: 'Importer 1 point de contact' }).click();
  await page.getByText('Import terminé', { exact: true }).waitFor();
  log('  data·inclusion service imported');
});

test('import: hidden from viewers', async ({ page, front }) => {
  await signIn(page, front, 'lecteur@var.demo.aiguillage.fr', 'demo-var-lecteur-2026');
  await page.goto(front + '/admin/o/var/points-de-contact');
  await page.getByRole('heading', { level: 1, name: 'Points de contact' }).waitFor();
  assert((await page.getByRole('link', { name: 'Importer', exact: true }).count()) === 0, 'a viewer sees the import button');
  await page.goto(front + '/admin/o/var/points-de-contact/import');
  await page.getByText('Écran réservé aux éditeurs').waitFor();
});
