import { Logger } from '@nestjs/common';
import { parentPort } from 'node:worker_threads';
import { ProphetEngine } from './prophet-engine';
import type { FitJob, FitWorkerMessage } from './prophet-fit.protocol';

/**
 * One fit worker of ProphetPool: loads Prophet (WebAssembly), the Newton port and the L-BFGS worker
 * once, then fits one request's series at a time with the very same ProphetEngine the fidelity test
 * checks, and replies with the forecasts.
 */
const port = parentPort!;
const post = (message: FitWorkerMessage) => port.postMessage(message);
// The app's own logger settings do not reach this thread: keep the worker to warnings and errors.
Logger.overrideLogger(['error', 'warn']);
const engine = new ProphetEngine();

engine.load().then(
  () => {
    port.on('message', (job: FitJob) => {
      try {
        const forecasts = job.series.map((series) =>
          engine.forecast(series, job.future, job.intervalWidth),
        );
        post({ type: 'done', id: job.id, forecasts });
      } catch (error) {
        post({ type: 'failed', id: job.id, message: (error as Error).message ?? String(error) });
      }
    });
    post({ type: 'ready' });
  },
  (error: unknown) => post({ type: 'failed', message: `cannot load Prophet: ${String(error)}` }),
);
