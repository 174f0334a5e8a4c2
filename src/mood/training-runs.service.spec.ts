import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { DataSource, type Repository } from 'typeorm';
import { inMemoryDatabase } from '../../test/helpers/in-memory-database';
import { eventually } from '../../test/helpers/service-processes';
import { toPandasColumns } from '../../test/helpers/pandas-columns';
import { trainedMoodModel } from '../../test/helpers/trained-mood-model';
import { trackBody } from '../../test/helpers/tracks';
import { typedMock } from '../../test/helpers/typed-mock';
import { clusterConfig } from '../cluster/cluster.config';
import { JobQueues } from '../cluster/job-queues';
import { type ParsedTracks, parseTracksBody } from '../common/tracks';
import { validateEnvironment } from '../config';
import { DefaultDataset } from './default-dataset';
import { labelledDatasetSha256 } from './labelled-dataset';
import { type MoodModelSummary, ModelStore } from './model-store';
import { moodConfig } from './mood.config';
import { MoodModel } from './mood-model.entity';
import { MoodTrainer, type TrainingResult, TrainingTimeoutError } from './mood-trainer';
import { TrainingRun } from './training-run.entity';
import { TrainingRunsService } from './training-runs.service';
import { TrainingRunClaims } from './training-run-claims';
import { TrainingRunner } from './training-runner';

const TRAINED = trainedMoodModel();

/** Six tracks of each of two moods, as a client sends them: the smallest trainable dataset. */
const labelledBody = () =>
  Array.from({ length: 12 }, (_, i) =>
    trackBody({ id: `t${i}`, tag: i < 6 ? 'Calm' : 'Sad', energy: i / 12 }),
  );
const labelled = (): ParsedTracks => parseTracksBody(labelledBody(), { labelled: true });

/** TrainingRunsService on a real SQLite database in memory; trainer, model store, dataset mocked. */
describe('TrainingRunsService', () => {
  let moduleRef: TestingModule;
  let service: TrainingRunsService;
  let runs: Repository<TrainingRun>;
  /** Trainings the mocked trainer has started and not yet finished, oldest first. */
  const training: ((result: TrainingResult | Error) => void)[] = [];
  const trainer = {
    train: typedMock<MoodTrainer['train']>(
      () =>
        new Promise<TrainingResult>((resolve, reject) => {
          training.push((result) => (result instanceof Error ? reject(result) : resolve(result)));
        }),
    ),
    stopAll: typedMock<MoodTrainer['stopAll']>(() => Promise.resolve()),
  };
  const store = {
    active: undefined as ModelStore['active'],
    addActive: typedMock<ModelStore['addActive']>(),
    hasActiveInDatabase: typedMock<ModelStore['hasActiveInDatabase']>(() => Promise.resolve(false)),
  };
  /** Settings of the instance: alone on SQLite unless a test says otherwise. */
  let clusterSettings: Record<string, string> = {};
  const defaultDataset = {
    isOnDisk: typedMock<DefaultDataset['isOnDisk']>(() => false),
    read: typedMock<DefaultDataset['read']>(),
  };

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(async () => {
    jest.clearAllMocks();
    training.length = 0;
    store.active = undefined;
    defaultDataset.isOnDisk.mockReturnValue(false);
    moduleRef = await Test.createTestingModule({
      imports: inMemoryDatabase(TrainingRun, MoodModel),
      providers: [
        TrainingRunsService,
        { provide: ModelStore, useValue: store },
        { provide: MoodTrainer, useValue: trainer },
        { provide: DefaultDataset, useValue: defaultDataset },
        JobQueues,
        TrainingRunClaims,
        TrainingRunner,
        {
          provide: clusterConfig.KEY,
          useValue: clusterConfig(validateEnvironment(clusterSettings)),
        },
        {
          provide: moodConfig.KEY,
          useValue: moodConfig(validateEnvironment({ MOOD_MAX_EPOCHS: '3' })),
        },
      ],
    }).compile();
    service = moduleRef.get(TrainingRunsService);
    runs = moduleRef.get(getRepositoryToken(TrainingRun));
    // The store records the run's success in its own transaction, with the model it made.
    const dataSource = moduleRef.get(DataSource);
    store.addActive.mockImplementation(async (_runId, _trained, alsoRecord) => {
      await dataSource.transaction((manager) => alsoRecord(manager, 'model-1'));
      return { id: 'model-1' } as MoodModelSummary;
    });
  });
  afterEach(() => moduleRef.close());

  /** Waits until the service has handed the trainer its job. */
  const trainingStarted = async () => {
    while (training.length === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  const finishTraining = async (result: TrainingResult | Error) => {
    await trainingStarted();
    training.shift()!(result);
  };
  const succeed = () => finishTraining({ backend: 'cpu', trained: TRAINED });

  it('records the run before training, allows one at a time (409), and records its success', async () => {
    const started = await service.startTraining(labelled());
    await trainingStarted();
    expect(await runs.findOneBy({ id: started.run.id })).toEqual(
      expect.objectContaining({ status: 'running', rowsUsed: 12, rowsSkipped: 0 }),
    );
    expect(service.runningRunId).toBe(started.run.id);
    await expect(service.startTraining(labelled())).rejects.toMatchObject({
      status: 409,
      code: 'TRAINING_IN_PROGRESS',
      details: expect.objectContaining({ run_id: started.run.id }),
    });

    await succeed();
    const finished = await started.result();
    expect(finished).toEqual(
      expect.objectContaining({ status: 'succeeded', accuracy: 0.6, model_id: 'model-1' }),
    );
    expect(store.addActive).toHaveBeenCalledWith(started.run.id, TRAINED, expect.any(Function));
    expect(await runs.findOneBy({ id: started.run.id })).toEqual(
      expect.objectContaining({ status: 'succeeded', modelId: 'model-1', epochsRun: 3 }),
    );
    expect(service.runningRunId).toBeNull();
    // The learning curves are kept with the run: shown for the run, left out of the list.
    await expect(service.getRun(started.run.id)).resolves.toMatchObject({
      history: TRAINED.history,
    });
    const [listed] = (await service.listRuns(10, 0)).runs;
    expect(listed.id).toBe(started.run.id);
    expect(listed).not.toHaveProperty('history');
  });

  it('gives the trainer MOOD_TRAINING_TIMEOUT, and a run it stops is failed with that reason, the lock freed', async () => {
    const started = await service.startTraining(labelled());
    await trainingStarted();
    expect(trainer.train).toHaveBeenCalledWith(expect.anything(), expect.any(Function), {
      timeoutMs: 600_000,
    });
    await finishTraining(new TrainingTimeoutError(600_000));
    await expect(started.result()).rejects.toMatchObject({
      status: 500,
      code: 'TRAINING_FAILED',
      message: expect.stringMatching(/still running after 10 min \(MOOD_TRAINING_TIMEOUT\)/),
    });
    expect(await runs.findOneBy({ id: started.run.id })).toEqual(
      expect.objectContaining({ status: 'failed', modelId: null, history: null }),
    );
    expect(store.addActive).not.toHaveBeenCalled();
    expect(service.runningRunId).toBeNull();
  });

  it('records a failed training with its error, stores no model, and frees the lock', async () => {
    const started = await service.startTraining(labelled());
    await finishTraining(new Error('worker ran out of memory'));
    await expect(started.result()).rejects.toMatchObject({ status: 500, code: 'TRAINING_FAILED' });
    expect(await runs.findOneBy({ id: started.run.id })).toEqual(
      expect.objectContaining({
        status: 'failed',
        error: 'worker ran out of memory',
        modelId: null,
      }),
    );
    expect(store.addActive).not.toHaveBeenCalled();
    expect(service.runningRunId).toBeNull();
  });

  it('ends a run whose start cannot be recorded as failed (not an unhandled rejection)', async () => {
    jest.spyOn(runs, 'update').mockRejectedValueOnce(new Error('database unavailable'));
    const started = await service.startTraining(labelled());
    await expect(started.finished).resolves.toMatchObject({
      status: 'failed',
      error: 'database unavailable',
    });
    expect(trainer.train).not.toHaveBeenCalled();
    const next = await service.startTraining(labelled());
    await succeed();
    await expect(next.result()).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('a run the database stops answers 503 DATABASE_UNAVAILABLE naming it; its end is written once the database takes it', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const started = await service.startTraining(labelled());
    await trainingStarted();
    // The model cannot be stored, and the first write of the run's end fails as well.
    store.addActive.mockRejectedValueOnce(refused);
    jest.spyOn(runs, 'update').mockRejectedValueOnce(refused);
    await succeed();
    await expect(started.result()).rejects.toMatchObject({
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      retryAfterSeconds: expect.any(Number),
      message: expect.stringMatching(/database could not be reached during the training run/),
      details: { run_id: started.run.id },
    });
    expect(service.runningRunId).toBeNull();
    expect(await runs.findOneBy({ id: started.run.id })).toMatchObject({ status: 'running' });
    await eventually(
      'the run is recorded failed',
      async () => {
        const run = await runs.findOneByOrFail({ id: started.run.id });
        return run.status === 'failed' ? run : undefined;
      },
      { withinMs: 5000 },
    ).then((run) =>
      expect(run).toMatchObject({
        active: null,
        modelId: null,
        error: expect.stringMatching(/active model is kept/),
      }),
    );
  });

  it('rejects a dataset of one mood with 400 before recording a run', async () => {
    const oneMood = parseTracksBody(
      labelledBody().map((row) => ({ ...row, tag: 'Calm' })),
      { labelled: true },
    );
    await expect(service.startTraining(oneMood)).rejects.toMatchObject({ status: 400 });
    expect(await runs.count()).toBe(0);
    expect(trainer.train).not.toHaveBeenCalled();
  });

  it('rejects with 400, before recording a run, playlists that leave a cross-validation fold one mood', async () => {
    // Each mood in a single playlist: whichever playlist a fold holds out, it trains on the other.
    const twoPlaylists = parseTracksBody(
      labelledBody().map((row, i) => ({ ...row, playlist: i < 6 ? 'calm-list' : 'sad-list' })),
      { labelled: true },
    );
    await expect(service.startTraining(twoPlaylists)).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [
        {
          path: 'tracks',
          message: expect.stringMatching(
            /^cross-validation fold 1, 2 of 2 would train on a single mood/,
          ),
        },
      ],
    });
    expect(await runs.count()).toBe(0);
    expect(trainer.train).not.toHaveBeenCalled();
  });

  it('records one sha256 for one dataset, whichever source and shape it came in', async () => {
    defaultDataset.read.mockResolvedValue({ body: labelledBody(), path: 'playlist_metrics.json' });
    const fromFile = await service.trainDefault();
    await succeed();
    await fromFile.result();
    const fromColumns = await service.startTraining(
      parseTracksBody(toPandasColumns(labelledBody()), { labelled: true }),
    );
    await succeed();
    await fromColumns.result();

    expect(fromFile.run.dataset).toEqual(expect.objectContaining({ source: 'default' }));
    expect(fromColumns.run.dataset.sha256).toBe(fromFile.run.dataset.sha256);
    expect(fromFile.run.dataset.sha256).toBe(labelledDatasetSha256(labelled().tracks));
    const retagged = labelled().tracks.map((track, i) =>
      i === 0 ? { ...track, tag: 'Sad' } : track,
    );
    expect(labelledDatasetSha256(retagged)).not.toBe(fromFile.run.dataset.sha256);
  });

  it('at start, marks runs a crash left queued or running as failed', async () => {
    await runs.insert(
      (['queued', 'running', 'succeeded'] as const).map((status) => ({
        id: status,
        status,
        datasetSource: 'default' as const,
        datasetSha256: '0'.repeat(64),
        rowsUsed: 1,
        rowsSkipped: 0,
        hyperParameters: {},
        createdAt: new Date(),
      })),
    );
    await service.onApplicationBootstrap();
    const statuses = Object.fromEntries((await runs.find()).map((run) => [run.id, run]));
    expect(statuses.queued).toEqual(
      expect.objectContaining({ status: 'failed', error: expect.stringMatching(/Interrupted/) }),
    );
    expect(statuses.running.status).toBe('failed');
    expect(statuses.succeeded.status).toBe('succeeded');
  });

  it('at start, trains on the default dataset when no model is active and it is on disk', async () => {
    defaultDataset.isOnDisk.mockReturnValue(true);
    defaultDataset.read.mockResolvedValue({ body: labelledBody(), path: 'playlist_metrics.json' });
    await service.onApplicationBootstrap();
    await trainingStarted();
    expect(service.runningRunId).not.toBeNull();
    await succeed();
    await service.beforeApplicationShutdown();
    expect((await runs.find())[0]).toEqual(expect.objectContaining({ datasetSource: 'default' }));
  });

  describe('on a database shared with other instances', () => {
    beforeAll(() => {
      // No connection is made to this URL: it only tells the service that it is not alone.
      clusterSettings = { DATABASE_URL: 'postgres://elsewhere/db', JOB_STALL_TIMEOUT: '1s' };
    });
    afterAll(() => {
      clusterSettings = {};
    });

    /** A run of another instance, whose last sign of life was `ageMs` ago. */
    const otherInstancesRun = (ageMs: number, process: { host?: string; pid?: number } = {}) =>
      runs.insert({
        id: 'elsewhere',
        status: 'running',
        active: 1,
        heartbeatAt: new Date(Date.now() - ageMs),
        host: process.host ?? null,
        pid: process.pid ?? null,
        datasetSource: 'default',
        datasetSha256: '0'.repeat(64),
        rowsUsed: 1,
        rowsSkipped: 0,
        hyperParameters: {},
        createdAt: new Date(Date.now() - ageMs),
      });

    it("leaves another instance's live run alone at start, and a request meanwhile is 409 naming it", async () => {
      await otherInstancesRun(0);
      await service.onApplicationBootstrap();
      expect((await runs.findOneByOrFail({ id: 'elsewhere' })).status).toBe('running');
      await expect(service.startTraining(labelled())).rejects.toMatchObject({
        status: 409,
        code: 'TRAINING_IN_PROGRESS',
        details: expect.objectContaining({ run_id: 'elsewhere' }),
      });
      await service.beforeApplicationShutdown();
    });

    it('ends failed the run of an instance that stopped (no heartbeat), and trains the next request', async () => {
      await otherInstancesRun(5000);
      const started = await service.startTraining(labelled());
      expect(await runs.findOneByOrFail({ id: 'elsewhere' })).toEqual(
        expect.objectContaining({
          status: 'failed',
          active: null,
          error: expect.stringMatching(/^Interrupted: the instance training it stopped/),
        }),
      );
      await succeed();
      await expect(started.result()).resolves.toMatchObject({ status: 'succeeded' });
    });

    it('at start, ends failed at once the run of a process on this host that is gone', async () => {
      // Above Linux's largest pid: no such process.
      await otherInstancesRun(0, { host: hostname(), pid: 4_194_304 + 1000 });
      await service.onApplicationBootstrap();
      expect(await runs.findOneByOrFail({ id: 'elsewhere' })).toEqual(
        expect.objectContaining({ status: 'failed', active: null }),
      );
      await service.beforeApplicationShutdown();
    });

    it('a run that another instance ended failed meanwhile, its model not made active', async () => {
      const started = await service.startTraining(labelled());
      await trainingStarted();
      await runs.update(started.run.id, { status: 'failed', active: null });
      await succeed();
      await expect(started.finished).resolves.toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/ended failed meanwhile/),
      });
      expect(await runs.findOneByOrFail({ id: started.run.id })).toEqual(
        expect.objectContaining({ status: 'failed', modelId: null }),
      );
    });
  });
});
