import type { AudioFeature } from '../common/tracks';

/** An artist credit as a catalog knows it: some sources name artists without their Spotify id. */
export interface CatalogArtist {
  id: string | null;
  name: string;
}

export interface CatalogAlbum {
  id: string | null;
  name: string | null;
  /** As the source gave it: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. */
  release_date: string | null;
  year: number | null;
}

/** Each of the 13 audio features, null where the source lacks it. */
export type CatalogFeatures = Record<AudioFeature, number | null>;

/** One catalog track, as imports produce it and the in-memory index holds it. */
export interface CatalogTrackRecord {
  /** Spotify track id: the key. */
  id: string;
  name: string | null;
  artists: CatalogArtist[];
  album: CatalogAlbum;
  /** 0–100, null where unknown (Spotify dropped it from its objects in 2026). */
  popularity: number | null;
  explicit: boolean | null;
  /** A set: merged across rows and imports, sorted. */
  genres: string[];
  features: CatalogFeatures;
}

export const SPOTIFY_API = 'https://api.spotify.com/v1';
export const SPOTIFY_OPEN = 'https://open.spotify.com';

/** Spotify's simplified track, plus `genres` and `features`: the one track view of every answer. */
export interface TrackView {
  id: string;
  name: string | null;
  uri: string;
  href: string;
  external_urls: { spotify: string };
  artists: { id: string | null; name: string; uri: string | null }[];
  album: { id: string | null; name: string | null; release_date: string | null };
  duration_ms: number | null;
  explicit: boolean | null;
  popularity: number | null;
  genres: string[];
  features: CatalogFeatures;
}

export function toTrackView(track: CatalogTrackRecord): TrackView {
  return {
    id: track.id,
    name: track.name,
    uri: `spotify:track:${track.id}`,
    href: `${SPOTIFY_API}/tracks/${track.id}`,
    external_urls: { spotify: `${SPOTIFY_OPEN}/track/${track.id}` },
    artists: track.artists.map((artist) => ({
      id: artist.id,
      name: artist.name,
      uri: artist.id ? `spotify:artist:${artist.id}` : null,
    })),
    album: {
      id: track.album.id,
      name: track.album.name,
      release_date: track.album.release_date,
    },
    duration_ms: track.features.duration_ms,
    explicit: track.explicit,
    popularity: track.popularity,
    genres: track.genres,
    features: track.features,
  };
}
