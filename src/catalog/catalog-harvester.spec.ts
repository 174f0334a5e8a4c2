import { Test } from '@nestjs/testing';
import { catalogConfig } from './catalog.config';
import { CatalogChanges, type CatalogChange } from './catalog-changes';
import { CatalogHarvester } from './catalog-harvester';
import type { CatalogBulkWriter, MergeCounts, StagedRow } from './storage/catalog-sql';
import { CatalogWriters } from './storage/catalog-writers';
import type { Track } from '../common/tracks';

const track = (id: string, energy = 0.5): Track => ({
  row: 0,
  label: '0',
  id,
  danceability: 0.5,
  energy,
  key: 1,
  loudness: -5,
  mode: 1,
  speechiness: 0.1,
  acousticness: 0.1,
  instrumentalness: 0,
  liveness: 0.1,
  valence: 0.5,
  tempo: 120,
  duration_ms: 200000,
  time_signature: 4,
});
const ID_A = '4uLU6hMCjMI75M1A2tKUQC';
const ID_B = '3n3Ppam7vgaVa1iaRUc9Lp';

/** A writer whose commit waits for the test to let it go (or fails). */
class ControlledWriter implements CatalogBulkWriter {
  staged: StagedRow[] = [];
  release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  constructor(private readonly failure?: Error) {}
  begin = jest.fn(() => Promise.resolve());
  stage = jest.fn((rows: readonly StagedRow[]) => {
    this.staged.push(...rows);
    return Promise.resolve();
  });
  commit = jest.fn(async (): Promise<MergeCounts> => {
    await this.gate;
    if (this.failure) throw this.failure;
    const ids = this.staged.map((row) => row.track.id);
    return { tracks: ids.length, added: ids.length, updated: 0, unchanged: 0, changedIds: ids };
  });
  abort = jest.fn(() => Promise.resolve());
}

async function harvesterWith(
  writers: ControlledWriter[],
  settings: Partial<{ harvest: boolean }> = {},
) {
  const config = {
    harvest: true,
    harvestBatchSize: 2,
    harvestFlushMs: 5,
    ...settings,
  } as ReturnType<typeof catalogConfig>;
  const moduleRef = await Test.createTestingModule({
    providers: [
      CatalogHarvester,
      CatalogChanges,
      { provide: CatalogWriters, useValue: { create: jest.fn(() => writers.shift()) } },
      { provide: catalogConfig.KEY, useValue: config },
    ],
  }).compile();
  return { harvester: moduleRef.get(CatalogHarvester), changes: moduleRef.get(CatalogChanges) };
}

describe('CatalogHarvester', () => {
  it('returns from offer at once while a write is still pending, and announces the tracks once written', async () => {
    const writer = new ControlledWriter();
    const { harvester, changes } = await harvesterWith([writer]);
    const notices: CatalogChange[] = [];
    changes.subscribe((change) => notices.push(change));

    const result = harvester.offer([track(ID_A), track(ID_B)]);
    expect(result).toBeUndefined(); // nothing to await
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(writer.commit).toHaveBeenCalled(); // the write has started and is stuck in its commit
    expect(notices).toEqual([]);

    writer.release();
    await harvester.flush();
    expect(writer.staged.map((row) => row.track.id)).toEqual([ID_A, ID_B]);
    expect(writer.staged[0].track).toMatchObject({ name: null, artists: [], genres: [] });
    expect(writer.staged[0].track.features).toMatchObject({ energy: 0.5, time_signature: 4 });
    expect(notices).toEqual([{ type: 'upserted', ids: [ID_A, ID_B] }]);
  });

  it('keeps a failing write away from the caller and goes on with the next batch', async () => {
    const failing = new ControlledWriter(new Error('database is locked'));
    const next = new ControlledWriter();
    const { harvester } = await harvesterWith([failing, next]);
    failing.release();
    next.release();
    expect(() => harvester.offer([track(ID_A), track(ID_B)])).not.toThrow();
    await harvester.flush();
    expect(failing.abort).toHaveBeenCalled();
    harvester.offer([track(ID_A)]);
    await harvester.flush();
    expect(next.staged.map((row) => row.track.id)).toEqual([ID_A]);
  });

  it('keeps only tracks with a Spotify id, one row per id (the latest)', async () => {
    const writer = new ControlledWriter();
    writer.release();
    const { harvester } = await harvesterWith([writer]);
    harvester.offer([track(ID_A, 0.1), track('not-a-spotify-id'), { ...track(ID_A, 0.9) }]);
    harvester.offer([{ ...track(''), id: undefined }]);
    await harvester.flush();
    expect(writer.staged.map((row) => [row.track.id, row.track.features.energy])).toEqual([
      [ID_A, 0.9],
    ]);
  });

  it('does nothing when CATALOG_HARVEST is off', async () => {
    const writer = new ControlledWriter();
    const { harvester } = await harvesterWith([writer], { harvest: false });
    harvester.offer([track(ID_A)]);
    await harvester.flush();
    expect(writer.begin).not.toHaveBeenCalled();
  });
});
