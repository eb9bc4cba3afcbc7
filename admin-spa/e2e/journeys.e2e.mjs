// Journeys: a référent builds a two-question journey in the tree editor, sees
// a validation problem on the step at fault, fixes it, publishes, walks the
// draft in the real widget, and rolls back.

import { test, assert, axe, signIn, EDITOR, log } from './harness.mjs';

/** Text inside the widget's shadow root (the preview). */
async function widgetText(page) {
  return page.evaluate(() => document.querySelector('orientation-widget')?.shadowRoot?.textContent ?? '');
}

async function waitWidgetText(page, text, timeout = 10_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const t = await widgetText(page);
    if (t.includes(text)) return;
    if (Date.now() > end) throw new Error(`the widget preview does not show « ${text} »; it shows: ${t.slice(0, 400)}`);
    await page.waitForTimeout(150);
  }
}

test('journeys: build a two-question journey, fix the step at fault, publish, preview in the widget, roll back', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  await page.getByRole('link', { name: 'Parcours', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Parcours' }).waitFor();
  await axe(page, 'parcours (liste)');

  // Create: title → slug suggested, first question.
  await page.getByRole('button', { name: 'Nouveau parcours' }).click();
  await page.getByLabel('Titre').fill('Scolarité : aide et cantine');
  assert((await page.getByLabel('Identifiant').inputValue()) === 'scolarite-aide-et-cantine', 'slug not suggested from the title');
  await page.getByLabel('Première question (facultatif)').fill('Quelle aide cherchez-vous ?');
  await page.getByRole('button', { name: 'Créer le parcours' }).click();
  await page.getByRole('heading', { level: 1, name: 'Scolarité : aide et cantine' }).waitFor();
  await page.getByText('est créé (brouillon)').waitFor();

  // Question 1: two choices.
  await page.getByLabel('Choix n° 1', { exact: true }).fill('Payer la cantine');
  await page.getByLabel('Choix n° 2', { exact: true }).fill('Un accompagnement pour mon enfant handicapé');
  // Choice 1 → a second question.
  await page.getByRole('group', { name: "Créer l'étape où mène : Le choix n° 1 mène à" }).getByRole('button', { name: '+ Question' }).click();
  await page.getByLabel('Question posée').fill('Avez-vous un quotient familial CAF ?');
  await page.getByLabel('Choix n° 1', { exact: true }).fill('Oui');
  await page.getByLabel('Choix n° 2', { exact: true }).fill('Je ne sais pas');
  // Its first choice → an outcome that names a pivot (the CAF) but no commune step: a problem.
  await page.getByRole('group', { name: "Créer l'étape où mène : Le choix n° 1 mène à" }).getByRole('button', { name: '+ Réponse' }).click();
  await page.getByLabel('Titre de la réponse').fill('Demandez le tarif réduit à votre CAF');
  await page.getByLabel('Explication').fill('Votre CAF vous donne une attestation de quotient familial à présenter à la mairie.');
  await page.getByLabel('Ajouter', { exact: true }).selectOption('caf');
  await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
  // Back to question 2 (from the tree): its second choice leads to the same outcome.
  await page.getByRole('navigation', { name: 'Étapes du parcours' }).getByRole('button', { name: /Avez-vous un quotient familial/ }).click();
  await page.getByLabel('Le choix n° 2 mène à', { exact: true }).selectOption({ label: 'Réponse : Demandez le tarif réduit à votre CAF' });
  // Question 1's second choice → an outcome with a fixed contact point.
  await page.getByRole('navigation', { name: 'Étapes du parcours' }).getByRole('button', { name: /Quelle aide cherchez-vous/ }).click();
  await page.getByRole('group', { name: "Créer l'étape où mène : Le choix n° 2 mène à" }).getByRole('button', { name: '+ Réponse' }).click();
  await page.getByLabel('Titre de la réponse').fill('Contactez le Conseil départemental');
  await page.getByLabel('Explication').fill('Le Conseil départemental finance le transport et l’accompagnement des élèves handicapés.');
  await page.getByLabel('Chercher un point de contact par son nom').fill('Conseil départemental');
  await page.getByRole('button', { name: /Ajouter « Conseil départemental - Var »/ }).click();
  await page.getByText('Conseil départemental - Var', { exact: true }).waitFor();

  // Save: the validation runs on the saved draft and points at the CAF outcome.
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await page.getByText('Brouillon enregistré.').waitFor();
  const panel = page.locator('.jy-problem-list');
  await panel.waitFor();
  const problems = await panel.textContent();
  assert(/Demandez le tarif réduit/.test(problems) && /commune/i.test(problems), `the problem is not on the CAF outcome: ${problems}`);
  const tree = page.getByRole('navigation', { name: 'Étapes du parcours' });
  assert((await tree.locator('.jy-problems').count()) >= 1, 'the tree does not mark the step at fault');
  await axe(page, 'parcours (éditeur, problème)');

  // Go to the problem: the pivot field gets the focus; fix it with a commune step.
  await panel.getByRole('button', { name: /Demandez le tarif réduit/ }).first().click();
  await page.getByRole('heading', { name: 'Réponse : Demandez le tarif réduit à votre CAF' }).waitFor();
  // Insert a commune step: question 2's choice 1 → commune → outcome.
  await tree.getByRole('button', { name: /Avez-vous un quotient familial/ }).click();
  await page.getByLabel('Le choix n° 1 mène à', { exact: true }).selectOption('');
  await page.getByLabel('Le choix n° 2 mène à', { exact: true }).selectOption('');
  await page.getByRole('group', { name: "Créer l'étape où mène : Le choix n° 1 mène à" }).getByRole('button', { name: "+ Commune de l'habitant" }).click();
  await page.getByLabel('Une fois la commune connue, aller à', { exact: true }).selectOption({ label: 'Réponse : Demandez le tarif réduit à votre CAF' });
  await tree.getByRole('button', { name: /Avez-vous un quotient familial/ }).click();
  await page.getByLabel('Le choix n° 2 mène à', { exact: true }).selectOption({ label: 'Commune : Dans quelle commune habitez-vous ?' });
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await page.getByText('Brouillon enregistré.').waitFor();
  await page.getByText('Le brouillon enregistré peut être publié').waitFor();
  await axe(page, 'parcours (éditeur, valide)');

  // Publish with a note.
  await page.getByRole('tab', { name: 'Publication et historique' }).click();
  await page.getByText("Ce parcours n'a jamais été publié").waitFor();
  await page.getByLabel('Note de version (facultatif)').fill('Première version');
  await page.getByRole('button', { name: 'Publier le brouillon enregistré' }).click();
  await page.getByText('Version 1 publiée').waitFor();
  await page.getByRole('cell', { name: 'Première version' }).waitFor();
  await axe(page, 'parcours (publication)');

  // Preview: the draft in the real widget, through to the contacts for a commune.
  await page.getByRole('tab', { name: 'Aperçu dans le widget' }).click();
  await page.locator('orientation-widget').waitFor();
  await waitWidgetText(page, 'Quelle aide cherchez-vous ?');
  await waitWidgetText(page, 'Aperçu du brouillon');
  await axe(page, 'parcours (aperçu)');
  // Walk it: the choice leads to the outcome and its contact point.
  await page.locator('orientation-widget').getByRole('button', { name: 'Un accompagnement pour mon enfant handicapé' }).click();
  await waitWidgetText(page, 'Contactez le Conseil départemental');
  await waitWidgetText(page, 'Conseil départemental - Var');
  log('  the preview walks the draft to its outcome');

  // A draft change shows in the preview after saving, not before publishing.
  await page.getByRole('tab', { name: 'Étapes' }).click();
  await tree.getByRole('button', { name: /Quelle aide cherchez-vous/ }).click();
  await page.getByLabel('Question posée').fill('De quelle aide avez-vous besoin ?');
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await page.getByText('Brouillon enregistré.').waitFor();
  await page.getByRole('tab', { name: 'Aperçu dans le widget' }).click();
  await waitWidgetText(page, 'De quelle aide avez-vous besoin ?');
  log('  the preview follows the saved draft');

  // Diff against the live version, publish v2, roll back to v1.
  await page.getByRole('tab', { name: 'Publication et historique' }).click();
  await page.getByRole('cell', { name: 'De quelle aide avez-vous besoin ?' }).waitFor();
  await page.getByRole('button', { name: 'Publier le brouillon enregistré' }).click();
  await page.getByText('Version 2 publiée').waitFor();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Republier la version 1' }).click();
  await page.getByText('La version 1 est de nouveau en ligne (version 3)').waitFor();
});

test('journeys: a viewer reads but cannot edit; leaving with unsaved changes asks first', async ({ page, front, browser }) => {
  await signIn(page, front, ...EDITOR);
  await page.goto(front + '/admin/o/var/parcours/logement-loyer');
  await page.getByRole('heading', { level: 1, name: /Logement/ }).waitFor();
  await page.getByLabel('Question posée').fill('Quelle est votre situation, en deux mots ?');
  await page.getByRole('link', { name: 'Points de contact' }).first().click();
  await page.getByRole('alertdialog', { name: 'Quitter sans enregistrer ?' }).waitFor();
  await page.getByRole('button', { name: 'Rester sur la page' }).click();
  assert((await page.getByLabel('Question posée').inputValue()) === 'Quelle est votre situation, en deux mots ?', 'the edit was lost');

  const ctx = await browser.newContext({ viewport: { width: 768, height: 1000 }, locale: 'fr-FR' });
  const viewer = await ctx.newPage();
  try {
    await signIn(viewer, front, 'lecteur@var.demo.aiguillage.fr', 'demo-var-lecteur-2026');
    await viewer.goto(front + '/admin/o/var/parcours/logement-loyer');
    await viewer.getByRole('heading', { level: 1, name: /Logement/ }).waitFor();
    assert(await viewer.getByLabel('Question posée').isDisabled(), 'a viewer can edit');
    assert((await viewer.getByRole('button', { name: 'Enregistrer le brouillon' }).count()) === 0, 'a viewer sees the save button');
    await axe(viewer, 'parcours (lecteur, tablette)');
  } finally {
    await ctx.close();
  }
});
