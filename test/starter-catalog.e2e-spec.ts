import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { CatalogIndexLoader } from '../src/catalog-index/catalog-index-loader';
import { StarterCatalog } from '../src/catalog/starter/starter-catalog';
import { sha256Of } from '../src/common/downloads/checked-download';
import { SAMPLE_FACTS } from './helpers/catalog-files';
import { createTestApp, sameStoreAs, type TestApp } from './helpers/create-test-app';
import { onPostgres } from './helpers/on-postgres';
import { freePort } from './helpers/private-servers';
import {
  CLUSTER_POSTGRES_URL,
  CLUSTER_REDIS_URL,
  describeUnless,
  ensureBuilt,
  eventually,
  type ServiceProcess,
  startService,
  unreachableServices,
} from './helpers/service-processes';
import { sharedDataPath } from './helpers/shared-data';

const SAMPLE = readFileSync(sharedDataPath('spotify_songs_dev.csv'));
const SAMPLE_SHA256 = sha256Of(SAMPLE);

/** The published file, served from this process: nothing is downloaded from elsewhere. */
async function serveSample(): Promise<{
  url: string;
  requests: () => number;
  close(): Promise<void>;
}> {
  let requests = 0;
  const server: Server = createServer((_request, response) => {
    requests++;
    response.writeHead(200, { 'content-type': 'text/csv', 'content-length': SAMPLE.length });
    response.end(SAMPLE);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/data/2020/2020-01-21/spotify_songs.csv`,
    requests: () => requests,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

/** An app on a fresh store (or `store`) with the starter catalog at `url`, once it has tried. */
async function startWithStarter(
  url: string,
  sha256 = SAMPLE_SHA256,
  store: Record<string, string> = {},
): Promise<TestApp> {
  const testApp = await createTestApp({
    CATALOG_STARTER_URL: url,
    CATALOG_STARTER_SHA256: sha256,
    CATALOG_WATCH_INTERVAL_MS: '0',
    ...store,
  });
  await testApp.app.get(StarterCatalog).settled();
  await testApp.app.get(CatalogIndexLoader).settled();
  return testApp;
}

describe('the starter catalog of a first start', () => {
  let server: Awaited<ReturnType<typeof serveSample>>;
  const apps: TestApp[] = [];
  const http = (testApp: TestApp) => request(testApp.app.getHttpServer());
  let warned: jest.SpyInstance;
  /** What the starter logged as warnings (other parts may warn too, e.g. of a missing dashboard). */
  const starterWarnings = () =>
    warned.mock.calls
      .filter(
        (_, i) => (warned.mock.contexts[i] as { context?: string }).context === 'StarterCatalog',
      )
      .map(([message]) => String(message));

  beforeAll(async () => {
    server = await serveSample();
  });
  beforeEach(() => {
    warned = jest.spyOn(Logger.prototype, 'warn');
  });
  afterEach(async () => {
    warned.mockRestore();
    // The second app of a test shares the first one's store: close it first.
    while (apps.length > 0) await apps.pop()!.close();
  });
  afterAll(async () => {
    await server.close();
  });

  it('is imported once into an empty catalog through the ordinary import, and never again', async () => {
    const first = await startWithStarter(server.url);
    apps.push(first);
    expect(server.requests()).toBe(1);

    const { body: imports } = await http(first).get('/api/v1/catalog/imports').expect(200);
    expect(imports.total).toBe(1);
    expect(imports.imports[0]).toMatchObject({
      status: 'succeeded',
      origin: 'starter',
      source: 'starter: spotify_songs.csv',
      format: 'tidytuesday',
      sha256: SAMPLE_SHA256,
      rows_read: SAMPLE_FACTS.rows,
      tracks_added: SAMPLE_FACTS.tracks,
    });
    const { body: catalog } = await http(first).get('/api/v1/catalog').expect(200);
    expect(catalog.tracks).toBe(SAMPLE_FACTS.tracks);
    expect(catalog.starter).toMatchObject({
      status: 'succeeded',
      url: server.url,
      import_id: imports.imports[0].id,
      error: null,
    });
    // The in-memory index reloaded as after any import: the lookups and recommendations see it.
    const { body: features } = await http(first)
      .get(`/api/v1/audio-features/${SAMPLE_FACTS.tusa.id}`)
      .expect(200);
    expect(features.id).toBe(SAMPLE_FACTS.tusa.id);
    await http(first).get('/api/v1/recommendations').query({ seed_genres: 'pop' }).expect(200);
    // The downloaded file is gone once imported; the catalog holds it now.
    expect(readdirSync(first.dataDir).filter((name) => name.includes('starter'))).toEqual([]);

    // Started again on the same catalog: not empty, so nothing is downloaded or imported.
    const again = await startWithStarter(server.url, SAMPLE_SHA256, sameStoreAs(first));
    apps.push(again);
    expect(server.requests()).toBe(1);
    const { body: after } = await http(again).get('/api/v1/catalog/imports').expect(200);
    expect(after.total).toBe(1);
    expect((await http(again).get('/api/v1/catalog').expect(200)).body.starter).toBeNull();
    expect(starterWarnings()).toEqual([]);
  });

  it('imports nothing when the download has another sha256, and says so', async () => {
    const testApp = await startWithStarter(server.url, 'f'.repeat(64));
    apps.push(testApp);
    const { body: catalog } = await http(testApp).get('/api/v1/catalog').expect(200);
    expect(catalog.tracks).toBe(0);
    expect(catalog.starter).toMatchObject({
      status: 'failed',
      error_code: 'STARTER_CHECKSUM_MISMATCH',
      import_id: null,
    });
    expect(catalog.starter.error).toContain(SAMPLE_SHA256);
    expect((await http(testApp).get('/api/v1/catalog/imports').expect(200)).body.total).toBe(0);
    expect(starterWarnings()).toEqual([expect.stringMatching(/sha256 .*expected f{64}/)]);
    expect(readdirSync(testApp.dataDir).filter((name) => name.includes('starter'))).toEqual([]);
  });

  it('serves without it when the URL cannot be reached, logging once', async () => {
    const closedPort = await freePort();
    const testApp = await startWithStarter(`http://127.0.0.1:${closedPort}/spotify_songs.csv`);
    apps.push(testApp);
    expect(starterWarnings()).toEqual([
      expect.stringMatching(/could not be downloaded.*serving without it/),
    ]);
    const { body: catalog } = await http(testApp).get('/api/v1/catalog').expect(200);
    expect(catalog).toMatchObject({
      tracks: 0,
      starter: { status: 'failed', error_code: 'STARTER_UNAVAILABLE' },
    });
    await http(testApp).get('/health').expect(200);
    await http(testApp).get('/api/v1/recommendations').query({ seed_genres: 'pop' }).expect(503);
  });

  it('is never tried with an empty CATALOG_STARTER_URL', async () => {
    const before = server.requests();
    const testApp = await startWithStarter('');
    apps.push(testApp);
    expect(server.requests()).toBe(before);
    expect((await http(testApp).get('/api/v1/catalog').expect(200)).body.starter).toBeNull();
  });
});

/**
 * Three real service processes (the built service) starting together on one empty PostgreSQL
 * catalog: each finds it empty and downloads, one imports, the others leave it (they ask for the
 * import claim while it is held, or hold it after and find the catalog no longer empty).
 */
describeUnless(
  unreachableServices(CLUSTER_POSTGRES_URL, CLUSTER_REDIS_URL),
  'the starter catalog across instances',
)('the starter catalog across instances starting together', () => {
  const database = `starter_e2e_${randomBytes(4).toString('hex')}`;
  const services: ServiceProcess[] = [];
  let server: Awaited<ReturnType<typeof serveSample>>;
  const onServer = (sql: string) => onPostgres(CLUSTER_POSTGRES_URL, (client) => client.query(sql));
  const json = async (service: ServiceProcess, path: string) =>
    (await (await fetch(`${service.url}${path}`)).json()) as Record<string, any>;

  beforeAll(async () => {
    ensureBuilt();
    server = await serveSample();
    await onServer(`CREATE DATABASE "${database}"`);
  }, 180_000);
  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await server?.close();
    await onServer(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  it('is imported by exactly one of them, and every one serves it', async () => {
    const url = new URL(CLUSTER_POSTGRES_URL);
    url.pathname = `/${database}`;
    const env = {
      DATABASE_URL: url.toString(),
      LOG_LEVEL: 'log',
      MOOD_DATASET_URL: '',
      MOOD_TRAIN_ON_START: 'false',
      CATALOG_STARTER_URL: server.url,
      CATALOG_STARTER_SHA256: SAMPLE_SHA256,
    };
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    for (const name of ['a', 'b', 'c']) {
      const logFile = join(tmpdir(), `starter-e2e-${database}-${name}.log`);
      services.push(startService(name, port + services.length, env, { logFile }));
    }
    const finished = ['succeeded', 'failed', 'skipped'];
    const states = await Promise.all(
      services.map((service) =>
        eventually(
          `${service.name} has tried the starter catalog`,
          async () => {
            const { starter } = await json(service, '/api/v1/catalog');
            return finished.includes(starter?.status) ? (starter.status as string) : undefined;
          },
          { withinMs: 150_000, everyMs: 500 },
        ),
      ),
    );
    expect(states.sort()).toEqual(['skipped', 'skipped', 'succeeded']);
    const { imports } = await json(services[0], '/api/v1/catalog/imports');
    const succeeded = (
      imports as { status: string; origin: string; tracks_added: number }[]
    ).filter((row) => row.status === 'succeeded');
    expect(succeeded).toEqual([
      expect.objectContaining({ origin: 'starter', tracks_added: SAMPLE_FACTS.tracks }),
    ]);
    for (const service of services) {
      await eventually(
        `${service.name} holds the starter catalog in memory`,
        async () =>
          (await json(service, '/health')).details?.catalog?.tracks === SAMPLE_FACTS.tracks
            ? true
            : undefined,
        { withinMs: 30_000, everyMs: 250 },
      );
    }
  }, 240_000);
});
