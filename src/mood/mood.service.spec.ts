import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import type { MoodConfig } from './mood.config';
import type { ParsedTracks, Track } from '../common/tracks';
import type { DefaultDataset } from './default-dataset';
import type { LoadedMoodModel, MoodEngine, MoodMetrics } from './mood-engine';
import type { MoodModel } from './mood-model.entity';
import type { MoodTrainer, TrainingResult } from './mood-trainer';
import { MoodService } from './mood.service';
import type { TrainingRun } from './training-run.entity';

const MODELS_DIR = join(tmpdir(), `mood-service-spec-${process.pid}`);
const METRICS = {
  evaluation: 'random_split',
  accuracy: 0.6,
  macro_f1: 0.5,
  listener_accuracy_10: 0.8,
} as MoodMetrics;

function track(row: number, tag?: string): Track {
  return {
    row,
    label: String(row),
    id: `t${row}`,
    tag,
    danceability: 0.5,
    energy: 0.5,
    key: 1,
    loudness: -8,
    mode: 1,
    speechiness: 0.05,
    acousticness: 0.2,
    instrumentalness: 0,
    liveness: 0.1,
    valence: 0.5,
    tempo: 120,
    duration_ms: 200000,
    time_signature: 4,
  };
}
const labelledBody = () =>
  Array.from({ length: 12 }, (_, i) => ({
    ...track(i, i < 6 ? 'Calm' : 'Sad'),
    row: undefined,
    label: undefined,
  }));

function loadedModel(labels = ['Calm', 'Sad']): LoadedMoodModel {
  return {
    labels,
    metadata: { inputs: ['x'] },
    // Track 0 leans Calm a little, the others are sure of Sad.
    predict: (tracks: Track[]) => tracks.map((_, i) => (i === 0 ? [0.6, 0.4] : [0.1, 0.9])),
    dispose: jest.fn(),
  } as unknown as LoadedMoodModel;
}

function setup() {
  const runRows = new Map<string, TrainingRun>();
  const modelRows: MoodModel[] = [];
  const runs = {
    create: (value: TrainingRun) => value,
    save: jest.fn(
      (value: TrainingRun) => (runRows.set(value.id, { ...value }), Promise.resolve(value)),
    ),
    update: jest.fn((id: string, patch: Partial<TrainingRun>) => {
      runRows.set(id, { ...runRows.get(id)!, ...patch });
      return Promise.resolve();
    }),
    findBy: jest.fn(() =>
      Promise.resolve(
        [...runRows.values()].filter((r) => r.status === 'running' || r.status === 'queued'),
      ),
    ),
    findOneBy: jest.fn(({ id }: { id: string }) => Promise.resolve(runRows.get(id) ?? null)),
  } as unknown as Repository<TrainingRun>;
  const models = {
    create: (value: MoodModel) => value,
    findOneBy: jest.fn((where: Partial<MoodModel>) =>
      Promise.resolve(modelRows.find((m) => (where.id ? m.id === where.id : m.isActive)) ?? null),
    ),
  } as unknown as Repository<MoodModel>;
  const manager = {
    update: jest.fn(() => Promise.resolve()),
    insert: jest.fn((_: unknown, value: MoodModel) => (modelRows.push(value), Promise.resolve())),
    save: jest.fn(
      (_: unknown, value: TrainingRun) => (runRows.set(value.id, { ...value }), Promise.resolve()),
    ),
  } as unknown as EntityManager;
  const dataSource = {
    transaction: jest.fn((work: (m: EntityManager) => Promise<void>) => work(manager)),
  } as unknown as DataSource;
  const engine = {
    useBackend: jest.fn(() => Promise.resolve('cpu')),
    backend: 'cpu',
    load: jest.fn(() => Promise.resolve(loadedModel())),
  } as unknown as jest.Mocked<MoodEngine>;
  let finishTraining!: (result: TrainingResult | Error) => void;
  const trainer = {
    train: jest.fn(
      () =>
        new Promise<TrainingResult>((resolve, reject) => {
          finishTraining = (result) => (result instanceof Error ? reject(result) : resolve(result));
        }),
    ),
    stopAll: jest.fn(() => Promise.resolve()),
  } as unknown as jest.Mocked<MoodTrainer>;
  const defaultDataset = { isOnDisk: () => false, read: jest.fn() } as unknown as DefaultDataset;
  const config = {
    modelsDir: MODELS_DIR,
    trainOnStart: true,
    backend: 'auto',
    hyperParameters: { maxEpochs: 3, patience: 3, ensembleSize: 1, seed: 1 },
  } as MoodConfig;
  const service = new MoodService(
    runs,
    models,
    dataSource,
    engine,
    trainer,
    defaultDataset,
    config,
  );
  const succeed = () =>
    finishTraining({
      backend: 'cpu',
      trained: {
        artifact: { modelJson: '{}', weights: new Uint8Array([1, 2, 3]) },
        labels: ['Calm', 'Sad'],
        epochsRun: 3,
        metrics: METRICS,
        trainingRows: 10,
      },
    });
  return {
    service,
    runs,
    runRows,
    modelRows,
    engine,
    trainer,
    dataSource,
    succeed,
    fail: (e: Error) => finishTraining(e),
  };
}

describe('MoodService (mocked engine, trainer and repositories)', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => rmSync(MODELS_DIR, { recursive: true, force: true }));

  it('is 503 MODEL_NOT_READY before any model exists', async () => {
    const { service } = setup();
    await service.onApplicationBootstrap();
    expect(() => service.predict({ tracks: [track(0)], skipped: [] })).toThrow(
      expect.objectContaining({ status: 503, code: 'MODEL_NOT_READY' }),
    );
  });

  it('records a run before training, allows one at a time (409), and activates the new model', async () => {
    const t = setup();
    await t.service.onApplicationBootstrap();
    const started = await t.service.startTraining(labelledBody());
    expect(t.runRows.get(started.run.id)?.status).toBe('running');
    await expect(t.service.startTraining(labelledBody())).rejects.toMatchObject({
      status: 409,
      code: 'TRAINING_IN_PROGRESS',
      details: expect.objectContaining({ run_id: started.run.id }),
    });
    t.succeed();
    const finished = await started.result();
    expect(finished).toEqual(expect.objectContaining({ status: 'succeeded', accuracy: 0.6 }));
    expect(finished.dataset.rows_used).toBe(12);
    expect(t.modelRows).toHaveLength(1);
    expect(t.modelRows[0].weightsBase64).toBe(Buffer.from([1, 2, 3]).toString('base64'));
    expect(t.service.activeModel().id).toBe(finished.model_id);
  });

  it('combines tracks by summed log-probabilities', async () => {
    const t = setup();
    await t.service.onApplicationBootstrap();
    const started = await t.service.startTraining(labelledBody());
    t.succeed();
    await started.result();
    const parsed: ParsedTracks = {
      tracks: [track(0), track(1)],
      skipped: [{ row: 2, reason: 'no audio features' }],
    };
    const answer = t.service.predict(parsed);
    expect(answer.mood).toBe('Sad');
    expect(answer.tracks.map((tr) => tr.mood)).toEqual(['Calm', 'Sad']);
    expect(answer.skipped).toEqual(parsed.skipped);
    // Normalised geometric means: Calm √(0.6·0.1), Sad √(0.4·0.9).
    expect(answer.confidence).toBeCloseTo(0.6 / (0.6 + Math.sqrt(0.06)), 4);
  });

  it('a failed run is recorded with its error and leaves the active model untouched', async () => {
    const t = setup();
    await t.service.onApplicationBootstrap();
    const first = await t.service.startTraining(labelledBody());
    t.succeed();
    const good = await first.result();
    const second = await t.service.startTraining(labelledBody());
    t.fail(new Error('worker ran out of memory'));
    await expect(second.result()).rejects.toMatchObject({ status: 500, code: 'TRAINING_FAILED' });
    expect(t.runRows.get(second.run.id)).toEqual(
      expect.objectContaining({ status: 'failed', error: 'worker ran out of memory' }),
    );
    expect(t.service.activeModel().id).toBe(good.model_id);
    expect(t.modelRows).toHaveLength(1);
  });

  it('a run whose start cannot be recorded ends failed (not an unhandled rejection) and frees the lock', async () => {
    const t = setup();
    await t.service.onApplicationBootstrap();
    jest.mocked(t.runs.update).mockRejectedValueOnce(new Error('database unavailable'));
    const started = await t.service.startTraining(labelledBody());
    await expect(started.finished).resolves.toMatchObject({
      status: 'failed',
      error: 'database unavailable',
    });
    expect(t.trainer.train).not.toHaveBeenCalled();
    const next = await t.service.startTraining(labelledBody());
    t.succeed();
    await expect(next.result()).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('rejects a dataset of one mood with 400 before recording a run', async () => {
    const t = setup();
    await t.service.onApplicationBootstrap();
    const oneMood = labelledBody().map((row) => ({ ...row, tag: 'Calm' }));
    await expect(t.service.startTraining(oneMood)).rejects.toMatchObject({ status: 400 });
    expect(t.runRows.size).toBe(0);
    expect(t.trainer.train).not.toHaveBeenCalled();
  });

  it('marks runs left running by a crash as failed at start', async () => {
    const t = setup();
    t.runRows.set('old', { id: 'old', status: 'running' } as TrainingRun);
    await t.service.onApplicationBootstrap();
    expect(t.runRows.get('old')).toEqual(
      expect.objectContaining({ status: 'failed', error: expect.stringMatching(/Interrupted/) }),
    );
  });
});
