// Writes NAME.gz (gzip -9) and NAME.br (brotli, quality 11) beside each file
// worth compressing, for the Go server to send to browsers that accept them
// (api/internal/httpapi/widget.go). Deterministic, so the committed dist/
// stays fresh: the gzip header has no file name and a zero time, and Node's
// brotli and zlib give the same bytes for the same input (a Node release that
// changes its zlib could change them: rebuild and commit, as for esbuild). A
// variant is only written when it is smaller than the file. Returns the sizes
// by file.
import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import path from 'node:path';

/** Formats already compressed (fonts, images, archives) are left alone. */
export const compressible = /\.(js|mjs|css|svg|json|html|txt|xml|map|webmanifest|ico|wasm)$/;

export async function precompress(dir, files) {
  const sizes = {};
  for (const f of files) {
    const buf = await readFile(path.join(dir, f));
    const out = { raw: buf.length, gzip: buf.length, br: buf.length };
    if (compressible.test(f)) {
      const gz = gzipSync(buf, { level: 9 });
      const br = brotliCompressSync(buf, {
        params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
      });
      if (gz.length < buf.length) await writeFile(path.join(dir, f + '.gz'), gz), (out.gzip = gz.length);
      if (br.length < buf.length) await writeFile(path.join(dir, f + '.br'), br), (out.br = br.length);
    }
    sizes[f] = out;
  }
  return sizes;
}
