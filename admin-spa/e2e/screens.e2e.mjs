// End-to-end tests of the themes, entry points and organisation screens
// (registered with run.mjs's harness; run them alone with E2E_ONLY=screens).

import { test, assert, axe, signIn, openScreen, EDITOR, log } from './harness.mjs';

const ADMIN = ['admin@var.demo.aiguillage.fr', 'demo-var-admin-2026'];
const PLATFORM = ['plateforme@demo.aiguillage.fr', 'demo-plateforme-2026'];

/** The text of the first question of an entry point's published journey, as the widget will show it. */
async function firstQuestion(go, org, entry) {
  const r = await fetch(`${go}/api/v1/public/organisations/${org}/journeys/${entry}`);
  assert(r.ok, `journey of ${org}/${entry}: ${r.status}`);
  const { journey } = await r.json();
  const step = journey.steps.find((s) => s.id === journey.first_step);
  assert(step?.text, 'no first question in ' + JSON.stringify(journey).slice(0, 200));
  return step.text;
}

/** Waits until the <orientation-widget> in the page shows text in its shadow root. */
async function widgetShows(page, text) {
  await page.waitForFunction(
    (t) => {
      const el = document.querySelector('orientation-widget');
      return !!el?.shadowRoot && el.shadowRoot.textContent.includes(t);
    },
    text,
    { timeout: 15_000 },
  );
}

test('screens: themes — field error, create a theme with two synonyms, listed; synonym picker', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  await page.getByRole('link', { name: 'Thèmes', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Thèmes et synonymes' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Thèmes nationaux (lecture seule)' }).waitFor();
  await page.getByRole('table', { name: /thèmes nationaux/ }).waitFor();
  await axe(page, 'thèmes');

  await page.getByRole('link', { name: 'Ajouter un thème' }).click();
  await page.getByRole('heading', { level: 1, name: 'Nouveau thème' }).waitFor();
  await axe(page, 'nouveau thème');
  const stamp = Date.now();
  const label = `Cantine scolaire e2e ${stamp}`;
  await page.locator('#th-label').fill(label);
  assert((await page.locator('#th-slug').inputValue()) === `cantine-scolaire-e2e-${stamp}`, 'slug not suggested: ' + (await page.locator('#th-slug').inputValue()));
  await page.locator('#th-parent_slug').selectOption('famille');
  await page.locator('#th-synonyms').fill("cantoche\nrepas à l'école");
  await page.getByText('2 mots ou expressions.').waitFor();
  // A slug the API refuses: its error next to the field.
  await page.locator('#th-slug').fill('Pas Valide');
  await page.getByRole('button', { name: 'Créer le thème' }).click();
  await page.getByRole('alert').filter({ hasText: 'Le formulaire contient' }).waitFor();
  await page.locator('.fr-input-group--error').filter({ has: page.locator('#th-slug') }).locator('.fr-message--error').getByText(/minuscules, chiffres et tirets/).waitFor();
  await axe(page, 'nouveau thème (erreur)');
  await page.locator('#th-slug').fill(`cantine-e2e-${stamp}`);
  await page.getByRole('button', { name: 'Créer le thème' }).click();
  await page.getByRole('heading', { level: 1, name: 'Thèmes et synonymes' }).waitFor();
  await page.getByText(`Le thème « ${label} » est créé.`).waitFor();
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: label }) });
  await row.getByText("cantoche, repas à l'école").waitFor();
  await axe(page, 'thème créé');

  // « Ajouter comme synonyme… » (the link of the searches without answer) opens the picker with the word.
  await page.goto(front + '/admin/o/var/themes/synonyme?mot=' + encodeURIComponent('goûter périscolaire'));
  await page.getByRole('heading', { level: 1, name: 'Ajouter un synonyme' }).waitFor();
  assert((await page.getByLabel('Mot ou expression des habitants').inputValue()) === 'goûter périscolaire', 'the word is not prefilled');
  await axe(page, 'ajouter un synonyme');
  await page.locator('label').filter({ hasText: label }).click();
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
  assert((await page.locator('#th-synonyms').inputValue()) === "cantoche\nrepas à l'école\ngoûter périscolaire", 'the word is not added to the synonyms');
  await page.getByRole('button', { name: 'Enregistrer le thème' }).click();
  await page.getByText(/« goûter périscolaire » fait maintenant partie/).waitFor();

  // The searches without answer offer the action on each row (when the demo has any).
  await openScreen(page, 'Recherches sans réponse');
  await page.waitForFunction(() => !document.body.textContent.includes('Chargement…'));
  const actions = await page.getByRole('link', { name: /Ajouter comme synonyme/ }).count();
  log(`    → ${actions} « Ajouter comme synonyme… » on the searches without answer`);
  if (actions > 0) await axe(page, 'recherches sans réponse (actions)');
});

test('screens: entry points — create on a published journey, snippet copied, live widget preview', async ({ page, front, go }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: front });
  await signIn(page, front, ...ADMIN);
  await page.getByRole('link', { name: "Points d'entrée", exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: "Points d'entrée" }).waitFor();
  await page.getByRole('link', { name: 'Logement', exact: true }).first().waitFor();
  await axe(page, "points d'entrée");

  await page.getByRole('link', { name: "Ajouter un point d'entrée" }).click();
  await page.getByRole('heading', { level: 1, name: "Nouveau point d'entrée" }).waitFor();
  await axe(page, "nouveau point d'entrée");
  const stamp = Date.now();
  const name = `Loyers e2e ${stamp}`;
  const slug = `loyers-e2e-${stamp}`;
  await page.locator('#ep-name').fill(name);
  assert((await page.locator('#ep-slug').inputValue()) === slug, 'slug not suggested');
  // Neither journey nor theme: the API's error on the journey field.
  await page.getByRole('button', { name: "Créer le point d'entrée" }).click();
  await page.locator('.fr-select-group--error').filter({ has: page.locator('#ep-journey') }).getByText(/indiquez un parcours ou des thèmes/).waitFor();
  await axe(page, "nouveau point d'entrée (erreur)");
  await page.locator('#ep-journey').selectOption('logement-loyer');
  assert((await page.locator('#ep-journey option:checked').textContent()).includes('publié'), 'the journey is not shown as published');
  assert((await page.getByText("n'a jamais été publié").count()) === 0, 'a published journey is flagged');
  await page.locator('#ep-themes').selectOption({ index: 2 });
  await page.getByRole('list', { name: 'Thèmes proposés' }).getByRole('listitem').first().waitFor();
  await page.getByRole('button', { name: "Créer le point d'entrée" }).click();

  await page.getByRole('heading', { level: 1, name }).waitFor();
  await page.getByText(`Le point d'entrée « ${name} » est créé.`).waitFor();
  const code = await page.getByLabel("Code d'intégration du widget").textContent();
  for (const part of [`<script src="${front}/widget.js" defer></script>`, `<orientation-widget partner="var" entry="${slug}">`, '</orientation-widget>'])
    assert(code.includes(part), `snippet without ${part}:\n${code}`);
  await page.getByRole('button', { name: 'Copier le code' }).click();
  await page.getByRole('status').filter({ hasText: 'Code copié.' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText().catch(() => null));
  if (copied !== null) assert(copied === code, 'the clipboard does not hold the snippet: ' + copied);

  // The real widget, inside the page, on the journey's first question.
  const question = await firstQuestion(go, 'var', slug);
  const preview = page.getByRole('region', { name: `Aperçu du widget : ${name}` });
  await preview.waitFor();
  await widgetShows(page, question);
  assert((await preview.locator('orientation-widget').count()) === 1, 'the widget is not inside the preview region');
  log(`    → preview shows « ${question} »`);
  await axe(page, "point d'entrée (code et aperçu)");

  // An edit shows at once in the preview (the browser's copy of the public API is refreshed).
  await page.locator('#ep-journey').selectOption('famille-prestations');
  await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await page.getByText('Modifications enregistrées.').waitFor();
  await widgetShows(page, await firstQuestion(go, 'var', slug));

  // Deleted with a confirmation.
  await page.getByRole('button', { name: "Supprimer le point d'entrée…" }).click();
  await page.getByRole('button', { name: 'Confirmer la suppression' }).click();
  await page.getByText(`Le point d'entrée « ${name} » est supprimé.`).waitFor();
  assert((await page.getByRole('link', { name }).count()) === 0, 'the deleted entry point is still listed');
});

test('screens: organisation creation as the platform admin', async ({ page, front }) => {
  await signIn(page, front, ...PLATFORM);
  await page.getByRole('link', { name: 'Créer une organisation' }).click();
  await page.getByRole('heading', { level: 1, name: 'Créer une organisation' }).waitFor();
  await axe(page, 'créer une organisation');
  const stamp = Date.now();
  const name = `Commune e2e ${stamp}`;
  const slug = `commune-e2e-${stamp}`;
  await page.locator('#org-name').fill(name);
  assert((await page.locator('#org-slug').inputValue()) === slug, 'slug not suggested');
  await page.locator('#org-kind').selectOption('commune');
  await page.locator('#org-territory').fill('83137, 99999');
  await page.locator('#org-allowed_origins').fill('https://www.exemple.fr');
  await page.getByRole('button', { name: "Créer l'organisation" }).click();
  await page.locator('.fr-input-group--error').filter({ has: page.locator('#org-territory') }).locator('.fr-message--error').getByText(/99999/).waitFor();
  await axe(page, 'créer une organisation (erreur)');
  await page.locator('#org-territory').fill('83137');
  await page.getByRole('button', { name: "Créer l'organisation" }).click();
  await page.waitForURL(new RegExp(`/admin/o/${slug}$`));
  await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
  await page.waitForFunction((s) => document.querySelector('#org-switcher')?.value === s, slug);
  // A new organisation is guided from its first contact point to the widget on its site.
  const steps = page.getByRole('region', { name: 'Premiers pas' });
  await steps.getByText('encore 4 étapes sur 4').waitFor();
  await axe(page, 'tableau de bord de la nouvelle organisation');
  await steps.getByRole('link', { name: 'Ajouter un point de contact' }).click();
  await page.getByRole('heading', { level: 1, name: 'Nouveau point de contact' }).waitFor();
});

test('screens: organisation details as its admin (allowed origins)', async ({ page, front }) => {
  await signIn(page, front, ...ADMIN);
  await page.getByRole('link', { name: "Informations de l'organisation" }).click();
  await page.getByRole('heading', { level: 1, name: "Informations de l'organisation" }).waitFor();
  await axe(page, "informations de l'organisation");
  const origins = page.locator('#org-allowed_origins');
  const before = await origins.inputValue();
  await origins.fill((before ? before + '\n' : '') + 'www.sans-schema.fr/page');
  await page.getByRole('button', { name: 'Enregistrer les informations' }).click();
  await page.locator('.fr-input-group--error').filter({ has: origins }).locator('.fr-message--error').getByText(/www\.sans-schema\.fr\/page/).waitFor();
  await axe(page, "informations de l'organisation (erreur)");
  await origins.fill((before ? before + '\n' : '') + 'https://www.var.fr');
  await page.getByRole('button', { name: 'Enregistrer les informations' }).click();
  await page.getByText('Informations enregistrées.').waitFor();
});

test('screens: tablet width (768 px) — entry point with its snippet and preview', async ({ browser, front, go }) => {
  const ctx = await browser.newContext({ viewport: { width: 768, height: 1024 }, locale: 'fr-FR' });
  const page = await ctx.newPage();
  const csp = [];
  page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text()) && csp.push(m.text()));
  try {
    await signIn(page, front, ...ADMIN);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('dialog').getByRole('link', { name: "Points d'entrée" }).click();
    await page.getByRole('heading', { level: 1, name: "Points d'entrée" }).waitFor();
    await page.getByRole('link', { name: 'Logement', exact: true }).first().click();
    await page.getByLabel("Code d'intégration du widget").waitFor();
    await widgetShows(page, await firstQuestion(go, 'var', 'logement'));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `the page scrolls sideways at 768 px (${overflow} px)`);
    await axe(page, "point d'entrée (tablette)");
    await page.goto(front + '/admin/o/var/themes');
    await page.getByRole('heading', { level: 1, name: 'Thèmes et synonymes' }).waitFor();
    const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow2 <= 0, `the themes page scrolls sideways at 768 px (${overflow2} px)`);
    await axe(page, 'thèmes (tablette)');
    assert(csp.length === 0, 'CSP violations:\n  ' + csp.join('\n  '));
  } finally {
    await ctx.close();
  }
});
