// End-to-end tests of the exports (« Exporter » on the contact point and
// journey lists) and of the public open data page, registered with run.mjs's
// harness. Run alone with E2E_ONLY=export.

import { readFile } from 'node:fs/promises';
import { test, assert, axe, signIn, EDITOR, log } from './harness.mjs';

test('export: contact points as CSV and HSDS, journeys as JSON', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  await page.getByRole('link', { name: 'Points de contact', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Points de contact' }).waitFor();
  const region = page.getByRole('region', { name: 'Exporter les points de contact' });
  await region.waitFor();
  await axe(page, 'points de contact (export)');

  // CSV, the default: the template's columns, the server's file name.
  let [download] = await Promise.all([page.waitForEvent('download'), region.getByRole('button', { name: 'Exporter' }).click()]);
  assert(download.suggestedFilename() === 'points-de-contact-var.csv', `file name ${download.suggestedFilename()}`);
  const csv = await readFile(await download.path(), 'utf8');
  assert(csv.startsWith('\ufeffRéférence;Nom;Type;Description;Thèmes;'), `CSV starts with ${JSON.stringify(csv.slice(0, 60))}`);
  await region.getByRole('status').getByText('Fichier « points-de-contact-var.csv » téléchargé.').waitFor();
  log('  contact points CSV downloaded');

  // HSDS 3.0.
  await region.getByRole('combobox', { name: /Format du fichier/ }).selectOption('hsds');
  [download] = await Promise.all([page.waitForEvent('download'), region.getByRole('button', { name: 'Exporter' }).click()]);
  assert(download.suggestedFilename() === 'points-de-contact-var-hsds.json', `file name ${download.suggestedFilename()}`);
  const hsds = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert(hsds.version === '3.0' && Array.isArray(hsds.contents) && hsds.total_items === hsds.contents.length, 'HSDS page shape');
  log(`  HSDS: ${hsds.total_items} services`);

  await page.getByRole('link', { name: 'Parcours', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Parcours' }).waitFor();
  const jr = page.getByRole('region', { name: 'Exporter les parcours' });
  [download] = await Promise.all([page.waitForEvent('download'), jr.getByRole('button', { name: 'Exporter' }).click()]);
  assert(download.suggestedFilename() === 'parcours-var.json', `file name ${download.suggestedFilename()}`);
  const journeys = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert(journeys.format === 'aiguillage/journeys' && journeys.journeys.length > 0, 'journeys export');
  await axe(page, 'parcours (export)');
});

test('export: the open data page of the national commons', async ({ page, go }) => {
  await page.goto(go + '/opendata');
  await page.getByRole('heading', { level: 1, name: "Données ouvertes d'Aiguillage" }).waitFor();
  await page.getByRole('link', { name: 'Licence Ouverte / Open Licence 2.0' }).waitFor();
  await axe(page, 'données ouvertes');
  const r = await page.request.get(go + '/opendata/hsds.json');
  assert(r.ok() && (r.headers()['link'] ?? '').includes('rel="license"') && r.headers()['etag'], `hsds.json: ${r.status()}`);
  const again = await page.request.get(go + '/opendata/hsds.json', { headers: { 'If-None-Match': r.headers()['etag'] } });
  assert(again.status() === 304, `If-None-Match: ${again.status()}`);
});
