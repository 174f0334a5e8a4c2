import { ApiProperty, PickType } from '@nestjs/swagger';
import { AudioFeaturesDto } from '../../common/tracks/audio-features.dto';
import { ResolvedCountsDto, SkippedRowDto } from '../../common/tracks/skipped-row.dto';
import { TREND_METRICS } from '../trend-metrics';

/**
 * One value per forecast audio feature (every feature but `key` and `time_signature`), each clamped to
 * where real tracks lie: 0–1 features and `mode` to 0…1 (`mode` unrounded), loudness to −60…0 dB,
 * tempo to 0…200 BPM, duration to 0…3 h.
 */
export class TrendMetricsDto extends PickType(
  AudioFeaturesDto,
  TREND_METRICS.filter((metric) => metric !== 'mode'),
) {
  /** Between minor (0) and major (1), unrounded. @example 0.2111 */
  @ApiProperty({ minimum: 0, maximum: 1 })
  mode!: number;
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
  /** Number of plays the forecasts were fitted on (the latest 500 at most). @example 5 */
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
  /** How the request's rows got their audio features: their own, the catalog's by id or by name. */
  resolved!: ResolvedCountsDto;
}
