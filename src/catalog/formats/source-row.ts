// The module itself: the common/tracks index re-exports through getters, and this runs per row.
import { AUDIO_FEATURES, type AudioFeature } from '../../common/tracks/audio-features';
import type { CatalogArtist, CatalogFeatures, CatalogTrackRecord } from '../catalog-track';
import * as value from './field-values';

type Cell = string | number | boolean | null | undefined;

/** One row of any format, before its values are read: what every format reader produces. */
export interface SourceRow {
  id: Cell;
  name?: Cell;
  /** Artist names, and their ids where the source has them (same order). */
  artistNames?: string[];
  artistIds?: string[];
  albumId?: Cell;
  albumName?: Cell;
  releaseDate?: Cell;
  year?: Cell;
  popularity?: Cell;
  explicit?: Cell;
  genres?: Cell[];
  features: Partial<Record<AudioFeature, Cell>>;
}

/** Spotify ids are 22 base-62 characters; other catalogs' keys are accepted up to 64 characters. */
const TRACK_ID = /^[A-Za-z0-9:_-]{1,64}$/;

const SPECIAL_FEATURE_READERS: Partial<Record<AudioFeature, (cell: Cell) => number | null>> = {
  key: (cell) => value.key(asCell(cell)),
  mode: (cell) => value.mode(asCell(cell)),
  time_signature: (cell) => value.timeSignature(asCell(cell)),
};

/** The reader of each feature, in AUDIO_FEATURES order. */
const FEATURE_READERS = AUDIO_FEATURES.map(
  (feature) =>
    SPECIAL_FEATURE_READERS[feature] ??
    ((cell: Cell) => value.checkFeature(feature, value.number(feature, asCell(cell)))),
);

/**
 * Reads a source row into a catalog track, or throws a BadValue naming the first bad value (no id,
 * a value out of range or not a number).
 */
export function toCatalogRecord(row: SourceRow): CatalogTrackRecord {
  const id = typeof row.id === 'string' ? row.id.trim() : row.id;
  if (typeof id !== 'string' || value.isMissing(id)) throw new value.BadValue('no track id');
  if (!TRACK_ID.test(id)) throw new value.BadValue(`track id ${JSON.stringify(id)} is malformed`);

  const features = {} as CatalogFeatures;
  for (let i = 0; i < AUDIO_FEATURES.length; i += 1) {
    const feature = AUDIO_FEATURES[i];
    features[feature] = FEATURE_READERS[i](row.features[feature]);
  }
  const release = value.releaseDate(asText(row.releaseDate));
  const year =
    row.year === undefined ? release.year : (value.year(asCell(row.year)) ?? release.year);
  return {
    id,
    name: value.text(asText(row.name) ?? undefined),
    artists: artistsOf(row.artistNames ?? [], row.artistIds ?? []),
    album: {
      id: value.text(asText(row.albumId) ?? undefined),
      name: value.text(asText(row.albumName) ?? undefined),
      release_date: release.release_date,
      year,
    },
    popularity: value.popularity(asCell(row.popularity)),
    explicit: value.explicit(row.explicit),
    genres: genresOf(row.genres ?? []),
    features,
  };
}

function artistsOf(names: string[], ids: string[]): CatalogArtist[] {
  const artists: CatalogArtist[] = [];
  const count = Math.max(names.length, ids.length);
  for (let i = 0; i < count; i += 1) {
    const name = value.isMissing(names[i]) ? '' : names[i].trim();
    const id = value.isMissing(ids[i]) ? null : ids[i].trim() || null;
    if (name === '' && !id) continue;
    artists.push({ id, name });
  }
  return artists;
}

/** Genres as a sorted set of lower-case names. */
export function genresOf(cells: Cell[]): string[] {
  if (cells.length === 0) return [];
  const genres = new Set<string>();
  for (const cell of cells) {
    const genre = value.text(asText(cell) ?? undefined);
    if (genre) genres.add(genre.toLowerCase());
  }
  return [...genres].sort();
}

function asCell(cell: Cell): string | number | null | undefined {
  return typeof cell === 'boolean' ? Number(cell) : cell;
}

function asText(cell: Cell): string | null {
  if (cell === null || cell === undefined) return null;
  return String(cell);
}
