/**
 * Spotify references as clients hold them: a bare id, a `spotify:track:` URI, or an open.spotify.com
 * link (`https://open.spotify.com/intl-de/track/<id>?si=…`, as the app's Share button writes it).
 */

/** A Spotify id: 22 characters of base62 (digits and Latin letters, both cases). */
export const SPOTIFY_ID = /^[0-9A-Za-z]{22}$/;

/** What a reference points at. A local file's URI (`spotify:local:…`) names no Spotify item. */
export type SpotifyRef =
  | { kind: 'track' | 'episode'; id: string }
  | { kind: 'local' }
  | { kind: 'audiobook' | 'chapter'; id: string };

const URI = /^spotify:(track|episode|audiobook|chapter):([0-9A-Za-z]{22})$/;
const LINK =
  /^(?:https?:\/\/)?open\.spotify\.com\/(?:intl-[a-z]{2}(?:-[a-z]{2,4})?\/)?(?:embed\/)?(track|episode|audiobook|chapter)\/([0-9A-Za-z]{22})\/?(?:[?#].*)?$/i;
/** Spotify's own API addresses of a track (a track object's `href`). */
const API_HREF = /^https:\/\/api\.spotify\.com\/v1\/(tracks|episodes)\/([0-9A-Za-z]{22})$/;
/** Longer than any reference: checked before a pattern runs, so a huge string costs nothing. */
const MAX_REF_LENGTH = 512;

const KINDS: Record<string, 'track' | 'episode' | 'audiobook' | 'chapter'> = {
  track: 'track',
  tracks: 'track',
  episode: 'episode',
  episodes: 'episode',
  audiobook: 'audiobook',
  chapter: 'chapter',
};

/** Reads a reference; undefined when the text is none of the accepted forms. */
export function parseSpotifyRef(text: string): SpotifyRef | undefined {
  if (text.length > MAX_REF_LENGTH) return undefined;
  const value = text.trim();
  if (SPOTIFY_ID.test(value)) return { kind: 'track', id: value };
  if (value.startsWith('spotify:local:')) return { kind: 'local' };
  const match = URI.exec(value) ?? LINK.exec(value) ?? API_HREF.exec(value);
  if (!match) return undefined;
  return { kind: KINDS[match[1].toLowerCase()], id: match[2] };
}

/** The message for a reference that is none of the accepted forms. */
export const SPOTIFY_REF_FORMS =
  'must be a Spotify track id (22 letters and digits), a spotify:track: URI or an open.spotify.com/track/ link';
