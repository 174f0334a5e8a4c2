import { Logger } from '@nestjs/common';
import type {
  Prophet,
  ProphetInitialParams as AugursInitialParams,
  ProphetOptimizeOptions,
  ProphetOptimizeOutput,
} from '@bsull/augurs/prophet';
import { readFileSync } from 'node:fs';
import { importEsm } from './esm-import';
import { newtonOptimize, ProphetStanData } from './stan-newton';
import { WasmLbfgs } from './wasm-lbfgs';

type ProphetModule = typeof import('@bsull/augurs/prophet');

/** Reference Prophet fits with Newton below this many points and with L-BFGS from it on. */
export const NEWTON_BELOW_POINTS = 100;
/** Stan iterations reference Prophet allows its optimizer (`iter = 1e4`). */
const REFERENCE_ITERATIONS = 10_000;

/** One series in time order: play times as integer epoch seconds, and the values. */
export interface TimeSeries {
  ds: number[];
  y: number[];
}

export interface SeriesForecast {
  /** Forecast at each future time (trend plus any seasonality), unclamped. */
  yhat: number[];
  /** Trend component at each future time. */
  trend: number[];
  /** Present when an interval width was asked for. */
  lower?: number[];
  upper?: number[];
}

/**
 * Prophet (`@bsull/augurs` compiled to WebAssembly), configured to land where reference Prophet
 * (R `prophet`, Python `prophet`) lands: its preprocessing, changepoints, seasonalities and
 * prediction, with reference Prophet's choice of optimizer: Stan's Newton (a TypeScript port, as the
 * WebAssembly Newton crashes) below 100 points, Stan's L-BFGS (WebAssembly, in a recycled worker
 * thread: see wasm-lbfgs.ts) from 100 points with
 * Newton as the fallback when L-BFGS fails, both started where reference Prophet starts them.
 *
 * Guards that keep the WebAssembly module healthy (each crash in it leaks memory): a constant series
 * (all-zero included) forecasts itself without a fit, non-finite values are refused, and every
 * model is freed.
 *
 * Synchronous and CPU-bound: it runs only inside ProphetPool's worker threads
 * (prophet-fit.worker.ts), never on the main thread.
 */
export class ProphetEngine {
  private readonly logger = new Logger(ProphetEngine.name);
  private prophet?: ProphetModule;
  private readonly lbfgs = new WasmLbfgs();

  /** Loads and instantiates Prophet's WebAssembly module once; later calls return at once. */
  async load(): Promise<void> {
    if (this.prophet) return;
    const started = Date.now();
    const prophet = await importEsm<ProphetModule>('@bsull/augurs/prophet');
    // Node cannot fetch() a file URL, so hand the module its bytes.
    const wasmPath = require
      .resolve('@bsull/augurs/prophet')
      .replace(/prophet\.js$/, 'prophet_bg.wasm');
    prophet.initSync({ module: readFileSync(wasmPath) });
    this.prophet = prophet;
    this.logger.log(`Prophet (WebAssembly) loaded in ${Date.now() - started} ms`);
  }

  /**
   * Fits Prophet with default settings to `history` (ascending `ds`, at least two distinct times)
   * and forecasts it at `future`. `intervalWidth` (0–1) adds uncertainty bounds.
   */
  forecast(history: TimeSeries, future: number[], intervalWidth?: number): SeriesForecast {
    const { ds, y } = history;
    if (ds.length !== y.length) throw new Error('ds and y differ in length');
    if (!y.every(Number.isFinite)) throw new Error('The series holds a non-finite value');
    if (!ds.every(Number.isInteger) || !future.every(Number.isInteger)) {
      throw new Error('Times must be integer epoch seconds');
    }
    if (ds.length < 2 || ds[0] === ds[ds.length - 1]) {
      throw new Error('The series needs at least two distinct times');
    }
    if (y.every((value) => value === y[0])) {
      // A constant series forecasts itself, exactly as Prophet's fit would (and the WASM optimizer
      // crashes on it: its noise scale goes to zero).
      const flat = future.map(() => y[0]);
      return intervalWidth === undefined
        ? { yhat: flat, trend: flat }
        : { yhat: flat, trend: flat, lower: flat, upper: flat };
    }
    const { Prophet: ProphetModel } = this.modules();
    const start = referenceStart(ds, y);
    const model: Prophet = new ProphetModel({
      optimizer: {
        optimize: (init: AugursInitialParams, data: string, opts: ProphetOptimizeOptions) =>
          this.optimize(init, data, opts, start),
      },
      uncertaintySamples: intervalWidth === undefined ? 0 : 1000,
      intervalWidth: intervalWidth ?? 0.8,
    });
    try {
      model.fit({ ds, y });
      const predictions = model.predict({ ds: future });
      const result: SeriesForecast = {
        yhat: Array.from(predictions.yhat.point),
        trend: Array.from(predictions.trend.point),
      };
      const intervals = predictions.yhat.intervals;
      if (intervalWidth !== undefined && intervals) {
        result.lower = Array.from(intervals.lower);
        result.upper = Array.from(intervals.upper);
      }
      return result;
    } finally {
      model.free();
    }
  }

  private optimize(
    init: AugursInitialParams,
    dataJson: string,
    opts: ProphetOptimizeOptions,
    start: { k: number; m: number },
  ): ProphetOptimizeOutput {
    const data = JSON.parse(dataJson) as ProphetStanData;
    const startAt = { ...init, k: start.k, m: start.m };
    if (data.T >= NEWTON_BELOW_POINTS) {
      try {
        return this.lbfgs.optimize(startAt, dataJson, {
          ...opts,
          algorithm: 'lbfgs',
          iter: REFERENCE_ITERATIONS,
        });
      } catch (error) {
        // Reference Prophet: "Optimization terminated abnormally. Falling back to Newton optimizer."
        this.logger.debug(`L-BFGS failed, falling back to Newton: ${String(error)}`);
      }
    }
    const fit = newtonOptimize(data, startAt);
    return {
      logs: {
        debug: '',
        info: `Newton: ${fit.iterations} iterations`,
        warn: '',
        error: '',
        fatal: '',
      },
      params: {
        k: fit.k,
        m: fit.m,
        sigmaObs: fit.sigmaObs,
        delta: fit.delta,
        beta: fit.beta,
        trend: fit.trend,
      },
    };
  }

  private modules(): { Prophet: ProphetModule['Prophet'] } {
    if (!this.prophet) throw new Error('ProphetEngine used before load()');
    return { Prophet: this.prophet.Prophet };
  }
}

/**
 * Reference Prophet's starting point (linear_growth_init on the stably sorted history): the line
 * through the first point and the first point at the last time, on Prophet's scales (y divided by
 * max |y|, t from 0 to 1). augurs picks the last point at the last time, which differs on ties.
 */
function referenceStart(ds: number[], y: number[]): { k: number; m: number } {
  const last = ds[ds.length - 1];
  const i1 = ds.indexOf(last);
  const yScale = Math.max(...y.map(Math.abs)) || 1;
  const k = (y[i1] - y[0]) / yScale;
  return { k, m: y[0] / yScale };
}
