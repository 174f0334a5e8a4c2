import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { ServiceUnavailableError } from '../common/errors';
import { startWorker } from '../common/workers/start-worker';
import type { SeriesForecast, TimeSeries } from './prophet-engine';
import type { FitJob, FitWorkerMessage } from './prophet-fit.protocol';

export interface ProphetPoolOptions {
  /** Worker threads fitting at once (TRENDS_WORKERS). */
  workers: number;
  /** Series a worker fits before it is replaced (Prophet's WebAssembly memory only shrinks so). */
  recycleAfterFits?: number;
  /** A job not answered within this time counts as a crash (its worker is terminated). */
  jobTimeoutMs?: number;
}

export const PROPHET_POOL_OPTIONS = Symbol('PROPHET_POOL_OPTIONS');
const RECYCLE_AFTER_FITS = 11_000;
const JOB_TIMEOUT_MS = 120_000;

interface Pending {
  job: FitJob;
  resolve: (forecasts: SeriesForecast[]) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  fits: number;
  current?: Pending;
  timer?: NodeJS.Timeout;
}

/**
 * Runs whole Prophet fits (ProphetEngine: augurs fit + predict with its optimizer) in a small pool of
 * worker threads, so a /metrics call never blocks the event loop. Each worker takes one request's
 * series at a time; jobs wait in a queue for a free worker.
 *
 * A worker is replaced after `recycleAfterFits` series, and after it crashes, exits or times out;
 * the job it was running then fails with a 503 (the caller gets an answer, never a hang) and the
 * queue goes on with a fresh worker (prophet-fit.worker.ts).
 */
@Injectable()
export class ProphetPool implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ProphetPool.name);
  private readonly size: number;
  private readonly recycleAfterFits: number;
  private readonly jobTimeoutMs: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private stopped = false;

  constructor(@Inject(PROPHET_POOL_OPTIONS) options: ProphetPoolOptions) {
    this.size = Math.max(1, options.workers);
    this.recycleAfterFits = options.recycleAfterFits ?? RECYCLE_AFTER_FITS;
    this.jobTimeoutMs = options.jobTimeoutMs ?? JOB_TIMEOUT_MS;
  }

  onModuleInit(): void {
    // Start the workers now so the first calls do not wait for Prophet to load.
    while (this.slots.size < this.size) this.spawn();
    this.logger.log(`${this.size} Prophet fit worker(s)`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /**
   * Fits Prophet to each series (see ProphetEngine.forecast) in a worker and forecasts it at
   * `future`. Rejects with the engine's error for a bad series, and with a 503 when the worker fails.
   */
  forecastAll(
    series: TimeSeries[],
    future: number[],
    intervalWidth?: number,
  ): Promise<SeriesForecast[]> {
    if (this.stopped) return Promise.reject(new Error('ProphetPool is stopped'));
    return new Promise<SeriesForecast[]>((resolvePromise, reject) => {
      this.queue.push({
        job: { id: this.nextId++, series, future, intervalWidth },
        resolve: resolvePromise,
        reject,
      });
      this.dispatch();
    });
  }

  /** Terminates every worker and fails the jobs still waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('ProphetPool stopped'));
    const slots = [...this.slots];
    this.slots.clear();
    await Promise.all(
      slots.map((slot) => {
        clearTimeout(slot.timer);
        slot.current?.reject(new Error('ProphetPool stopped'));
        slot.current = undefined;
        return slot.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    if (this.stopped) return;
    while (this.slots.size < this.size) this.spawn();
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.current) continue;
      const pending = this.queue.shift()!;
      slot.current = pending;
      slot.timer = setTimeout(() => {
        this.fail(slot, `Prophet fit timed out after ${this.jobTimeoutMs} ms`);
      }, this.jobTimeoutMs);
      slot.worker.postMessage(pending.job);
    }
  }

  private spawn(): void {
    const slot: Slot = {
      worker: startWorker(join(__dirname, 'prophet-fit.worker')),
      ready: false,
      fits: 0,
    };
    this.slots.add(slot);
    slot.worker.on('message', (message: FitWorkerMessage) => this.onMessage(slot, message));
    slot.worker.on('error', (error) =>
      this.fail(slot, `Prophet fit worker crashed: ${error.message}`),
    );
    slot.worker.on('exit', (code) =>
      this.fail(slot, `Prophet fit worker stopped (exit code ${code})`),
    );
  }

  private onMessage(slot: Slot, message: FitWorkerMessage): void {
    if (message.type === 'ready') {
      slot.ready = true;
      this.dispatch();
      return;
    }
    if (message.id === undefined) {
      // The worker could not load Prophet.
      this.fail(slot, message.type === 'failed' ? message.message : 'bad worker message');
      return;
    }
    const pending = slot.current;
    if (!pending || pending.job.id !== message.id) return;
    clearTimeout(slot.timer);
    slot.current = undefined;
    slot.fits += pending.job.series.length;
    if (message.type === 'done') pending.resolve(message.forecasts);
    else pending.reject(new Error(message.message));
    if (slot.fits >= this.recycleAfterFits) this.retire(slot);
    this.dispatch();
  }

  /** Worker lost (crash, exit, time-out, failed start): fail its job, replace it. */
  private fail(slot: Slot, reason: string): void {
    if (!this.slots.has(slot)) return;
    this.logger.warn(reason);
    this.retire(slot);
    const pending = slot.current;
    slot.current = undefined;
    if (pending) {
      pending.reject(new ServiceUnavailableError(reason, 'TRENDS_FIT_FAILED'));
    } else if (!slot.ready && this.queue.length > 0) {
      // A worker that cannot start fails one waiting job per attempt instead of looping forever.
      this.queue.shift()!.reject(new ServiceUnavailableError(reason, 'TRENDS_FIT_FAILED'));
    }
    this.dispatch();
  }

  private retire(slot: Slot): void {
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('error');
    slot.worker.on('error', () => undefined);
    void slot.worker.terminate();
  }
}
