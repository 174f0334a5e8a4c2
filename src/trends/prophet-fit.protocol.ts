import type { SeriesForecast, TimeSeries } from './prophet-engine';

/** One request's fits: every series shares the future times and the interval width. */
export interface FitJob {
  id: number;
  series: TimeSeries[];
  future: number[];
  intervalWidth?: number;
}

export type FitWorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; id: number; forecasts: SeriesForecast[] }
  | { type: 'failed'; id?: number; message: string };
