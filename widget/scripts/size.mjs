// Fails when what loads before the first question exceeds the budget of 12 kB
// gzip: the loader dist/widget.js plus the main bundle dist/widget-HASH.js it
// adds (script, styles and strings), counted as the server sends them to a
// browser that only takes gzip, i.e. the precompressed NAME.gz files. Lazy
// chunks are reported, not budgeted. Also checks that every NAME.gz and
// NAME.br of dist/ decodes to NAME (a stale variant would be served as is).
import { readFile, readdir } from 'node:fs/promises';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET = 12_000; // bytes, gzip, loader + main bundle
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

let all;
try {
  all = (await readdir(dist, { recursive: true })).map((f) => f.split(path.sep).join('/')).sort();
} catch {
  all = [];
}
const main = all.filter((f) => /^widget-[A-Z0-9]+\.js$/.test(f));
if (!all.includes('widget.js') || main.length !== 1) {
  console.error('dist/widget.js and one dist/widget-HASH.js are needed: run `npm run build` first');
  process.exit(1);
}
let failed = false;
/** sizes reads a file and its variants: raw, gzip and brotli bytes (raw when the build wrote none). */
async function sizes(f) {
  const raw = await readFile(path.join(dist, f));
  const out = { raw: raw.length, gzip: raw.length, br: raw.length };
  for (const [ext, key, decode] of [['.gz', 'gzip', gunzipSync], ['.br', 'br', brotliDecompressSync]]) {
    if (!all.includes(f + ext)) continue;
    const enc = await readFile(path.join(dist, f + ext));
    if (!decode(enc).equals(raw)) {
      console.error(`FAIL: dist/${f}${ext} does not decode to dist/${f}: run \`npm run build\``);
      failed = true;
    }
    out[key] = enc.length;
  }
  return out;
}
for (const f of all.filter((f) => f.startsWith('chunks/') && f.endsWith('.js'))) {
  const s = await sizes(f);
  console.log(`lazy        ${f}: ${s.raw} B raw, ${s.gzip} B gzip, ${s.br} B brotli`);
}
const loader = await sizes('widget.js');
const bundle = await sizes(main[0]);
console.log(`loader      widget.js: ${loader.raw} B raw, ${loader.gzip} B gzip, ${loader.br} B brotli (max-age 300)`);
console.log(`bundle      ${main[0]}: ${bundle.raw} B raw, ${bundle.gzip} B gzip, ${bundle.br} B brotli (immutable)`);
const size = loader.gzip + bundle.gzip;
console.log(`first load  ${loader.raw + bundle.raw} B raw, ${size} B gzip, ${loader.br + bundle.br} B brotli (budget ${BUDGET} B gzip, ${BUDGET - size} B left)`);
if (size > BUDGET) {
  console.error(`FAIL: the first load is ${size} B gzip, over the ${BUDGET} B budget by ${size - BUDGET} B`);
  failed = true;
}
if (failed) process.exit(1);
console.log('size: ok');
