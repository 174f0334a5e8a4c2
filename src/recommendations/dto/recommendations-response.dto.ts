import { TrackViewResponseDto } from '../../catalog/dto/track-view-response.dto';
import { ResolvedCountsDto, SkippedRowDto } from '../../common/tracks/skipped-row.dto';
import { TrendMetricsDto } from '../../trends/dto/trends-response.dto';

export class ScoreContributionDto {
  /** With seed tracks (or artists), a feature of the learnt ranking (style_fit, same_artist, artist_seeds, artist_closeness, artist_popularity_gap, same_album, year_closeness, year_typical, popularity_gap, popularity, same_name), mood, targets or negative_seed (the penalty for nearness to a negative seed); with genre seeds only, an audio feature or popularity (target terms) or a bonus (genre, mood, popularity). `other` sums the rest. @example "artist_seeds" */
  factor!: string;
  /** Signed part of the score. @example 1.75 */
  value!: number;
}

export class ClosestSeedDto {
  /** @example "6f807x0ima9a1j3VPbc7VN" */
  id!: string;
  type!: 'track' | 'artist' | 'genre';
  /** Root mean weighted squared difference in catalog standard deviations. @example 0.21 */
  distance!: number;
  /** exp(−distance²), 1 for the same sound. @example 0.957 */
  similarity!: number;
}

export class NegativeSeedPenaltyDto {
  /** The negative seed the track is nearest to. @example "0r7CVbZTWZgbTCYdfa2P31" */
  id!: string;
  /** As closest_seed's distance; the penalty fades to 0 at the radius (1). @example 0.62 */
  distance!: number;
  /** What nearness to it took off the score (its negative_seed contribution). @example 0.38 */
  penalty!: number;
}

export class TargetMetDto {
  /** @example "energy" */
  feature!: string;
  /** @example 0.8 */
  target!: number;
  /** @example 0.83 */
  value!: number;
}

export class RecommendationReasonDto {
  /** The track's score; its contributions add up to it. @example 2.31 */
  score!: number;
  closest_seed!: ClosestSeedDto | null;
  /** The largest parts of the score, signed, then `other`. */
  contributions!: ScoreContributionDto[];
  /** Targets the track meets (within half a catalog standard deviation). */
  targets_met!: TargetMetDto[];
  /** The negative seed (negative_seed_tracks) the track lost score for being near; null where it lost none. */
  negative_seed!: NegativeSeedPenaltyDto | null;
  /** What the variety rerank deducted for resembling a track already picked. @example 0.17 */
  diversity_penalty!: number;
  /** That track. */
  similar_to!: string | null;
}

/** The one track view of every answer (as GET /catalog/tracks/{id}), with why it was picked. */
export class RecommendedTrackDto extends TrackViewResponseDto {
  /** With explain=true. */
  reason?: RecommendationReasonDto;
}

export class RecommendationSeedDto {
  /** The seed as given (a track id, an artist id or name, a genre). @example "6f807x0ima9a1j3VPbc7VN" */
  id!: string;
  type!: 'track' | 'artist' | 'genre';
  /** Spotify link of a track or artist with an id; null for genres and unknown seeds. */
  href!: string | null;
  /** Candidates (the best-scoring tracks that pass the filters) this seed brought; 0 for an unknown seed. @example 24 */
  initialPoolSize!: number;
  /** Of those, the ones the artist cap left eligible. @example 20 */
  afterFilteringSize!: number;
  /** Of those, the ones in the answer (there is no regional relinking). @example 5 */
  afterRelinkingSize!: number;
}

export class RecommendationsResponseDto {
  tracks!: RecommendedTrackDto[];
  seeds!: RecommendationSeedDto[];
}

export class ListenerMoodDto {
  /** @example "Energetic" */
  name!: string;
  /** `model`: the active mood model's prediction for the history; `query`: the mood parameter. */
  source!: 'model' | 'query';
  /** The model's probability of that mood; null when given in the query. @example 0.82 */
  confidence!: number | null;
}

export class HistoryRecommendationsResponseDto extends RecommendationsResponseDto {
  /** The targets used: the `metrics` POST /metrics answers for the same body (any target_* of the query replaces its own). */
  targets!: TrendMetricsDto;
  /** The mood preferred, or null (no mood model active and none given). */
  mood!: ListenerMoodDto | null;
  /** Rows of the body not used by the trend (no play time, no features). */
  skipped!: SkippedRowDto[];
  /** How the request's rows got their audio features: their own, the catalog's by id or by name. */
  resolved!: ResolvedCountsDto;
}
