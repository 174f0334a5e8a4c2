import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const TSCONFIG = resolve(__dirname, '..', '..', '..', 'tsconfig.json');

/**
 * Starts the worker thread whose entry file is `entry` without its extension. The built app runs the
 * compiled `.js` beside it; run from source (jest, ts-node, the benchmarks) there is only the `.ts`,
 * which the thread loads through ts-node, so tests run the very same worker code.
 */
export function startWorker(entry: string, options: WorkerOptions = {}): Worker {
  const compiled = `${entry}.js`;
  if (existsSync(compiled)) return new Worker(compiled, options);
  return new Worker(`${entry}.ts`, {
    ...options,
    execArgv: [
      ...(options.execArgv ?? []),
      '--require',
      require.resolve('ts-node/register/transpile-only'),
    ],
    env: { ...process.env, TS_NODE_PROJECT: TSCONFIG },
  });
}
