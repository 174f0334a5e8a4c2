import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TrainedMoodModel, TrainingProgress } from './mood-engine';
import type { TrainingJob, WorkerMessage } from './mood-training.protocol';

export interface TrainingResult {
  backend: string;
  trained: TrainedMoodModel;
}

/**
 * Runs one training job in a worker thread, so that the API keeps answering while it trains. The
 * compiled app loads the worker's .js beside this file; under ts-jest (this file is .ts) the worker
 * registers ts-node first, so tests run the very same worker code.
 */
export class MoodTrainer {
  private readonly logger = new Logger(MoodTrainer.name);
  private readonly workers = new Set<Worker>();

  train(
    job: TrainingJob,
    onProgress: (progress: TrainingProgress) => void,
  ): Promise<TrainingResult> {
    const worker = this.spawn(job);
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

  private spawn(job: TrainingJob): Worker {
    const compiled = join(__dirname, 'mood-training.worker.js');
    if (existsSync(compiled)) return new Worker(compiled, { workerData: job });
    const source = join(__dirname, 'mood-training.worker.ts');
    const project = resolve(__dirname, '..', '..', 'tsconfig.json');
    const bootstrap = `require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(project)} }); require(${JSON.stringify(source)});`;
    return new Worker(bootstrap, { eval: true, workerData: job });
  }
}
