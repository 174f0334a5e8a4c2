/**
 * Entry of the training worker thread: trains one model off the request thread and posts back
 * progress, then the artifact and metrics (or the error). Loaded by MoodTrainer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MoodEngine } from './mood-engine';
import type { TrainingJob, WorkerMessage } from './mood-training.protocol';

async function run(job: TrainingJob): Promise<void> {
  const engine = new MoodEngine();
  const backend = await engine.useBackend(job.backend);
  const trained = await engine.train(job.rows, job.labels, job.params, (progress) =>
    post({ type: 'progress', progress }),
  );
  post({ type: 'done', backend, trained }, [trained.artifact.weights.buffer as ArrayBuffer]);
}

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

run(workerData as TrainingJob).catch((error: unknown) => {
  post({
    type: 'error',
    message: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
});
