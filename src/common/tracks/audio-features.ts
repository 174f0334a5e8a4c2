/** The 13 numeric Spotify audio features the service reads, in a fixed order. */
export const AUDIO_FEATURES = [
  'danceability',
  'energy',
  'key',
  'loudness',
  'mode',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
  'tempo',
  'duration_ms',
  'time_signature',
] as const;

export type AudioFeature = (typeof AUDIO_FEATURES)[number];

export type AudioFeatures = Record<AudioFeature, number>;

/**
 * The value rules of each feature (what a client may send and a catalog row may hold). `integer`
 * features must be whole numbers; `exclusiveMin` means the minimum itself is not allowed.
 */
export interface AudioFeatureRule {
  min: number;
  max: number;
  integer?: boolean;
  exclusiveMin?: boolean;
}

export const AUDIO_FEATURE_RULES: Readonly<Record<AudioFeature, AudioFeatureRule>> = {
  danceability: { min: 0, max: 1 },
  energy: { min: 0, max: 1 },
  key: { min: -1, max: 11, integer: true },
  loudness: { min: -100, max: 20 },
  mode: { min: 0, max: 1, integer: true },
  speechiness: { min: 0, max: 1 },
  acousticness: { min: 0, max: 1 },
  instrumentalness: { min: 0, max: 1 },
  liveness: { min: 0, max: 1 },
  valence: { min: 0, max: 1 },
  tempo: { min: 0, max: 1000 },
  duration_ms: { min: 0, max: 86_400_000, exclusiveMin: true },
  time_signature: { min: 0, max: 12, integer: true },
};

/** The seven features that Spotify reports on a 0–1 scale. */
export const UNIT_FEATURES = [
  'danceability',
  'energy',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
] as const satisfies readonly AudioFeature[];

/** One track after normalisation and validation. */
export interface Track extends AudioFeatures {
  /** Position of the row in the request (array index, or the pandas row label's order). */
  row: number;
  /** The row's own label: the array index, or the pandas row label ("17"). Used in error paths. */
  label: string;
  id?: string;
  /** From `played_at` (ISO-8601 or epoch ms) or `ts` (`2023-08-12 19:28:48.750385`, read as UTC). */
  playedAt?: Date;
  /** Mood label, present in training data. */
  tag?: string;
  /** Playlist id, present in the default mood dataset. */
  playlist?: string;
}

/** A row the service did not use, and why (e.g. Spotify's "analysis not found" rows). */
export interface SkippedRow {
  row: number;
  id?: string;
  reason: string;
}

export interface ParsedTracks {
  tracks: Track[];
  skipped: SkippedRow[];
}
