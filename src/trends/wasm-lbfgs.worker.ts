/**
 * The L-BFGS worker thread of WasmLbfgs: loads Stan's optimizer (WebAssembly) once and answers each
 * optimisation on its message port, waking the caller through the shared flag it waits on.
 */
import type {
  ProphetInitialParams,
  ProphetOptimizeOptions,
  ProphetOptimizeOutput,
} from '@bsull/augurs/prophet';
import { type MessagePort, workerData } from 'node:worker_threads';
import { importEsm } from './esm-import';

export interface LbfgsWorkerData {
  port: MessagePort;
  /** A SharedArrayBuffer of one Int32: set to 1 (and notified) when a reply is posted. */
  signal: SharedArrayBuffer;
  wasmstanUrl: string;
}

export interface LbfgsRequest {
  init: ProphetInitialParams;
  data: string;
  opts: ProphetOptimizeOptions;
}

export interface LbfgsReply {
  ready?: boolean;
  output?: ProphetOptimizeOutput;
  error?: string;
}

interface Optimizer {
  optimize(
    init: ProphetInitialParams,
    data: string,
    opts: ProphetOptimizeOptions,
  ): ProphetOptimizeOutput;
}

const { port, signal, wasmstanUrl } = workerData as LbfgsWorkerData;
const flag = new Int32Array(signal);

function reply(message: LbfgsReply): void {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

importEsm<{ optimizer: Optimizer }>(wasmstanUrl).then(
  ({ optimizer }) => {
    port.on('message', ({ init, data, opts }: LbfgsRequest) => {
      try {
        reply({ output: optimizer.optimize(init, data, opts) });
      } catch (error) {
        reply({ error: error instanceof Error ? error.message : String(error) });
      }
    });
    reply({ ready: true });
  },
  (error: unknown) => reply({ error: `cannot load the optimizer: ${String(error)}` }),
);
