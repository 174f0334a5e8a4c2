import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterConfig } from '../cluster/cluster.config';
import { validateEnvironment } from '../config';
import { appConfig } from '../config/app.config';
import { Test } from '@nestjs/testing';
import { randomCatalog } from '../../test/helpers/catalog-records';
import { typedMock } from '../../test/helpers/typed-mock';
import { CatalogChanges } from '../catalog/catalog-changes';
import type { CatalogTrackRecord } from '../catalog/catalog-track';
import { CatalogStore } from '../catalog/storage/catalog-store';
import { seededRandom } from '../common/numeric';
import { CatalogIndexLoader, INDEX_SNAPSHOT_FILE } from './catalog-index-loader';
import { CatalogIndexRef } from './catalog-index-ref';

/** A catalog table in memory behind a typed mock of the store's reads (and its version). */
function fakeStore(tracks: Map<string, CatalogTrackRecord>) {
  return {
    version: typedMock<CatalogStore['version']>(() => Promise.resolve(1)),
    streamAll: typedMock<CatalogStore['streamAll']>(async function* () {
      yield await Promise.resolve([...tracks.values()]);
    }),
    findByIds: typedMock<CatalogStore['findByIds']>((ids) =>
      Promise.resolve(ids.flatMap((id) => tracks.get(id) ?? [])),
    ),
  };
}

describe('CatalogIndexLoader', () => {
  const records = randomCatalog(seededRandom(7), 200);
  let tracks: Map<string, CatalogTrackRecord>;
  let store: ReturnType<typeof fakeStore>;
  let changes: CatalogChanges;
  let loader: CatalogIndexLoader;
  let index: CatalogIndexRef;

  let dataDir: string;

  /** A loader as a new process would have, on the same data folder and store. */
  async function start(): Promise<void> {
    const environment = validateEnvironment({ DATA_DIR: dataDir });
    const moduleRef = await Test.createTestingModule({
      providers: [
        CatalogIndexLoader,
        CatalogIndexRef,
        CatalogChanges,
        { provide: CatalogStore, useValue: store },
        { provide: clusterConfig.KEY, useValue: clusterConfig(environment) },
        { provide: appConfig.KEY, useValue: appConfig(environment) },
      ],
    }).compile();
    loader = moduleRef.get(CatalogIndexLoader);
    changes = moduleRef.get(CatalogChanges);
    index = moduleRef.get(CatalogIndexRef);
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'index-loader-'));
    tracks = new Map(records.slice(0, 150).map((record) => [record.id, record]));
    store = fakeStore(tracks);
    await start();
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts from the saved copy of its last load while the catalog is at the same version, and from the catalog when not', async () => {
    loader.onApplicationBootstrap();
    await loader.settled();
    const first = index.current;
    expect(store.streamAll).toHaveBeenCalledTimes(1);

    await start();
    loader.onApplicationBootstrap();
    await loader.settled();
    expect(store.streamAll).toHaveBeenCalledTimes(1);
    expect(index.current.size).toBe(150);
    for (const record of records.slice(0, 150)) {
      expect(index.current.record(index.current.slotOf(record.id)!)).toEqual(
        first.record(first.slotOf(record.id)!),
      );
    }

    // A change since: the catalog's version moved on, the copy is stale and not used.
    tracks.delete(records[0].id);
    store.version.mockResolvedValue(2);
    await start();
    loader.onApplicationBootstrap();
    await loader.settled();
    expect(store.streamAll).toHaveBeenCalledTimes(2);
    expect(index.current.slotOf(records[0].id)).toBeUndefined();
  });

  it('ignores a damaged saved copy and loads from the catalog', async () => {
    loader.onApplicationBootstrap();
    await loader.settled();
    const file = join(dataDir, INDEX_SNAPSHOT_FILE);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(file, bytes);

    await start();
    loader.onApplicationBootstrap();
    await loader.settled();
    expect(store.streamAll).toHaveBeenCalledTimes(2);
    expect(index.current.size).toBe(150);
  });

  it('loads the whole catalog at start-up, in the background', async () => {
    expect(loader.status().loaded).toBe(false);
    loader.onApplicationBootstrap();
    await loader.settled();
    expect(loader.status()).toEqual({ loaded: true, tracks: 150, load_ms: expect.any(Number) });
  });

  it('applies change notices in order: added tracks read back, removed ones dropped', async () => {
    loader.onApplicationBootstrap();
    const added = records.slice(150, 160);
    for (const record of added) tracks.set(record.id, record);
    changes.publish({ type: 'upserted', ids: added.map((record) => record.id) });
    changes.publish({ type: 'removed', ids: [records[0].id, records[150].id] });
    await loader.settled();
    expect(index.current.size).toBe(158);
    expect(index.current.slotOf(records[0].id)).toBeUndefined();
    expect(index.current.slotOf(records[151].id)).toBeDefined();
    expect(store.findByIds).toHaveBeenCalledWith(added.map((record) => record.id));
  });

  it('drops a track announced as upserted but gone by the time it is read', async () => {
    loader.onApplicationBootstrap();
    await loader.settled();
    tracks.delete(records[1].id);
    changes.publish({ type: 'upserted', ids: [records[1].id] });
    await loader.settled();
    expect(index.current.slotOf(records[1].id)).toBeUndefined();
  });

  it('reloads everything on a reset, and when a change cannot be applied', async () => {
    loader.onApplicationBootstrap();
    await loader.settled();
    for (const record of records.slice(150)) tracks.set(record.id, record);
    changes.publish({ type: 'reset', reason: 'another process imported' });
    await loader.settled();
    expect(index.current.size).toBe(200);

    tracks.delete(records[2].id);
    store.findByIds.mockRejectedValueOnce(new Error('database gone'));
    changes.publish({ type: 'upserted', ids: [records[3].id] });
    await loader.settled();
    expect(store.streamAll).toHaveBeenCalledTimes(3);
    expect(index.current.size).toBe(199);
  });
});
