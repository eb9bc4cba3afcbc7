// Integration test against the real Go server, started like the admin app's
// end-to-end tests (admin-spa/e2e/run.mjs): `go build` of ./api/cmd/aiguillage
// into a temporary folder (or $AIGUILLAGE_BIN), `migrate` + `demo` on a
// temporary SQLite database, `serve` on a free port. Then the example portal
// (examples/portal-search.mjs, through the built dist/) and the client itself
// ask it real questions. Needs `npm run build` first (make client-test does).

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiguillageError, createAiguillageClient, type AiguillageClient } from '../src/index.js';

const run = promisify(execFile);
const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(pkg, '..');

let tmp = '';
let server: ChildProcess | undefined;
let base = '';
let client: AiguillageClient;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  if (!existsSync(path.join(pkg, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'aiguillage-client-'));
  let bin = process.env.AIGUILLAGE_BIN;
  if (!bin) {
    bin = path.join(tmp, 'aiguillage');
    await run('go', ['build', '-o', bin, './api/cmd/aiguillage'], { cwd: repo, env: { ...process.env, CGO_ENABLED: '0' }, maxBuffer: 1 << 24 });
  }
  const port = await freePort();
  const env = {
    ...process.env,
    AIGUILLAGE_DATABASE_URL: 'sqlite:' + path.join(tmp, 'client.db'),
    AIGUILLAGE_ADDR: `127.0.0.1:${port}`,
    AIGUILLAGE_LOG_LEVEL: 'warn',
    AIGUILLAGE_LOG_FORMAT: 'text',
    AIGUILLAGE_PUBLIC_READ_RATE: '0',
  };
  await run(bin, ['migrate'], { env });
  await run(bin, ['demo'], { env, maxBuffer: 1 << 24 });
  // Its banner (stdout) is noise here; warnings and errors (stderr) stay visible.
  const proc = spawn(bin, ['serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  server = proc;
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`aiguillage serve exited with ${proc.exitCode}`);
    try {
      if ((await fetch(base + '/readyz')).ok) break;
    } catch {
      /* not yet */
    }
    if (i > 150) throw new Error('the server did not become ready within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  client = createAiguillageClient({ baseUrl: base });
}, 180_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  }
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Runs the example portal; resolves with its exit code and output. */
async function portal(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['examples/portal-search.mjs', ...args], { cwd: pkg, env: { ...process.env, AIGUILLAGE_API_KEY: '' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('against the real server', { timeout: 20_000 }, () => {
  it('the example portal finds the CPAM for a lost carte Vitale in Toulon', async () => {
    const { code, stdout, stderr } = await portal("j'ai perdu ma carte vitale", '83137', base);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('à Toulon (83137)');
    expect(stdout).toMatch(/Caisse primaire d'assurance maladie \(CPAM\) du Var/);
    expect(stdout).toContain('Téléphone : 3646');
  });

  it('the example portal resolves a commune name and reports a problem for an unknown INSEE code', async () => {
    const byName = await portal('mon mari me frappe', 'toulon', base);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain('URGENCE');
    expect(byName.stdout).toContain('Téléphone : 3919');

    const bad = await portal('carte vitale', '99999', base);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Erreur 400 : Requête invalide : Commune inconnue.');
    expect(bad.stderr).toContain('commune : aucune commune ne porte le code INSEE 99999');
  });

  it('search: typed results with CPAM contact points', async () => {
    const answer = await client.search('carte vitale', { commune: '83137', limit: 5 });
    expect(answer.emergency).toBe(false);
    expect(answer.commune?.code).toBe('83137');
    const points = (answer.results ?? []).flatMap((r) => r.contact_points ?? []);
    const cpam = points.find((cp) => cp.pivot === 'cpam' || /Assurance Maladie/i.test(cp.name ?? ''));
    expect(cpam?.id).toBeTruthy();
    // The same contact point by id.
    const one = await client.contactPoint(cpam!.id!);
    expect(one.name).toBe(cpam!.name);
  });

  it('maps 4xx answers to AiguillageError with the problem document', async () => {
    const empty = await client.search('   ').catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(AiguillageError);
    const e = empty as AiguillageError;
    expect(e.status).toBe(400);
    expect(e.type).toBe('urn:aiguillage:problem:invalid');
    expect(e.errors.map((f) => f.field)).toContain('q');
    expect(e.problem.request_id).toBeTruthy();

    const unknown = (await client.contactPoint('00000000-0000-4000-8000-000000000000').catch((x: unknown) => x)) as AiguillageError;
    expect(unknown).toBeInstanceOf(AiguillageError);
    expect(unknown.status).toBe(404);

    const org = (await client.organisation('pas-un-partenaire').catch((x: unknown) => x)) as AiguillageError;
    expect(org.status).toBe(404);

    // The key reaches the server, which refuses a malformed one (never a silent anonymous fall back).
    const keyed = createAiguillageClient({ baseUrl: base, apiKey: 'pas-une-cle' });
    const refused = (await keyed.search('carte vitale', { commune: '83137' }).catch((x: unknown) => x)) as AiguillageError;
    expect(refused).toBeInstanceOf(AiguillageError);
    expect(refused.status).toBe(401);
    expect(refused.type).toMatch(/api-key/);
  });

  it('communes, emergency numbers, organisation, journey and outcome', async () => {
    const { communes = [] } = await client.communes('toulon', { limit: 3 });
    expect(communes[0]?.code).toBe('83137');

    const { numbers = [] } = await client.emergency({ commune: '83137' });
    expect(numbers.flatMap((n) => n.channels ?? []).map((c) => c.value)).toEqual(expect.arrayContaining(['15', '17', '18', '112']));

    const var83 = await client.organisation('var');
    expect(var83.slug).toBe('var');
    const entry = var83.entry_points?.find((ep) => ep.journey)?.slug;
    expect(entry).toBeTruthy();
    const journey = await client.journey('var', entry!);
    const outcomeIds = Object.values(journey.outcomes ?? {});
    expect(outcomeIds.length).toBeGreaterThan(0);
    const outcome = await client.outcome(outcomeIds[0]!, { commune: '83137' });
    expect(outcome.id).toBe(outcomeIds[0]);
    expect(outcome.title).toBeTruthy();
  });
});
