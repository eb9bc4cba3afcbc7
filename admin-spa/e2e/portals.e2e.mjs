// « Portails partenaires » (issue 10): a platform admin creates a portal's API
// key, sees it once, the public API accepts it, then refuses it once revoked.

import { test, assert, axe, signIn, EDITOR } from './harness.mjs';

const PLATFORM = ['plateforme@demo.aiguillage.fr', 'demo-plateforme-2026'];
const PUBLIC_READ = '/api/v1/public/organisations/var/themes';

test('portals: create a key (shown once), use it on the public API, revoke it', async ({ page, front }) => {
  await signIn(page, front, ...PLATFORM);
  await page.getByRole('link', { name: 'Portails partenaires', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Portails partenaires' }).waitFor();
  await axe(page, 'portails partenaires');

  const name = `Portail e2e ${Date.now()}`;
  await page.locator('#portal-name').fill(name);
  await page.locator('#portal-email').fill('pas-une-adresse');
  await page.getByRole('button', { name: 'Créer la clé' }).click();
  await page.locator('.fr-input-group--error').filter({ has: page.locator('#portal-email') }).getByText('adresse électronique invalide').waitFor();
  await axe(page, 'portails partenaires (erreur)');

  await page.locator('#portal-email').fill('technique@exemple.fr');
  await page.getByRole('button', { name: 'Créer la clé' }).click();
  await page.getByText(/elle ne sera plus jamais affichée/).waitFor();
  const key = await page.getByLabel("Clé d'API").inputValue();
  assert(/^agk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/.test(key), `unexpected key ${key}`);
  await axe(page, 'portails partenaires (clé créée)');

  const call = (k) => fetch(front + PUBLIC_READ, { headers: { 'X-API-Key': k } });
  let res = await call(key);
  assert(res.status === 200, `public read with the key: ${res.status}`);
  res = await call(key.slice(0, 20) + (key[20] === 'A' ? 'B' : 'A') + key.slice(21));
  assert(res.status === 401, `public read with a wrong key: ${res.status}`);

  await page.getByRole('button', { name: "J'ai copié la clé" }).click();
  assert((await page.getByLabel("Clé d'API").count()) === 0, 'the key is still shown');
  const row = page.getByRole('row').filter({ hasText: name });
  await row.getByText('technique@exemple.fr').waitFor();
  await row.getByRole('button', { name: `Révoquer la clé de ${name}` }).click();
  await axe(page, 'portails partenaires (confirmation)');
  await row.getByRole('button', { name: 'Confirmer la révocation' }).click();
  await page.getByText(`Clé du portail « ${name} » révoquée`).waitFor();
  await row.getByText(/Révoquée le/).waitFor();

  res = await call(key);
  const problem = await res.json();
  assert(res.status === 401 && problem.title === "Clé d'API invalide" && /révoquée/.test(problem.detail), `revoked key: ${res.status} ${JSON.stringify(problem)}`);
  res = await fetch(front + PUBLIC_READ);
  assert(res.status === 200, `anonymous read: ${res.status}`);
});

test('portals: hidden from référents', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  assert((await page.getByRole('link', { name: 'Portails partenaires' }).count()) === 0, 'a référent sees the portals link');
  await page.goto(front + '/admin/o/var/portails');
  await page.getByText('Écran réservé aux administrateurs de la plateforme').waitFor();
  await axe(page, 'portails partenaires (référent)');
});
