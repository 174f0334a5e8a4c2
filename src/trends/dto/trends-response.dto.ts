import { SkippedRowDto } from '../../common/tracks/skipped-row.dto';
import { ApiProperty } from '@nestjs/swagger';

/** One value per forecast audio feature. */
export class TrendMetricsDto {
  /** @example 0 */
  danceability!: number;
  /** @example 0 */
  energy!: number;
  /** dB, clamped to −60…0. @example -40.5036 */
  loudness!: number;
  /** 0 (minor) … 1 (major), unrounded. @example 0 */
  mode!: number;
  /** @example 0.0072 */
  speechiness!: number;
  /** @example 1 */
  acousticness!: number;
  /** @example 1 */
  instrumentalness!: number;
  /** @example 0.5682 */
  liveness!: number;
  /** @example 0 */
  valence!: number;
  /** BPM, clamped to 0…200. @example 132.4781 */
  tempo!: number;
  /** Milliseconds, clamped to 0…3 h. @example 686046.53 */
  duration_ms!: number;
}

export class TrendHorizonDto {
  /** @example 10 */
  periods!: number;
  /** @example "1min" */
  freq!: string;
  /** Length of one step in seconds. @example 60 */
  step_seconds!: number;
  /** Play time of the most recent track. @example "2023-08-10T15:51:50.611Z" */
  last_played_at!: string;
  /** The time the targets are forecast for: last play + periods × freq. @example "2023-08-10T16:01:50.611Z" */
  target_time!: string;
}

export class TrendIntervalsDto {
  /** @example 0.8 */
  width!: number;
  lower!: TrendMetricsDto;
  upper!: TrendMetricsDto;
}

export class TrendsResponseDto {
  /** Target value of each audio feature for the next songs: Prophet's forecast, clamped to its range. */
  metrics!: TrendMetricsDto;
  horizon!: TrendHorizonDto;
  /** Number of tracks the forecasts were fitted on. @example 5 */
  history!: number;
  /** Query parameters for Spotify's GET /recommendations: `seed_tracks` and a `target_*` per metric. */
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    example: {
      seed_tracks: '3nq3R9BGdRpPHRkvfLy3qs,6Gf3p5CAIyT3ymQt6a5gzT',
      target_danceability: 0,
      target_mode: 0,
      target_tempo: 132.4781,
    },
  })
  spotify_query!: Record<string, string | number>;
  /** Present when `interval` was asked for: bounds of the forecast, clamped like the metrics. */
  intervals?: TrendIntervalsDto;
  /** Rows that were not used, and why. */
  skipped!: SkippedRowDto[];
}
