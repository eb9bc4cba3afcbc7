// Journeys to review: a contact point of the national directory used by a
// published journey disappears from a full import (withdrawn); the référent
// sees it on the dashboard and in the journey list, opens the journey on the
// step at fault, replaces the contact point, publishes, and the notice is
// gone. Run alone with E2E_ONLY=reviews.
//
// Set-up through the real binary and API, no mock, on the server's SQLite
// database while it runs: `aiguillage import annuaire --full` of the demo's
// France services list plus one office of ours (created, the others
// unchanged), a journey naming that office published through the API, then
// `aiguillage import annuaire --full` of the demo's list as it is: ours is no
// longer listed, so it alone is withdrawn. Why not a tiny annuaire v4 file:
// with --full it would withdraw every annuaire office of the demo (the tests
// after this one need them). Why not a one-office file: see the note on the
// importer below.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { test, assert, axe, signIn, EDITOR, log } from './harness.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FRANCE_SERVICES = path.join(repo, 'api/internal/commons/data/france-services_2024-08-01.csv.gz');
const OFFICE = 'France services du Mourillon (essai e2e)';
const SLUG = 'e2e-demarches-revue';
const STEP = 'aide-demarches';
const STEP_TEXT = 'Faites-vous aider dans une France services';

// One more row in the France services CSV format (api/internal/importer/README.md).
const OFFICE_ROW = `"e2e-revue-1","83","${OFFICE}","12 rue du Mourillon",,"83137","83000","Toulon",43.1124,5.945,"mourillon@exemple.fr","04 94 00 00 01","09:00 - 12:00","09:00 - 12:00 / 13:30 - 17:00",,"09:00 - 12:00",,,"Non",,"Principal","Fixe",,"Espace labellisé 01/01/2021"\n`;

async function login(go, email, password) {
  const r = await fetch(go + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
  assert(r.ok, `login ${email}: ${r.status}`);
  return { Authorization: 'Bearer ' + (await r.json()).access_token, 'Content-Type': 'application/json' };
}

async function call(go, auth, method, url, body) {
  const r = await fetch(go + url, { method, headers: auth, body: body && JSON.stringify(body) });
  const text = await r.text();
  assert(r.ok, `${method} ${url}: ${r.status} ${text.slice(0, 400)}`);
  return text ? JSON.parse(text) : null;
}

test('reviews: a withdrawn contact point of a published journey, from the dashboard to the fix', async ({ page, front, go, cli, tmp }) => {
  // 1. The office appears in the national directory (France services kind):
  // the same list, same file name (so the other offices stay unchanged), one
  // more row. Note: the importer's writer goroutine reads t.jobs after it
  // starts (api/internal/importer/runs.go, tracking.begin/write/wait); on a
  // file of one batch, wait() may nil the field first and the command hangs.
  // Files of more than one batch (500 records) are safe: both files here are.
  const list = zlib.gunzipSync(await readFile(FRANCE_SERVICES)).toString('utf8');
  const dir = path.join(tmp, 'avec-le-mourillon');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'france-services_2024-08-01.csv');
  await writeFile(file, list + OFFICE_ROW);
  let out = await cli(['import', 'annuaire', file, '--full']);
  log('   ', out.stdout.trim().split('\n').join('\n     '));
  assert(/: 1 créés, 0 mis à jour, \d+ inchangés, 0 retirés/.test(out.stdout), 'the first import should create our office alone');
  const platform = await login(go, 'plateforme@demo.aiguillage.fr', 'demo-plateforme-2026');
  const found = await call(go, platform, 'GET', `/api/v1/admin/organisations/communs-nationaux/contact-points?q=${encodeURIComponent('Mourillon (essai')}`);
  assert(found.contact_points?.length === 1, `the imported office is not found: ${JSON.stringify(found).slice(0, 300)}`);
  const office = found.contact_points[0].id;

  // 2. A journey of the Var names it in an outcome, published.
  const editor = await login(go, ...EDITOR);
  await call(go, editor, 'POST', '/api/v1/admin/organisations/var/journeys', {
    slug: SLUG,
    title: 'Démarches administratives (essai)',
    first_step: 'besoin',
    steps: [
      { id: 'besoin', kind: 'question', text: 'De quoi avez-vous besoin ?', options: [{ label: "D'aide pour une démarche en ligne", next: STEP }, { label: "C'est urgent", next: 'urgence' }] },
      { id: STEP, kind: 'outcome', text: STEP_TEXT, outcome: { explanation: 'Un agent vous aide à faire vos démarches en ligne, gratuitement.', contact_points: [office] } },
      { id: 'urgence', kind: 'outcome', text: 'Appelez les secours', outcome: { explanation: 'En cas de danger, appelez le 112.', emergency: true } },
    ],
  });
  const v = await call(go, editor, 'POST', `/api/v1/admin/organisations/var/journeys/${SLUG}/publish`, { note: 'Avec la France services du Mourillon' });
  log(`  journey ${SLUG} published (version ${v.number})`);

  // 3. A full import of the France services list without it: withdrawn.
  out = await cli(['import', 'annuaire', FRANCE_SERVICES, '--full']);
  log('   ', out.stdout.trim().split('\n').join('\n     '));
  assert(out.stdout.includes(`retirés (1) : ${office}`), 'the office was not withdrawn alone');
  assert(out.stdout.includes(`${SLUG}, étape ${STEP}`), 'the import does not list the journey to review');
  assert((await fetch(`${go}/api/v1/public/contact-points/${office}`)).status === 410, 'the public read of the withdrawn office is not 410');

  // 4. The dashboard says so, with a link to the step.
  await signIn(page, front, ...EDITOR);
  const notice = page.getByRole('region', { name: '1 parcours à revoir' });
  await page.waitForFunction((t) => document.querySelector('section[aria-labelledby="reviews-title"]')?.textContent.includes(t), `Étape « ${STEP_TEXT} »`);
  const text = await notice.textContent();
  assert(/a fermé ou déménagé/.test(text) && /annuaire national/.test(text), `dashboard notice: ${text}`);
  assert(text.includes(`Étape « ${STEP_TEXT} » : un service qu'elle indique a été retiré de l'annuaire national ; la version en ligne n'affiche plus ce service`), `dashboard notice, step: ${text}`);
  assert((await page.getByRole('alert').count()) === 0, 'the notice interrupts (role=alert) on a plain visit');
  await axe(page, 'tableau de bord (parcours à revoir)');

  // 5. The journey list: the badge and what it means, as the link's description.
  await page.getByRole('link', { name: 'Parcours', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Parcours' }).waitFor();
  const link = page.getByRole('link', { name: 'Démarches administratives (essai)' });
  await link.waitFor();
  const row = page.getByRole('row').filter({ has: link });
  await row.getByText('À revoir', { exact: true }).waitFor();
  await page.waitForFunction((s) => document.getElementById(`review-${s}`)?.textContent.includes('« Faites-vous aider'), SLUG);
  const description = await link.evaluate((a) => a.getAttribute('aria-describedby') && document.getElementById(a.getAttribute('aria-describedby'))?.textContent);
  assert(/À revoir/.test(description) && /la version en ligne n'affiche plus ce service/.test(description), `link description: ${description}`);
  await page.getByText(/\d+ parcours, dont 1 à revoir/).waitFor();
  await axe(page, 'parcours (à revoir)');

  // 6. From the dashboard: the editor opens on the step at fault.
  await page.getByRole('link', { name: 'Tableau de bord', exact: true }).first().click();
  await notice.getByRole('link', { name: 'Démarches administratives (essai)' }).click();
  await page.waitForURL(new RegExp(`/parcours/${SLUG}\\?etape=${STEP}$`));
  await page.getByRole('heading', { name: `Réponse : ${STEP_TEXT}` }).waitFor();
  const message = page.locator('.jy-withdrawn');
  // Partners can no longer read a withdrawn national office: the review names it.
  await message.getByText(`« ${OFFICE} » ne figure plus dans l'annuaire national.`).waitFor();
  const said = await message.textContent();
  assert(said.includes("la version en ligne n'affiche plus ce service") && !said.includes("Son nom n'est plus disponible"), `the message near the picker: ${said}`);
  await page.getByText(/Parcours à revoir : un service a été retiré/).waitFor();
  await page.locator('.jy-problem-list').getByText(/retiré/).waitFor();
  await axe(page, 'parcours (éditeur, service retiré)');

  // 7. Replace it: the next pick takes its place.
  await message.getByRole('button', { name: /Choisir un remplaçant/ }).click();
  const search = page.getByLabel('Chercher un point de contact par son nom');
  await page.waitForFunction(() => document.activeElement?.getAttribute('type') === 'search'); // the search gets the focus
  await page.getByText('Cherchez le service qui remplace le service retiré').waitFor();
  await search.fill('Conseil départemental');
  await page.getByRole('button', { name: /Remplacer par « Conseil départemental - Var »/ }).waitFor();
  await axe(page, 'parcours (éditeur, remplacement)');
  await page.getByRole('button', { name: /Remplacer par « Conseil départemental - Var »/ }).click();
  await page.getByRole('status').getByText(/« Conseil départemental - Var » remplace le service retiré/).waitFor();
  assert((await message.count()) === 0, 'the withdrawn message stays after the replacement');
  await page.locator('.jy-chosen').getByText('Conseil départemental - Var', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await page.getByText('Brouillon enregistré.').waitFor();
  await page.getByText('Le brouillon enregistré peut être publié').waitFor();
  // The live version still lacks it: the notice now says to publish.
  await page.getByText(/Le brouillon ne l'indique plus : publiez-le/).waitFor();
  await axe(page, 'parcours (éditeur, remplacé, à publier)');

  // 8. Publish: the notice goes, here and on the dashboard.
  await page.getByRole('button', { name: 'Publier le brouillon', exact: true }).click();
  await page.getByRole('button', { name: 'Publier le brouillon enregistré' }).click();
  await page.getByText(/Version \d+ publiée/).waitFor();
  await page.waitForFunction(() => !document.body.textContent.includes('Parcours à revoir'));
  const fetched = page.waitForResponse((r) => r.url().endsWith('/organisations/var/journey-reviews') && r.ok());
  await page.goto(front + '/admin/o/var');
  await fetched;
  await page.getByText('affichages du widget').waitFor();
  await page.waitForTimeout(200);
  assert((await page.getByRole('region', { name: /parcours à revoir/ }).count()) === 0, 'the dashboard still shows journeys to review');
  const reviews = await call(go, editor, 'GET', '/api/v1/admin/organisations/var/journey-reviews');
  assert((reviews.journeys ?? []).length === 0, `journeys still to review: ${JSON.stringify(reviews)}`);
  await axe(page, 'tableau de bord (plus rien à revoir)');
});
