// Translations: a référent opens the translation view of a demo journey,
// fills a missing English text, saves, and sees the count drop; the missing
// translations are warnings (publication allowed) linked to the view; the
// French texts carry the readability check of the real API.

import { test, assert, axe, signIn, EDITOR } from './harness.mjs';

const JOURNEY = '/admin/o/var/parcours/handicap-age';

/** The « N textes à traduire » count of the translation view (0: « Tout est traduit »). */
async function missingCount(page) {
  const t = (await page.locator('.jy-tr-count').textContent()) ?? '';
  if (t.startsWith('Tout est traduit')) return 0;
  const m = t.match(/^(\d+) textes? à traduire/);
  assert(m, `unexpected count: ${t}`);
  return Number(m[1]);
}

async function save(page) {
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await page.getByText('Brouillon enregistré.').waitFor();
}

/** A translation for a text: as many lines as the French one for a documents list. */
async function fillTranslation(row, text) {
  const key = await row.getAttribute('data-key');
  const field = row.locator('input, textarea').first();
  if (key.endsWith('.documents')) {
    const french = (await row.locator('.jy-tr-fr').textContent()).split('\n').filter((l) => l.trim());
    await field.fill(french.map((_, i) => `${text} ${i + 1}`).join('\n'));
  } else {
    await field.fill(text);
  }
  return field;
}

test('translations: fill a missing English text of a demo journey, save, the count drops; warnings link to the view', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  await page.goto(front + JOURNEY + '?onglet=traductions&langue=en');
  await page.getByRole('heading', { name: 'Traductions' }).waitFor();
  await page.locator('.jy-tr-count').waitFor();
  // The readability of the French texts, from the API.
  await page.locator('.jy-tr-source .rd-note').first().waitFor();
  await axe(page, 'parcours (traductions)');

  let before = await missingCount(page);
  if (before === 0) {
    // The demo journey is wholly translated: empty one English text, as a
    // référent finds it when the French text changed.
    await page.locator('.jy-tr-target').first().locator('input, textarea').first().fill('');
    assert((await missingCount(page)) === 1, 'emptying a translation does not count it as missing');
    await save(page);
    before = 1;
  }

  // The saved draft's warnings: English is listed, apart from the problems, linked to the view.
  const warnings = page.locator('.jy-warning-list');
  await warnings.waitFor();
  await warnings.locator('summary').click();
  const link = warnings.getByRole('link', { name: /^Traduire en anglais \(English\) : \d+ textes? manquants?$/ });
  await link.click();
  await page.waitForURL(/onglet=traductions&langue=en&manquants=1/);
  // Only the missing texts are listed.
  const rows = page.locator('.jy-tr-row');
  assert((await rows.count()) === before, `the filter lists ${await rows.count()} texts, not the ${before} missing`);
  assert((await page.locator('.jy-tr-row:not(.jy-tr-missing)').count()) === 0, 'the filter lists a translated text');
  await axe(page, 'parcours (traductions à faire)');

  // The row by its key: once filled, it is no longer « missing ».
  const key = await page.locator('.jy-tr-missing').first().getAttribute('data-key');
  const row = page.locator(`.jy-tr-row[data-key="${key}"]`);
  const field = await fillTranslation(row, 'Translated in the end-to-end test');
  assert((await field.getAttribute('lang')) === 'en', 'the translation field has no lang="en"');
  assert((await missingCount(page)) === before - 1, 'the count did not drop while typing');
  await save(page);
  assert((await missingCount(page)) === before - 1, 'the count is not the same after saving');

  // Saved: still there after a reload.
  await page.goto(front + JOURNEY + '?onglet=traductions&langue=en');
  await page.locator('.jy-tr-count').waitFor();
  assert((await missingCount(page)) === before - 1, 'the translation was not saved');
  const saved = await page.locator(`.jy-tr-row[data-key="${key}"]`).locator('input, textarea').first().inputValue();
  assert(saved.startsWith('Translated in the end-to-end test'), `the saved translation is « ${saved} »`);
});

test('translations: FALC texts get the readability check as they are typed', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  await page.goto(front + JOURNEY + '?onglet=traductions&langue=fr-x-falc');
  await page.locator('.jy-tr-count').waitFor();
  const row = page.locator('.jy-tr-row').filter({ has: page.locator('textarea') }).first();
  await row.locator('textarea').first().fill("Pour bénéficier de l'allocation, le demandeur transmet l'attestation et le justificatif de ressources au service instructeur compétent de son département.");
  const note = row.locator('.jy-tr-target .rd-note');
  await note.waitFor();
  const text = await note.textContent();
  assert(/Difficile à lire/.test(text) && /Mots peu courants/.test(text), `no FALC advice: ${text}`);
  await axe(page, 'parcours (traductions FALC)');
});
