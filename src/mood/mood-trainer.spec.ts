import { once } from 'node:events';
import { readSharedJson } from '../../test/helpers/shared-data';
import { watchWorkerThreads, type WatchedWorkers } from '../../test/helpers/worker-threads';
import { parseTracksBody } from '../common/tracks';
import { validateEnvironment } from '../config';
import { toLabelledRows } from './labelled-dataset';
import { moodConfig } from './mood.config';
import { MoodTrainer, TrainingTimeoutError } from './mood-trainer';
import type { TrainingJob } from './mood-training.protocol';

/** MoodTrainer with its real training worker (TensorFlow.js inside a worker thread). */
describe('MoodTrainer', () => {
  const dataset = readSharedJson<Record<string, unknown>[]>('playlist_metrics.json');
  const config = moodConfig(validateEnvironment({}));
  const job = (maxEpochs: number): TrainingJob => {
    // Every fifth track of two moods: a few dozen from each of their playlists.
    const body = dataset.filter(
      (row, i) => (row.tag === 'Calm' || row.tag === 'Energy') && row.id && i % 5 === 0,
    );
    const params = { ...config.hyperParameters, maxEpochs, patience: maxEpochs, folds: 3 };
    const { rows, labels } = toLabelledRows(parseTracksBody(body, { labelled: true }), params);
    return { rows, labels, params, backend: 'cpu' };
  };
  let workers: WatchedWorkers;
  const trainer = new MoodTrainer();

  beforeEach(() => {
    workers = watchWorkerThreads();
  });
  afterEach(async () => {
    workers.stop();
    await trainer.stopAll();
  });

  it('stops a training that runs past its time limit: the worker is terminated and the training rejected', async () => {
    const progress: number[] = [];
    // Far more epochs than can run in the time allowed; early stopping cannot end it sooner.
    const training = trainer.train(job(100_000), (p) => progress.push(p.epoch), {
      timeoutMs: 2500,
    });
    const [worker] = workers.started;
    const exited = once(worker, 'exit');
    await expect(training).rejects.toThrow(TrainingTimeoutError);
    await expect(training).rejects.toThrow(
      'Training stopped: still running after 2500 ms (MOOD_TRAINING_TIMEOUT)',
    );
    await exited;
    // Nothing reports progress after the stop.
    const seen = progress.length;
    await new Promise((done) => setTimeout(done, 200));
    expect(progress).toHaveLength(seen);
  });

  it('lets a training that finishes in time answer, within the same limit', async () => {
    const result = await trainer.train(job(3), () => undefined, { timeoutMs: 120_000 });
    expect(result.trained.labels).toEqual(['Calm', 'Energy']);
    expect(result.trained.epochsRun).toBeGreaterThanOrEqual(1);
  });
});
