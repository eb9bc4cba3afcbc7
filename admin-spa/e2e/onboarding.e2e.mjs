// The "done when": a référent signs in, adds a contact point, attaches
// it to a new journey, publishes, and copies an embed snippet that works on
// a page of their own site, following only what the screens say.

import { test, assert, axe, signIn, log } from './harness.mjs';

const ADMIN = ['admin@var.demo.aiguillage.fr', 'demo-var-admin-2026'];

test('onboarding: contact point → new journey → publish → entry point → the copied snippet works on another site', async ({ page, browser, front }) => {
  const stamp = Date.now();
  await signIn(page, front, ...ADMIN);

  // 1. A contact point.
  await page.getByRole('link', { name: 'Points de contact', exact: true }).first().click();
  await page.getByRole('link', { name: 'Ajouter un point de contact' }).click();
  const cpName = `Guichet scolarité ${stamp}`;
  await page.locator('#cp-name').fill(cpName);
  await page.getByLabel(/^Numéro \(moyen 1\)/).fill('04 94 11 22 33');
  await page.getByLabel('Départements servis').fill('83');
  await page.getByRole('button', { name: 'Ajouter le département' }).click();
  await page.getByRole('button', { name: 'Créer le point de contact' }).click();
  await page.getByText(/est créé/).waitFor();

  // 2. A new journey whose answer is that contact point.
  await page.getByRole('link', { name: 'Parcours', exact: true }).first().click();
  await page.getByRole('button', { name: 'Nouveau parcours' }).click();
  const title = `Inscription à l'école ${stamp}`;
  await page.getByLabel('Titre').fill(title);
  await page.getByLabel('Première question (facultatif)').fill('Votre enfant entre-t-il en maternelle ?');
  await page.getByRole('button', { name: 'Créer le parcours' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await page.getByLabel('Choix n° 1', { exact: true }).fill('Oui, en maternelle');
  await page.getByLabel('Choix n° 2', { exact: true }).fill('Non, en élémentaire');
  await page.getByRole('group', { name: "Créer l'étape où mène : Le choix n° 1 mène à" }).getByRole('button', { name: '+ Réponse' }).click();
  await page.getByLabel('Titre de la réponse').fill('Inscrivez votre enfant au guichet scolarité');
  await page.getByLabel('Explication').fill('Prenez rendez-vous avec le guichet : il vous dit quels papiers apporter.');
  await page.getByLabel('Chercher un point de contact par son nom').fill(cpName);
  await page.getByRole('button', { name: `Ajouter « ${cpName} » (votre organisation)` }).click();
  await page.getByRole('navigation', { name: 'Étapes du parcours' }).getByRole('button', { name: /Votre enfant entre-t-il/ }).click();
  await page.getByLabel('Le choix n° 2 mène à', { exact: true }).selectOption({ label: 'Réponse : Inscrivez votre enfant au guichet scolarité' });
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await page.getByText('Le brouillon enregistré peut être publié').waitFor();

  // 3. Publish, then follow « Sur votre site » to an entry point.
  await page.getByRole('tab', { name: 'Publication et historique' }).click();
  await page.getByRole('button', { name: 'Publier le brouillon enregistré' }).click();
  await page.getByText('Version 1 publiée').waitFor();
  await page.getByRole('link', { name: /Créer un point d'entrée pour ce parcours/ }).click();
  await page.getByRole('heading', { level: 1, name: "Nouveau point d'entrée" }).waitFor();
  await page.locator('#ep-journey option[value^="inscription-a-l-ecole"]').waitFor({ state: 'attached' }); // the journeys are loaded
  assert((await page.locator('#ep-journey').inputValue()).startsWith('inscription-a-l-ecole'), 'the journey is not preselected');
  await page.locator('#ep-name').fill(`École ${stamp}`);
  await page.getByRole('button', { name: "Créer le point d'entrée" }).click();
  await page.getByText(/est créé/).waitFor();
  await axe(page, "point d'entrée créé depuis un parcours");

  // 4. Copy the snippet and paste it into another site's page.
  const code = await page.getByLabel("Code d'intégration du widget").textContent();
  await page.getByRole('button', { name: 'Copier le code' }).click();
  await page.getByRole('status').filter({ hasText: 'Code copié.' }).waitFor();
  log('  snippet:', code.replace(/\s+/g, ' ').trim());

  const site = await browser.newContext({ locale: 'fr-FR' });
  const other = await site.newPage();
  try {
    // Another origin (about:blank set with content): only the pasted markup.
    await other.setContent(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Mairie — scolarité</title></head><body><main><h1>Scolarité</h1>${code}</main></body></html>`);
    const widget = other.locator('orientation-widget');
    await widget.getByRole('button', { name: 'Oui, en maternelle' }).click({ timeout: 15_000 });
    await widget.getByText('Inscrivez votre enfant au guichet scolarité').first().waitFor();
    await widget.getByText(cpName).first().waitFor();
    await widget.locator('a[href^="tel:"]').first().waitFor();
    log('  the pasted snippet walks the new journey to the new contact point');
  } finally {
    await site.close();
  }
});
