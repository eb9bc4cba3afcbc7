/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The SPA lives under /admin/ on the Go server (admin-spa/dist is embedded
// there). VITE_API_BASE_URL, read at build time, points it at an API on
// another origin when it is hosted apart (default: same origin).
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
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
