import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterConfig } from '../cluster/cluster.config';
import { appConfig } from '../config/app.config';
import { validateEnvironment } from '../config';
import { randomCatalog } from '../../test/helpers/catalog-records';
import { typedMock } from '../../test/helpers/typed-mock';
import { CatalogChanges } from '../catalog/catalog-changes';
import type { CatalogTrackRecord } from '../catalog/catalog-track';
import { CatalogStore } from '../catalog/storage/catalog-store';
import { seededRandom } from '../common/numeric';
import type { MoodTrackFeatures } from '../mood/mood-features';
import { CatalogIndexLoader } from './catalog-index-loader';
import { CatalogIndexRef } from './catalog-index-ref';
import { CatalogMoodProgress } from './catalog-mood-progress';
import { CatalogMoodScorer, MOOD_SCORING_BATCH } from './catalog-mood-scorer';
import { TRACK_MOOD_MODEL, type TrackMoodModel, type MoodTrackScorer } from './track-mood-model';
import { collectGarbage } from '../common/full-gc';

jest.mock('../common/full-gc', () => ({ collectGarbage: jest.fn() }));

/**
 * A stand-in model: "Energetic" with probability energy (clamped), else "Calm"; a track without
 * energy is "Calm" at 0.5 (as the real model fills a missing feature with the training mean).
 */
function energyModel(modelId: string, labels = ['Calm', 'Energetic']): MoodTrackScorer {
  return {
    modelId,
    labels,
    score: typedMock<MoodTrackScorer['score']>((tracks) =>
      tracks.map((track) => {
        const energy = Math.min(Math.max(track.energy ?? 0.5, 0), 1);
        return [1 - energy, energy];
      }),
    ),
  };
}

describe('CatalogMoodScorer', () => {
  const records = randomCatalog(seededRandom(11), MOOD_SCORING_BATCH + 300);
  let tracks: Map<string, CatalogTrackRecord>;
  let changes: CatalogChanges;
  let loader: CatalogIndexLoader;
  let index: CatalogIndexRef;
  let scorer: CatalogMoodScorer;
  let progress: CatalogMoodProgress;
  let model: MoodTrackScorer | null;
  let modelListeners: Set<() => void>;

  const activate = (next: MoodTrackScorer | null) => {
    model = next;
    for (const listener of modelListeners) listener();
  };

  /** Each live track's predicted mood and probability, as a search reads them. */
  const moodsInIndex = () => {
    const current = index.current;
    const { slotCount, live, moodLabel, moodProbability } = current.columns();
    const labels = current.moodLabels();
    const moods = new Map<string, { mood: string | null; probability: number }>();
    for (let slot = 0; slot < slotCount; slot++) {
      if (!live[slot]) continue;
      moods.set(current.idOf(slot), {
        mood: moodLabel[slot] < 0 ? null : labels[moodLabel[slot]],
        probability: moodProbability[slot],
      });
    }
    return moods;
  };

  /** What energyModel predicts from the index's value (float32, as the index keeps it). */
  const expected = (record: CatalogTrackRecord) => {
    const energy = Math.fround(record.features.energy ?? 0.5);
    return energy > 0.5
      ? { mood: 'Energetic', probability: Math.fround(energy) }
      : { mood: 'Calm', probability: Math.fround(1 - energy) };
  };

  /** The loader saves its index in DATA_DIR: a folder of each test's own. */
  let dataDir: string;

  beforeEach(() => jest.mocked(collectGarbage).mockClear());

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mood-scorer-'));
    tracks = new Map(records.map((record) => [record.id, record]));
    model = energyModel('model-1');
    modelListeners = new Set();
    const moodModel: TrackMoodModel = {
      trackScorer: () => model,
      onModelChange: (listener) => {
        modelListeners.add(listener);
        return () => modelListeners.delete(listener);
      },
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        CatalogIndexLoader,
        CatalogMoodScorer,
        CatalogIndexRef,
        CatalogChanges,
        CatalogMoodProgress,
        {
          provide: CatalogStore,
          useValue: {
            streamAll: typedMock<CatalogStore['streamAll']>(async function* () {
              yield await Promise.resolve([...tracks.values()]);
            }),
            findByIds: typedMock<CatalogStore['findByIds']>((ids) =>
              Promise.resolve(ids.flatMap((id) => tracks.get(id) ?? [])),
            ),
            version: typedMock<CatalogStore['version']>(() => Promise.resolve(1)),
          },
        },
        { provide: TRACK_MOOD_MODEL, useValue: moodModel },
        { provide: clusterConfig.KEY, useValue: clusterConfig(validateEnvironment({})) },
        {
          provide: appConfig.KEY,
          useValue: appConfig(validateEnvironment({ DATA_DIR: dataDir })),
        },
      ],
    }).compile();
    loader = moduleRef.get(CatalogIndexLoader);
    scorer = moduleRef.get(CatalogMoodScorer);
    changes = moduleRef.get(CatalogChanges);
    index = moduleRef.get(CatalogIndexRef);
    progress = moduleRef.get(CatalogMoodProgress);
    loader.onApplicationBootstrap();
    scorer.onApplicationBootstrap();
  });

  afterEach(async () => {
    await scorer.onApplicationShutdown();
    await loader.onApplicationShutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("gives every track of the loaded index the active model's mood and probability", async () => {
    await scorer.settled();
    const moods = moodsInIndex();
    expect(moods.size).toBe(records.length);
    for (const record of records) expect(moods.get(record.id)).toEqual(expected(record));
    expect(progress.view).toMatchObject({
      status: 'done',
      model_id: 'model-1',
      scored: records.length,
      to_score: records.length,
      last_pass_ms: expect.any(Number),
    });
  });

  it('scores in batches, so requests are served between them', async () => {
    await scorer.settled();
    const calls = (model!.score as jest.Mock).mock.calls as MoodTrackFeatures[][][];
    expect(calls.map(([batch]) => batch.length)).toEqual([MOOD_SCORING_BATCH, 300]);
  });

  it('scores only the new and changed tracks after the catalog changes', async () => {
    await scorer.settled();
    const score = model!.score as jest.Mock;
    score.mockClear();
    const changed = { ...records[0], features: { ...records[0].features, energy: 0.99 } };
    const added = { ...records[1], id: 'added-track-0000000000', features: { energy: 0.01 } };
    tracks.set(changed.id, changed);
    tracks.set(added.id, added as CatalogTrackRecord);
    changes.publish({ type: 'upserted', ids: [changed.id, added.id] });
    await loader.settled();
    await scorer.settled();
    expect(score.mock.calls.flatMap(([batch]) => batch as MoodTrackFeatures[])).toHaveLength(2);
    const moods = moodsInIndex();
    expect(moods.get(changed.id)).toEqual({ mood: 'Energetic', probability: Math.fround(0.99) });
    expect(moods.get(added.id)).toEqual({ mood: 'Calm', probability: Math.fround(0.99) });
    expect(moods.get(records[2].id)).toEqual(expected(records[2]));
  });

  it("collects the start-up's garbage once, after its first full pass, not after later ones", async () => {
    await scorer.settled();
    // One after the index's start-up build (the loader), one after the first full pass.
    expect(collectGarbage).toHaveBeenCalledTimes(2);
    activate(energyModel('model-2'));
    await scorer.settled();
    expect(progress.view).toMatchObject({ status: 'done', model_id: 'model-2' });
    expect(collectGarbage).toHaveBeenCalledTimes(2);
  });

  it("scores every track again with a newly activated model, whose moods replace the old one's at once", async () => {
    await scorer.settled();
    const inverse: MoodTrackScorer = {
      modelId: 'model-2',
      labels: ['Happy', 'Sad', 'Calm'],
      score: (batch) => batch.map(() => [0.2, 0.7, 0.1]),
    };
    activate(inverse);
    await scorer.settled();
    expect(index.current.moodLabels()).toEqual(['Happy', 'Sad', 'Calm']);
    for (const mood of moodsInIndex().values()) {
      expect(mood).toEqual({ mood: 'Sad', probability: Math.fround(0.7) });
    }
    expect(progress.view).toMatchObject({ status: 'done', model_id: 'model-2' });
  });

  it('keeps the moods a reloaded index carried, and scores only what it added', async () => {
    await scorer.settled();
    const score = model!.score as jest.Mock;
    score.mockClear();
    changes.publish({ type: 'reset', reason: 'test' });
    await loader.settled();
    await scorer.settled();
    expect(score).not.toHaveBeenCalled();
    expect(moodsInIndex().get(records[5].id)).toEqual(expected(records[5]));
  });

  it('says so while no model is active, and scores once one is', async () => {
    await scorer.settled();
    activate(null);
    await scorer.settled();
    expect(progress.view).toMatchObject({ status: 'no_model', model_id: null });
    activate(energyModel('model-3'));
    await scorer.settled();
    expect(progress.view).toMatchObject({ status: 'done', model_id: 'model-3' });
    expect(moodsInIndex().get(records[3].id)).toEqual(expected(records[3]));
  });
});
