import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../common/workers/start-worker';
import type { TrainedMoodModel, TrainingProgress } from './mood-engine';
import type { TrainingJob, WorkerMessage } from './mood-training.protocol';

export interface TrainingResult {
  backend: string;
  trained: TrainedMoodModel;
}

/**
 * Runs one training job in a worker thread (mood-training.worker.ts), so that the API keeps
 * answering while it trains.
 */
export class MoodTrainer {
  private readonly logger = new Logger(MoodTrainer.name);
  private readonly workers = new Set<Worker>();

  train(
    job: TrainingJob,
    onProgress: (progress: TrainingProgress) => void,
  ): Promise<TrainingResult> {
    const worker = startWorker(join(__dirname, 'mood-training.worker'), { workerData: job });
    this.workers.add(worker);
    return new Promise<TrainingResult>((resolvePromise, reject) => {
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        this.workers.delete(worker);
        action();
        void worker.terminate();
      };
      worker.on('message', (message: WorkerMessage) => {
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
