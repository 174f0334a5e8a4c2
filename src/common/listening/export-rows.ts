import {
  fieldPath,
  type JsonObject,
  MAX_CODE_LENGTH,
  readBoolean,
  readText,
  requireInteger,
  requirePlayTime,
  requireText,
} from './field-readers';
import { type ListeningRow, newRow, type RowKind } from './listening-row';
import { parseSpotifyRef } from './spotify-refs';
import { type ReadContext, unusableKind } from './track-rows';

/**
 * The two listening histories a person downloads from Spotify's privacy page.
 *
 * Extended streaming history (`Streaming_History_Audio_*.json`; before 2023 `endsong_*.json`, which
 * has `username`, `ip_addr_decrypted` and `user_agent_decrypted` where the newer files have
 * `ip_addr`, and no audiobook fields): one object per stream, `ts` = when the stream ended (UTC),
 * `ms_played`, the track's URI and names, why it started and ended, and Spotify's skip flag.
 *
 * Account data (`StreamingHistory_music_*.json`, older `StreamingHistory*.json`): `endTime`
 * ("YYYY-MM-DD HH:MM", UTC, when the stream ended), `artistName`, `trackName`, `msPlayed`; no ids,
 * so rows resolve by name. Podcast files (`StreamingHistory_podcast_*.json`) have `podcastName` and
 * `episodeName` instead.
 */

/** Keys only an Extended history play has: how one is told apart from other rows. */
export const EXTENDED_KEYS = [
  'ms_played',
  'spotify_track_uri',
  'master_metadata_track_name',
  'master_metadata_album_artist_name',
  'spotify_episode_uri',
] as const;

/** Keys only an Account data play has. */
export const ACCOUNT_KEYS = [
  'msPlayed',
  'endTime',
  'trackName',
  'artistName',
  'podcastName',
] as const;

/** Longest stream accepted: some 24 days (a podcast left running is long, not this long). */
const MAX_MS_PLAYED = 2 ** 31 - 1;
export const NO_TRACK_IN_PLAY = 'no track or episode in this play';

export function readExtendedPlay(
  object: JsonObject,
  row: number,
  path: string,
  { problems }: ReadContext,
): ListeningRow | undefined {
  const before = problems.count;
  const endedAt = requirePlayTime(object, 'ts', path, problems);
  const msPlayed = requireInteger(object, 'ms_played', path, problems, 0, MAX_MS_PLAYED);
  const uri = readText(object, 'spotify_track_uri', path, problems, MAX_CODE_LENGTH * 4);
  const title = readText(object, 'master_metadata_track_name', path, problems);
  const artist = readText(object, 'master_metadata_album_artist_name', path, problems);
  const album = readText(object, 'master_metadata_album_album_name', path, problems);
  const episode =
    readText(object, 'spotify_episode_uri', path, problems, MAX_CODE_LENGTH * 4) ??
    readText(object, 'episode_name', path, problems) ??
    readText(object, 'episode_show_name', path, problems);
  const audiobook =
    readText(object, 'audiobook_uri', path, problems, MAX_CODE_LENGTH * 4) ??
    readText(object, 'audiobook_chapter_uri', path, problems, MAX_CODE_LENGTH * 4) ??
    readText(object, 'audiobook_title', path, problems);
  const skipped = readBoolean(object, 'skipped', path, problems);
  const reasonEnd = readText(object, 'reason_end', path, problems, MAX_CODE_LENGTH);

  let kind: RowKind = 'track';
  let id: string | undefined;
  if (uri !== undefined) {
    const ref = parseSpotifyRef(uri);
    if (ref?.kind === 'track') id = ref.id;
    else if (ref?.kind === 'local') kind = 'local';
    else problems.add(fieldPath(path, 'spotify_track_uri'), 'must be a spotify:track: URI');
  }
  if (id === undefined && title === undefined) {
    if (episode !== undefined) kind = 'episode';
    else if (audiobook !== undefined) kind = 'audiobook';
  }
  if (problems.count > before || endedAt === undefined || msPlayed === undefined) return undefined;

  const play = newRow(row, path, 'extended_history', kind, artistOf(artist));
  play.id = id;
  play.title = title;
  play.album = album;
  play.playedAt = endedAt;
  play.startedAt = new Date(endedAt.getTime() - msPlayed);
  play.msPlayed = msPlayed;
  play.skippedFlag = skipped;
  play.reasonEnd = reasonEnd;
  play.unusable =
    unusableKind(kind) ??
    (id === undefined && (title === undefined || artist === undefined)
      ? NO_TRACK_IN_PLAY
      : undefined);
  return play;
}

export function readAccountPlay(
  object: JsonObject,
  row: number,
  path: string,
  { problems }: ReadContext,
): ListeningRow | undefined {
  const before = problems.count;
  const endedAt = requirePlayTime(object, 'endTime', path, problems);
  const msPlayed = requireInteger(object, 'msPlayed', path, problems, 0, MAX_MS_PLAYED);
  const podcast = Object.hasOwn(object, 'podcastName') || Object.hasOwn(object, 'episodeName');
  const artist = podcast ? undefined : requireText(object, 'artistName', path, problems);
  const title = podcast ? undefined : requireText(object, 'trackName', path, problems);
  if (problems.count > before || endedAt === undefined || msPlayed === undefined) return undefined;
  const kind = podcast ? 'episode' : 'track';
  const play = newRow(row, path, 'account_history', kind, artistOf(artist));
  play.title = title;
  play.playedAt = endedAt;
  play.startedAt = new Date(endedAt.getTime() - msPlayed);
  play.msPlayed = msPlayed;
  play.unusable = unusableKind(kind);
  return play;
}

function artistOf(name: string | undefined): ListeningRow['artists'] {
  return name === undefined ? [] : [{ id: null, name }];
}
