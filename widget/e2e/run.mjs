// End-to-end tests of <orientation-widget> against the real Go server with
// the demo data, in Debian's Chromium driven by playwright-core, with
// axe-core injected for accessibility. Run from widget/: `npm run e2e`
// (after `npm run build`).
//
// It builds ./api/cmd/aiguillage into a temporary folder, migrates a temporary
// SQLite database, loads the demo, starts `serve` on a free port and waits for
// /readyz. Other origins (a hostile host page, a partner site) are simulated
// with Playwright routes: no request leaves the machine.
//
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_ONLY (substring of
// the test names to run), E2E_KEEP=1 (keep the temporary folder),
// AIGUILLAGE_BIN (a prebuilt binary instead of `go build`; the widget is then
// served from widget/dist and widget/pages).

import { chromium } from 'playwright-core';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const widget = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(widget, '..');
const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);

// ------------------------------------------------------------------ server

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

/** The demo account every sign-in with the local OpenID Connect provider is: an editor of var (its agent lines). */
const AGENT_EMAIL = 'editeur@var.demo.aiguillage.fr';

/**
 * startOIDC builds and starts widget/e2e/mockoidc, a local OpenID Connect provider (oauth2-proxy/mockoidc) the
 * server signs agents in with, as it would with ProConnect: its issuer, client id and secret.
 */
async function startOIDC(tmp) {
  const bin = path.join(tmp, 'mockoidc');
  await run('go', ['build', '-o', bin, './widget/e2e/mockoidc'], { cwd: repo, env: { ...process.env, CGO_ENABLED: '0' }, maxBuffer: 1 << 24 });
  const proc = spawn(bin, ['-email', AGENT_EMAIL], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (b) => {
      out += b;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    proc.on('exit', (c) => reject(new Error(`mockoidc exited with ${c}`)));
  });
  return { proc, ...JSON.parse(line) };
}

async function startServer(tmp) {
  let bin = process.env.AIGUILLAGE_BIN;
  const oidcP = startOIDC(tmp);
  if (!bin) {
    bin = path.join(tmp, 'aiguillage');
    log('building the Go binary…');
    await run('go', ['build', '-o', bin, './api/cmd/aiguillage'], { cwd: repo, env: { ...process.env, CGO_ENABLED: '0' }, maxBuffer: 1 << 24 });
  }
  const oidc = await oidcP;
  const port = await freePort();
  const env = {
    ...process.env,
    AIGUILLAGE_DATABASE_URL: 'sqlite:' + path.join(tmp, 'e2e.db'),
    AIGUILLAGE_ADDR: `127.0.0.1:${port}`,
    AIGUILLAGE_PUBLIC_URL: `http://127.0.0.1:${port}`,
    AIGUILLAGE_LOG_LEVEL: 'warn',
    AIGUILLAGE_LOG_FORMAT: 'text',
    AIGUILLAGE_DEMO_MODE: 'true', // the demo référents sign in (test 15: a draft preview; tests 21-22: agent mode)
    // Sign-in with ProConnect against the local provider (tests 21-22: the agent mode's popup).
    AIGUILLAGE_PROCONNECT_ISSUER: oidc.issuer,
    AIGUILLAGE_PROCONNECT_CLIENT_ID: oidc.client_id,
    AIGUILLAGE_PROCONNECT_CLIENT_SECRET: oidc.client_secret,
    AIGUILLAGE_PROCONNECT_SCOPES: 'openid email', // the scopes mockoidc knows
  };
  log('migrate + demo…');
  await run(bin, ['migrate'], { env });
  await run(bin, ['demo'], { env, maxBuffer: 1 << 24 });
  const proc = spawn(bin, ['serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    if (proc.exitCode !== null) throw new Error(`aiguillage serve exited with ${proc.exitCode}`);
    try {
      if ((await fetch(base + '/readyz')).ok) return { base, proc, oidc: oidc.proc };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not become ready within 30 s');
}

// ------------------------------------------------------------------ harness

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

class Failure extends Error {}
function check(cond, msg) {
  if (!cond) throw new Failure(msg);
}

/** The Go server serves the bundle; before that is wired, the e2e serves widget/ itself (never on CI). */
async function serveDistIfMissing(ctx, base, goServes) {
  if (goServes) return;
  const files = {
    '/widget.js': ['dist/widget.js', 'text/javascript; charset=utf-8'],
    '/': ['pages/index.html', 'text/html; charset=utf-8'],
    '/integration': ['pages/embed.html', 'text/html; charset=utf-8'],
  };
  // /widget/widget-HASH.js (the bundle the loader adds) is dist/widget-HASH.js, /widget/chunks/NAME dist/chunks/NAME.
  await ctx.route((u) => u.origin === base && (files[u.pathname] || u.pathname.startsWith('/widget/')), async (route) => {
    const p = new URL(route.request().url()).pathname;
    const [file, type] = files[p] || ['dist/' + p.slice('/widget/'.length).replace(/\.\./g, ''), 'text/javascript; charset=utf-8'];
    try {
      route.fulfill({ status: 200, body: await readFile(path.join(widget, file)), headers: { 'Content-Type': type, 'Access-Control-Allow-Origin': '*' } });
    } catch {
      route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

/** A page of another site (a partner, a hostile one), served by Playwright. */
// Other sites (a partner, a hostile page) are served by a small local HTTP
// server on another port: another origin, on a real loopback address.
const sites = new Map();
let sitesBase = '';
async function startSites() {
  const port = await freePort();
  const srv = http.createServer((req, res) => {
    const site = sites.get(req.url.split('?')[0]);
    res.writeHead(site ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8', ...site?.headers });
    res.end(site ? site.html : 'not found');
  });
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  sitesBase = `http://localhost:${port}`;
  return srv;
}
const other = (p) => `${sitesBase}/${p}`;
function fakeSite(url, html, headers = {}) {
  sites.set(new URL(url).pathname, { html, headers });
}

const W = (partner = 'var') => `orientation-widget[partner="${partner}"]`;

async function axeCheck(page, label) {
  await page.evaluate(axeSource);
  const r = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return res.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target) + ' ' + n.failureSummary.replace(/\n/g, ' ')).join('\n      ')}`);
  });
  check(r.length === 0, `axe found ${r.length} violation(s) on ${label}:\n    ${r.join('\n    ')}`);
}

/** shadowFocus: a description of the element focused inside a widget. */
function shadowFocus(page, sel) {
  return page.evaluate((sel) => {
    const host = document.querySelector(sel);
    const el = host && host.shadowRoot && host.shadowRoot.activeElement;
    if (!el || document.activeElement !== host) return null;
    const cs = getComputedStyle(el);
    return { tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim(), href: el.getAttribute('href') || '', outline: cs.outlineStyle, outlineWidth: cs.outlineWidth, name: el.getAttribute('name') || '' };
  }, sel);
}

/** hidePage: the page goes to the background (another tab, the phone's dialer): the widget sends its usage events. */
function hidePage(page) {
  return page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/** usageBatches collects the bodies of the usage event batches the page sends. */
function usageBatches(page, base) {
  const out = [];
  page.on('request', (r) => r.url() === base + '/api/v1/public/events' && out.push(JSON.parse(r.postData())));
  return out;
}

/** status checks an answer's status, reading its body only when it is not the one expected. */
async function status(res, want, what) {
  if (res.status() !== want) throw new Failure(`${what}: ${res.status()} ${await res.text().catch(() => '')}`);
}

async function stats(base, slug) {
  const r = await fetch(`${base}/api/v1/public/stats/${slug}`);
  check(r.ok, `GET /api/v1/public/stats/${slug}: ${r.status}`);
  return r.json();
}

/** until polls cond (async, returns true or a description of what is still missing) for up to ms. */
async function until(cond, ms, what) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await cond();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Failure(`${what} within ${ms / 1000} s: ${last}`);
}

// ------------------------------------------------------------------ tests

test('1. "jai plus de sous pour payer mon loyer" + Toulon reaches a CAF phone number in ≤ 3 interactions', async ({ page, base }) => {
  await page.goto(base + '/');
  const w = page.locator(W());
  await w.locator('.opts button').first().waitFor();
  const ms = await page.evaluate(() => Math.round(performance.now() - performance.getEntriesByName(new URL('/widget.js', location.href).href)[0].responseEnd));
  log(`   first question on screen ${ms} ms after widget.js arrived (target 300 ms on localhost)`);
  await w.locator('input[name="q"]').fill('jai plus de sous pour payer mon loyer');
  let interactions = 0;
  await w.locator('input[name="q"]').press('Enter');
  interactions++;
  const commune = w.locator('.notice input[name="commune"]');
  await commune.waitFor({ timeout: 10000 });
  await commune.fill('Toulon');
  const opt = w.locator('[role="option"]', { hasText: /^Toulon\b/ }).first();
  await opt.waitFor({ timeout: 10000 });
  await opt.click();
  interactions++;
  const caf = w.locator('article.card[data-pivot="caf"] a[href^="tel:"], a[href="tel:3230"]').first();
  await caf.waitFor({ state: 'visible', timeout: 10000 });
  check(interactions <= 3, `took ${interactions} interactions`);
  const href = await caf.getAttribute('href');
  log(`   reached ${href} in ${interactions} interactions after typing`);
  const chip = w.locator('.chip', { hasText: 'Toulon' }).first();
  check(await chip.waitFor({ timeout: 5000 }).then(() => true, () => false), 'the chosen commune is not shown');
});

test('2. "mon mari me frappe" shows 3919 and 17 at once in the emergency panel', async ({ page, base }) => {
  await page.goto(base + '/');
  const w = page.locator(W());
  await w.locator('input[name="q"]').fill('mon mari me frappe');
  await w.locator('input[name="q"]').press('Enter');
  const panel = w.locator('#emg');
  await panel.locator('.nums.first a[href="tel:3919"]').waitFor({ state: 'visible', timeout: 10000 });
  check(await panel.locator('.nums.first a[href="tel:17"]').first().isVisible(), '17 is not shown with 3919');
  check(await panel.locator('a[href^="sms:114"]').first().isVisible(), '114 by SMS is not offered');
  check((await w.locator('button.em').getAttribute('aria-expanded')) === 'true', 'the emergency button does not say the panel is open');
  const f = await shadowFocus(page, W());
  check(f && f.tag === 'h2' && /urgence/i.test(f.text), `focus should be on the emergency panel heading, is on ${JSON.stringify(f)}`);
  check(!page.url().includes('orientation='), 'an emergency search must not be written to the address bar');
});

test('3. a full journey of the demo entry point to a phone number, keyboard only', async ({ page, base }) => {
  await page.goto(base + '/');
  await page.locator(W() + ' .opts button').first().waitFor();
  const sel = W();
  // Tab from the top of the page to the option "J'ai du mal à payer mon loyer".
  let f;
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    f = await shadowFocus(page, sel);
    if (f && f.tag === 'button' && /payer mon loyer/.test(f.text)) break;
    // Arrow keys move between the options once on the first one.
    if (f && f.tag === 'button' && /dormir ce soir/.test(f.text)) {
      await page.keyboard.press('ArrowDown');
      f = await shadowFocus(page, sel);
      break;
    }
  }
  check(f && /payer mon loyer/.test(f.text), `could not reach the option by keyboard (focus on ${JSON.stringify(f)})`);
  check(f.outline !== 'none' && parseFloat(f.outlineWidth) >= 2, `focus is not visible on the option (outline ${f.outline} ${f.outlineWidth})`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((s) => document.querySelector(s).shadowRoot.activeElement?.tagName === 'H2', sel);
  f = await shadowFocus(page, sel);
  check(/commune/i.test(f.text), `focus should move to the commune question, is on ${JSON.stringify(f)}`);
  await page.keyboard.press('Tab');
  f = await shadowFocus(page, sel);
  check(f && f.name === 'commune', `Tab should reach the commune field, is on ${JSON.stringify(f)}`);
  await page.keyboard.type('Toulon');
  await page.locator(sel + ' [role="option"]', { hasText: /^Toulon\b/ }).first().waitFor();
  // Toulon is among the first suggestions; go down to it.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('ArrowDown');
    const active = await page.evaluate((s) => {
      const r = document.querySelector(s).shadowRoot;
      const id = r.activeElement.getAttribute('aria-activedescendant');
      return id ? r.getElementById(id).textContent : '';
    }, sel);
    if (/^Toulon\b/.test(active)) break;
  }
  await page.keyboard.press('Enter');
  await page.waitForFunction((s) => /APL|aide au logement/i.test(document.querySelector(s).shadowRoot.activeElement?.textContent || ''), sel, { timeout: 10000 });
  await page.keyboard.press('Tab');
  f = await shadowFocus(page, sel);
  check(f && /Non, ou je ne sais pas/.test(f.text), `Tab should reach the first answer, is on ${JSON.stringify(f)}`);
  await page.keyboard.press('Enter');
  await page.locator(sel + ' .card a[href^="tel:"]').first().waitFor({ timeout: 10000 });
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    f = await shadowFocus(page, sel);
    if (f && f.href.startsWith('tel:')) break;
  }
  check(f && f.href.startsWith('tel:'), `no phone number reachable by keyboard (focus on ${JSON.stringify(f)})`);
  log(`   keyboard reached ${f.href} ("${f.text}")`);
  // The answer is addressable: the link restores it in a new page.
  const url = page.url();
  check(/#orientation=p:var;e:logement;c:83137;s:besoin,ou,loyer,caf-aide-logement$/.test(url), `unexpected answer URL ${url}`);
  const p2 = await page.context().newPage();
  await p2.goto(url);
  await p2.locator(sel + ' .card a[href^="tel:"]').first().waitFor({ timeout: 10000 });
  // Back twice returns to the APL question, then to the start.
  await p2.locator(sel + ' .nav button', { hasText: 'Retour' }).click();
  await p2.locator(sel + ' h2', { hasText: /APL/ }).waitFor();
  await p2.close();
});

test('4. axe-core: no violation on the start, a question, an outcome, the emergency panel', async ({ page, base }) => {
  await page.goto(base + '/');
  const w = page.locator(W('lille'));
  await w.locator('input[name="commune"]').waitFor();
  await page.locator(W() + ' .opts button').first().waitFor();
  await axeCheck(page, 'the start');
  // Lille's journey starts with the commune (on the start view), then questions.
  await w.locator('input[name="commune"]').fill('Lille');
  await w.locator('[role="option"]', { hasText: /^Lille\b/ }).first().click();
  await w.locator('.opts button').first().waitFor();
  await axeCheck(page, 'a question');
  await w.locator('.opts button', { hasText: /carte d'identité|passeport/i }).first().click();
  await w.locator('.opts button').first().waitFor();
  await w.locator('.opts button').first().click();
  await w.locator('.card a[href^="tel:"]').first().waitFor({ timeout: 10000 });
  await axeCheck(page, 'an outcome');
  await w.locator('button.em').click();
  await w.locator('#emg a[href="tel:15"]').waitFor();
  await axeCheck(page, 'the emergency panel');
  await page.goto(base + '/integration');
  await page.locator('orientation-widget .opts button').first().waitFor();
  await axeCheck(page, 'the integration guide (/integration)');
});

test('5. hostile host CSS does not leak in, and the widget adds no global but the element', async ({ ctx, page, base }) => {
  const hostile = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Hostile</title>
<style>
  html, body { display: block !important; color: red !important; font-size: 2px !important; font-family: cursive !important; line-height: 0 !important; letter-spacing: 9px !important; text-transform: uppercase !important; }
  body *:not(orientation-widget) { display: none !important; color: red !important; font-size: 2px !important; }
  button { all: unset !important; }
  a, input, h2 { display: none !important; }
</style></head><body><p class="canary">canary</p>
<orientation-widget partner="var" entry="logement"></orientation-widget>
${'<script src="' + base + '/widget.js" defer></script>'}
</body></html>`;
  const bare = hostile.replace(/<script[^>]*><\/script>/, '').replace(/<orientation-widget[^>]*><\/orientation-widget>/, '');
  fakeSite(other('bare.html'), bare);
  fakeSite(other('hostile.html'), hostile);
  await page.goto(other('bare.html'));
  const before = new Set(await page.evaluate(() => Object.getOwnPropertyNames(window)));
  await page.goto(other('hostile.html'));
  const opt = page.locator(W() + ' .opts button').first();
  await opt.waitFor({ state: 'visible', timeout: 10000 });
  const after = await page.evaluate(() => Object.getOwnPropertyNames(window));
  const added = after.filter((n) => !before.has(n));
  check(added.length === 0, `the widget added globals: ${added.join(', ')}`);
  check(await page.evaluate(() => !!customElements.get('orientation-widget')), 'the element is not defined');
  check(!(await page.locator('.canary').isVisible()), 'the hostile CSS did not apply to the host page (test is broken)');
  const st = await opt.evaluate((b) => {
    const cs = getComputedStyle(b);
    return { fontSize: parseFloat(cs.fontSize), color: cs.color, border: cs.borderTopWidth, display: cs.display, cursor: cs.cursor, ls: cs.letterSpacing, tt: cs.textTransform, h: b.getBoundingClientRect().height };
  });
  check(st.fontSize >= 12, `host font-size leaked: ${st.fontSize}px`);
  check(st.color !== 'rgb(255, 0, 0)', 'host colour leaked into a button');
  check(parseFloat(st.border) >= 1, `button { all: unset } leaked: border ${st.border}`);
  check(st.display !== 'none' && st.h >= 30, `the button is not visible (display ${st.display}, height ${st.h})`);
  check(st.tt === 'none' && (st.ls === 'normal' || parseFloat(st.ls) < 2), `inherited text styles leaked: ${st.tt} ${st.ls}`);
  const head = await page.locator(W() + ' h2').first().evaluate((e) => ({ d: getComputedStyle(e).display, c: getComputedStyle(e).color }));
  check(head.d === 'block' && head.c !== 'rgb(255, 0, 0)', `heading styled by the host page: ${JSON.stringify(head)}`);
  check(await page.evaluate(() => document.cookie === '' && localStorage.length === 0 && sessionStorage.length === 0), 'the widget stored something');
});

test('6. on another origin: API at the script origin, lazy chunk loaded (CORS), answer reached; no third-party request', async ({ ctx, page, base }) => {
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const site = other('aides.html');
  fakeSite(site, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title></head><body><main>
<orientation-widget partner="var" entry="logement" commune="83137" mode="agent"></orientation-widget></main>
<script src="${base}/widget.js" defer></script></body></html>`);
  await page.goto(site);
  const w = page.locator(W());
  await w.locator('.opts button', { hasText: /payer mon loyer/ }).click();
  // The commune is preset: the location step is skipped.
  await w.locator('.opts button', { hasText: /Non, ou je ne sais pas/ }).click();
  await w.locator('article.card[data-pivot="caf"] a[href^="tel:"]').first().waitFor({ timeout: 10000 });
  check(await w.locator('button', { hasText: 'Copier la réponse' }).isVisible(), 'agent mode has no "Copier la réponse" button');
  const qr = w.locator('button', { hasText: 'QR code' });
  await qr.click();
  await w.locator('.qr svg path').waitFor({ timeout: 10000 });
  // The usage events go to the API too (a text/plain beacon: no preflight), and are accepted.
  const sent = page.waitForResponse((r) => r.url() === base + '/api/v1/public/events');
  await hidePage(page);
  const res = await sent;
  await status(res, 202, 'usage events from another origin');
  const third = requests.filter((u) => !u.startsWith(base + '/') && !u.startsWith(site));
  check(third.length === 0, `requests to third parties: ${third.join(', ')}`);
  check(requests.some((u) => u.startsWith(base + '/widget/chunks/answers-')), 'the answers chunk was not loaded from /widget/chunks/');
});

test('7. API down: a clear message with 3939 and a retry, emergency numbers still there; stale links restart politely', async ({ ctx, page, base }) => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  fakeSite(other('down.html'), `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Panne</title></head><body><main>
<orientation-widget partner="var" entry="logement" api="${dead}"></orientation-widget></main>
<script src="${base}/widget.js" defer></script></body></html>`);
  await page.goto(other('down.html'));
  const w = page.locator(W());
  await w.locator('a[href="tel:3939"]').waitFor({ timeout: 10000 });
  check(await w.locator('button', { hasText: 'Réessayer' }).isVisible(), 'no retry button');
  await w.locator('button.em').click();
  await w.locator('#emg a[href="tel:3919"]').waitFor({ timeout: 5000 });
  // Stale links: an outcome that no longer exists, a path the journey no longer has.
  for (const hash of ['#orientation=p:var;e:logement;c:83137;o:00000000-0000-4000-8000-000000000000', '#orientation=p:var;e:logement;s:besoin,disparue']) {
    await page.goto(base + '/' + hash);
    await page.locator(W() + ' .notice', { hasText: 'mis à jour' }).waitFor({ timeout: 10000 });
    check(await page.locator(W() + ' .opts button').first().isVisible(), `no fresh start after the stale link ${hash}`);
  }
});

test('8. "Quitter rapidement": Escape twice, or one click, replaces the page', async ({ ctx, page, base }) => {
  await ctx.route('https://neutral.test/', (r) => r.fulfill({ body: '<!doctype html><title>Météo</title><p>Météo</p>', headers: { 'Content-Type': 'text/html; charset=utf-8' } }));
  await page.goto(base + '/#orientation=p:var;e:logement;c:83137;s:besoin,ou,loyer');
  await page.locator(W() + ' h2', { hasText: /APL/ }).waitFor();
  await page.evaluate(() => document.querySelectorAll('orientation-widget').forEach((w) => w.setAttribute('exit-url', 'https://neutral.test/')));
  await page.locator(W() + ' h2', { hasText: /APL/ }).waitFor();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.waitForURL('https://neutral.test/', { timeout: 5000 });
  await page.goto(base + '/');
  await page.evaluate(() => document.querySelectorAll('orientation-widget').forEach((w) => w.setAttribute('exit-url', 'https://neutral.test/')));
  await page.locator(W() + ' .opts button').first().waitFor();
  const batches = usageBatches(page, base);
  await page.locator(W() + ' button', { hasText: 'Quitter rapidement' }).click();
  await page.waitForURL('https://neutral.test/', { timeout: 5000 });
  // The usage events left before the page was replaced, the exit with them.
  const exit = batches.find((b) => b.partner === 'var');
  check(exit && exit.events.at(-1).type === 'exit', `no exit event sent on "Quitter rapidement": ${JSON.stringify(batches)}`);
});

test('9. picking a theme: an entry point without journey offers themes; the search field suggests them (combobox)', async ({ page, base }) => {
  const site = other('themes.html');
  // A partner colour far too light for text: the widget must darken it (axe checks the contrast).
  fakeSite(site, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Thèmes</title>
<style>:root { --orientation-primary: #ffe600; }</style></head><body><main><h1>Solidarité</h1>
<orientation-widget partner="lille" entry="social"></orientation-widget></main>
<script src="${base}/widget.js" defer></script></body></html>`);
  await page.goto(site);
  const w = page.locator(W('lille'));
  await w.locator('h3', { hasText: 'Ou choisissez un sujet' }).waitFor();
  check(await w.locator('.opts button').count() >= 2, 'no theme offered for an entry point without journey');
  const fg = await w.locator('.opts button').first().evaluate((b) => getComputedStyle(b).color);
  check(fg !== 'rgb(255, 230, 0)', 'the too-light partner colour was used as is');
  await axeCheck(page, 'a start with a too-light partner colour');
  const q = w.locator('input[name="q"]');
  await q.pressSequentially('expuls', { delay: 20 });
  const opt = w.locator('[role="option"]').first();
  await opt.waitFor({ timeout: 10000 });
  check((await q.getAttribute('aria-expanded')) === 'true', 'the search combobox does not say it is expanded');
  await q.press('ArrowDown');
  check(!!(await q.getAttribute('aria-activedescendant')), 'ArrowDown did not set aria-activedescendant');
  await q.press('Enter');
  const commune = w.locator('input[name="commune"]');
  await commune.waitFor();
  await commune.fill('59000');
  await commune.press('Enter'); // the first suggestion for a postal code
  await w.locator('.card a[href^="tel:"]').first().waitFor({ timeout: 10000 });
  check(await w.locator('.chip', { hasText: 'Lille' }).count() > 0, 'the commune chosen by postal code is not Lille');
});

test('10. a partner page with a strict CSP (no inline style or script): styled, reports sent', async ({ page, base }) => {
  const site = other('csp.html');
  fakeSite(site, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>CSP</title></head><body><main>
<orientation-widget partner="var" entry="logement" commune="83137"></orientation-widget></main>
<script src="${base}/widget.js" defer></script></body></html>`, {
    'Content-Security-Policy': `default-src 'none'; script-src ${base}; connect-src ${base}; img-src ${base}; style-src 'none'; base-uri 'none'; form-action 'none'`,
  });
  const violations = [];
  page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
  await page.goto(site);
  const w = page.locator(W());
  await w.locator('.opts button', { hasText: /payer mon loyer/ }).click();
  await w.locator('.opts button', { hasText: /Non, ou je ne sais pas/ }).click();
  const card = w.locator('article.card').first();
  await card.waitFor({ timeout: 10000 });
  const radius = await w.locator('article.card a.btn').first().evaluate((a) => getComputedStyle(a).borderTopLeftRadius);
  check(radius !== '0px', 'the widget is unstyled under a strict CSP');
  const rep = card.locator('button', { hasText: 'Information incorrecte' });
  if (await rep.count()) {
    await rep.click();
    await card.locator('textarea').fill('Le numéro ne répond plus depuis un mois.');
    await card.locator('button', { hasText: 'Envoyer le signalement' }).click();
    await card.locator('.msg', { hasText: 'Merci' }).waitFor({ timeout: 10000 });
  } else log('   (features.reports is false on this server: report not tested)');
  check(violations.length === 0, `CSP violations: ${violations.join(' | ')}`);
});

test('11. 320 px wide (= 400 % zoom): nothing overflows, on the start, on an answer and in agent mode', async ({ page, base }) => {
  await page.setViewportSize({ width: 320, height: 700 });
  const overflow = (whole = true) => page.evaluate((whole) => {
    const out = [];
    for (const w of document.querySelectorAll('orientation-widget')) {
      const right = w.getBoundingClientRect().right + 1;
      for (const el of w.shadowRoot.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width && r.right > right && !el.closest('[hidden]') && el.getClientRects().length) out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.right)}>${Math.round(right)}`);
      }
    }
    return out.concat(whole && document.documentElement.scrollWidth > 320 ? ['page scrolls sideways: ' + document.documentElement.scrollWidth] : []);
  }, whole);
  await page.goto(base + '/');
  await page.locator(W() + ' .opts button').first().waitFor();
  let o = await overflow();
  check(o.length === 0, `overflow on the start: ${o.slice(0, 5).join(', ')}`);
  await page.goto(base + '/#orientation=p:var;e:logement;c:83137;s:besoin,ou,loyer,impayes');
  await page.locator(W() + ' .card a[href^="tel:"]').first().waitFor({ timeout: 10000 });
  o = await overflow();
  check(o.length === 0, `overflow on an answer: ${o.slice(0, 5).join(', ')}`);
  // The guide's widget in agent mode: its bar (sign-in, partners' journeys, new caller) and the caller's history.
  await page.goto(base + '/integration');
  await page.locator('orientation-widget[mode="agent"] section.agt select option[value="var/logement"]').waitFor({ state: 'attached' });
  await page.locator('orientation-widget[mode="agent"] .hist').waitFor();
  o = await overflow(false); // the guide's own tables are wider than 320 px: the widgets only
  check(o.length === 0, `overflow in agent mode: ${o.slice(0, 5).join(', ')}`);
});

test('12. impact: a full session (search, commune, answer, a call, feedback « Oui »), then the page hidden: the public statistics move', async ({ page, base }) => {
  const before = await stats(base, 'var');
  const batches = usageBatches(page, base);
  await page.goto(base + '/');
  // A call opens the phone's dialer: the navigation to tel: is stopped here, after the widget saw the click.
  await page.evaluate(() => window.addEventListener('click', (e) => {
    if (e.composedPath().some((n) => n.protocol === 'tel:')) e.preventDefault();
  }));
  const w = page.locator(W());
  const q = 'jai plus de sous pour payer mon loyer';
  await w.locator('input[name="q"]').fill(q);
  await w.locator('input[name="q"]').press('Enter');
  const commune = w.locator('.notice input[name="commune"]');
  await commune.fill('Toulon');
  await w.locator('[role="option"]', { hasText: /^Toulon\b/ }).first().click();
  await w.locator('article.result[data-kind="journey_outcome"] button', { hasText: 'Voir la réponse' }).first().click();
  const call = w.locator('article.card a[href^="tel:"]').first();
  await call.waitFor();
  await call.click();
  check(page.url().startsWith(base + '/'), `the call left the page: ${page.url()}`);
  const fb = w.locator('section.fb');
  await fb.locator('label', { hasText: 'Oui' }).click();
  check(!(await fb.locator('textarea[name="looking_for"]').isVisible()), '« Que cherchiez-vous ? » is asked after « Oui »');
  const posted = page.waitForResponse((r) => r.url() === base + '/api/v1/public/feedback');
  await fb.locator('button[type="submit"]').click();
  const res = await posted;
  await status(res, 202, 'feedback');
  const fbBody = JSON.parse(res.request().postData());
  check(fbBody.useful === true && fbBody.partner === 'var' && fbBody.entry === 'logement' && /^[0-9a-f-]{36}$/.test(fbBody.outcome) && fbBody.query === q,
    `feedback body: ${JSON.stringify(fbBody)}`);
  await fb.locator('.fbmsg', { hasText: 'Merci' }).waitFor();

  const sent = page.waitForResponse((r) => r.url() === base + '/api/v1/public/events' && JSON.parse(r.request().postData()).partner === 'var');
  await hidePage(page);
  await status(await sent, 202, 'usage events');
  const b = batches.find((x) => x.partner === 'var');
  const types = b.events.map((e) => e.type);
  log(`   sent ${b.events.length} events: ${types.join(' ')}`);
  check(/^[A-Za-z0-9_-]{20}$/.test(b.session) && b.entry === 'logement', `batch head: ${JSON.stringify({ ...b, events: undefined })}`);
  for (const t of ['loaded', 'search', 'outcome', 'contact', 'feedback', 'exit']) check(types.includes(t), `no ${t} event in ${types.join(' ')}`);
  check(types.filter((t) => t === 'search').length === 1, 'one search counted twice (re-rendered with the commune)');
  check(b.events.find((e) => e.type === 'search').query === q, 'the search event does not carry the words');
  const contact = b.events.find((e) => e.type === 'contact');
  check(contact.channel === 'phone' && contact.contact_point && contact.outcome === fbBody.outcome, `contact event: ${JSON.stringify(contact)}`);
  const answer = b.events.find((e) => e.type === 'outcome' && e.outcome === fbBody.outcome);
  check(answer && answer.contact_points.includes(contact.contact_point), 'the outcome event does not list the contact point called');
  const allowed = new Set(['type', 'at', 'journey', 'step', 'outcome', 'contact_point', 'contact_points', 'channel', 'results', 'answered', 'query']);
  const extra = b.events.flatMap((e) => Object.keys(e).filter((k) => !allowed.has(k)));
  check(extra.length === 0 && !JSON.stringify(b).includes('83137'), `fields the server does not define, or the commune: ${extra.join(', ')}`);

  // The aggregates count the raw events as soon as the server's writer has stored them (every second).
  const cp = (s, id) => s.contact_points?.find((c) => c.id === id) || { shown: 0, clicks: 0 };
  const phone = (s) => s.channels?.find((c) => c.channel === 'phone')?.clicks || 0;
  await until(async () => {
    const a = await stats(base, 'var');
    const t = a.totals, t0 = before.totals;
    const moved = {
      loads: t.loads > t0.loads, searches: t.searches > t0.searches, sessions_answered: t.sessions_answered > t0.sessions_answered,
      contact_clicks: t.contact_clicks > t0.contact_clicks, phone: phone(a) > phone(before),
      shown: cp(a, contact.contact_point).shown > cp(before, contact.contact_point).shown,
      clicks: cp(a, contact.contact_point).clicks > cp(before, contact.contact_point).clicks,
      feedback: t.feedback > t0.feedback, feedback_useful: t.feedback_useful > t0.feedback_useful, satisfaction: typeof t.satisfaction_rate === 'number',
    };
    const still = Object.keys(moved).filter((k) => !moved[k]);
    return still.length ? `not moved: ${still.join(', ')}` : true;
  }, 10000, 'GET /api/v1/public/stats/var');
});

test('13. feedback « Non » with a comment holding a phone number: field errors shown, accepted (202); axe-core on the form', async ({ page, base }) => {
  await page.goto(base + '/#orientation=p:var;e:logement;c:83137;s:besoin,ou,loyer,caf-aide-logement');
  const fb = page.locator(W() + ' section.fb');
  await fb.waitFor();
  check(await fb.locator('fieldset legend', { hasText: 'Cette réponse vous a-t-elle aidé ?' }).isVisible(), 'the question is not the legend of a fieldset');
  check(!(await fb.locator('textarea').first().isVisible()), 'the comment is asked before Oui or Non');
  // Keyboard: Tab to the first choice, an arrow to « Non ».
  await fb.locator('input[type="radio"]').first().focus();
  await page.keyboard.press('ArrowRight');
  const lookingFor = fb.locator('textarea[name="looking_for"]');
  await lookingFor.waitFor();
  check(await fb.locator('input[value="non"]').isChecked(), 'the arrow key did not choose « Non »');
  await axeCheck(page, 'the feedback form');
  // A comment the server refuses (too long, past the field's own limit): its error under the field.
  const comment = fb.locator('textarea[name="comment"]');
  check((await comment.getAttribute('maxlength')) === '1000' && (await lookingFor.getAttribute('maxlength')) === '300', 'length limits');
  await comment.evaluate((t) => {
    t.removeAttribute('maxlength');
    t.value = 'x'.repeat(1001);
  });
  await fb.locator('button[type="submit"]').click();
  await fb.locator('#' + (await comment.getAttribute('id')) + '-e', { hasText: /1000/ }).waitFor();
  check((await comment.getAttribute('aria-invalid')) === 'true', 'the refused field is not marked aria-invalid');
  const f = await shadowFocus(page, W());
  check(f && f.name === 'comment', `focus should move to the refused field, is on ${JSON.stringify(f)}`);
  check(await fb.locator('[role="status"]', { hasText: 'corrigez' }).isVisible(), 'the live region does not say what to do');
  await axeCheck(page, 'the feedback form with a field error');
  await comment.fill('Rappelez-moi au 06 12 34 56 78 : le numéro affiché ne répond pas le samedi.');
  await lookingFor.fill('Un rendez-vous à la CAF de Toulon');
  const posted = page.waitForResponse((r) => r.url() === base + '/api/v1/public/feedback');
  await page.keyboard.press('Tab');
  const btn = await shadowFocus(page, W());
  check(btn && btn.tag === 'button' && btn.text === 'Envoyer mon avis', `Tab should reach « Envoyer mon avis », is on ${JSON.stringify(btn)}`);
  await page.keyboard.press('Enter');
  const res = await posted;
  await status(res, 202, 'feedback with a phone number');
  const body = JSON.parse(res.request().postData());
  check(body.useful === false && body.comment.includes('06 12 34 56 78') && body.looking_for && body.outcome && !body.query, `feedback body: ${JSON.stringify(body)}`);
  const thanks = fb.locator('[role="status"]', { hasText: 'Merci' });
  await thanks.waitFor();
  check(await thanks.evaluate((el) => el.getRootNode().activeElement === el), 'the focus did not move to the thanks');
});

test('14. usage events: nothing under Global Privacy Control; sent when the page is left', async ({ ctx, page, base }) => {
  const gpc = await ctx.newPage();
  await gpc.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  const requests = [];
  gpc.on('request', (r) => r.url().includes('/api/v1/public/events') && requests.push(r.url()));
  await gpc.goto(base + '/');
  const w = gpc.locator(W());
  await w.locator('input[name="q"]').fill('loyer impayé');
  await w.locator('input[name="q"]').press('Enter');
  await w.locator('article.result').first().waitFor();
  await w.locator('button.em').click();
  await hidePage(gpc);
  await gpc.waitForTimeout(300);
  check(requests.length === 0, `usage events sent under Global Privacy Control: ${requests.join(', ')}`);
  check(await w.locator('section.fb').isVisible(), 'feedback is offered under GPC too (it is the resident\'s own act)');
  await gpc.close();
  // Left by navigation (pagehide): a beacon outlives the page, seen in the statistics of an entry point no
  // other test uses.
  const site = other('emploi.html');
  fakeSite(site, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Emploi</title></head><body><main>
<orientation-widget partner="var" entry="emploi"></orientation-widget></main>
<script src="${base}/widget.js" defer></script></body></html>`);
  const before = (await stats(base, 'var?entry=emploi')).totals.loads;
  await page.goto(site);
  await page.locator(W() + ' input[name="q"]').waitFor();
  await page.goto('about:blank');
  await until(async () => (await stats(base, 'var?entry=emploi')).totals.loads === before + 1 || `loads ${before}`, 10000, 'the loaded event of a page left');
});

test('15. a journey draft preview (preview attribute): the draft\'s question and outcome, the mark « Aperçu du brouillon », no usage event, no feedback', async ({ page, base }) => {
  const api = async (method, url, token, body, headers = {}) => {
    const r = await fetch(base + url, {
      method, headers: { ...(token ? { Authorization: 'Bearer ' + token } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, etag: r.headers.get('ETag'), body: text ? JSON.parse(text) : null };
  };
  const login = async (email, password) => {
    const r = await api('POST', '/api/v1/auth/login', '', { email, password });
    check(r.status === 200, `login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.access_token;
  };
  const editor = await login('editeur@var.demo.aiguillage.fr', 'demo-var-editeur-2026');
  const viewer = await login('lecteur@var.demo.aiguillage.fr', 'demo-var-lecteur-2026');
  const path = '/api/v1/admin/organisations/var/journeys/logement-loyer';
  // The draft now differs from the published version: another first question and another explanation.
  const got = await api('GET', path, editor);
  check(got.status === 200 && got.etag, `draft: ${got.status}`);
  const original = got.body.journey;
  const draft = structuredClone(original);
  const QUESTION = 'Brouillon : quelle est votre situation aujourd’hui ?';
  const EXPLANATION = 'Texte du brouillon : demandez l’aide au logement à la CAF.';
  draft.steps.find((st) => st.id === 'besoin').text = QUESTION;
  draft.steps.find((st) => st.id === 'caf-aide-logement').outcome.explanation = EXPLANATION;
  const saved = await api('PUT', path, editor, draft, { 'If-Match': got.etag });
  check(saved.status === 200, `save the draft: ${saved.status} ${JSON.stringify(saved.body)}`);
  try {
    // A viewer may preview.
    const pt = await api('POST', path + '/preview-token', viewer);
    check(pt.status === 201 && pt.body.token && Date.parse(pt.body.expires_at) > Date.now(), `preview token: ${pt.status} ${JSON.stringify(pt.body)}`);
    const published = await api('GET', '/api/v1/public/organisations/var/journeys/logement');
    check(published.body.journey.steps.find((st) => st.id === 'besoin').text !== QUESTION, 'the draft leaked into the published journey');

    const sent = [];
    page.on('request', (r) => /\/api\/v1\/public\/(events|feedback)/.test(r.url()) && sent.push(r.method() + ' ' + r.url()));
    const previews = [];
    page.on('request', (r) => r.url().includes('/api/v1/public/previews/') && previews.push(new URL(r.url()).pathname.replace(pt.body.token, 'TOKEN')));
    // The back office may live on another origin.
    const site = other('apercu.html');
    fakeSite(site, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Aperçu</title></head><body><main><h1>Aperçu du parcours</h1>
<orientation-widget partner="var" entry="logement" preview="${pt.body.token}"></orientation-widget></main>
<script src="${base}/widget.js" defer></script></body></html>`);
    await page.goto(site);
    const w = page.locator(W());
    await w.locator('.q', { hasText: QUESTION }).waitFor();
    const mark = w.locator('.bar .pv');
    check(await mark.isVisible() && (await mark.textContent()) === 'Aperçu du brouillon', 'no visible « Aperçu du brouillon » mark');
    await axeCheck(page, 'a draft preview');
    await w.locator('.opts button', { hasText: /payer mon loyer/ }).click();
    await w.locator('input[name="commune"]').fill('Toulon');
    await w.locator('[role="option"]', { hasText: /^Toulon\b/ }).first().click();
    await w.locator('.opts button', { hasText: /Non, ou je ne sais pas/ }).click();
    await w.locator('article.card a[href^="tel:"]').first().waitFor();
    check((await w.locator('.expl').textContent()) === EXPLANATION, 'the outcome does not show the draft\'s explanation');
    check(await w.locator('article.card[data-pivot="caf"]').count() > 0, 'the CAF serving Toulon is not resolved for the draft');
    check(previews.some((p) => /^\/api\/v1\/public\/previews\/TOKEN\/outcomes\/[0-9a-f-]{36}$/.test(p)), `the outcome was not read from the preview: ${previews.join(', ')}`);
    check(await w.locator('section.fb').count() === 0, 'feedback is offered in a preview');
    check(await w.locator('button', { hasText: 'Information incorrecte' }).count() === 0, 'reports are offered in a preview');
    // The page hidden, then left: a widget would send its usage events now.
    await hidePage(page);
    await page.waitForTimeout(300);
    await page.goto('about:blank');
    await page.waitForTimeout(300);
    check(sent.length === 0, `a preview sent: ${sent.join(', ')}`);
  } finally {
    const now = await api('GET', path, editor);
    const back = await api('PUT', path, editor, original, { 'If-Match': now.etag });
    check(back.status === 200, `restore the draft: ${back.status}`);
  }
});

test('16. the stable loader /widget.js (short cache) adds the content-hashed bundle (immutable, brotli) at once, from a partner page', async ({ page, base }) => {
  const responses = [];
  page.on('response', (r) => r.url().startsWith(base + '/widget') && responses.push(r));
  const site = other('loader.html');
  fakeSite(site, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Chargeur</title></head><body><main>
<orientation-widget partner="var" entry="logement" commune="83137"></orientation-widget></main>
<script src="${base}/widget.js" defer></script></body></html>`, { 'Content-Security-Policy': `script-src ${base}; connect-src ${base}` });
  await page.goto(site);
  const w = page.locator(W());
  await w.locator('.opts button', { hasText: /payer mon loyer/ }).click();
  await w.locator('.opts button', { hasText: /Non, ou je ne sais pas/ }).click();
  await w.locator('article.card a[href^="tel:"]').first().waitFor({ timeout: 10000 });
  const find = (re) => responses.find((r) => re.test(new URL(r.url()).pathname));
  const loader = find(/^\/widget\.js$/), bundle = find(/^\/widget\/widget-[A-Z0-9]+\.js$/), chunk = find(/^\/widget\/chunks\/answers-/);
  check(loader && bundle && chunk, `missing: ${responses.map((r) => r.url()).join(', ')}`);
  const body = await loader.body();
  check(body.length < 400, `the loader is ${body.length} B`);
  // The API origin and the chunks' place come from the script: the bundle came from the loader's origin.
  check(new URL(bundle.url()).origin === base, `bundle from ${bundle.url()}`);
  // Fetched as soon as the loader ran: not after some other work.
  const [lt, bt] = [loader.request().timing(), bundle.request().timing()];
  const gap = bt.startTime - (lt.startTime + lt.responseEnd);
  log(`   bundle requested ${Math.round(gap)} ms after the loader arrived`);
  check(gap < 200, `the bundle was requested ${Math.round(gap)} ms after the loader arrived`);
  if (!goServes) return log('   (headers not checked: the widget is served from disk)');
  const [lh, bh, ch] = [await loader.allHeaders(), await bundle.allHeaders(), await chunk.allHeaders()];
  check(/max-age=300\b/.test(lh['cache-control'] || '') && !/immutable/.test(lh['cache-control']), `loader Cache-Control ${lh['cache-control']}`);
  check(!!lh.etag, 'the loader has no ETag');
  check(/max-age=31536000/.test(bh['cache-control'] || '') && /immutable/.test(bh['cache-control']), `bundle Cache-Control ${bh['cache-control']}`);
  check(/\bbr\b/.test((await bundle.request().allHeaders())['accept-encoding'] || ''), 'Chromium did not offer brotli');
  check(bh['content-encoding'] === 'br', `the bundle came with content-encoding ${bh['content-encoding']}, not br`);
  check(/accept-encoding/i.test(bh.vary || ''), `bundle Vary ${bh.vary}`);
  check(ch['content-encoding'] === 'br' && /immutable/.test(ch['cache-control'] || ''), `chunk: ${ch['content-encoding']} ${ch['cache-control']}`);
  check(bh['access-control-allow-origin'] === '*', 'the bundle is not open to other origins');
});

// ------------------------------------------------------------------ languages (issue 13)

// A few strings of each table (src/i18n.ts, src/lang/*.ts): the widget speaks the language asked.
const UI = {
  fr: { exit: 'Quitter rapidement', back: 'Retour', contacts: 'Qui contacter' },
  'fr-x-falc': { exit: 'Quitter vite', back: 'Retour', contacts: 'Qui contacter' },
  en: { exit: 'Leave quickly', back: 'Back', contacts: 'Who to contact', mark: '(in French)' },
  ar: { exit: 'مغادرة سريعة', back: 'رجوع', contacts: 'بمن تتصل', mark: '(بالفرنسية)' },
  uk: { exit: 'Швидко вийти', back: 'Назад', contacts: 'Куди звернутися', mark: '(французькою)' },
  es: { exit: 'Salir rápidamente', back: 'Volver', contacts: 'A quién dirigirse', mark: '(en francés)' },
  pt: { exit: 'Sair rapidamente', back: 'Voltar', contacts: 'Quem contactar', mark: '(em francês)' },
  tr: { exit: 'Hızla çık', back: 'Geri', contacts: 'Kime başvurmalı', mark: '(Fransızca)' },
};
UI['fr-x-falc'].mark = '(texte pas en facile à lire)';
const SHOTS = process.env.E2E_SHOTS || os.tmpdir();

/** langPage: a partner page (French) with the demo widget in language lang (its lang attribute). */
function langPage(base, lang, hash = '') {
  const site = other(`lang-${lang}.html`);
  fakeSite(site, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Langue ${lang}</title></head>
<body><main><h1>Logement</h1><orientation-widget partner="var" entry="logement" lang="${lang}"></orientation-widget></main>
<script src="${base}/widget.js" defer></script></body></html>`);
  return site + hash;
}

/** demoIn: the demo journey and the outcome of its path (Toulon) in language lang, straight from the API. */
async function demoIn(base, lang) {
  const r = await fetch(`${base}/api/v1/public/organisations/var/journeys/logement?lang=${lang}`);
  check(r.ok, `GET the demo journey in ${lang}: ${r.status}`);
  const pj = await r.json();
  const step = (id) => pj.journey.steps.find((s) => s.id === id);
  const o = await (await fetch(`${base}/api/v1/public/outcomes/${pj.outcomes['caf-aide-logement']}?commune=83137&lang=${lang}`)).json();
  return { pj, step, outcome: o, lang: r.headers.get('content-language') };
}
const frenchDemo = (base) => demoIn(base, 'fr');

/**
 * shows checks that an element shows a text of the API as the server gave it in the widget's language o (a step,
 * an option, an outcome): as it is, or, when it fell back to French (text_lang), with lang="fr" and the mark.
 */
async function shows(loc, o, text, lang, what) {
  const shown = (await loc.innerText()).trim();
  if (o.text_lang) {
    check(await loc.locator(`span[lang="${o.text_lang}"]`, { hasText: text.trim() }).count() > 0 && shown.endsWith(UI[lang].mark),
      `${what} in ${lang}: the French fallback is not in a lang="fr" span followed by ${UI[lang].mark}: "${shown}"`);
    return 'fr';
  }
  check(shown === text.trim(), `${what} in ${lang}: shows "${shown}", the server gave "${text}"`);
  return 'ok';
}

/**
 * translated checks that an element shows a text of the API in the widget's language: either the server gave it
 * (it differs from the French), or the server fell back to French and the widget says so (lang="fr" and the mark).
 */
async function translated(loc, french, lang, what) {
  const text = (await loc.innerText()).trim();
  const frSpan = await loc.locator('span[lang="fr"]').count();
  if (frSpan) {
    check(text.includes(UI[lang].mark), `${what} in ${lang}: French without the mark ${UI[lang].mark}: "${text}"`);
    return 'fr';
  }
  check(text !== french.trim(), `${what} in ${lang}: still the French "${text}", neither translated nor marked`);
  return 'ok';
}

/** rtlLayout describes what breaks a right-to-left layout in the widget (empty when nothing). */
function rtlLayout(page, sel) {
  return page.evaluate((sel) => {
    const host = document.querySelector(sel);
    const root = host.shadowRoot;
    const w = root.querySelector('.w');
    const out = [];
    const vw = document.documentElement.clientWidth;
    if (w.dir !== 'rtl' || getComputedStyle(w).direction !== 'rtl') out.push(`root dir ${w.dir}, direction ${getComputedStyle(w).direction}`);
    if (document.documentElement.scrollWidth > vw) out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
    if (host.scrollWidth > host.clientWidth) out.push(`the widget overflows: ${host.scrollWidth} > ${host.clientWidth}`);
    if (w.scrollWidth > w.clientWidth) out.push(`the widget frame overflows: ${w.scrollWidth} > ${w.clientWidth}`);
    for (const el of root.querySelectorAll('*')) {
      if (el.closest('[hidden]') || el.closest('.sr') || !el.getClientRects().length) continue;
      const r = el.getBoundingClientRect();
      if (r.width && (r.left < -1 || r.right > vw + 1)) out.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class')} outside the viewport: ${Math.round(r.left)}..${Math.round(r.right)} (width ${vw})`);
    }
    // The top bar reads from the right: the partner's name at the right end, then the language menu, the
    // emergency button and « Quitter rapidement », each to the left of the one before on its row (or below it).
    const bar = root.querySelector('.bar').getBoundingClientRect();
    const org = root.querySelector('.org').getBoundingClientRect();
    if (Math.abs(bar.right - org.right) > 2) out.push(`the partner's name is not at the right end of the bar: ${Math.round(org.right)} vs ${Math.round(bar.right)}`);
    const items = [...root.querySelectorAll('.acts > *')];
    const names = items.map((e) => e.getAttribute('class'));
    if (names.join(' ') !== 'lm em ex') out.push(`top bar items: ${names.join(' ')}`);
    for (let i = 1; i < items.length; i++) {
      const a = items[i - 1].getBoundingClientRect(), b = items[i].getBoundingClientRect();
      const sameRow = Math.abs(a.top - b.top) < 4;
      if (sameRow ? b.right > a.left + 1 : b.top < a.bottom - 1) out.push(`${names[i]} is not after ${names[i - 1]} right to left: ${Math.round(a.left)}..${Math.round(a.right)} then ${Math.round(b.left)}..${Math.round(b.right)}`);
    }
    return out;
  }, sel);
}

test('17. Arabic: the widget reads right to left, at 360 and 1280 px, with nothing out of place', async ({ page, base }) => {
  const sel = W();
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(langPage(base, 'ar'));
    const w = page.locator(sel);
    await w.locator('.opts button').first().waitFor();
    await w.locator('.lm button.lmb').waitFor();
    check(await w.locator('.w').getAttribute('lang') === 'ar', 'the root has no lang="ar"');
    check(/[\u0600-\u06ff]/.test(await w.locator('button.em').innerText()), 'the emergency button is not in Arabic');
    let bad = await rtlLayout(page, sel);
    check(bad.length === 0, `right to left, start, ${width} px:\n      ${bad.join('\n      ')}`);
    let shot = path.join(SHOTS, `widget-e2e-rtl-start-${width}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    log(`   screenshot ${shot}`);
    // The language menu, open: its list stays inside the viewport too.
    await w.locator('.lm button.lmb').click();
    await w.locator('.lml button[lang="fr"]').waitFor();
    bad = await rtlLayout(page, sel);
    check(bad.length === 0, `right to left, the language menu open, ${width} px:\n      ${bad.join('\n      ')}`);
    shot = path.join(SHOTS, `widget-e2e-rtl-menu-${width}.png`);
    await page.screenshot({ path: shot });
    log(`   screenshot ${shot}`);
    await page.keyboard.press('Escape');
    check(await w.locator('.lml').isHidden(), 'Escape does not close the language menu');
    // An answer: cards, phone numbers, hours, the back arrow.
    await page.goto(langPage(base, 'ar', '#orientation=p:var;e:logement;c:83137;s:besoin,ou,loyer,caf-aide-logement'));
    await w.locator('.card a[href^="tel:"]').first().waitFor({ timeout: 10000 });
    await w.locator('.lm button.lmb').waitFor();
    bad = await rtlLayout(page, sel);
    check(bad.length === 0, `right to left, an answer, ${width} px:\n      ${bad.join('\n      ')}`);
    const flip = await w.locator('.nav .ar').evaluate((e) => getComputedStyle(e).transform);
    check(/^matrix\(-1, 0, 0, 1/.test(flip), `the back arrow is not turned round: ${flip}`);
    // The emergency panel, open.
    await w.locator('button.em').click();
    await w.locator('#emg a[href="tel:3919"]').waitFor();
    bad = await rtlLayout(page, sel);
    check(bad.length === 0, `right to left, the emergency panel, ${width} px:\n      ${bad.join('\n      ')}`);
    // A phone number keeps its digits in order inside Arabic text (left-to-right isolate).
    // The panel may render again once the commune's numbers arrive: a node
    // replaced in between has no computed style (''), so read it again.
    let big = '';
    for (let i = 0; i < 20 && !big; i++) {
      big = await w.locator('#emg .big').first().evaluate((e) => (e.isConnected ? getComputedStyle(e).direction : ''));
      if (!big) await page.waitForTimeout(100);
    }
    check(big === 'ltr', `an emergency number reads ${big || '(no style: the panel kept re-rendering)'}`);
    await w.locator('button.em').click();
    shot = path.join(SHOTS, `widget-e2e-rtl-answer-${width}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    log(`   screenshot ${shot}`);
  }
});

test('18. the demo journey to its contact points in each language (axe-core in ar and fr-x-falc)', async ({ page, base }) => {
  const fr = await frenchDemo(base);
  const toOu = fr.step('besoin').options.findIndex((o) => o.next === 'ou');
  const toCaf = fr.step('loyer').options.findIndex((o) => o.next === 'caf-aide-logement');
  check(toOu >= 0 && toCaf >= 0, 'the demo journey changed: no path besoin → ou → loyer → caf-aide-logement');
  const sel = W();
  const w = page.locator(sel);
  const gets = [];
  page.on('request', (r) => r.method() === 'GET' && r.url().startsWith(base + '/api/v1/public/') && gets.push(r.url()));
  const served = {};
  page.on('response', (r) => /\/journeys\/logement\?/.test(r.url()) && (served[new URL(r.url()).searchParams.get('lang')] = r.headers()['content-language']));
  for (const lang of Object.keys(UI)) {
    gets.length = 0;
    const sv = await demoIn(base, lang);
    // The server's part: the journey in that language (FALC may keep a French sentence that is already easy).
    if (lang !== 'fr' && lang !== 'fr-x-falc') {
      const t = sv.step('besoin');
      check(t.text !== fr.step('besoin').text || t.text_lang === 'fr', `server: the first question in ${lang} is the French one, not marked text_lang`);
    }
    await page.goto(langPage(base, lang));
    const first = w.locator('.opts button').nth(toOu);
    await first.waitFor();
    const root = w.locator('.w');
    check(await root.getAttribute('lang') === lang, `${lang}: root lang ${await root.getAttribute('lang')}`);
    check(await root.getAttribute('dir') === (lang === 'ar' ? 'rtl' : 'ltr'), `${lang}: root dir ${await root.getAttribute('dir')}`);
    check(await w.locator('button.ex', { hasText: UI[lang].exit }).count() === 1, `${lang}: no « ${UI[lang].exit} » button`);
    const marks = [];
    const besoin = sv.step('besoin');
    marks.push(await shows(w.locator('.q').first(), besoin, besoin.text, lang, 'the first question'));
    marks.push(await shows(first, besoin.options[toOu], besoin.options[toOu].label, lang, 'its option'));
    if (lang === 'ar' || lang === 'fr-x-falc') {
      await w.locator('.lm button.lmb').waitFor();
      await axeCheck(page, `the start in ${lang}`);
    }
    await first.click();
    const commune = w.locator('input[name="commune"]');
    await commune.waitFor();
    marks.push(await shows(w.locator('h2').first(), sv.step('ou'), sv.step('ou').text, lang, 'the commune question'));
    await commune.fill('Toulon');
    await w.locator('[role="option"]', { hasText: /^Toulon\b/ }).first().click();
    const apl = w.locator('.opts button').nth(toCaf);
    await apl.waitFor({ timeout: 10000 });
    marks.push(await shows(w.locator('h2.q'), sv.step('loyer'), sv.step('loyer').text, lang, 'the APL question'));
    if (lang === 'ar' || lang === 'fr-x-falc') await axeCheck(page, `a question in ${lang}`);
    await apl.click();
    await w.locator('.card a[href^="tel:"]').first().waitFor({ timeout: 10000 });
    check(await w.locator('h3', { hasText: UI[lang].contacts }).count() >= 1, `${lang}: no heading « ${UI[lang].contacts} » on the outcome`);
    check(await w.locator('.nav button', { hasText: UI[lang].back }).count() === 1, `${lang}: no « ${UI[lang].back} » button`);
    marks.push(await shows(w.locator('h2').first(), sv.outcome, sv.outcome.title, lang, 'the outcome title'));
    if (lang !== 'fr') check(sv.outcome.title !== fr.outcome.title || sv.outcome.text_lang === 'fr' || lang === 'fr-x-falc', `server: the outcome title in ${lang} is the French one, not marked text_lang`);
    if (lang === 'ar' || lang === 'fr-x-falc') {
      await axeCheck(page, `an outcome in ${lang}`);
      await w.locator('.lm button.lmb').click();
      await w.locator('.lml button[lang="en"]').waitFor();
      await axeCheck(page, `the language menu open in ${lang}`);
      await page.keyboard.press('Escape');
    }
    const without = gets.filter((u) => new URL(u).searchParams.get('lang') !== lang);
    check(without.length === 0, `${lang}: API calls without lang=${lang}: ${without.join(', ')}`);
    log(`   ${lang}: outcome reached, ${gets.length} API calls with lang=${lang}; texts (translated: ok, French marked: fr) ${marks.join(' ')}`);
  }
  for (const lang of Object.keys(UI)) check(served[lang] === lang, `the journey in ${lang} came with Content-Language ${served[lang]}`);
});

test('19. the language menu: the step on screen again in the language picked, kept for the session; the lang attribute wins', async ({ page, base }) => {
  const fr = await frenchDemo(base);
  const sel = W();
  const w = page.locator(sel);
  await page.goto(base + '/#orientation=p:var;e:logement;c:83137;s:besoin,ou,loyer');
  const h2 = w.locator('h2.q');
  await h2.waitFor();
  check((await h2.innerText()).trim() === fr.step('loyer').text, 'the APL question is not in French first');
  const btn = w.locator('.lm button.lmb');
  await btn.waitFor();
  check(/Langue/.test(await btn.innerText()) || (await btn.textContent()).includes('Langue'), 'the menu button does not say « Langue »');
  // Keyboard: open, arrows, Enter.
  await btn.focus();
  await page.keyboard.press('Enter');
  check(await btn.getAttribute('aria-expanded') === 'true', 'the menu does not say it is open');
  const items = w.locator('.lml button');
  check(await items.count() === 8, `${await items.count()} languages in the menu`);
  const langs = await items.evaluateAll((bs) => bs.map((b) => `${b.lang}:${b.textContent}:${b.getAttribute('aria-current') || ''}`));
  check(langs.join('|') === 'fr:Français:true|fr-x-falc:FALC — Facile à lire:|en:English:|ar:العربية:|uk:Українська:|es:Español:|pt:Português:|tr:Türkçe:', `menu: ${langs.join('|')}`);
  let f = await shadowFocus(page, sel);
  check(f && f.text === 'Français', `focus in the open menu on ${JSON.stringify(f)}`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  f = await shadowFocus(page, sel);
  check(f && f.text === 'English', `ArrowDown twice should reach English, is on ${JSON.stringify(f)}`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((s) => document.querySelector(s).shadowRoot.querySelector('.w')?.lang === 'en', sel);
  await w.locator('.nav button', { hasText: 'Back' }).waitFor();
  await translated(w.locator('h2.q'), fr.step('loyer').text, 'en', 'the APL question after the switch');
  check(page.url().endsWith('#orientation=p:var;e:logement;c:83137;s:besoin,ou,loyer'), `the step moved: ${page.url()}`);
  await page.waitForFunction((s) => document.querySelector(s).shadowRoot.activeElement?.classList.contains('lmb'), sel);
  f = await shadowFocus(page, sel);
  check(f && /English/.test(f.text), `the focus should be back on the menu button, is on ${JSON.stringify(f)}`);
  check(await page.evaluate(() => sessionStorage.getItem('orientation-lang')) === 'en', 'the choice is not kept for the session');
  // Kept for the session: the page again, in English.
  await page.reload();
  await w.locator('.nav button', { hasText: 'Back' }).waitFor();
  check(await w.locator('.w').getAttribute('lang') === 'en', 'the choice did not survive a reload');
  // Arabic through the menu: right to left at once.
  await w.locator('.lm button.lmb').click();
  await w.locator('.lml button[lang="ar"]').click();
  await page.waitForFunction((s) => document.querySelector(s).shadowRoot.querySelector('.w')?.dir === 'rtl', sel);
  await w.locator('.nav button', { hasText: UI.ar.back }).waitFor();
  await translated(w.locator('h2.q'), fr.step('loyer').text, 'ar', 'the APL question in Arabic');
  // The page sets the lang attribute: it wins, the menu shows it.
  await page.evaluate((s) => document.querySelector(s).setAttribute('lang', 'es'), sel);
  await w.locator('.nav button', { hasText: UI.es.back }).waitFor();
  check(await w.locator('.w').getAttribute('dir') === 'ltr', 'Spanish is not left to right');
  check((await w.locator('.lm button.lmb').innerText()).includes('Español'), 'the menu does not show Español');
  check(await page.evaluate(() => sessionStorage.getItem('orientation-lang')) === null, 'the resident\'s earlier pick is still kept after the page set lang');
});

test('20. texts the server has only in French: lang="fr" and « (in French) », on a question and an answer (axe-core)', async ({ ctx, page, base }) => {
  const fr = await frenchDemo(base);
  // The server as it answers for a journey not (yet) translated: the French texts, marked text_lang "fr".
  await ctx.route((u) => u.pathname === '/api/v1/public/organisations/var/journeys/logement' && u.searchParams.get('lang') === 'en', async (route) => {
    const res = await route.fetch();
    const pj = await res.json();
    const st = pj.journey.steps.find((s) => s.id === 'besoin'), frSt = fr.step('besoin');
    Object.assign(st, { text: frSt.text, help: frSt.help, text_lang: 'fr' });
    st.options[1] = { ...frSt.options[1], text_lang: 'fr' };
    await route.fulfill({ response: res, json: pj });
  });
  await ctx.route((u) => u.pathname.startsWith('/api/v1/public/outcomes/') && u.searchParams.get('lang') === 'en', async (route) => {
    const res = await route.fetch();
    const o = await res.json();
    Object.assign(o, { title: fr.outcome.title, explanation: fr.outcome.explanation, documents: fr.outcome.documents, text_lang: 'fr' });
    const cp = fr.outcome.contact_points.find((c) => c.description);
    o.contact_points = o.contact_points.map((c) => (c.id === cp.id ? { ...c, description: cp.description, text_lang: 'fr' } : c));
    await route.fulfill({ response: res, json: o });
  });
  await page.goto(langPage(base, 'en'));
  const w = page.locator(W());
  const q = w.locator('.q').first();
  await q.waitFor();
  await shows(q, { text_lang: 'fr' }, fr.step('besoin').text, 'en', 'a question in French only');
  check((await w.locator('p.help span[lang="fr"]').count()) === 1, 'the help in French has no lang="fr"');
  const opts = w.locator('.opts button');
  await shows(opts.nth(1), { text_lang: 'fr' }, fr.step('besoin').options[1].label, 'en', 'an option in French only');
  check((await opts.nth(0).locator('span[lang]').count()) === 0 && !(await opts.nth(0).innerText()).includes('(in French)'), 'a translated option is marked');
  await w.locator('.lm button.lmb').waitFor();
  await axeCheck(page, 'a question in French in the English widget');
  await opts.nth(1).click();
  await w.locator('input[name="commune"]').fill('Toulon');
  await w.locator('[role="option"]', { hasText: /^Toulon\b/ }).first().click();
  await w.locator('.opts button').first().click();
  await w.locator('.card a[href^="tel:"]').first().waitFor({ timeout: 10000 });
  await shows(w.locator('h2').first(), { text_lang: 'fr' }, fr.outcome.title, 'en', 'an outcome title in French only');
  check((await w.locator('p.expl span[lang="fr"]').count()) === 1, 'the explanation in French has no lang="fr"');
  check((await w.locator('ul.docs[lang="fr"]').count()) === 1, 'the documents in French have no lang="fr"');
  check((await w.locator('p.desc span[lang="fr"]').count()) >= 1 && (await w.locator('p.desc', { hasText: '(in French)' }).count()) >= 1, 'a contact point description in French is not marked');
  await axeCheck(page, 'an answer in French in the English widget');
});

/** The agent-only direct line of the demo (demo.json, var's agent_lines: CAF de Toulon, organisation_agents). */
const AGENT_LINE = { tel: 'tel:0465718300', number: '04 65 71 83 00' };

/** adminApi: a call of the back office's API from the test (Node), with a demo référent's token. */
async function adminApi(base, method, url, token, body, headers = {}) {
  const r = await fetch(base + url, {
    method, headers: { ...(token ? { Authorization: 'Bearer ' + token } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, etag: r.headers.get('ETag'), body: text ? JSON.parse(text) : null };
}

/** allowOrigin adds a partner site to var's allowed origins: the sites that may sign agents in (the popup's target). */
async function allowOrigin(base, origin) {
  const login = await adminApi(base, 'POST', '/api/v1/auth/login', '', { email: 'admin@var.demo.aiguillage.fr', password: 'demo-var-admin-2026' });
  check(login.status === 200, `login admin@var: ${login.status}`);
  const tok = login.body.access_token;
  const org = await adminApi(base, 'GET', '/api/v1/admin/organisations/var', tok);
  check(org.status === 200, `GET var: ${org.status}`);
  if ((org.body.allowed_origins || []).includes(origin)) return;
  const r = await adminApi(base, 'PATCH', '/api/v1/admin/organisations/var', tok, { allowed_origins: [...(org.body.allowed_origins || []), origin] },
    { 'If-Match': org.etag || `"${org.body.version}"` });
  check(r.status === 200, `allow ${origin} for var: ${r.status} ${JSON.stringify(r.body)}`);
}

/** toCAF walks the demo journey of var/logement to the CAF's answer, the commune (Toulon) preset. */
async function toCAF(w) {
  await w.locator('.opts button', { hasText: /payer mon loyer/ }).click();
  await w.locator('.opts button', { hasText: /Non, ou je ne sais pas/ }).click();
  await w.locator('article.card[data-pivot="caf"] a[href^="tel:"]').first().waitFor({ timeout: 10000 });
}

test('21. agent mode: ProConnect sign-in in a popup (local OIDC provider), the agent-only line, history, copy, partners, new caller (axe-core)', async ({ ctx, page, base }) => {
  const site = other('accueil.html');
  const origin = new URL(site).origin;
  await allowOrigin(base, origin);
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const agentCalls = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/v1/public/') && r.method() === 'GET') agentCalls.push({ path: u.pathname, mode: u.searchParams.get('mode'), auth: !!r.headers().authorization });
  });
  fakeSite(site, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Accueil France services</title></head><body><main><h1>Accueil</h1>
<orientation-widget partner="var" entry="logement" commune="83137" mode="agent"></orientation-widget></main>
<script src="${base}/widget.js" defer></script></body></html>`);
  await page.goto(site);
  const w = page.locator('orientation-widget'); // its partner changes below
  const bar = w.locator('section.agt');
  const signIn = bar.locator('button', { hasText: 'Se connecter (agent)' });
  await signIn.waitFor();
  check((await w.locator('.hist li').allTextContents()).join('|').includes('Commune : 83137'), 'the preset commune is not in the history');
  await axeCheck(page, 'agent mode, signed out');

  // The popup: start → the provider → callback → /agent/callback, which posts the code to this page and closes.
  const [popup] = await Promise.all([page.waitForEvent('popup'), signIn.click()]);
  // On a fast run the popup is closed before we get to wait for it.
  if (!popup.isClosed()) await popup.waitForEvent('close', { timeout: 15000 }).catch(async (e) => {
    const where = popup.isClosed() ? 'closed' : `${popup.url()}: ${(await popup.textContent('body').catch(() => '')).trim().slice(0, 300)}`;
    throw new Failure(`the sign-in popup did not close (${where}): ${e.message.split('\n')[0]}`);
  });
  await bar.locator('.who', { hasText: 'Agent connecté' }).waitFor({ timeout: 10000 });
  await bar.locator('.msg', { hasText: 'Connecté' }).waitFor();
  const f = await shadowFocus(page, 'orientation-widget');
  check(f && f.text === 'Se déconnecter', `focus after sign-in on ${JSON.stringify(f)}`);
  const kept = await page.evaluate(() => ({ local: localStorage.length, session: Object.keys(sessionStorage).filter((k) => k !== 'orientation-lang'), cookie: document.cookie }));
  check(kept.local === 0 && kept.session.length === 0 && kept.cookie === '', `the session left traces in the page: ${JSON.stringify(kept)}`);

  await toCAF(w);
  const line = w.locator(`article.card a[href="${AGENT_LINE.tel}"]`);
  await line.waitFor({ timeout: 10000 });
  const li = w.locator('li.ch', { has: page.locator(`a[href="${AGENT_LINE.tel}"]`) });
  check((await li.locator('.agm').textContent()) === 'Ligne réservée aux agents', 'the agent-only line is not marked « Ligne réservée aux agents »');
  const outcomeCall = agentCalls.filter((c) => c.path.startsWith('/api/v1/public/outcomes/')).pop();
  check(outcomeCall && outcomeCall.mode === 'agent' && outcomeCall.auth, `the outcome was not asked in agent mode with the token: ${JSON.stringify(outcomeCall)}`);

  // The caller's history, in order, with times.
  const hist = await w.locator('.hist li').allTextContents();
  const want = [/Commune : 83137/, /Question : .*Réponse : .*payer mon loyer/i, /Question : .*Réponse : Non, ou je ne sais pas/, /Réponse affichée : /];
  let at = -1;
  for (const re of want) {
    const i = hist.findIndex((t, k) => k > at && re.test(t));
    check(i > at, `history ${JSON.stringify(hist)} lacks ${re} in order`);
    at = i;
  }
  check(hist.every((t) => /^\d\d:\d\d /.test(t)), `history entries without a time: ${JSON.stringify(hist)}`);

  // « Copier la réponse »: the plain text in the clipboard, confirmed on screen (a status).
  await w.locator('button.cpy').click();
  await w.locator('.take p.msg[role="status"]', { hasText: 'Réponse copiée' }).waitFor();
  const text = await page.evaluate(() => navigator.clipboard.readText());
  const title = (await w.locator('.main h2').first().textContent()).trim();
  for (const part of [title, 'Qui contacter', AGENT_LINE.number, '[Ligne réservée aux agents]', 'Documents à préparer', 'Horaires']) {
    check(text.includes(part), `the copied answer lacks « ${part} »:\n${text}`);
  }
  check(!/[<>]/.test(text), 'the copied answer holds markup');
  await axeCheck(page, 'agent mode, an outcome with an agent-only line');

  // Another partner's journey: the widget restarts on it, the commune and the history kept.
  const select = bar.locator('select');
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => o.value));
  const target = options.find((v) => !v.startsWith('var/'));
  check(options.includes('var/logement') && target, `partners' journeys offered: ${JSON.stringify(options)}`);
  await select.selectOption(target);
  await bar.locator('button', { hasText: 'Ouvrir ce parcours' }).click();
  const [p, e] = target.split('/');
  await page.waitForFunction(([p, e]) => {
    const el = document.querySelector('orientation-widget');
    return el.getAttribute('partner') === p && el.getAttribute('entry') === e && el.shadowRoot.querySelector('.org')?.textContent && !el.shadowRoot.querySelector('.org').textContent.includes('Var');
  }, [p, e]);
  check((await page.locator('orientation-widget').getAttribute('commune')) === '83137', 'the commune was not kept');
  await w.locator('.hist li', { hasText: 'Parcours : ' }).waitFor();
  check((await w.locator('.hist li').count()) > hist.length, 'the history was lost with the switch');
  check(await bar.locator('.who', { hasText: 'Agent connecté' }).isVisible(), 'the agent was signed out by the switch');
  const fs = await shadowFocus(page, 'orientation-widget');
  check(fs && fs.tag === 'select', `focus after the switch on ${JSON.stringify(fs)}`);

  // « Nouvel appelant »: confirmed, then the history is empty.
  await bar.locator('button', { hasText: 'Nouvel appelant' }).click();
  const fc = await shadowFocus(page, 'orientation-widget');
  check(fc && fc.text === 'Effacer et recommencer', `focus on the confirmation: ${JSON.stringify(fc)}`);
  await axeCheck(page, 'agent mode, the new caller confirmation');
  await page.keyboard.press('Enter');
  await w.locator('.hist', { hasText: 'Aucune étape pour le moment.' }).waitFor();
  check((await w.locator('.hist li').count()) <= 1, 'the history was not cleared'); // the page's commune again at most

  // Signed out: the public answer again.
  await bar.locator('button', { hasText: 'Se déconnecter' }).click();
  await bar.locator('button', { hasText: 'Se connecter (agent)' }).waitFor();
});

test('22. without the agent session the same outcome has no agent-only line (resident widget, agent mode signed out, the API)', async ({ page, base }) => {
  // This agent-mode widget is told the server has no ProConnect: it offers no sign-in.
  await page.route(base + '/api/v1/auth/providers', (r) => r.fulfill({ status: 200, contentType: 'application/json', headers: { 'Access-Control-Allow-Origin': '*' }, body: '{"password":true,"proconnect":false}' }));
  for (const mode of ['', ' mode="agent"']) {
    const site = other(`sans-agent${mode ? '-agent' : ''}.html`);
    fakeSite(site, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title></head><body><main>
<orientation-widget partner="var" entry="logement" commune="83137"${mode}></orientation-widget></main>
<script src="${base}/widget.js" defer></script></body></html>`);
    const bodies = [];
    const listen = async (r) => {
      if (r.url().includes('/api/v1/public/outcomes/')) bodies.push(await r.text().catch(() => ''));
    };
    page.on('response', listen);
    await page.goto(site);
    const w = page.locator(W());
    await toCAF(w);
    check((await w.locator(`a[href="${AGENT_LINE.tel}"]`).count()) === 0 && (await w.locator('.agm').count()) === 0, `the agent-only line shows without a session${mode}`);
    check(bodies.length && bodies.every((b) => !b.includes(AGENT_LINE.number)), `an outcome answer holds the agent-only line${mode}`);
    if (mode) {
      const bar = w.locator('section.agt');
      check(await bar.locator('.who', { hasText: 'Connexion agent indisponible' }).isVisible(), 'no « Connexion agent indisponible » without ProConnect');
      check((await bar.locator('button', { hasText: 'Se connecter' }).count()) === 0, 'a sign-in is offered without ProConnect');
    } else check((await w.locator('section.agt, .hist').count()) === 0, 'the agent bar shows outside agent mode');
    page.off('response', listen);
  }
  // The API: mode=agent without a token is refused; the public answer never holds the line.
  const journey = await (await fetch(`${base}/api/v1/public/organisations/var/journeys/logement`)).json();
  const id = journey.outcomes['caf-aide-logement'] || Object.values(journey.outcomes)[0];
  const pub = await fetch(`${base}/api/v1/public/outcomes/${id}?commune=83137`);
  check(pub.ok && !(await pub.text()).includes(AGENT_LINE.number), 'the public outcome holds the agent-only line');
  const refused = await fetch(`${base}/api/v1/public/outcomes/${id}?commune=83137&mode=agent`);
  check(refused.status === 401, `mode=agent without a token: ${refused.status}`);
});

// ------------------------------------------------------------------ main

let tmp, server, sitesServer, browser, failed = 0, passed = 0, setupFailed = false, goServes = false;
process.on('exit', () => {
  server?.proc.kill('SIGTERM');
  server?.oidc.kill('SIGTERM');
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGPIPE']) process.on(sig, () => process.exit(1));
try {
  await access(path.join(widget, 'dist', 'widget.js')).catch(() => {
    throw new Error('dist/widget.js is missing: run `npm run build` first');
  });
  await access(CHROMIUM).catch(() => {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
  });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'widget-e2e-'));
  server = await startServer(tmp);
  sitesServer = await startSites();
  // A prebuilt binary (AIGUILLAGE_BIN) may embed another build of the widget: serve this one.
  goServes = !process.env.AIGUILLAGE_BIN && (await fetch(server.base + '/widget.js')).ok;
  if (!goServes) {
    if (process.env.CI) throw new Error('the Go server does not serve /widget.js');
    log('WARNING: the browser gets widget/dist and widget/pages from disk, not from the Go server');
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const only = process.env.E2E_ONLY;
  for (const t of tests) {
    if (only && !t.name.includes(only)) continue;
    const ctx = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1024, height: 800 }, bypassCSP: /^(4|13)\./.test(t.name) });
    ctx.setDefaultTimeout(10000);
    await serveDistIfMissing(ctx, server.base, goServes);
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const t0 = Date.now();
    try {
      await t.fn({ ctx, page, base: server.base });
      check(errors.length === 0, `errors in the page: ${errors.join(' | ')}`);
      passed++;
      log(`ok   ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      const shot = path.join(os.tmpdir(), `widget-e2e-${t.name.slice(0, 2).replace(/\W/g, '')}.png`);
      await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
      log(`FAIL ${t.name}\n     ${e instanceof Failure ? e.message : e.stack || e}\n     screenshot: ${shot}`);
    }
    await ctx.close();
  }
} catch (e) {
  setupFailed = true;
  console.error('e2e setup failed:', e.stack || e);
} finally {
  await browser?.close();
  server?.proc.kill('SIGTERM');
  server?.oidc.kill('SIGTERM');
  sitesServer?.close();
  if (tmp && !process.env.E2E_KEEP) await rm(tmp, { recursive: true, force: true });
}
const total = tests.filter((t) => !process.env.E2E_ONLY || t.name.includes(process.env.E2E_ONLY)).length;
if (setupFailed) failed = total - passed;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed || setupFailed || passed === 0 ? 1 : 0);
