import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN, PREDICT_CALL, startServing } from '../../test/helpers/fault-services';
import { startLoad } from '../../test/helpers/load';
import type { ServiceProcess } from '../../test/helpers/service-processes';
import { mountSmallDisk, type SmallDisk, smallDiskMissing } from '../../test/helpers/small-disk';
import {
  callOutcome,
  JSON_BODY,
  MOOD_DATASET,
  row,
  SAMPLE_CSV,
  sampleRows,
  waitFor,
} from './table';

const RECOMMEND = '/api/v1/recommendations?seed_genres=pop&limit=5';
/** How long the disk stays full under load. */
const FULL_MS = 10_000;

/**
 * 5. DATA_DIR (the SQLite file and the models) on a 64 MB tmpfs filled to the last byte under load:
 * a training running as it fills, an import as it has room for its own row only; then the disk
 * freed, and how long until /health is up and the next training and import are accepted.
 */
export async function fullDisk(): Promise<void> {
  const missing = smallDiskMissing();
  if (missing) {
    console.log(`  scenario 5 skipped: ${missing}`);
    return;
  }
  const disk: SmallDisk = mountSmallDisk(64 << 20);
  let service: ServiceProcess | undefined;
  try {
    service = await startServing(
      'bench-disk',
      { MOOD_MAX_EPOCHS: '8', MOOD_PATIENCE: '8', CATALOG_HARVEST: 'false', LOG_LEVEL: 'warn' },
      { dataDir: disk.dir },
    );
    const url = service.url;
    const get = async (path: string) =>
      (await (await fetch(`${url}${path}`)).json()) as Record<string, unknown>;
    await callOutcome('catalog', `${url}/api/v1/catalog/imports`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'text/csv' },
      body: sampleRows(1, 301),
    });
    await waitFor(async () => ((await fetch(`${url}${RECOMMEND}`)).ok ? true : undefined), 30_000);
    const modelsDir = () => readdirSync(join(disk.dir, 'models')).sort().join(',');
    const modelsBefore = modelsDir();
    const activeBefore = (await get('/api/v1/mood/model')).id;
    const tracksBefore = (await get('/api/v1/catalog')).tracks as number;

    const load = startLoad({
      targets: [url],
      connections: 8,
      pauseMs: 5,
      calls: [
        PREDICT_CALL,
        { method: 'GET', path: RECOMMEND },
        { method: 'GET', path: '/health' },
        { method: 'GET', path: '/api/v1/catalog' },
      ],
    });
    await sleep(1000);
    const training = callOutcome('training caught by the full disk', `${url}/api/v1/retrain_mood`, {
      method: 'POST',
      headers: { ...ADMIN, ...JSON_BODY },
      body: MOOD_DATASET,
    });
    const runId = await waitFor(async () => {
      const { runs } = (await get('/api/v1/mood/runs?limit=1')) as {
        runs: { id: string; status: string }[];
      };
      return runs[0]?.status === 'running' ? runs[0].id : undefined;
    }, 20_000);
    const filledAt = Date.now();
    disk.fill();
    const trained = await training;
    // Room for the import's own row, not for the sample's tracks: it fails at its merge.
    disk.fill(256 << 10);
    const imported = await callOutcome('import of the sample', `${url}/api/v1/catalog/imports`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    });
    await sleep(Math.max(0, FULL_MS - (Date.now() - filledAt)));
    const modelsWhileFull = modelsDir();
    const tracksWhileFull = (await get('/api/v1/catalog')).tracks;
    const activeWhileFull = (await get('/api/v1/mood/model')).id;

    disk.free();
    const freedAt = Date.now();
    await waitFor(async () => ((await fetch(`${url}/health`)).ok ? true : undefined), 15_000);
    const recoverMs = Date.now() - freedAt;
    await sleep(500);
    const served = await load.stop();

    const importId = (imported.body.details as { import_id?: string } | undefined)?.import_id;
    const ended = async (path: string) => {
      const view = await get(path);
      return view.status === 'running' ? undefined : view;
    };
    const runRow = await waitFor(() => ended(`/api/v1/mood/runs/${runId}`), 10_000, 100);
    const importRow = importId
      ? await waitFor(() => ended(`/api/v1/catalog/imports/${importId}`), 10_000, 100)
      : undefined;
    const nextTraining = await callOutcome('next training', `${url}/api/v1/retrain_mood`, {
      method: 'POST',
      headers: { ...ADMIN, ...JSON_BODY },
      body: MOOD_DATASET,
    });
    const nextImport = await callOutcome('next import', `${url}/api/v1/catalog/imports`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'text/csv' },
      body: sampleRows(301, 601),
    });

    const memory = served.filter(
      (o) => o.call !== 'GET /health' && o.call !== 'GET /api/v1/catalog',
    );
    const checks = {
      'predict_mood and recommendations 200': memory.every((o) => o.status === 200),
      'training 507 naming its run':
        trained.status === 507 && trained.code === 'INSUFFICIENT_STORAGE',
      'import 507 naming it': imported.status === 507 && importId !== undefined,
      'no model folder, whole or partial': modelsWhileFull === modelsBefore,
      'catalog and active model as they were':
        tracksWhileFull === tracksBefore && activeWhileFull === activeBefore,
      'run recorded failed (storage)':
        runRow?.status === 'failed' && /storage is full/.test(String(runRow.error)),
      'import recorded failed INSUFFICIENT_STORAGE':
        importRow?.status === 'failed' && importRow.error_code === 'INSUFFICIENT_STORAGE',
      'next training and import accepted': nextTraining.status === 200 && nextImport.status === 201,
    };
    const failed = Object.entries(checks).filter(([, ok]) => !ok);
    row(
      '5. DATA_DIR full for 10 s (SQLite + models; predict, recommendations, /health, catalog)',
      [...served, trained, imported, nextTraining, nextImport],
      {
        recoverMs,
        dataCheck:
          failed.length === 0
            ? `training and import 507, recorded failed once writable; no model folder left; catalog ${tracksBefore} tracks and the active model kept; predict_mood/recommendations 200: ${memory.length}/${memory.length}; next training and import accepted`
            : `FAILED: ${failed.map(([what]) => what).join('; ')}`,
        dataOk: failed.length === 0,
      },
    );
  } finally {
    await service?.kill();
    disk.unmount();
  }
}
