import type {
  ProphetInitialParams,
  ProphetOptimizeOptions,
  ProphetOptimizeOutput,
} from '@bsull/augurs/prophet';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  type Worker,
} from 'node:worker_threads';
import { startWorker } from '../common/workers/start-worker';
import type { LbfgsReply, LbfgsRequest, LbfgsWorkerData } from './wasm-lbfgs.worker';

/**
 * Stan's L-BFGS from `@bsull/augurs-prophet-wasmstan`, run in a worker thread (wasm-lbfgs.worker.ts)
 * and called synchronously (augurs calls its optimizer synchronously inside `fit()`).
 *
 * Why a worker: the WebAssembly optimizer leaks memory on every call (≈ 7–18 KB for 100–150
 * points, measured) and a crash inside it leaks more and can leave it hanging. Its memory can only
 * be released by dropping the whole instance, which a worker allows: after `RECYCLE_AFTER_CALLS`
 * calls, after a crash or a timeout, the worker is terminated and a fresh one started.
 */
const RECYCLE_AFTER_CALLS = 1000;
const CALL_TIMEOUT_MS = 30_000;
const START_TIMEOUT_MS = 30_000;

export class WasmLbfgs {
  private worker?: Worker;
  private port?: MessagePort;
  private flag?: Int32Array;
  private calls = 0;

  optimize(
    init: ProphetInitialParams,
    data: string,
    opts: ProphetOptimizeOptions,
  ): ProphetOptimizeOutput {
    if (!this.worker || this.calls >= RECYCLE_AFTER_CALLS) this.restart();
    this.calls++;
    const request: LbfgsRequest = { init, data, opts };
    const reply = this.request(request, CALL_TIMEOUT_MS);
    if (reply.output) return reply.output;
    // A crash may have left the instance in a bad state: start afresh next time.
    if (/unreachable|RuntimeError|timed out/i.test(reply.error ?? '')) this.stop();
    throw new Error(reply.error ?? 'L-BFGS failed');
  }

  /** Terminates the worker (a new one starts on the next call). */
  stop(): void {
    void this.worker?.terminate();
    this.port?.close();
    this.worker = undefined;
    this.port = undefined;
  }

  private restart(): void {
    this.stop();
    const signal = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    const wasmstanUrl = pathToFileURL(require.resolve('@bsull/augurs-prophet-wasmstan')).href;
    this.flag = new Int32Array(signal);
    this.port = port1;
    const workerData: LbfgsWorkerData = { port: port2, signal, wasmstanUrl };
    this.worker = startWorker(join(__dirname, 'wasm-lbfgs.worker'), {
      workerData,
      transferList: [port2],
    });
    this.worker.unref();
    this.calls = 0;
    const ready = this.receive(START_TIMEOUT_MS);
    if (!ready.ready) {
      this.stop();
      throw new Error(ready.error ?? 'The L-BFGS worker did not start');
    }
  }

  private request(message: unknown, timeoutMs: number): LbfgsReply {
    Atomics.store(this.flag!, 0, 0);
    this.port!.postMessage(message);
    return this.receive(timeoutMs);
  }

  /** Blocks until the worker answers (or the timeout passes) and reads its reply. */
  private receive(timeoutMs: number): LbfgsReply {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const received = receiveMessageOnPort(this.port!);
      if (received) {
        Atomics.store(this.flag!, 0, 0);
        return received.message as LbfgsReply;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.stop();
        return { error: 'L-BFGS worker timed out' };
      }
      Atomics.wait(this.flag!, 0, 0, left);
      Atomics.store(this.flag!, 0, 0);
    }
  }
}
