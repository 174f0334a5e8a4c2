import { AUDIO_FEATURES, type AudioFeatures } from '../tracks/audio-features';
import {
  isBlank,
  isValidTrack,
  pickKnownFields,
  trackFieldProblems,
} from '../tracks/feature-fields';
import { parsePlayTime } from '../tracks/play-time';
import {
  fieldPath,
  isObject,
  type JsonObject,
  MAX_CODE_LENGTH,
  own,
  type Problems,
  readBoolean,
  readInteger,
  readPlayTime,
  readText,
} from './field-readers';
import {
  type ListeningRow,
  newRow,
  type RowArtist,
  type RowKind,
  type RowSource,
} from './listening-row';
import { parseSpotifyRef, SPOTIFY_REF_FORMS } from './spotify-refs';

/** What every row reader is given besides the row itself. */
export interface ReadContext {
  problems: Problems;
  /** Training data: `tag` and `playlist` are kept, and a row without a tag is unusable. */
  labelled: boolean;
}

/** What a paging item (`items[i]`) says about the track it wraps. */
interface Wrapper {
  source: RowSource;
  playedAt?: Date;
  isLocal?: boolean;
}

/** Every audio feature but `duration_ms`, which track objects carry too: what marks a features row. */
const SOUND_FEATURES = AUDIO_FEATURES.filter((feature) => feature !== 'duration_ms');
const TRACK_TYPES: Record<string, RowKind> = {
  track: 'track',
  audio_features: 'track',
  episode: 'episode',
  audiobook: 'audiobook',
  chapter: 'audiobook',
};
const MAX_ARTISTS = 100;
const MAX_DURATION_MS = 86_400_000;

/** A row that is an id, a URI or a link. */
export function readRefRow(
  text: string,
  row: number,
  path: string,
  context: ReadContext,
): ListeningRow | undefined {
  const ref = parseSpotifyRef(text);
  if (!ref) return context.problems.add(path, SPOTIFY_REF_FORMS);
  const kind = ref.kind === 'chapter' ? 'audiobook' : ref.kind;
  const result = newRow(row, path, 'track_ref', kind);
  if (ref.kind === 'track') result.id = ref.id;
  else result.unusable = unusableKind(kind);
  return result;
}

export const LOCAL_FILE = 'a local file, not on Spotify';
export const EPISODE = 'a podcast episode, not music';
export const AUDIOBOOK = 'an audiobook, not music';
export const NO_ITEM =
  'no track in this item (Spotify writes null for a removed or unavailable one)';
export const NO_TAG = 'no mood tag';
export const NO_FEATURES = 'no audio features (Spotify: analysis not found) and no id';

/** The row shapes accepted, for the message of a row that is none of them. */
export const EXPECTED_ROW_SHAPES =
  'expected an audio-features object, a Spotify track object, a track id, spotify:track: URI or open.spotify.com link, a paging item ({track} or {item} with played_at or added_at), an Extended streaming history play ({ts, ms_played, spotify_track_uri, …}), an Account data play ({endTime, artistName, trackName, msPlayed}) or a ListenBrainz listen ({listened_at, track_metadata})';

/**
 * A paging item wraps its track in `track` (or, in playlist items since February 2026, `item`): an
 * object, or null for a removed one. Playlist tracks themselves carry `track: true`, a flag.
 */
export function isPagingItem(object: JsonObject): boolean {
  return wrappedKey(object) !== undefined && !hasSoundFeatures(object);
}

function wrappedKey(object: JsonObject): 'item' | 'track' | undefined {
  for (const key of ['item', 'track'] as const) {
    const inner = own(object, key);
    if (inner === null || isObject(inner)) return key;
  }
  return undefined;
}

/** True when an object carries audio features of its own (a Spotify audio-features object). */
export function hasSoundFeatures(object: JsonObject): boolean {
  for (const feature of SOUND_FEATURES) if (Object.hasOwn(object, feature)) return true;
  return own(object, 'type') === 'audio_features';
}

/**
 * A paging item of recently-played (`{track, played_at, context}`), saved tracks
 * (`{added_at, track}`) or playlist items (`{added_at, is_local, track}` or, since February 2026,
 * `{added_at, is_local, item}`). `played_at` is the play time; `added_at` stands in for one where
 * nothing better exists.
 */
export function readPagingItem(
  object: JsonObject,
  row: number,
  path: string,
  context: ReadContext,
): ListeningRow | undefined {
  const key = wrappedKey(object) ?? 'track';
  const inner = own(object, key);
  const { problems } = context;
  const playedAt = readPlayTime(object, 'played_at', path, problems);
  const addedAt = readPlayTime(object, 'added_at', path, problems);
  const isLocal = readBoolean(object, 'is_local', path, problems);
  const wrapper: Wrapper = {
    source: playedAt ? 'recently_played' : 'library_item',
    playedAt: playedAt ?? addedAt,
    isLocal,
  };
  const innerPath = fieldPath(path, key);
  if (inner === null || inner === undefined) {
    const removed = newRow(row, innerPath, wrapper.source, 'track');
    removed.unusable = NO_ITEM;
    return removed;
  }
  if (!isObject(inner)) return problems.add(innerPath, 'must be a Spotify track object');
  return readTrackObject(inner, row, innerPath, context, wrapper);
}

/**
 * A track-like object: a Spotify audio-features object (today's rows: features, `id`, a play time,
 * a mood tag), a Spotify track object (`id`, `uri`, `name`, `artists`, `album`, `duration_ms`,
 * `is_local`, `type`), an `{id}`/`{uri}` object, or a mix of these. Features nested under
 * `audio_features` or `features` (the service's own track view) count as the row's own.
 */
export function readTrackObject(
  object: JsonObject,
  row: number,
  path: string,
  context: ReadContext,
  wrapper?: Wrapper,
): ListeningRow | undefined {
  const { problems } = context;
  const before = problems.count;
  const featuresRow = hasSoundFeatures(object);
  const result = newRow(
    row,
    path,
    wrapper?.source ?? (featuresRow ? 'audio_features' : 'track_object'),
    kindOf(object, path, problems),
    readArtists(object, path, problems),
  );
  result.title = readText(object, 'name', path, problems);
  result.album = readAlbumName(object, path, problems);

  if (featuresRow) {
    readFeatureFields(object, result, path, context);
  } else {
    readRefFields(object, result, path, problems);
    const nested = own(object, 'audio_features') ?? own(object, 'features');
    if (isObject(nested)) {
      const key = Object.hasOwn(object, 'audio_features') ? 'audio_features' : 'features';
      result.features = readNestedFeatures(nested, fieldPath(path, key), problems);
    }
    const duration = readInteger(object, 'duration_ms', path, problems, 1, MAX_DURATION_MS);
    if (duration !== undefined) result.durationMs = duration;
    readLabels(object, result, path, context);
  }
  if (wrapper?.playedAt) result.playedAt = wrapper.playedAt;
  else if (!featuresRow) {
    const playedAt = readPlayTime(object, 'played_at', path, problems);
    if (playedAt) result.playedAt = playedAt;
  }
  const isLocal = readBoolean(object, 'is_local', path, problems);
  if (wrapper?.isLocal || isLocal) result.kind = 'local';
  if (problems.count > before) return undefined;

  if (result.kind !== 'track') {
    result.unusable = unusableKind(result.kind);
  } else if (
    result.id === undefined &&
    result.features === undefined &&
    (result.title === undefined || result.artists.length === 0)
  ) {
    if (!featuresRow) return problems.add(path || 'body', `is not a track: ${EXPECTED_ROW_SHAPES}`);
    result.unusable = NO_FEATURES;
  } else if (context.labelled && result.tag === undefined) {
    result.unusable = NO_TAG;
  }
  return result;
}

export function unusableKind(kind: RowKind): string | undefined {
  if (kind === 'local') return LOCAL_FILE;
  if (kind === 'episode') return EPISODE;
  if (kind === 'audiobook') return AUDIOBOOK;
  return undefined;
}

function kindOf(object: JsonObject, path: string, problems: Problems): RowKind {
  const type = own(object, 'type');
  if (type === undefined || type === null || type === '') return 'track';
  // An own key only: a type such as "constructor" must not read what Object.prototype holds.
  const kind =
    typeof type === 'string' && Object.hasOwn(TRACK_TYPES, type) ? TRACK_TYPES[type] : undefined;
  if (kind === undefined) {
    problems.add(fieldPath(path, 'type'), 'must be "track", "episode" or "audio_features"');
    return 'track';
  }
  return kind;
}

/** Today's audio-features row, checked by today's rules (TrackFeaturesDto). */
function readFeatureFields(
  object: JsonObject,
  result: ListeningRow,
  path: string,
  context: ReadContext,
): void {
  const fields = pickKnownFields(object);
  // A row whose features are all empty (Spotify's "analysis not found") has none of its own: the
  // catalog may still know the track by its id.
  const noFeatures = AUDIO_FEATURES.every((feature) => isBlank(fields[feature]));
  if (noFeatures) for (const feature of AUDIO_FEATURES) delete fields[feature];
  if (!isValidTrack(fields)) {
    for (const detail of trackFieldProblems(fields, path)) {
      context.problems.add(detail.path, detail.message);
    }
    return;
  }
  if (!noFeatures) {
    const features: Partial<AudioFeatures> = {};
    for (const feature of AUDIO_FEATURES) {
      if (fields[feature] !== undefined) features[feature] = fields[feature] as number;
    }
    result.features = features;
  }
  if (typeof fields.id === 'string') {
    const ref = parseSpotifyRef(fields.id);
    result.id = ref?.kind === 'track' ? ref.id : fields.id;
  }
  const playedAt = parsePlayTime(fields.played_at ?? fields.ts);
  if (playedAt) result.playedAt = playedAt;
  if (context.labelled) {
    if (typeof fields.tag === 'string') result.tag = fields.tag;
    if (typeof fields.playlist === 'string') result.playlist = fields.playlist;
  }
}

/** Features nested in a track object, each checked by its rule; none when all are empty. */
function readNestedFeatures(
  nested: JsonObject,
  path: string,
  problems: Problems,
): Partial<AudioFeatures> | undefined {
  const fields: Record<string, unknown> = {};
  for (const feature of AUDIO_FEATURES) {
    const value = own(nested, feature);
    if (!isBlank(value)) fields[feature] = value;
  }
  if (Object.keys(fields).length === 0) return undefined;
  if (!isValidTrack(fields)) {
    for (const detail of trackFieldProblems(fields, path))
      problems.add(detail.path, detail.message);
    return undefined;
  }
  return fields;
}

/** `id` and `uri` of a track object or an `{id}`/`{uri}` object: each must be a Spotify reference. */
function readRefFields(
  object: JsonObject,
  result: ListeningRow,
  path: string,
  problems: Problems,
): void {
  for (const key of ['uri', 'id']) {
    const text = readText(object, key, path, problems, MAX_CODE_LENGTH * 4);
    if (text === undefined) continue;
    const ref = parseSpotifyRef(text);
    if (!ref) {
      problems.add(fieldPath(path, key), SPOTIFY_REF_FORMS);
      continue;
    }
    if (ref.kind === 'track') result.id = ref.id;
    else result.kind = ref.kind === 'chapter' ? 'audiobook' : ref.kind;
  }
}

function readLabels(
  object: JsonObject,
  result: ListeningRow,
  path: string,
  context: ReadContext,
): void {
  const tag = readText(object, 'tag', path, context.problems, 64);
  const playlist = readText(object, 'playlist', path, context.problems, MAX_CODE_LENGTH);
  if (context.labelled && tag !== undefined) result.tag = tag;
  if (context.labelled && playlist !== undefined) result.playlist = playlist;
}

/** A track object's `artists`: `[{id, name}]`, the main artist first. */
function readArtists(object: JsonObject, path: string, problems: Problems): RowArtist[] {
  const value = own(object, 'artists');
  if (value === undefined || value === null) return [];
  const artistsPath = fieldPath(path, 'artists');
  if (!Array.isArray(value)) return problems.add(artistsPath, 'must be an array') ?? [];
  if (value.length > MAX_ARTISTS) {
    return problems.add(artistsPath, `must list at most ${MAX_ARTISTS} artists`) ?? [];
  }
  const artists: RowArtist[] = [];
  value.forEach((artist: unknown, i) => {
    const artistPath = `${artistsPath}[${i}]`;
    if (!isObject(artist)) return problems.add(artistPath, 'must be an artist object {id, name}');
    const name = readText(artist, 'name', artistPath, problems);
    const id = readText(artist, 'id', artistPath, problems, MAX_CODE_LENGTH) ?? null;
    if (name !== undefined) artists.push({ id, name });
  });
  return artists;
}

function readAlbumName(object: JsonObject, path: string, problems: Problems): string | undefined {
  const album = own(object, 'album');
  if (album === undefined || album === null) return undefined;
  if (!isObject(album)) return problems.add(fieldPath(path, 'album'), 'must be an album object');
  return readText(album, 'name', fieldPath(path, 'album'), problems);
}
