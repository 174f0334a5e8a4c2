import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The dashboard's front end (src/dashboard/web), built by `npm run build` into dist/dashboard, which
 * the service serves at /dashboard/ (src/dashboard/serve-dashboard.ts). Everything it needs is bundled:
 * the page makes no request outside the service, so it works offline and under the service's strict
 * Content-Security-Policy (no inline script, no eval).
 */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src/dashboard/web'),
  // Absolute, so assets resolve the same from /dashboard and /dashboard/.
  base: '/dashboard/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(import.meta.dirname, 'dist/dashboard'),
    emptyOutDir: true,
    // Hashed file names under assets/ are what lets the server cache them for a year.
    assetsDir: 'assets',
    sourcemap: true,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev:dashboard`: live reload against a service running on PORT (default 3000).
    proxy: Object.fromEntries(
      ['/api', '/health'].map((path) => [path, `http://127.0.0.1:${process.env.PORT ?? 3000}`]),
    ),
  },
});
