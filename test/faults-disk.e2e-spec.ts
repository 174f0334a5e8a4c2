import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, PREDICT_CALL, startServing } from './helpers/fault-services';
import { startLoad, summarise } from './helpers/load';
import { describeUnless, eventually, type ServiceProcess } from './helpers/service-processes';
import { sharedDataPath } from './helpers/shared-data';
import { mountSmallDisk, type SmallDisk, smallDiskMissing } from './helpers/small-disk';

/**
 * The disk of DATA_DIR filling up under a real service process on the embedded database (the
 * SQLite file and the models both live in DATA_DIR, a small tmpfs of the test's own, filled to the
 * last byte). Skipped, saying why in one line, where a tmpfs cannot be mounted (not root).
 */
const describeWithDisk = describeUnless(smallDiskMissing(), 'test/faults-disk.e2e-spec.ts');

const DATASET = readFileSync(sharedDataPath('playlist_metrics.json'));
const SAMPLE_CSV = readFileSync(sharedDataPath('spotify_songs_dev.csv'), 'utf8');
const rowsOf = (from: number, to: number) => {
  const lines = SAMPLE_CSV.split('\n');
  return [lines[0], ...lines.slice(from, to)].join('\n');
};
const RECOMMEND = '/api/v1/recommendations?seed_genres=pop&limit=5';

interface Answer {
  status: number;
  body: Record<string, unknown> & { code?: string; details?: Record<string, unknown> };
}

describeWithDisk('the disk of DATA_DIR fills (scenario 5)', () => {
  let disk: SmallDisk;
  let service: ServiceProcess;
  const call = async (method: string, path: string, init: RequestInit = {}): Promise<Answer> => {
    const response = await fetch(`${service.url}${path}`, { method, ...init });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
  };
  const modelsDir = () => readdirSync(join(disk.dir, 'models')).sort();

  beforeAll(async () => {
    disk = mountSmallDisk(64 << 20);
    service = await startServing(
      'disk',
      // Long enough that the disk is full before the training ends; no harvest, so that the
      // catalog changes only by the imports the test makes.
      { MOOD_MAX_EPOCHS: '8', MOOD_PATIENCE: '8', CATALOG_HARVEST: 'false' },
      { dataDir: disk.dir },
    );
    const imported = await call('POST', '/api/v1/catalog/imports', {
      headers: { ...ADMIN, 'content-type': 'text/csv' },
      body: rowsOf(1, 301),
    });
    expect(imported.status).toBe(201);
    await eventually(
      'recommendations answer from the catalog',
      async () => ((await call('GET', RECOMMEND)).status === 200 ? true : undefined),
      { withinMs: 30_000, everyMs: 250 },
    );
  }, 180_000);

  afterAll(async () => {
    await service?.kill();
    disk?.unmount();
  }, 60_000);

  it('a training whose model cannot be written and an import that cannot be written fail whole with 507, leave no partial model and the catalog as it was; memory-served calls answer 200 throughout; /health names storage; once space is freed all is back without a restart', async () => {
    const modelsBefore = modelsDir();
    const activeBefore = ((await call('GET', '/api/v1/mood/model')).body as { id: string }).id;
    const tracksBefore = (await call('GET', '/api/v1/catalog')).body.tracks as number;
    const load = startLoad({
      targets: [service.url],
      connections: 4,
      pauseMs: 10,
      calls: [
        { ...PREDICT_CALL, name: 'predict' },
        { method: 'GET', path: RECOMMEND, name: 'recommendations' },
      ],
    });

    const training = call('POST', '/api/v1/retrain_mood', {
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: DATASET,
    });
    const run = await eventually(
      'the run is training',
      async () => {
        const { runs } = (await call('GET', '/api/v1/mood/runs?limit=1')).body as {
          runs: { id: string; status: string }[];
        };
        return runs[0]?.status === 'running' ? runs[0] : undefined;
      },
      { withinMs: 10_000, everyMs: 50 },
    );
    disk.fill();

    const trained = await training;
    expect(trained).toMatchObject({
      status: 507,
      body: {
        code: 'INSUFFICIENT_STORAGE',
        message: expect.stringMatching(/storage is full/),
        details: { run_id: run.id },
      },
    });
    const health = await call('GET', '/health');
    expect(health).toMatchObject({
      status: 503,
      body: {
        code: 'UNHEALTHY',
        message: expect.stringMatching(/^Down: storage \(/),
        details: { storage: { status: 'down', free_bytes: expect.any(Number) } },
      },
    });
    // Room for the import's own row (its claim), not for the whole sample's tracks: the import
    // is recorded, read into staging, and fails whole as its merge meets the full disk.
    disk.fill(256 << 10);
    const imported = await call('POST', '/api/v1/catalog/imports', {
      headers: { ...ADMIN, 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    });
    expect(imported).toMatchObject({
      status: 507,
      body: {
        code: 'INSUFFICIENT_STORAGE',
        message: expect.stringMatching(/storage is full .*nothing was imported/),
        details: { import_id: expect.any(String) },
      },
    });
    const importId = imported.body.details!.import_id as string;
    // Nothing half-written: no model folder, whole or partial; the catalog and the model as were.
    expect(modelsDir()).toEqual(modelsBefore);
    expect((await call('GET', '/api/v1/catalog')).body.tracks).toBe(tracksBefore);
    expect(((await call('GET', '/api/v1/mood/model')).body as { id: string }).id).toBe(
      activeBefore,
    );

    disk.free();
    const freedAt = Date.now();
    await eventually(
      '/health is up again',
      async () => ((await call('GET', '/health')).status === 200 ? true : undefined),
      { withinMs: 10_000, everyMs: 100 },
    );
    expect(Date.now() - freedAt).toBeLessThanOrEqual(5000);
    const served = await load.stop();
    expect(served.length).toBeGreaterThan(20);
    expect(summarise(served).byStatus).toEqual({ 200: served.length });

    // Both jobs are recorded failed (at once, or once the database could be written again).
    const failedRun = await eventually(
      'the run is recorded failed',
      async () => {
        const view = (await call('GET', `/api/v1/mood/runs/${run.id}`)).body;
        return view.status === 'running' ? undefined : view;
      },
      { withinMs: 5000, everyMs: 100 },
    );
    expect(failedRun).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/storage is full/),
      model_id: null,
    });
    const failedImport = await eventually(
      'the import is recorded failed',
      async () => {
        const view = (await call('GET', `/api/v1/catalog/imports/${importId}`)).body;
        return view.status === 'running' ? undefined : view;
      },
      { withinMs: 5000, everyMs: 100 },
    );
    expect(failedImport).toMatchObject({
      status: 'failed',
      error_code: 'INSUFFICIENT_STORAGE',
      tracks_added: 0,
    });

    // Everything writes again, without a restart.
    const next = await call('POST', '/api/v1/retrain_mood', {
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: DATASET,
    });
    expect(next).toMatchObject({ status: 200, body: { status: 'succeeded' } });
    expect(modelsDir()).toEqual([...modelsBefore, next.body.id as string].sort());
    const again = await call('POST', '/api/v1/catalog/imports', {
      headers: { ...ADMIN, 'content-type': 'text/csv' },
      body: rowsOf(301, 601),
    });
    expect(again).toMatchObject({ status: 201, body: { status: 'succeeded' } });
    expect((await call('GET', '/api/v1/catalog')).body.tracks).toBe(
      tracksBefore + (again.body.tracks_added as number),
    );
  }, 120_000);
});
