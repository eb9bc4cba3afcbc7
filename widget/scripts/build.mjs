// Builds, in dist/:
//   widget.js          the stable loader partners paste (src/loader.ts, a few
//                      hundred bytes, served with a short cache): it adds
//   widget-HASH.js     the main bundle (IIFE: everything needed before the
//                      first question), content-hashed, served immutable at
//                      /widget/widget-HASH.js
//   chunks/NAME-HASH.js  the lazy chunks (ES modules, loaded with import()
//                      from <script origin>/widget/chunks/), immutable: the
//                      answers, the QR code, agent mode (mode="agent" only),
//                      and one per language but French
//                      (lang-CODE-HASH.js, src/lang/CODE.ts)
// and beside each of them NAME.br and NAME.gz (precompress.mjs), which the Go
// server sends to browsers that accept them. Deterministic: same sources,
// same bytes. Prints raw, gzip and brotli sizes.
import { build, transform } from 'esbuild';
import { readFile, rm, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { precompress } from './precompress.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

// CSS files are imported as minified strings, adopted by the shadow root.
const cssText = {
  name: 'css-text',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await transform(await readFile(args.path, 'utf8'), { loader: 'css', minify: true, target: 'chrome100' });
      // esbuild keeps the spaces of custom properties (`--_p: var(--x, #fff)`): they are not needed here.
      const css = code.trim().replace(/(--[\w-]+): /g, '$1:').replace(/var\((--[\w-]+), /g, 'var($1,');
      return { contents: `export default ${JSON.stringify(css)};`, loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  minify: true,
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  legalComments: 'inline',
  charset: 'ascii', // \u escapes: the bundle reads right whatever the host page's encoding
  logLevel: 'warning',
  plugins: [cssText],
  absWorkingDir: root,
};

await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, 'chunks'), { recursive: true });

// Every language but French (bundled): its strings, a lazy chunk.
const langs = (await readdir(path.join(root, 'src/lang'))).filter((f) => f.endsWith('.ts') && f !== 'plural.ts').map((f) => f.slice(0, -3)).sort();
const chunks = await build({
  ...common,
  charset: 'utf8', // module scripts are always read as UTF-8: the Arabic and Ukrainian tables stay short
  entryPoints: { answers: 'src/answers.ts', qr: 'src/qr.ts', agent: 'src/agent.ts', ...Object.fromEntries(langs.map((l) => ['lang-' + l, `src/lang/${l}.ts`])) },
  format: 'esm',
  outdir: 'dist',
  entryNames: 'chunks/[name]-[hash]',
  metafile: true,
  banner: { js: '/* Aiguillage <orientation-widget> lazy chunk. AGPL-3.0-or-later. QR codes: lean-qr (MIT, David Evans). */' },
});
const names = {};
for (const [out, meta] of Object.entries(chunks.metafile.outputs)) {
  if (meta.entryPoint) names[path.basename(meta.entryPoint, '.ts')] = path.basename(out);
}

// Private members of the element, the combobox and the API client get short
// names in the main bundle (distinctive names only: never a DOM property, an event
// detail key, a field of the context handed to the chunks or of a usage
// event).
const PRIVATE = [
  'client', 'renderSeq', 'queued', 'started', 'lastEsc', 'themeSheet', 'extraSheets', 'emBtn', 'orgName', 'sensitive',
  'emFocus', 'lastQuery', 'schedule', 'frame', 'restore', 'applyTheme', 'answerStep', 'busy', 'changeCommune',
  'setCommune', 'startView', 'question', 'arrows', 'searchForm', 'loadThemes', 'themeButtons',
  'communeField', 'errorView', 'outcomeView', 'resultsView', 'themeView', 'toggleEmergency', 'closeEmergency',
  'openEmergency', 'currentState', 'writeState', 'setOpen', 'pickFirst', 'enterPicksFirst', 'minChars', 'timeoutMs',
  'renderView', 'pushView', 'goBack', 'restartView', 'stepOf', 'loadChunk', 'loadAnswers', 'makeCtx', 'emergencyNumber',
  'viewNodes', 'onHash', 'onShow', 'navBar', 'loadPartner', 'startWidget', 'viewStack', 'journeyDoc', 'orgData', 'wrapEl', 'mainEl', 'liveEl',
  'panelEl', 'themesP', 'placeNow', 'tr', 'trackOnce', 'onHide', 'stepAnswered', 'gone', 'onKey',
  'switchLang', 'menuFocus', 'listen', 'scriptOrigin', 'items', 'active', 'timer', 'pick', 'move', 'head', 'flush', 'hide', 'cache', 'request', 'list', 'setError', 'load', 'input', 'seq', 'answer', 'url', 'base', 'root',
];

// Names that must survive keep them: what the chunks read of the context
// (ctx.ts) and the fields of usage events (events.ts, Fields), sent as they
// are. Checked here, as a renamed one only fails at run time.
for (const [f, block] of [['src/ctx.ts', /^export interface Ctx \{$[\s\S]*?^\}/m], ['src/events.ts', /^export type Fields = \{$[\s\S]*?^\};/m]]) {
  const text = (await readFile(path.join(root, f), 'utf8')).match(block)?.[0];
  if (!text) throw new Error(`${f}: ${block} not found`);
  const clash = [...text.matchAll(/^ {2}(\w+)\??[(:]/gm)].map((m) => m[1]).filter((m) => PRIVATE.includes(m));
  if (clash.length) throw new Error(`${f}: ${clash.join(', ')} would be renamed in the main bundle (PRIVATE in scripts/build.mjs)`);
}

const main = await build({
  ...common,
  mangleProps: new RegExp(`^(${PRIVATE.join('|')})$`),
  entryPoints: { widget: 'src/index.ts' },
  format: 'iife',
  outdir: 'dist',
  entryNames: '[name]-[hash]',
  metafile: true,
  define: {
    __ANSWERS_CHUNK__: JSON.stringify(names.answers),
    __QR_CHUNK__: JSON.stringify(names.qr),
    __AGENT_CHUNK__: JSON.stringify(names.agent),
    // Only the hash of each (its name is lang-CODE-HASH.js).
    __LANG_CHUNKS__: JSON.stringify(Object.fromEntries(langs.map((l) => [l, names[l].slice(l.length + 6, -3)]))),
  },
  banner: { js: '/* Aiguillage <orientation-widget>. AGPL-3.0-or-later. */' },
});
const bundle = path.basename(Object.keys(main.metafile.outputs)[0]);

// The loader: no banner (the bundle it loads carries the licence), nothing
// but the bundle's name; a single expression, so no IIFE wrapper (format
// esm without import nor export is a plain script).
await build({
  ...common,
  entryPoints: ['src/loader.ts'],
  format: 'esm',
  outfile: 'dist/widget.js',
  define: { __BUNDLE__: JSON.stringify(bundle) },
});

const files = ['widget.js', bundle, ...(await readdir(path.join(dist, 'chunks'))).sort().map((f) => 'chunks/' + f)];
const sizes = await precompress(dist, files);
console.log('file'.padEnd(34), 'raw'.padStart(8), 'gzip'.padStart(8), 'brotli'.padStart(8));
for (const f of files) {
  const { raw, gzip, br } = sizes[f];
  console.log(f.padEnd(34), String(raw).padStart(8), String(gzip).padStart(8), String(br).padStart(8));
}

