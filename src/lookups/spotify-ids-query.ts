import { type ErrorDetail, ValidationFailedError } from '../common/errors';
import { parseSpotifyRef, SPOTIFY_REF_FORMS } from '../common/listening/spotify-refs';
import { closestName } from '../common/validation/did-you-mean';

/** Spotify's own limits: 100 ids per audio-features call, 50 per tracks call. */
export const AUDIO_FEATURES_MAX_IDS = 100;
export const TRACKS_MAX_IDS = 50;

/**
 * Spotify's `market` is accepted and ignored: the catalog holds one version of each track. Any other
 * parameter is a 400, so that a typo (`id=`) is not answered as if it were absent.
 */
const IGNORED_PARAMETERS = ['market'];

/**
 * The track id a reference names (a bare id, a `spotify:track:` URI, an open.spotify.com link), or
 * what is wrong with it.
 */
export function readTrackRef(text: string): { id: string } | { error: string } {
  const ref = parseSpotifyRef(text);
  if (!ref) return { error: SPOTIFY_REF_FORMS };
  if (ref.kind === 'track') return { id: ref.id };
  return {
    error: `names ${ref.kind === 'local' ? 'a local file' : `an ${ref.kind}`}, not a Spotify track`,
  };
}

/** A track reference from the path (`/audio-features/{id}`); 400 naming `id` when it is none. */
export function parseTrackIdParameter(text: string): string {
  const read = readTrackRef(text);
  if ('error' in read) throw ValidationFailedError.field('id', read.error);
  return read.id;
}

/**
 * The `ids` of a multi-get, as Spotify reads them: comma-separated ids (here also URIs and
 * links), 1 to `limit` of them, in order, duplicates kept (each is answered in its place). Every
 * problem is a 400 naming its parameter, a bad item by its position (`ids[3]`).
 */
export function parseIdsQuery(raw: Record<string, unknown>, limit: number): string[] {
  const details: ErrorDetail[] = [];
  for (const name of Object.keys(raw)) {
    if (name === 'ids' || IGNORED_PARAMETERS.includes(name)) continue;
    const closest = closestName(name, ['ids', ...IGNORED_PARAMETERS]);
    details.push({
      path: name,
      message: `is not a known parameter${closest ? ` (did you mean ${closest}?)` : ''}`,
    });
  }
  const ids = readIds(raw.ids, limit, details);
  if (details.length > 0) throw new ValidationFailedError(details);
  return ids;
}

function readIds(value: unknown, limit: number, details: ErrorDetail[]): string[] {
  const parts = Array.isArray(value) ? (value as unknown[]) : [value];
  if (value === undefined || parts.some((part) => typeof part !== 'string')) {
    details.push({ path: 'ids', message: `is required: 1 to ${limit} comma-separated track ids` });
    return [];
  }
  // Every item takes at least two characters (one and a comma), so a longer text is over the limit
  // before it is split: a huge parameter costs nothing.
  const text = (parts as string[]).join(',');
  const items = text.length > limit * 600 ? undefined : text.split(',');
  if (text.trim() === '') {
    details.push({ path: 'ids', message: `must list 1 to ${limit} track ids; it is empty` });
    return [];
  }
  if (!items || items.length > limit) {
    details.push({
      path: 'ids',
      message: `must list at most ${limit} track ids${items ? `; got ${items.length}` : ''}`,
    });
    return [];
  }
  const ids: string[] = [];
  items.forEach((item, i) => {
    const read = item.trim() === '' ? { error: 'is empty' } : readTrackRef(item);
    if ('error' in read) details.push({ path: `ids[${i}]`, message: read.error });
    else ids.push(read.id);
  });
  return ids;
}
