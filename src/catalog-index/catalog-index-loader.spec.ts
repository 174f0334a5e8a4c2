import { clusterConfig } from '../cluster/cluster.config';
import { validateEnvironment } from '../config';
import { Test } from '@nestjs/testing';
import { randomCatalog } from '../../test/helpers/catalog-records';
import { typedMock } from '../../test/helpers/typed-mock';
import { CatalogChanges } from '../catalog/catalog-changes';
import type { CatalogTrackRecord } from '../catalog/catalog-track';
import { CatalogStore } from '../catalog/storage/catalog-store';
import { seededRandom } from '../common/numeric';
import { CatalogIndexLoader } from './catalog-index-loader';
import { CatalogIndexRef } from './catalog-index-ref';

/** A catalog table in memory behind a typed mock of the store's two reads. */
function fakeStore(tracks: Map<string, CatalogTrackRecord>) {
  return {
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

  beforeEach(async () => {
    tracks = new Map(records.slice(0, 150).map((record) => [record.id, record]));
    store = fakeStore(tracks);
    const moduleRef = await Test.createTestingModule({
      providers: [
        CatalogIndexLoader,
        CatalogIndexRef,
        CatalogChanges,
        { provide: CatalogStore, useValue: store },
        { provide: clusterConfig.KEY, useValue: clusterConfig(validateEnvironment({})) },
      ],
    }).compile();
    loader = moduleRef.get(CatalogIndexLoader);
    changes = moduleRef.get(CatalogChanges);
    index = moduleRef.get(CatalogIndexRef);
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
