// End-to-end tests of the admin SPA against the real Go server with the demo
// data, in Debian's Chromium driven by playwright-core, axe-core on every
// screen. Run from admin-spa/: `npm run e2e` (builds dist first).
//
// It builds ./api/cmd/aiguillage into a temporary folder, migrates a temporary
// SQLite database, loads the demo and starts `serve` (demo mode). A tiny
// static server then serves admin-spa/dist under /admin/ exactly like the Go
// binary will (SPA fallback to index.html, the same strict CSP) and proxies
// /api to the Go server, so the SPA is same-origin as in production.
//
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_ONLY (substring of
// test names), AIGUILLAGE_BIN (a prebuilt binary instead of `go build`),
// E2E_KEEP=1 (keep the temporary folder), E2E_NO_BUILD=1 (use dist as is),
// E2E_SHOTS=1 (a full-page screenshot of every screen checked by axe, kept),
// E2E_DIST (serve this build folder instead of dist/, with E2E_NO_BUILD=1).
//
// Each test gets { page, browser, front, go, cli, tmp }: cli(args) runs the
// same aiguillage binary on the same SQLite database (an import while the
// server runs), tmp is the run's temporary folder.

import { chromium } from 'playwright-core';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tests, test, assert, axe, png, signIn, openScreen, EDITOR, log, setShots } from './harness.mjs';

const run = promisify(execFile);
const spa = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(spa, '..');
const dist = process.env.E2E_DIST ? path.resolve(process.env.E2E_DIST) : path.join(spa, 'dist');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// The Go server's policy for /admin/ (api/internal/httpapi/adminapp.go).
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data: blob:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startGo(tmp, publicUrl) {
  let bin = process.env.AIGUILLAGE_BIN;
  if (!bin) {
    bin = path.join(tmp, 'aiguillage');
    log('building the Go binary…');
    await run('go', ['build', '-o', bin, './api/cmd/aiguillage'], { cwd: repo, env: { ...process.env, CGO_ENABLED: '0' }, maxBuffer: 1 << 24 });
  }
  const port = await freePort();
  const env = {
    ...process.env,
    AIGUILLAGE_DATABASE_URL: 'sqlite:' + path.join(tmp, 'e2e.db'),
    AIGUILLAGE_ADDR: `127.0.0.1:${port}`,
    // Links the API builds (logo, invitations) point at the front, as in production.
    AIGUILLAGE_PUBLIC_URL: publicUrl,
    AIGUILLAGE_DEMO_MODE: 'true',
    AIGUILLAGE_LOG_LEVEL: 'warn',
    AIGUILLAGE_LOG_FORMAT: 'text',
    AIGUILLAGE_PUBLIC_READ_RATE: '0',
    // ProConnect on, with a provider that does not answer (nothing listens
    // on port 9): the button shows, and a sign-in ends « indisponible ».
    AIGUILLAGE_PROCONNECT_ISSUER: 'http://127.0.0.1:9/oidc',
    AIGUILLAGE_PROCONNECT_CLIENT_ID: 'e2e',
    AIGUILLAGE_PROCONNECT_CLIENT_SECRET: 'e2e',
  };
  log('migrate + demo…');
  await run(bin, ['migrate'], { env });
  await run(bin, ['demo'], { env, maxBuffer: 1 << 24 });
  const proc = spawn(bin, ['serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    if (proc.exitCode !== null) throw new Error(`aiguillage serve exited with ${proc.exitCode}`);
    try {
      // cli runs another command of the same binary on the same database (the server keeps running).
      if ((await fetch(base + '/readyz')).ok) return { base, port, proc, cli: (args) => run(bin, args, { env, maxBuffer: 1 << 24, timeout: 120_000 }) };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not become ready within 30 s');
}

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.woff': 'font/woff', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json' };

/** Serves dist under /admin/ (like the Go binary) and proxies the rest to Go. */
async function startFront(port, goPort) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/admin' || url.pathname.startsWith('/admin/')) {
      const rel = decodeURIComponent(url.pathname.replace(/^\/admin\/?/, ''));
      let file = rel && !rel.includes('..') ? path.join(dist, rel) : null;
      if (file && !(await stat(file).then((s) => s.isFile(), () => false))) file = null;
      if (!file && rel.startsWith('assets/')) {
        res.writeHead(404).end();
        return;
      }
      file ??= path.join(dist, 'index.html');
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' });
      res.end(await readFile(file));
      return;
    }
    const proxied = http.request({ host: '127.0.0.1', port: goPort, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    proxied.on('error', () => res.writeHead(502).end());
    req.pipe(proxied);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${port}` };
}

// ------------------------------------------------------------------ tests

test('sign-in page: wrong password, then sign in, accessible', async ({ page, front }) => {
  await page.goto(front + '/admin/');
  await page.waitForURL(/\/admin\/connexion/);
  await page.getByRole('heading', { level: 1, name: "Connexion à l'espace référents" }).waitFor(); // the page, not the empty shell
  await axe(page, 'connexion');
  await page.getByLabel('Adresse électronique').fill(EDITOR[0]);
  await page.getByLabel('Mot de passe', { exact: true }).fill('pas le bon mot de passe');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('alert').getByText('Adresse électronique ou mot de passe incorrect.').waitFor();
  await axe(page, 'connexion (erreur)');
  await page.getByLabel('Mot de passe', { exact: true }).fill(EDITOR[1]);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
  await page.getByRole('heading', { name: 'Points de contact à vérifier' }).waitFor();
  await page.getByText('affichages du widget').waitFor();
  await axe(page, 'tableau de bord');
});

test('accessibility statement linked from the footer', async ({ page, front }) => {
  await page.goto(front + '/admin/');
  await page.getByRole('link', { name: /Accessibilité : non conforme/ }).click();
  await page.getByRole('heading', { level: 1, name: "Déclaration d'accessibilité" }).waitFor();
  await page.getByText('Libre réponse 71120').waitFor();
  await axe(page, "déclaration d'accessibilité");
});

test('sign-in page: a newcomer to the demonstration signs in with a demo account, without the README', async ({ page, front }) => {
  await page.goto(front + '/admin/');
  await page.getByRole('heading', { name: 'Version de démonstration' }).waitFor();
  await axe(page, 'connexion (démonstration)');
  await page.getByRole('button', { name: 'Administrateur de var' }).click();
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
  await page.getByText('admin@var.demo.aiguillage.fr').first().waitFor();
  // The demo partner is set up: no « Premiers pas » left.
  await page.getByText('affichages du widget').waitFor();
  assert((await page.getByRole('region', { name: 'Premiers pas' }).count()) === 0, 'the set-up demo partner is shown its first steps');
});

test('ProConnect button: official look, provider unavailable explained, accessible', async ({ page, front }) => {
  await page.goto(front + '/admin/connexion');
  const button = page.getByRole('link', { name: /S.identifier avec\s*ProConnect/ });
  await button.waitFor();
  await page.getByRole('link', { name: /Qu.est-ce que ProConnect/ }).waitFor();
  await axe(page, 'connexion avec ProConnect');
  await button.click();
  await page.waitForURL(/\/admin\/connexion\/proconnect/);
  await page.getByText('ProConnect est momentanément indisponible', { exact: false }).waitFor();
  await axe(page, 'connexion ProConnect (indisponible)');
});

test('ProConnect refusal page: French message, accessible', async ({ page, front }) => {
  await page.goto(front + '/admin/connexion/proconnect#error=unknown_account');
  await page.getByRole('heading', { level: 1, name: 'Connexion avec ProConnect' }).waitFor();
  await page.getByText("Aucun compte Aiguillage n'est associé à votre adresse ProConnect", { exact: false }).waitFor();
  assert(!(await page.evaluate(() => location.hash)), 'the fragment stays in the address bar');
  await axe(page, 'connexion ProConnect (refus)');
  await page.getByRole('link', { name: 'Revenir à la page de connexion' }).click();
  await page.waitForURL(/\/admin\/connexion$/);
});

test('session survives a reload (refresh token), sign-out ends it', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
  await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
  await page.waitForURL(/\/admin\/connexion/);
  await page.goto(front + '/admin/o/var/points-de-contact');
  await page.waitForURL(/\/admin\/connexion/);
});

test('contact points: create with a field error, then list and search', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  await page.getByRole('link', { name: 'Points de contact', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Points de contact' }).waitFor();
  await page.getByText(/\d+ points? de contact/).waitFor();
  await axe(page, 'liste des points de contact');
  await page.getByRole('link', { name: 'Ajouter un point de contact' }).click();
  await page.getByRole('heading', { level: 1, name: 'Nouveau point de contact' }).waitFor();
  await axe(page, 'nouveau point de contact');
  const name = `Point d'accueil e2e ${Date.now()}`;
  await page.locator('#cp-name').fill(name);
  await page.getByLabel(/^Numéro \(moyen 1\)/).fill('04 94 00 00 00');
  await page.getByRole('button', { name: 'Ajouter un moyen de contact' }).click();
  await page.getByLabel('Type (moyen 2)').selectOption('email');
  await page.getByLabel(/^Adresse électronique \(moyen 2\)/).fill('pas-une-adresse');
  await page.getByRole('button', { name: 'Ajouter un créneau le lundi' }).click();
  await page.getByLabel('Départements servis').fill('83');
  await page.getByRole('button', { name: 'Ajouter le département' }).click();
  await page.getByLabel('Communes servies').fill('toulon');
  await page.getByRole('button', { name: /^Toulon \(83/ }).click();
  await page.getByRole('list', { name: 'Communes choisies' }).getByText('Toulon (83137)').waitFor();
  await page.getByRole('button', { name: 'Créer le point de contact' }).click();
  // The API's field error, next to the field and in the summary.
  const summary = page.getByRole('alert').filter({ hasText: 'Le formulaire contient' });
  await summary.waitFor();
  await summary.getByText(/Moyen de contact 2/).waitFor();
  const field = page.locator('#cp-channels-1-value');
  assert((await field.getAttribute('aria-invalid')) === 'true' || (await page.locator('#cp-channels-1-value-desc-error, .fr-input-group--error #cp-channels-1-value').count()) > 0, 'the e-mail field is not marked in error');
  await page.locator('.fr-input-group--error').filter({ has: field }).getByText('adresse électronique invalide').waitFor();
  await axe(page, 'formulaire avec erreurs');
  // Unsaved changes: leaving asks first.
  await page.getByRole('link', { name: 'Retour à la liste' }).click();
  await page.getByRole('alertdialog', { name: 'Quitter sans enregistrer ?' }).waitFor();
  await axe(page, 'avertissement modifications non enregistrées');
  await page.getByRole('button', { name: 'Rester sur la page' }).click();
  await field.fill('accueil@exemple.fr');
  await page.getByRole('button', { name: 'Créer le point de contact' }).click();
  await page.getByText(/est créé/).waitFor();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await axe(page, 'point de contact créé');
  await page.getByRole('link', { name: 'Retour à la liste' }).click();
  await page.locator('input[name=q]').fill('e2e');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.getByRole('link', { name }).waitFor();
});

test('conflict: a stale version is refused, reload shows the current one', async ({ page, front, go }) => {
  await signIn(page, front, ...EDITOR);
  await page.goto(front + '/admin/o/var/points-de-contact');
  const first = page.locator('table tbody tr a').first();
  const href = await first.getAttribute('href');
  await first.click();
  await page.getByRole('button', { name: 'Marquer comme vérifié' }).waitFor();
  // Someone else edits it meanwhile, through the API.
  const id = href.split('/').pop();
  const login = await (await fetch(go + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'admin@var.demo.aiguillage.fr', password: 'demo-var-admin-2026' }) })).json();
  const auth = { Authorization: 'Bearer ' + login.access_token };
  const cur = await fetch(`${go}/api/v1/admin/organisations/var/contact-points/${id}`, { headers: auth });
  const r = await fetch(`${go}/api/v1/admin/organisations/var/contact-points/${id}`, { method: 'PATCH', headers: { ...auth, 'Content-Type': 'application/json', 'If-Match': cur.headers.get('etag') }, body: JSON.stringify({ description: 'Modifié par une collègue ' + Date.now() }) });
  assert(r.ok, 'concurrent edit failed: ' + r.status);
  await page.locator('#cp-description').fill('Ma version');
  await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await page.getByRole('alert').filter({ hasText: "Quelqu'un d'autre a modifié ce point de contact" }).waitFor();
  await axe(page, 'conflit de version');
  await page.getByRole('button', { name: 'Recharger la version actuelle' }).click();
  await page.waitForFunction(() => document.querySelector('#cp-description')?.value.startsWith('Modifié par une collègue'));
});

test('mark as verified', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  // A contact point not verified for 6 months, from the dashboard.
  const stale = page.getByRole('region', { name: 'Points de contact à vérifier' }).getByRole('listitem').last().getByRole('link');
  await stale.click();
  await page.getByText('À vérifier', { exact: true }).first().waitFor();
  await page.getByRole('button', { name: 'Marquer comme vérifié' }).click();
  await page.getByText(/Vérification enregistrée|n'a pas pu être enregistrée/).waitFor();
  await axe(page, 'marquer comme vérifié');
  // Today's API records a check only with a change (see README): either outcome is shown clearly.
  log('    →', (await page.getByText(/Vérification enregistrée|n'a pas pu être enregistrée/).textContent()).slice(0, 120));
});

test('inboxes: reports, feedback, searches without answer', async ({ page, front }) => {
  await signIn(page, front, ...EDITOR);
  // The navigation's menu, open, by keyboard: its links are reachable and axe-clean.
  const menu = page.getByRole('navigation', { name: 'Menu principal' }).first().getByRole('button', { name: 'Retours des habitants' });
  await menu.focus();
  await page.keyboard.press('Enter');
  // The DSFR script unfolds the menu, then marks the button (not at once).
  await page.getByRole('navigation', { name: 'Menu principal' }).first().getByRole('link', { name: 'Signalements' }).waitFor({ timeout: 5000 });
  await page.waitForFunction((el) => el.getAttribute('aria-expanded') === 'true', await menu.elementHandle(), { timeout: 5000 });
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
  assert(focused?.includes('Signalements'), `Tab does not lead into the open menu: ${focused}`);
  await axe(page, 'navigation, menu ouvert');
  for (const h1 of ['Signalements', 'Avis des habitants', 'Recherches sans réponse']) {
    await openScreen(page, h1);
    await page.waitForFunction(() => !document.body.textContent.includes('Chargement…'));
    await axe(page, h1);
  }
});

test('tablet width (768 px): navigation in the menu, no axe violation', async ({ browser, front }) => {
  const ctx = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await ctx.newPage();
  await signIn(page, front, ...EDITOR);
  await axe(page, 'tableau de bord (tablette)');
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('dialog').getByRole('link', { name: 'Points de contact' }).click();
  await page.getByRole('heading', { level: 1, name: 'Points de contact' }).waitFor();
  await axe(page, 'liste (tablette)');
  // A screen inside a menu of the navigation, from the same dialog.
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Retours des habitants' }).click();
  await page.getByRole('dialog').getByRole('link', { name: 'Avis des habitants' }).click();
  await page.getByRole('heading', { level: 1, name: 'Avis des habitants' }).waitFor();
  assert(!(await page.getByRole('dialog').isVisible()), 'the menu stays open over the screen');
  await ctx.close();
});

test('members: invite, accept the invitation, audit log', async ({ page, browser, front }) => {
  await signIn(page, front, 'admin@var.demo.aiguillage.fr', 'demo-var-admin-2026');
  await openScreen(page, 'Membres');
  await page.getByRole('cell', { name: 'editeur@var.demo.aiguillage.fr', exact: true }).waitFor();
  await axe(page, 'membres');
  // A field error from the API, next to the field.
  await page.locator('#invite-email').fill('pas-une-adresse');
  await page.getByRole('button', { name: "Créer le lien d'invitation" }).click();
  await page.locator('.fr-input-group--error').filter({ has: page.locator('#invite-email') }).waitFor();
  await axe(page, 'membres (erreur)');
  const email = `nouvelle.${Date.now()}@exemple.fr`;
  await page.locator('#invite-email').fill(email);
  await page.getByRole('button', { name: "Créer le lien d'invitation" }).click();
  const link = await page.getByLabel("Lien d'invitation").inputValue();
  assert(/\/admin\/invitation#.+/.test(link), 'unexpected invitation link ' + link);
  await axe(page, 'invitation créée');
  // The invited person opens the link (same path on the test front).
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const other = await ctx.newPage();
  await other.goto(front + new URL(link).pathname + new URL(link).hash);
  await other.getByRole('heading', { level: 1, name: 'Rejoindre une organisation' }).waitFor();
  await axe(other, 'accepter une invitation');
  await other.getByLabel('Mot de passe', { exact: true }).fill('une phrase de passe assez longue');
  await other.getByLabel('Confirmez le mot de passe').fill('une phrase de passe assez longue');
  await other.getByRole('button', { name: "Rejoindre l'organisation" }).click();
  await other.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
  await other.getByText(email).first().waitFor();
  await ctx.close();
  await openScreen(page, 'Journal des modifications');
  await page.getByText(/\d+ entrées?/).waitFor();
  await axe(page, 'journal');
});

test('platform admin: organisation switcher', async ({ page, front }) => {
  await signIn(page, front, 'plateforme@demo.aiguillage.fr', 'demo-plateforme-2026');
  const sw = page.locator('#org-switcher');
  await sw.waitFor();
  await page.getByRole('link', { name: 'Points de contact', exact: true }).first().click();
  await sw.selectOption('lille');
  await page.waitForURL(/\/admin\/o\/lille\/points-de-contact$/);
  await page.getByRole('heading', { level: 1, name: 'Points de contact' }).waitFor();
  await axe(page, 'sélecteur d\u2019organisation');
});

test('branding: contrast check, API field error, save, logo upload', async ({ page, front }) => {
  await signIn(page, front, 'admin@var.demo.aiguillage.fr', 'demo-var-admin-2026');
  await openScreen(page, 'Apparence');
  await page.getByRole('heading', { level: 1, name: 'Apparence du widget' }).waitFor();
  await axe(page, 'apparence');
  const primary = page.locator('#br-primary_color');
  await primary.fill('#ffd200');
  await page.getByText(/Trop claire pour du texte sur fond blanc/).waitFor();
  await page.locator('#br-primary_color-checks').getByText('Insuffisant').first().waitFor();
  await axe(page, 'apparence (contraste insuffisant)');
  await primary.fill('#12');
  await page.getByRole('button', { name: 'Enregistrer les couleurs' }).click();
  await page.locator('.fr-input-group--error').filter({ has: primary }).getByText('doit être une couleur au format #RRGGBB').waitFor();
  await axe(page, 'apparence (erreur)');
  await primary.fill('#1d4e89');
  await page.getByRole('button', { name: 'Enregistrer les couleurs' }).click();
  await page.getByText('Couleurs enregistrées').waitFor();
  // Too small: the API's field error is shown next to the file input.
  await page.getByLabel(/Nouveau logo/).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(1) });
  await page.getByRole('button', { name: 'Envoyer le logo' }).click();
  await page.locator('#br-logo-error').getByText(/entre 16 et 2048 pixels/).waitFor();
  assert((await page.locator('#br-logo').getAttribute('aria-describedby')) === 'br-logo-error', 'the logo error is not tied to its field');
  await axe(page, 'apparence (logo refusé)');
  await page.getByLabel(/Nouveau logo/).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(64) });
  await page.getByRole('button', { name: 'Envoyer le logo' }).click();
  await page.getByText('Logo enregistré.').waitFor();
  await page.getByRole('img', { name: /Logo de/ }).waitFor();
  assert(await page.getByRole('img', { name: /Logo de/ }).evaluate((img) => img.complete && img.naturalWidth > 0), 'the logo does not load');
  await axe(page, 'apparence (logo)');
});

// ------------------------------------------------------------------ main

const tmp = await mkdtemp(path.join(os.tmpdir(), 'admin-spa-e2e-'));
setShots(tmp);
// Every *.e2e.mjs file beside this one registers more tests, in name order.
for (const f of (await readdir(path.join(spa, 'e2e'))).filter((f) => f.endsWith('.e2e.mjs')).sort()) await import('./' + f);
let go, front, browser;
let failed = 0;
try {
  if (!process.env.E2E_NO_BUILD) {
    log('building the SPA…');
    await run('npm', ['run', 'build'], { cwd: spa, maxBuffer: 1 << 24 });
  }
  const frontPort = await freePort();
  go = await startGo(tmp, `http://127.0.0.1:${frontPort}`);
  front = await startFront(frontPort, go.port);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  for (const t of tests) {
    if (process.env.E2E_ONLY && !t.name.includes(process.env.E2E_ONLY)) continue;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: false });
    const page = await ctx.newPage();
    page.setDefaultTimeout(10_000);
    const problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    try {
      await t.fn({ page, browser, front: front.base, go: go.base, cli: go.cli, tmp });
      const csp = problems.filter((p) => /Content Security Policy|Refused to/.test(p));
      assert(csp.length === 0, 'CSP violations:\n  ' + csp.join('\n  '));
      log('ok  ', t.name);
    } catch (e) {
      failed++;
      log('FAIL', t.name, '\n', e.message, problems.length ? '\n  console: ' + problems.join('\n  ') : '');
      await page.screenshot({ path: path.join(tmp, t.name.replace(/\W+/g, '_') + '.png'), fullPage: true }).catch(() => {});
    }
    await ctx.close();
  }
} finally {
  await browser?.close();
  front?.server.close();
  go?.proc.kill('SIGTERM');
  if (process.env.E2E_KEEP || process.env.E2E_SHOTS || failed) log('artefacts in', tmp);
  else await rm(tmp, { recursive: true, force: true });
}
if (failed) {
  log(`${failed} test(s) failed`);
  process.exit(1);
}
log('all e2e tests passed');
