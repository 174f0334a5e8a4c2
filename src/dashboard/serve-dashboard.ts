import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/** Where the page lives, outside the /api prefix like /health and /docs. */
export const DASHBOARD_PATH = '/dashboard';

/**
 * Where `npm run build` writes the front end (vite.config.mts): dist/dashboard, beside dist/src when
 * this file runs compiled, or under the repository root when it runs from source (ts-jest, ts-node).
 */
export const DASHBOARD_ASSETS_DIR = __filename.endsWith('.js')
  ? resolve(__dirname, '..', '..', 'dashboard')
  : resolve(__dirname, '..', '..', 'dist', 'dashboard');

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current hashed files: revalidate it (ETag / Last-Modified) on every load. */
const REVALIDATE = 'no-cache';

/**
 * Serves the built dashboard at /dashboard/ from the service itself. Where the front end has not been
 * built (a checkout that ran only `nest build`), the service still starts, says so once, and
 * /dashboard answers the usual 404.
 */
export async function serveDashboard(
  app: NestFastifyApplication,
  assetsDir = DASHBOARD_ASSETS_DIR,
): Promise<void> {
  if (!existsSync(join(assetsDir, 'index.html'))) {
    new Logger('Dashboard').warn(
      `No dashboard build in ${assetsDir}; run \`npm run build\` to serve it at ${DASHBOARD_PATH}`,
    );
    return;
  }
  // Vite names every file under assets/ after a hash of its content: a name never changes meaning.
  const hashedAssets = join(assetsDir, 'assets') + sep;
  await app.register(fastifyStatic, {
    root: assetsDir,
    // One wildcard route, /dashboard*: the app ignores trailing slashes, so /dashboard and /dashboard/
    // are one route, and both serve index.html (the page links its assets by absolute path).
    prefix: DASHBOARD_PATH,
    prefixAvoidTrailingSlash: true,
    index: 'index.html',
    // Swagger UI registers this plugin too; neither needs reply.sendFile.
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      void reply.header('Cache-Control', path.startsWith(hashedAssets) ? IMMUTABLE : REVALIDATE);
    },
  });
}
