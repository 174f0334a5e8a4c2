import type { Worker, WorkerOptions } from 'node:worker_threads';

type WorkerThreads = typeof import('node:worker_threads');

export interface WatchedWorkers {
  /** Every worker thread started in this process since watching began, oldest first. */
  readonly started: Worker[];
  /** Terminates a worker that holds a message it has not answered yet, as a crash would. */
  crashBusyWorker(): boolean;
  stop(): void;
}

/**
 * Watches the worker threads that the code under test starts in this process, so that a test can
 * see a worker replaced, or crash one mid-job, without hooks in the production classes. Start
 * watching before the code starts its workers; `stop()` when done.
 */
export function watchWorkerThreads(): WatchedWorkers {
  // The module object the code under test reads `Worker` from (Node's own, not a copy).
  const workerThreads = jest.requireActual<WorkerThreads>('node:worker_threads');
  const RealWorker = workerThreads.Worker;
  const started: Worker[] = [];
  const busy = new Set<Worker>();
  const spy = jest
    .spyOn(workerThreads, 'Worker')
    .mockImplementation((filename: string | URL, options?: WorkerOptions) => {
      const worker = new RealWorker(filename, options);
      started.push(worker);
      const postMessage = worker.postMessage.bind(worker);
      worker.postMessage = (...message: Parameters<Worker['postMessage']>) => {
        busy.add(worker);
        postMessage(...message);
      };
      worker.on('message', () => busy.delete(worker));
      worker.on('exit', () => busy.delete(worker));
      return worker;
    });
  return {
    started,
    crashBusyWorker() {
      const [worker] = busy;
      if (!worker) return false;
      busy.delete(worker);
      void worker.terminate();
      return true;
    },
    stop: () => spy.mockRestore(),
  };
}
