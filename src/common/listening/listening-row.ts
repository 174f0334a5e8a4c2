import type { AudioFeature, AudioFeatures, SkippedRow } from '../tracks/audio-features';

/**
 * What a request row is, as far as the service can tell: a music track, a podcast episode, an
 * audiobook chapter, or a local file (a song the listener added from their disk, not on Spotify).
 */
export type RowKind = 'track' | 'episode' | 'audiobook' | 'local';

/** Where a row came from: which of the recognised shapes it was read as. */
export type RowSource =
  /** A Spotify audio-features object (today's rows) or a pandas row: carries its own features. */
  | 'audio_features'
  /** A bare id, a `spotify:track:` URI or an open.spotify.com link, as a string or `{id}`/`{uri}`. */
  | 'track_ref'
  /** A Spotify track object (alone, in `{tracks}`, or top tracks' `items[]`). */
  | 'track_object'
  /** `GET /me/player/recently-played`: `items[].track` with `items[].played_at`. */
  | 'recently_played'
  /** `GET /me/tracks` or playlist items: `items[].track` / `items[].item` with `added_at`. */
  | 'library_item'
  /** Spotify's Extended streaming history (`Streaming_History_Audio_*.json`, `endsong_*.json`). */
  | 'extended_history'
  /** Spotify's Account data history (`StreamingHistory_music_*.json`): names, no ids. */
  | 'account_history'
  /** A ListenBrainz listen (export JSON/JSONL lines, or an API answer's `payload.listens`). */
  | 'listenbrainz';

export interface RowArtist {
  /** Spotify artist id where the source carries one. */
  id: string | null;
  name: string;
}

/**
 * One row of a request as read, before the catalog is asked: what the row carries and nothing more.
 * Fields a source does not have are absent.
 */
export interface ListeningRow {
  /** Position of the row in the request (0-based, in body order). */
  row: number;
  /** Where the row sits in the body, for messages: `tracks[3]`, `items[3].track`, `payload.listens[2]`. */
  path: string;
  source: RowSource;
  kind: RowKind;
  /**
   * The track's id: a Spotify id (22 characters of base62) read from an id, a URI or a link. Rows
   * that carry their own features keep their `id` as sent (today's rule: any text up to 128
   * characters), so ids a client made up before still reach the same catalog entry.
   */
  id?: string;
  /** The row's own audio features, each valid by its rule; absent where the row has none. */
  features?: Partial<AudioFeatures>;
  /**
   * When the play ended, as Spotify means `played_at` (recently-played, Extended `ts`, Account
   * `endTime`); for ListenBrainz (whose `listened_at` is when the play started) the start plus the
   * track's length where known. Library rows (saved tracks, playlist items) use `added_at`.
   */
  playedAt?: Date;
  /** When the play started, where the source says or it follows (Extended: `ts` − `ms_played`). */
  startedAt?: Date;
  /** Credited artists, first the main one; empty where the source names none. */
  artists: RowArtist[];
  title?: string;
  album?: string;
  /** The track's length in ms where the source says it (track objects, ListenBrainz). */
  durationMs?: number;
  /** How long this play lasted (exports only). */
  msPlayed?: number;
  /** Spotify's own skip flag (Extended history). */
  skippedFlag?: boolean;
  /** Why the play ended (Extended history: `trackdone`, `fwdbtn`, `endplay`, …). */
  reasonEnd?: string;
  /** Mood label and playlist (training data). */
  tag?: string;
  playlist?: string;
  /** Why the row can be of no use whatever the catalog holds (a podcast, a local file, …). */
  unusable?: string;
}

/**
 * A row with every field in place, absent ones undefined: all rows share one object shape, which
 * keeps reading and resolving 50,000 of them fast (rows of many shapes, or copied with a spread
 * plus fields, cost some 100 times more a row in V8).
 */
export function newRow(
  row: number,
  path: string,
  source: RowSource,
  kind: RowKind,
  artists: RowArtist[] = [],
): ListeningRow {
  return {
    row,
    path,
    source,
    kind,
    id: undefined,
    features: undefined,
    playedAt: undefined,
    startedAt: undefined,
    artists,
    title: undefined,
    album: undefined,
    durationMs: undefined,
    msPlayed: undefined,
    skippedFlag: undefined,
    reasonEnd: undefined,
    tag: undefined,
    playlist: undefined,
    unusable: undefined,
  } satisfies Record<keyof ListeningRow, unknown>;
}

/** Where a resolved row's features came from. */
export type ResolvedBy = 'features' | 'id' | 'name';

/**
 * What a play counts as: a listen (trends, mood, seeds, favourite artists), a skip (a negative seed,
 * never recommended back; not a listen), or nothing (`unused` says why).
 */
export type PlaySignal = 'listen' | 'skip' | 'none';

/** A row after resolution against the catalog. */
export interface ResolvedRow extends ListeningRow {
  signal: PlaySignal;
  /** How the row got its features; absent when it has none (unresolved or unusable). */
  resolvedBy?: ResolvedBy;
  /** The catalog track the row resolved to (by id or by name, or its own id where the catalog holds it). */
  catalogId?: string;
  /**
   * The features the calls use: the row's own, completed from the catalog track it resolved to.
   * Rows of one catalog track share one object: read-only.
   */
  features?: Readonly<Partial<AudioFeatures>>;
  /** Features the row lacked and took from the catalog (rows that carry some of their own). */
  filledFromCatalog?: AudioFeature[];
  /**
   * The catalog knows the row's main artist (by id, or by name where it has no ids): a track the
   * catalog lacks still counts for favourite artists and seeds by that artist.
   */
  artistKnown: boolean;
  /** Why the row is of no use for features (unresolved, a podcast, a short play, …). */
  unused?: string;
}

/** A read row as a resolved one, before resolution: every field in place (see newRow). */
export function unresolvedRow(row: ListeningRow): ResolvedRow {
  return {
    row: row.row,
    path: row.path,
    source: row.source,
    kind: row.kind,
    id: row.id,
    features: row.features,
    playedAt: row.playedAt,
    startedAt: row.startedAt,
    artists: row.artists,
    title: row.title,
    album: row.album,
    durationMs: row.durationMs,
    msPlayed: row.msPlayed,
    skippedFlag: row.skippedFlag,
    reasonEnd: row.reasonEnd,
    tag: row.tag,
    playlist: row.playlist,
    unusable: row.unusable,
    signal: 'none' as PlaySignal,
    resolvedBy: undefined,
    catalogId: undefined,
    filledFromCatalog: undefined,
    artistKnown: false,
    unused: row.unusable,
  } satisfies Record<keyof ResolvedRow, unknown>;
}

/** Row counts by how each track row got its features: what every answer reports as `resolved`. */
export interface ResolvedCounts {
  given: number;
  by_id: number;
  by_name: number;
  unresolved: number;
}

/** An unused row as answers list it in `skipped`: the row, its path, its id if any, and why. */
export interface ListeningSkip extends SkippedRow {
  path: string;
}

/** The plays of at least this length are listens: Spotify's own threshold for counting a stream. */
export const MIN_LISTEN_MS = 30_000;

/**
 * Most rows a listening body may hold: one whole export file (Spotify splits the Extended history
 * into files of about 12 MB, some 15,000–50,000 plays) with room to spare, and few enough that a
 * body over it is refused before any row is read.
 */
export const DEFAULT_MAX_LISTENING_ROWS = 100_000;
