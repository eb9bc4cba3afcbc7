// Shared by the end-to-end test files: the test registry, assertions, axe-core,
// sign-in and fixtures. Test files (run.mjs and every *.e2e.mjs beside it)
// register with test(name, fn); run.mjs runs them in order.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const started = Date.now();
export const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);
let shots = '';
/** Where E2E_SHOTS screenshots go (run.mjs's temporary folder). */
export function setShots(dir) {
  shots = dir;
}

export const tests = [];
export const test = (name, fn) => tests.push({ name, fn });

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

export async function axe(page, label) {
  // Evaluated through the devtools protocol: the page's CSP forbids inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  if (process.env.E2E_SHOTS) await page.screenshot({ path: path.join(shots, label.replace(/\W+/g, '_') + '.png'), fullPage: true });
  assert(result.length === 0, `axe violations on ${label}:\n  ${result.join('\n  ')}`);
  log(`  axe ok: ${label}`);
}

/** A size×size blue PNG. */
export function png(size) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), data])) >>> 0);
    return Buffer.concat([len, Buffer.from(type), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, Buffer.from([0x1d, 0x4e, 0x89]))]);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export async function signIn(page, front, email, password) {
  await page.goto(front + '/admin/');
  await page.waitForURL(/\/admin\/connexion/);
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/admin\/o\/[^/]+$/);
  await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
}

export const EDITOR = ['editeur@var.demo.aiguillage.fr', 'demo-var-editeur-2026'];

/** The header menus grouping screens (admin-spa/src/layout/Shell.tsx). */
const menuOf = {
  Signalements: 'Retours des habitants',
  'Avis des habitants': 'Retours des habitants',
  'Recherches sans réponse': 'Retours des habitants',
  Membres: 'Organisation',
  Apparence: 'Organisation',
  'Journal des modifications': 'Organisation',
};

/** Opens a screen from the header's navigation, through its menu when it is in one, as a user would. */
export async function openScreen(page, name) {
  const nav = page.getByRole('navigation', { name: 'Menu principal' }).first();
  const link = nav.getByRole('link', { name, exact: true });
  const menu = menuOf[name] && nav.getByRole('button', { name: menuOf[name], exact: true });
  if (menu) {
    // Open it unless it is (callers leave it settled: open, or folded as below).
    if ((await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
    await link.waitFor({ state: 'visible' });
  }
  await link.click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  // The DSFR script folds the menu once the screen changed: wait for it, so the next step starts from a closed menu.
  if (menu) await page.waitForFunction((el) => el.getAttribute('aria-expanded') !== 'true', await menu.elementHandle());
}
