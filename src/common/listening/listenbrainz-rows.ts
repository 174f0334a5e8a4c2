import { ValidationFailedError } from '../errors';
import {
  fieldPath,
  isObject,
  type JsonObject,
  MAX_CODE_LENGTH,
  own,
  type Problems,
  readInteger,
  readText,
  requireInteger,
  requireText,
} from './field-readers';
import { type ListeningRow, newRow } from './listening-row';
import { parseSpotifyRef, SPOTIFY_REF_FORMS } from './spotify-refs';
import type { ReadContext } from './track-rows';

/**
 * ListenBrainz listens, as its export (a JSON array, or JSON Lines) and its API
 * (`{payload: {listens: [...]}}`) write them: `listened_at` (unix seconds, when the play started, as
 * ListenBrainz defines it) and `track_metadata` with `artist_name`, `track_name`, `release_name`
 * and, in `additional_info`, a Spotify link or id (`spotify_id`, or `spotify_track_ids`) and the
 * track's length (`duration_ms`, or `duration` in seconds) where the submitting player knew them.
 */

/** Unix seconds up to the year 5000: a value past it is milliseconds sent by mistake. */
const MAX_UNIX_SECONDS = 95_617_584_000;
const MAX_DURATION_MS = 86_400_000;

export function readListen(
  object: JsonObject,
  row: number,
  path: string,
  { problems }: ReadContext,
): ListeningRow | undefined {
  const before = problems.count;
  const listenedAt = requireInteger(object, 'listened_at', path, problems, 0, MAX_UNIX_SECONDS);
  const metadataPath = fieldPath(path, 'track_metadata');
  const metadata = own(object, 'track_metadata');
  if (!isObject(metadata)) return problems.add(metadataPath, 'must be an object');
  const artist = requireText(metadata, 'artist_name', metadataPath, problems);
  const title = requireText(metadata, 'track_name', metadataPath, problems);
  const album = readText(metadata, 'release_name', metadataPath, problems);
  const info = own(metadata, 'additional_info');
  const infoPath = fieldPath(metadataPath, 'additional_info');
  let id: string | undefined;
  let durationMs: number | undefined;
  if (isObject(info)) {
    id = readSpotifyId(info, infoPath, problems);
    durationMs =
      readInteger(info, 'duration_ms', infoPath, problems, 1, MAX_DURATION_MS) ??
      secondsToMs(readInteger(info, 'duration', infoPath, problems, 1, MAX_DURATION_MS / 1000));
  } else if (info !== undefined && info !== null) {
    problems.add(infoPath, 'must be an object');
  }
  if (problems.count > before || listenedAt === undefined) return undefined;

  const startedAt = new Date(listenedAt * 1000);
  const listen = newRow(row, path, 'listenbrainz', 'track');
  if (artist !== undefined) listen.artists = [{ id: null, name: artist }];
  listen.id = id;
  listen.title = title;
  listen.album = album;
  listen.durationMs = durationMs;
  listen.startedAt = startedAt;
  // Spotify's sense of a play time (when the play ended), where the track's length says it.
  listen.playedAt =
    durationMs === undefined ? startedAt : new Date(startedAt.getTime() + durationMs);
  return listen;
}

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

/** `spotify_id` (a link or an id), else the first of `spotify_track_ids`. */
function readSpotifyId(info: JsonObject, path: string, problems: Problems): string | undefined {
  const single = readText(info, 'spotify_id', path, problems, MAX_CODE_LENGTH * 4);
  if (single !== undefined) {
    const ref = parseSpotifyRef(single);
    if (ref?.kind === 'track') return ref.id;
    return problems.add(fieldPath(path, 'spotify_id'), SPOTIFY_REF_FORMS);
  }
  const list = own(info, 'spotify_track_ids');
  if (list === undefined || list === null) return undefined;
  const listPath = fieldPath(path, 'spotify_track_ids');
  if (!Array.isArray(list) || list.length > 100) {
    return problems.add(listPath, 'must be an array of at most 100 Spotify track ids or links');
  }
  if (list.length === 0) return undefined;
  const first: unknown = list[0];
  const ref = typeof first === 'string' ? parseSpotifyRef(first) : undefined;
  if (ref?.kind !== 'track') return problems.add(`${listPath}[0]`, SPOTIFY_REF_FORMS);
  return ref.id;
}

/**
 * JSON Lines (one JSON value a line, as ListenBrainz's export writes its listens): the values, in
 * order, for the body reader. Blank lines are ignored; a line that is not JSON is a 400 naming it;
 * more than `maxLines` values is refused as soon as the one past it is reached.
 */
export function parseJsonLines(text: string, maxLines: number): unknown[] {
  const values: unknown[] = [];
  let start = 0;
  for (let line = 1; start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const content = text.slice(start, end).trim();
    start = end + 1;
    if (content === '') continue;
    if (values.length === maxLines) {
      throw ValidationFailedError.field('body', `must contain at most ${maxLines} lines`);
    }
    try {
      values.push(JSON.parse(content));
    } catch {
      throw ValidationFailedError.field(`line ${line}`, 'is not valid JSON');
    }
  }
  return values;
}
