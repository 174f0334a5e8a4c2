import { ApiProperty } from '@nestjs/swagger';
import { AUDIO_FEATURES } from '../../common/tracks/audio-features';
import { PartialAudioFeaturesDto } from '../../common/tracks/audio-features.dto';
import type { ResolvedBy } from '../../common/listening';
import { RESOLVED_BY, ResolvedCountsDto, SkippedRowDto } from '../../common/tracks/skipped-row.dto';

/** A recently played track used as a query. */
export class SimilarityQueryTrackDto {
  /** Spotify track id; null when the row had none. @example "3n3Ppam7vgaVa1iaRUc9Lp" */
  id!: string | null;
  /** Most recent play time (ISO-8601), null when the input had no play times. @example "2023-08-12T19:37:14.439Z" */
  played_at!: string | null;
  /** Position of the row in the request. @example 595 */
  row!: number;
  /** How the row got its features: its own, the catalog's by id, or by artist + title. */
  @ApiProperty({ enum: RESOLVED_BY, example: 'id' })
  resolved_by!: ResolvedBy;
}

/** A candidate track, with its raw (unstandardised) audio features. */
export class SimilarTrackDto extends PartialAudioFeaturesDto {
  /** @example "6JxwjzxFlfkOB12ruL3sEI" */
  id!: string | null;
  /** Position of the row in the request. @example 412 */
  row!: number;
  /** How the row got its features: its own, the catalog's by id, or by artist + title. */
  @ApiProperty({ enum: RESOLVED_BY, example: 'id' })
  resolved_by!: ResolvedBy;
  /** Most recent play time of this track, when the input had one. */
  played_at?: string;
}

export class SimilarityNeighbourDto {
  track!: SimilarTrackDto;
  /** Euclidean distance in standardised feature space (0 = same features). @example 1.734 */
  distance!: number;
}

export class SimilarityResultDto {
  query!: SimilarityQueryTrackDto;
  /** The k nearest candidates, nearest first. */
  neighbours!: SimilarityNeighbourDto[];
}

export class SimilarityResponseDto {
  /** One entry per query, most recently played first. */
  results!: SimilarityResultDto[];
  /** Distinct candidate tracks searched (queries and repeats of one track id excluded). @example 417 */
  pool_size!: number;
  /** Audio features the distance uses, in order; a feature constant across the pool is left out. */
  @ApiProperty({ type: [String], example: AUDIO_FEATURES })
  features_used!: string[];
  /** Input rows not used (no audio features). */
  skipped!: SkippedRowDto[];
  /** How the request's rows got their audio features: their own, the catalog's by id or by name. */
  resolved!: ResolvedCountsDto;
}
