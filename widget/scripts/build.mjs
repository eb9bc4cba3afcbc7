// Builds dist/widget.js (IIFE: everything needed before the first question)
// and the content-hashed lazy chunks dist/chunks/*.js (ES modules, loaded with
// import() from <script origin>/widget/chunks/). Deterministic: same sources,
// same bytes. Prints raw, gzip and brotli sizes.
import { build, transform } from 'esbuild';
import { readFile, rm, mkdir, readdir } from 'node:fs/promises';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

// CSS files are imported as minified strings, adopted by the shadow root.
const cssText = {
  name: 'css-text',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await transform(await readFile(args.path, 'utf8'), { loader: 'css', minify: true, target: 'chrome100' });
      return { contents: `export default ${JSON.stringify(code.trim())};`, loader: 'js' };
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

const chunks = await build({
  ...common,
  entryPoints: { answers: 'src/answers.ts', qr: 'src/qr.ts' },
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
// names in widget.js (distinctive names only: never a DOM property, an event
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
  'scriptOrigin', 'items', 'active', 'timer', 'pick', 'move', 'head', 'flush', 'hide',
];

// Names that must survive keep them: what the chunks read of the context
// (ctx.ts) and the fields of usage events (events.ts, Fields), sent as they
// are. Checked here, as a renamed one only fails at run time.
for (const [f, block] of [['src/ctx.ts', /^export interface Ctx \{$[\s\S]*?^\}/m], ['src/events.ts', /^export type Fields = \{$[\s\S]*?^\};/m]]) {
  const text = (await readFile(path.join(root, f), 'utf8')).match(block)?.[0];
  if (!text) throw new Error(`${f}: ${block} not found`);
  const clash = [...text.matchAll(/^ {2}(\w+)\??[(:]/gm)].map((m) => m[1]).filter((m) => PRIVATE.includes(m));
  if (clash.length) throw new Error(`${f}: ${clash.join(', ')} would be renamed in widget.js (PRIVATE in scripts/build.mjs)`);
}

await build({
  ...common,
  mangleProps: new RegExp(`^(${PRIVATE.join('|')})$`),
  entryPoints: ['src/index.ts'],
  format: 'iife',
  outfile: 'dist/widget.js',
  define: {
    __ANSWERS_CHUNK__: JSON.stringify(names.answers),
    __QR_CHUNK__: JSON.stringify(names.qr),
  },
  banner: { js: '/* Aiguillage <orientation-widget>. AGPL-3.0-or-later. */' },
});

const files = ['widget.js', ...(await readdir(path.join(dist, 'chunks'))).sort().map((f) => 'chunks/' + f)];
console.log('file'.padEnd(34), 'raw'.padStart(8), 'gzip'.padStart(8), 'brotli'.padStart(8));
for (const f of files) {
  const buf = await readFile(path.join(dist, f));
  const gz = gzipSync(buf, { level: 9 }).length;
  const br = brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(f.padEnd(34), String(buf.length).padStart(8), String(gz).padStart(8), String(br).padStart(8));
}

