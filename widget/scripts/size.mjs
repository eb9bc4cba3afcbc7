// Fails when what loads before the first question (dist/widget.js: script,
// styles and strings) exceeds the budget of 12 kB gzip. Lazy chunks are
// reported, not budgeted.
import { readFile, readdir } from 'node:fs/promises';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET = 12_000; // bytes, gzip (default level, as servers compress)
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

let main;
try {
  main = await readFile(path.join(dist, 'widget.js'));
} catch {
  console.error('dist/widget.js is missing: run `npm run build` first');
  process.exit(1);
}
const gz = (b) => gzipSync(b).length;
const chunks = (await readdir(path.join(dist, 'chunks'))).sort();
for (const f of chunks) {
  const b = await readFile(path.join(dist, 'chunks', f));
  console.log(`lazy  chunks/${f}: ${b.length} B raw, ${gz(b)} B gzip`);
}
const size = gz(main);
console.log(`first load  widget.js: ${main.length} B raw, ${size} B gzip, ${brotliCompressSync(main).length} B brotli (budget ${BUDGET} B gzip, ${BUDGET - size} B left)`);
if (size > BUDGET) {
  console.error(`FAIL: widget.js is ${size} B gzip, over the ${BUDGET} B budget by ${size - BUDGET} B`);
  process.exit(1);
}
console.log('size: ok');
