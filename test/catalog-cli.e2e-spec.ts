import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { writeTracksFeaturesCsv } from '../bench/catalog-data';
import { CatalogChanges, type CatalogChange } from '../src/catalog/catalog-changes';
import { CatalogImport } from '../src/catalog/catalog-import.entity';
import { databaseConfig, validateEnvironment } from '../src/config';
import { buildDataSourceOptions } from '../src/database/typeorm.options';
import { CATALOG_FILES, SAMPLE_FACTS } from './helpers/catalog-files';
import { importText } from './helpers/catalog-import';
import { createTestApp, sameStoreAs, type TestApp } from './helpers/create-test-app';
import { sharedDataPath } from './helpers/shared-data';

const ROOT = resolve(__dirname, '..');
const CLI = ['-r', 'ts-node/register/transpile-only', 'src/catalog/catalog-import.cli.ts'];
const SAMPLE = sharedDataPath('spotify_songs_dev.csv');

/** The CLI in its own process, on the data folder and database of `testApp`. */
function startCli(
  testApp: TestApp,
  args: string[],
  env: Record<string, string> = {},
): {
  child: ChildProcess;
  done: Promise<{ code: number | null; output: string }>;
} {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...sameStoreAs(testApp), ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolveDone) =>
    child.on('close', (code) => resolveDone({ code, output })),
  );
  return { child, done };
}

describe('npm run catalog:import (the CLI)', () => {
  let testApp: TestApp;
  const http = () => request(testApp.app.getHttpServer());
  const catalogSize = async () =>
    (await http().get('/api/v1/catalog').expect(200)).body.tracks as number;

  beforeAll(async () => {
    testApp = await createTestApp({ CATALOG_WATCH_INTERVAL_MS: '200' });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('imports the real sample into the configured database, and the running service announces it', async () => {
    const notices: CatalogChange[] = [];
    const stop = testApp.app.get(CatalogChanges).subscribe((change) => notices.push(change));
    const { code, output } = await startCli(testApp, [SAMPLE, '--source', 'TidyTuesday sample'])
      .done;
    expect(output).toMatch(/catalog import: (reading|merging|done), \d+ rows/); // plain progress lines
    expect(output).toMatch(/succeeded: tidytuesday, 22802 rows/);
    expect(output).toMatch(/tracks added 20579, updated 0, unchanged 0; rows skipped 0/);
    expect(code).toBe(0);

    const summary = await http().get('/api/v1/catalog').expect(200);
    expect(summary.body).toMatchObject({
      tracks: 20_579,
      sources: [{ name: 'TidyTuesday sample', tracks: 20_579 }],
    });
    expect(summary.body.last_import).toMatchObject({
      origin: 'cli',
      format: 'tidytuesday',
      rows_read: 22_802,
    });
    expect(summary.body.genres).toHaveLength(30); // 6 genres + 24 sub-genres
    expect(summary.body.feature_coverage).toMatchObject({ danceability: 1, time_signature: 0 });
    const tusa = await http().get(`/api/v1/catalog/tracks/${SAMPLE_FACTS.tusa.id}`).expect(200);
    expect(tusa.body.genres).toEqual(SAMPLE_FACTS.tusa.genres);

    // The service learns of the other process's import within its watch interval.
    const deadline = Date.now() + 5000;
    while (!notices.some((change) => change.type === 'reset') && Date.now() < deadline) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    }
    stop();
    expect(notices).toEqual([expect.objectContaining({ type: 'reset' })]);
  });

  it('imports the same file again without adding anything', async () => {
    const { code, output } = await startCli(testApp, [SAMPLE]).done;
    expect(output).toMatch(/tracks added 0, updated 0, unchanged 20579/);
    expect(code).toBe(0);
  });

  it('says how to call it, and refuses an unknown format', async () => {
    const { code, output } = await startCli(testApp, [SAMPLE, '--format', 'xlsx']).done;
    expect(code).toBe(2);
    expect(output).toMatch(/Unknown format xlsx.*--format tidytuesday\|tracks-114k/s);
  });

  it('reports a failed import and exits 1', async () => {
    const file = join(testApp.dataDir, 'tracks.csv');
    writeFileSync(file, CATALOG_FILES['tracks-600k'].body);
    const { code, output } = await startCli(testApp, [file, '--format', 'tidytuesday']).done;
    expect(code).toBe(1);
    expect(output).toMatch(/Import failed \(UNKNOWN_FORMAT\)/);
  });

  it('ends failed an import whose process has been silent for its JOB_STALL_TIMEOUT, and imports', async () => {
    // An import of a process on another host that stopped writing its heartbeat 5 s ago.
    const silentSince = new Date(Date.now() - 5000);
    await testApp.app.get(DataSource).getRepository(CatalogImport).insert({
      id: 'silent-import',
      status: 'running',
      active: 1,
      origin: 'cli',
      source: 'another host',
      skipped: [],
      host: 'another-host',
      pid: 4321,
      createdAt: silentSince,
      startedAt: silentSince,
      updatedAt: silentSince,
    });
    const file = join(testApp.dataDir, 'tracks-1.2m.csv');
    writeFileSync(file, CATALOG_FILES['tracks-1.2m'].body);
    const { code, output } = await startCli(testApp, [file], { JOB_STALL_TIMEOUT: '2s' }).done;
    expect(output).toMatch(/succeeded: tracks-1\.2m/);
    expect(code).toBe(0);
    const silent = await http().get('/api/v1/catalog/imports/silent-import').expect(200);
    expect(silent.body).toMatchObject({ status: 'failed', error_code: 'IMPORT_INTERRUPTED' });
  });

  describe('killed mid-import', () => {
    /** 300,000 rows: long enough to be read still when the CLI is killed. Written once. */
    let largeFile: string;
    beforeAll(async () => {
      largeFile = join(mkdtempSync(join(tmpdir(), 'catalog-cli-')), 'tracks_features.csv');
      await writeTracksFeaturesCsv(SAMPLE, largeFile, 300_000, 7);
    }, 60_000);
    afterAll(() => rmSync(dirname(largeFile), { recursive: true, force: true }));

    /** Starts the CLI on the large file and SIGKILLs it once `reading` says it has read rows. */
    async function killMidImport(store: TestApp, reading: () => Promise<boolean>) {
      const cli = startCli(store, [largeFile]);
      const deadline = Date.now() + 60_000;
      while (!(await reading()) && Date.now() < deadline) {
        await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      }
      expect(await reading()).toBe(true);
      cli.child.kill('SIGKILL');
      const { code, output } = await cli.done;
      expect(code).toBeNull(); // killed, not finished
      expect(output).not.toMatch(/succeeded/);
    }

    it('while the service runs: the catalog is as it was, and the service ends the import failed at once, freeing the slot', async () => {
      const before = await catalogSize();
      let importId: string | undefined;
      await killMidImport(testApp, async () => {
        const newest = (await http().get('/api/v1/catalog/imports?limit=1').expect(200)).body
          .imports[0];
        if (newest?.status === 'running' && newest.origin === 'cli' && newest.bytes_read > 0) {
          importId = newest.id;
        }
        return importId !== undefined;
      });
      // The service looks every CATALOG_WATCH_INTERVAL_MS (200 ms here): the CLI's process is gone.
      let ended: Record<string, unknown> | undefined;
      const deadline = Date.now() + 10_000;
      while (!ended && Date.now() < deadline) {
        const view = (await http().get(`/api/v1/catalog/imports/${importId}`).expect(200)).body;
        if (view.status !== 'running') ended = view;
        else await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      }
      expect(ended).toMatchObject({
        status: 'failed',
        error_code: 'IMPORT_INTERRUPTED',
        tracks_added: 0,
      });
      expect(await catalogSize()).toBe(before);
      await expect(
        importText(testApp.app, CATALOG_FILES['tracks-600k'].body),
      ).resolves.toMatchObject({ status: 'succeeded' });
    }, 120_000);

    it('with no service running: the import stays running until the next start of the service, which marks it failed; the catalog is as it was', async () => {
      // A store of its own, on which no service runs while the CLI imports and is killed.
      const store = await createTestApp();
      await store.stop();
      const imports = new DataSource(
        buildDataSourceOptions(
          databaseConfig(
            validateEnvironment({ ...sameStoreAs(store), DB_RUN_MIGRATIONS: 'false' }),
          ),
        ),
      );
      await imports.initialize();
      try {
        const cliImport = () => imports.getRepository(CatalogImport).findOneBy({ origin: 'cli' });
        await killMidImport(store, async () => Number((await cliImport())?.bytesRead ?? 0) > 0);
        const killed = (await cliImport())!;
        expect(killed).toMatchObject({ status: 'running', active: 1 });

        // The next start of the service, on the same database.
        const restarted = await createTestApp(sameStoreAs(store));
        try {
          const again = () => request(restarted.app.getHttpServer());
          const failed = await again().get(`/api/v1/catalog/imports/${killed.id}`).expect(200);
          expect(failed.body).toMatchObject({
            status: 'failed',
            error_code: 'IMPORT_INTERRUPTED',
            tracks_added: 0,
          });
          expect((await again().get('/api/v1/catalog').expect(200)).body.tracks).toBe(0);
          // Nothing holds the one-import slot any more.
          await expect(
            importText(restarted.app, CATALOG_FILES['tracks-600k'].body),
          ).resolves.toMatchObject({ status: 'succeeded', tracks_added: 2 });
        } finally {
          await restarted.close();
        }
      } finally {
        await imports.destroy();
        await store.close();
      }
    }, 120_000);
  });
});
