// The dashboard's build: dashboard/ (index.html, TypeScript + Preact, CSS) → dist/dashboard. Run by
// src/dashboard-bundle.ts (the `build` script, and the gateway at start when the bundle is stale).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./dashboard/', import.meta.url)),
  base: '/',
  publicDir: 'public',
  clearScreen: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/dashboard/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No data: URLs: the Content-Security-Policy allows only the gateway's own origin.
    assetsInlineLimit: 0,
    // Every browser the dashboard targets supports modulepreload.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
