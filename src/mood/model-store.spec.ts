import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type Repository } from 'typeorm';
import { inMemoryDatabase } from '../../test/helpers/in-memory-database';
import { trainedMoodModel } from '../../test/helpers/trained-mood-model';
import { typedMock } from '../../test/helpers/typed-mock';
import { ClusterNotices } from '../cluster/cluster-notices';
import { validateEnvironment } from '../config';
import { ModelStore } from './model-store';
import { moodConfig } from './mood.config';
import { type LoadedMoodModel, MoodEngine } from './mood-engine';
import { MoodModel } from './mood-model.entity';
import { TrainingRun } from './training-run.entity';

/** A loaded network stand-in; `dispose` shows when the store lets go of it. */
function loadedModel(): jest.Mocked<Pick<LoadedMoodModel, 'dispose'>> & LoadedMoodModel {
  return {
    labels: ['Calm', 'Sad'],
    metadata: { inputs: ['danceability'] },
    predict: jest.fn(),
    dispose: jest.fn(),
  } as unknown as jest.Mocked<Pick<LoadedMoodModel, 'dispose'>> & LoadedMoodModel;
}

/** ModelStore on a real SQLite database in memory, with the TensorFlow.js engine mocked. */
describe('ModelStore', () => {
  let dataDir: string;
  let moduleRef: TestingModule;
  let store: ModelStore;
  let rows: Repository<MoodModel>;
  let engine: jest.Mocked<Pick<MoodEngine, 'useBackend' | 'load'>> & Pick<MoodEngine, 'backend'>;
  const loaded: ReturnType<typeof loadedModel>[] = [];
  /** Notices to and from the other instances, as if there were some (over a transport). */
  let notices: {
    transportName: string;
    publish: jest.Mock<void, Parameters<ClusterNotices['publish']>>;
    subscribe: jest.Mock<() => void, Parameters<ClusterNotices['subscribe']>>;
    onResumed: jest.Mock<() => void, Parameters<ClusterNotices['onResumed']>>;
  };
  const nothingElse = () => Promise.resolve();

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'model-store-'));
    engine = {
      backend: 'cpu',
      useBackend: typedMock<MoodEngine['useBackend']>(() => Promise.resolve('cpu')),
      load: typedMock<MoodEngine['load']>(() => {
        const model = loadedModel();
        loaded.push(model);
        return Promise.resolve(model);
      }),
    };
    notices = {
      transportName: 'redis',
      publish: jest.fn<void, Parameters<ClusterNotices['publish']>>(),
      subscribe: jest.fn<() => void, Parameters<ClusterNotices['subscribe']>>(
        () => () => undefined,
      ),
      onResumed: jest.fn<() => void, Parameters<ClusterNotices['onResumed']>>(
        () => () => undefined,
      ),
    };
    moduleRef = await Test.createTestingModule({
      imports: inMemoryDatabase(MoodModel, TrainingRun),
      providers: [
        ModelStore,
        { provide: MoodEngine, useValue: engine },
        { provide: ClusterNotices, useValue: notices },
        {
          provide: moodConfig.KEY,
          useValue: moodConfig(validateEnvironment({ DATA_DIR: dataDir })),
        },
      ],
    }).compile();
    await moduleRef.init();
    store = moduleRef.get(ModelStore);
    rows = moduleRef.get(getRepositoryToken(MoodModel));
    loaded.length = 0;
  });
  afterEach(async () => {
    await moduleRef.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Each model belongs to a run, recorded before it trains. */
  const add = async (runId: string, weights: number[], alsoRecord = nothingElse) => {
    await moduleRef.get<Repository<TrainingRun>>(getRepositoryToken(TrainingRun)).insert({
      id: runId,
      status: 'running',
      datasetSource: 'request',
      datasetSha256: '0'.repeat(64),
      rowsUsed: 10,
      rowsSkipped: 0,
      hyperParameters: {},
      createdAt: new Date(),
    });
    return store.addActive(runId, trainedMoodModel(weights), alsoRecord);
  };
  /** Another instance's store (or this one's after a restart) on the same database, started. */
  const anotherStore = async () => {
    const other = new ModelStore(
      rows,
      moduleRef.get(DataSource),
      engine as unknown as MoodEngine,
      notices as unknown as ClusterNotices,
      moduleRef.get(moodConfig.KEY),
    );
    await other.onModuleInit();
    return other;
  };
  const activeRows = async () =>
    (await rows.find({ where: { isActive: true } })).map((row) => row.id);

  it('adds a model as the active one: files, row with its bytes, and in memory', async () => {
    const model = await add('run-1', [1, 2, 3]);
    expect(await activeRows()).toEqual([model.id]);
    const row = await rows.findOneByOrFail({ id: model.id });
    expect(row.weightsBase64).toBe(Buffer.from([1, 2, 3]).toString('base64'));
    expect(readdirSync(join(dataDir, 'models', 'run-1')).sort()).toEqual([
      'model.json',
      'weights.bin',
    ]);
    expect(store.active?.row.id).toBe(model.id);
  });

  it('activating another model deactivates the previous one, in the database and in memory', async () => {
    const first = await add('run-1', [1]);
    const second = await add('run-2', [2]);
    expect(await activeRows()).toEqual([second.id]);
    expect(loaded[0].dispose).toHaveBeenCalled();

    await store.activate(first.id);
    expect(await activeRows()).toEqual([first.id]);
    expect(store.active?.row).toEqual(expect.objectContaining({ id: first.id, isActive: true }));
    expect(loaded[1].dispose).toHaveBeenCalled();
  });

  it('an unknown model is 404 MODEL_NOT_FOUND and changes nothing', async () => {
    const model = await add('run-1', [1]);
    await expect(store.activate('no-such-model')).rejects.toMatchObject({
      status: 404,
      code: 'MODEL_NOT_FOUND',
    });
    expect(await activeRows()).toEqual([model.id]);
  });

  it('when the rest of the transaction fails, keeps the previous model and no trace of the new one', async () => {
    const first = await add('run-1', [1]);
    await expect(
      add('run-2', [2], () => Promise.reject(new Error('could not record the run'))),
    ).rejects.toThrow('could not record the run');
    expect(await activeRows()).toEqual([first.id]);
    expect(await rows.count()).toBe(1);
    expect(store.active?.row.id).toBe(first.id);
    expect(existsSync(join(dataDir, 'models', 'run-2'))).toBe(false);
    expect(loaded[1].dispose).toHaveBeenCalled();
  });

  it('loads the active model from the database when it starts', async () => {
    const model = await add('run-1', [1]);
    const restarted = await anotherStore();
    expect(restarted.active?.row.id).toBe(model.id);
    expect(engine.load).toHaveBeenLastCalledWith(trainedMoodModel([1]).artifact);
    await restarted.onApplicationShutdown();
  });

  it('tells the other instances of each model it makes active', async () => {
    const first = await add('run-1', [1]);
    const second = await add('run-2', [2]);
    await store.activate(first.id);
    expect(notices.publish.mock.calls).toEqual([
      ['mood-model', { modelId: first.id }],
      ['mood-model', { modelId: second.id }],
      ['mood-model', { modelId: first.id }],
    ]);
  });

  it("on another instance's notice, swaps in the database's active model", async () => {
    const first = await add('run-1', [1]);
    // Another instance on the same database, which hears of changes through its notices.
    const other = await anotherStore();
    const [topic, onNotice] = notices.subscribe.mock.calls.at(-1)!;
    expect(topic).toBe('mood-model');
    const second = await add('run-2', [2]);
    expect(other.active?.row.id).toBe(first.id);
    const loadedBefore = loaded.length;

    onNotice({ modelId: second.id });
    await other.syncActive();
    expect(other.active?.row.id).toBe(second.id);
    expect(loaded).toHaveLength(loadedBefore + 1);
    // A notice of the model it already has loads nothing.
    await other.syncActive();
    expect(loaded).toHaveLength(loadedBefore + 1);
    await other.onApplicationShutdown();
  });

  it('when the notices resume after an outage, swaps in an active model whose notice was lost', async () => {
    const first = await add('run-1', [1]);
    const other = await anotherStore();
    const [catchUp] = notices.onResumed.mock.calls.at(-1)!;
    const second = await add('run-2', [2]); // its notice never reaches `other`
    expect(other.active?.row.id).toBe(first.id);
    catchUp();
    await other.syncActive(); // after the switch catchUp started
    expect(other.active?.row.id).toBe(second.id);
    await other.onApplicationShutdown();
  });
});
