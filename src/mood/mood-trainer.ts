import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../common/workers/start-worker';
import type { TrainedMoodModel } from './mood-engine';
import type { TrainingProgress } from './model/training-report';
import type { TrainingJob, WorkerMessage } from './mood-training.protocol';

export interface TrainingResult {
  backend: string;
  trained: TrainedMoodModel;
}

interface TrainingLimits {
  /** The worker is terminated and the training rejected with TrainingTimeoutError after this. */
  timeoutMs?: number;
}

/** A training that ran past its time limit and was stopped. */
export class TrainingTimeoutError extends Error {
  override readonly name = 'TrainingTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(
      `Training stopped: still running after ${formatDuration(timeoutMs)} (MOOD_TRAINING_TIMEOUT)`,
    );
  }
}

/**
 * Runs one training job in a worker thread (mood-training.worker.ts), so that the API keeps
 * answering while it trains. A job that outlives its time limit has its worker terminated: the
 * training is stopped, not merely no longer awaited.
 */
export class MoodTrainer {
  private readonly logger = new Logger(MoodTrainer.name);
  private readonly workers = new Set<Worker>();

  train(
    job: TrainingJob,
    onProgress: (progress: TrainingProgress) => void,
    { timeoutMs }: TrainingLimits = {},
  ): Promise<TrainingResult> {
    const worker = startWorker(join(__dirname, 'mood-training.worker'), { workerData: job });
    this.workers.add(worker);
    return new Promise<TrainingResult>((resolvePromise, reject) => {
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.workers.delete(worker);
        action();
        void worker.terminate();
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => settle(() => reject(new TrainingTimeoutError(timeoutMs))), timeoutMs);
      worker.on('message', (message: WorkerMessage) => {
        if (settled) return;
        if (message.type === 'progress') onProgress(message.progress);
        else if (message.type === 'done') {
          // Transferred bytes arrive as a plain Uint8Array view; keep them as such.
          const trained = message.trained;
          trained.artifact.weights = new Uint8Array(trained.artifact.weights);
          settle(() => resolvePromise({ backend: message.backend, trained }));
        } else {
          if (message.stack) this.logger.debug(message.stack);
          settle(() => reject(new Error(message.message)));
        }
      });
      worker.on('error', (error) => settle(() => reject(error)));
      worker.on('exit', (code) =>
        settle(() => reject(new Error(`Training worker stopped (exit code ${code})`))),
      );
    });
  }

  /** Stops running workers (application shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
    this.workers.clear();
  }
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
