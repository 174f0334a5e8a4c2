import type { AudioFeature } from '../tracks/audio-features';
import type { RowArtist } from './listening-row';

/** What the resolver needs to know of one catalog track. */
export interface CatalogTrackFacts {
  id: string;
  title: string | null;
  /** Credited artists, the main one first. */
  artists: readonly RowArtist[];
  album: string | null;
  popularity: number | null;
  /** Each of the 13 features, null where the catalog lacks it (as catalog records hold them). */
  features: Readonly<Record<AudioFeature, number | null>>;
}

/**
 * The catalog as the resolver asks it: a port, so the resolver is tested on a plain in-memory
 * catalog and served by the in-memory catalog index, which answers every question from memory.
 */
export interface CatalogLookup {
  /** The track with this Spotify id. */
  trackById(id: string): CatalogTrackFacts | undefined;
  /**
   * The tracks one of whose artists has this key (normaliseArtist) and whose title has this key
   * (normaliseTitle): exactly those, in any order.
   */
  tracksByName(artistKey: string, titleKey: string): readonly CatalogTrackFacts[];
  /** True when a catalog track credits the artist with this Spotify id. */
  hasArtistId(id: string): boolean;
  /** True when a catalog track credits an artist whose name has this key (normaliseArtist). */
  hasArtistName(artistKey: string): boolean;
}
