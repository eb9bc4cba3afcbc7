/// <reference types="vitest/config" />
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// precompress writes NAME.br (brotli, quality 11) and NAME.gz (gzip -9) beside
// each built file worth compressing (not fonts: woff and woff2 are already
// compressed), when smaller; the Go server sends them to browsers that accept
// them (api/internal/httpapi/widget.go). Deterministic, so the committed dist
// stays fresh: no name nor time in the gzip header, and Node's zlib and
// brotli give the same bytes for the same input (same Node release).
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'aiguillage-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    async closeBundle() {
      const files = (await readdir(outDir, { recursive: true })).map(String).filter((f) => /\.(js|mjs|css|svg|json|html|txt|webmanifest)$/.test(f));
      for (const f of files) {
        const buf = await readFile(path.join(outDir, f));
        const gz = gzipSync(buf, { level: 9 });
        const br = brotliCompressSync(buf, {
          params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
        });
        if (gz.length < buf.length) await writeFile(path.join(outDir, f + '.gz'), gz);
        if (br.length < buf.length) await writeFile(path.join(outDir, f + '.br'), br);
      }
    },
  };
}

// The SPA lives under /admin/ on the Go server (admin-spa/dist is embedded
// there). VITE_API_BASE_URL, read at build time, points it at an API on
// another origin when it is hosted apart (default: same origin).
export default defineConfig({
  base: '/admin/',
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    strictPort: true,
    // `npm run dev`: same-origin API through Vite's proxy (AIGUILLAGE_DEV_API, default :8080).
    proxy: { '/api': process.env.AIGUILLAGE_DEV_API || 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./test/setup.ts'],
    include: ['test/**/*.test.{ts,tsx}'],
    css: false,
    testTimeout: 15_000,
  },
});
