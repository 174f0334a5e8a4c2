import type {
  ListeningSkip,
  ResolvedBy,
  ResolvedCounts,
  ResolvedRow,
} from '../listening/listening-row';

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
 * features must be whole numbers; `exclusiveMin` means the minimum itself is not allowed; `values`,
 * where present, lists the only values allowed. `typical` is where real tracks lie when that is
 * narrower than what is accepted (forecasts are clamped to it). `description` and `example` document
 * the feature in the API.
 */
export interface AudioFeatureRule {
  min: number;
  max: number;
  integer?: boolean;
  exclusiveMin?: boolean;
  values?: readonly number[];
  typical?: readonly [number, number];
  description?: string;
  example?: number;
}

const THREE_HOURS_MS = 3 * 60 * 60 * 1000;

/** The one definition of every feature's rule: request validation, documentation and ranges derive from it. */
export const AUDIO_FEATURE_RULES: Readonly<Record<AudioFeature, AudioFeatureRule>> = {
  danceability: { min: 0, max: 1, example: 0.565 },
  energy: { min: 0, max: 1, example: 0.636 },
  key: {
    min: -1,
    max: 11,
    integer: true,
    description: 'Pitch class, -1 when no key was detected.',
    example: 0,
  },
  loudness: {
    min: -100,
    max: 20,
    typical: [-60, 0],
    description: 'Decibels, typically -60…0 (accepted: -100…20).',
    example: -8.198,
  },
  mode: {
    min: 0,
    max: 1,
    integer: true,
    values: [0, 1],
    description: '1 major, 0 minor.',
    example: 1,
  },
  speechiness: { min: 0, max: 1, example: 0.0638 },
  acousticness: { min: 0, max: 1, example: 0.107 },
  instrumentalness: { min: 0, max: 1, example: 0.0000099 },
  liveness: { min: 0, max: 1, example: 0.447 },
  valence: { min: 0, max: 1, example: 0.525 },
  tempo: {
    min: 0,
    max: 1000,
    typical: [0, 200],
    description: 'Beats per minute.',
    example: 170.01,
  },
  duration_ms: {
    min: 0,
    max: 86_400_000,
    exclusiveMin: true,
    typical: [0, THREE_HOURS_MS],
    description: 'Milliseconds.',
    example: 179551,
  },
  time_signature: {
    min: 0,
    max: 12,
    integer: true,
    description: "Estimated beats per bar, 0–7 in Spotify's data.",
    example: 4,
  },
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

/** What a track carries besides its audio features. */
export interface TrackFields {
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
  /** Where the row sits in the body (`tracks[3]`, `items[3].track`), for listening bodies. */
  path?: string;
  /** How the row got its features: its own, the catalog's by id, or by artist + title. */
  resolvedBy?: ResolvedBy;
}

/**
 * One track after normalisation and validation: the features in `Needed` are present (the call that
 * parsed it requires them); any other may be missing, since several sources lack some (`key`,
 * `time_signature`). By default every feature is needed.
 */
export type Track<Needed extends AudioFeature = AudioFeature> = TrackFields &
  Partial<AudioFeatures> &
  Pick<AudioFeatures, Needed>;

/** A row the service did not use, and why (e.g. Spotify's "analysis not found" rows). */
export interface SkippedRow {
  row: number;
  id?: string;
  reason: string;
}

export interface ParsedTracks<Needed extends AudioFeature = AudioFeature> {
  tracks: Track<Needed>[];
  skipped: SkippedRow[];
  /** How the rows got their features (every answer that takes tracks reports it). */
  resolved?: ResolvedCounts;
}

/** How a body's rows got their features; rows read without the catalog all carried their own. */
export function resolvedOf(parsed: ParsedTracks<never>): ResolvedCounts {
  return parsed.resolved ?? { given: parsed.tracks.length, by_id: 0, by_name: 0, unresolved: 0 };
}

/** A listening body read and resolved against the catalog (see ListeningReader). */
export interface ListeningTracks<
  Needed extends AudioFeature = AudioFeature,
> extends ParsedTracks<Needed> {
  skipped: ListeningSkip[];
  resolved: ResolvedCounts;
  /** Every row as resolved, in body order (favourite artists count their artists). */
  rows: ResolvedRow[];
  /** The tracks the listener skipped (catalog ids, first skip first): never recommended back. */
  skippedTrackIds: string[];
}
