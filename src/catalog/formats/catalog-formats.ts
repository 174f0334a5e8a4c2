import { AUDIO_FEATURES, type AudioFeature } from '../../common/tracks';
import { pythonList, semicolonList } from './field-values';
import type { SourceRow } from './source-row';

/** Every format an import reads; `format=` takes one of these names. */
export const CATALOG_FORMATS = [
  'tidytuesday',
  'tracks-114k',
  'tracks-600k',
  'tracks-1.2m',
  'spotify-features',
  'json',
  'ndjson',
] as const;
export type CatalogFormat = (typeof CATALOG_FORMATS)[number];

export const FORMAT_DESCRIPTIONS: Record<CatalogFormat, string> = {
  tidytuesday: 'TidyTuesday spotify_songs.csv (track_id, track_name, …, playlist_genre, …)',
  'tracks-114k':
    'Spotify Tracks Dataset dataset.csv (track_id, artists, album_name, …, track_genre)',
  'tracks-600k': '600k tracks.csv (id, name, popularity, …, id_artists, release_date, …)',
  'tracks-1.2m':
    '1.2M songs tracks_features.csv (id, name, album, album_id, artists, artist_ids, …)',
  'spotify-features': 'SpotifyFeatures.csv (genre, artist_name, track_name, track_id, …)',
  json: 'JSON: an array of tracks, {"tracks": [...]}, or pandas columns',
  ndjson: 'NDJSON: one audio-features object with id, or Spotify track with audio_features, a line',
};

/** Reads one CSV record, given a getter of its cells by column name. */
type CellGetter = (column: string) => string | undefined;

interface CsvFormat {
  name: CatalogFormat;
  /** Columns that identify the format in a header; each must be present. */
  signature: string[];
  read(cell: CellGetter): SourceRow;
}

function featuresFrom(cell: CellGetter, columns: readonly AudioFeature[] = AUDIO_FEATURES) {
  const features: SourceRow['features'] = {};
  for (const feature of columns) features[feature] = cell(feature);
  return features;
}

const WITHOUT_TIME_SIGNATURE = AUDIO_FEATURES.filter((feature) => feature !== 'time_signature');

export const CSV_FORMATS: readonly CsvFormat[] = [
  {
    name: 'tidytuesday',
    signature: ['track_id', 'track_name', 'track_artist', 'playlist_genre', 'playlist_subgenre'],
    read: (cell) => ({
      id: cell('track_id'),
      name: cell('track_name'),
      artistNames: cell('track_artist') ? [cell('track_artist')!] : [],
      albumId: cell('track_album_id'),
      albumName: cell('track_album_name'),
      releaseDate: cell('track_album_release_date'),
      popularity: cell('track_popularity'),
      genres: [cell('playlist_genre'), cell('playlist_subgenre')],
      features: featuresFrom(cell, WITHOUT_TIME_SIGNATURE),
    }),
  },
  {
    name: 'tracks-114k',
    signature: ['track_id', 'artists', 'album_name', 'track_name', 'track_genre'],
    read: (cell) => ({
      id: cell('track_id'),
      name: cell('track_name'),
      artistNames: semicolonList(cell('artists')),
      albumName: cell('album_name'),
      popularity: cell('popularity'),
      explicit: cell('explicit'),
      genres: [cell('track_genre')],
      features: featuresFrom(cell),
    }),
  },
  {
    name: 'tracks-600k',
    signature: ['id', 'name', 'artists', 'id_artists', 'release_date'],
    read: (cell) => ({
      id: cell('id'),
      name: cell('name'),
      artistNames: pythonList(cell('artists')),
      artistIds: pythonList(cell('id_artists')),
      releaseDate: cell('release_date'),
      popularity: cell('popularity'),
      explicit: cell('explicit'),
      features: featuresFrom(cell),
    }),
  },
  {
    name: 'tracks-1.2m',
    signature: ['id', 'name', 'album', 'album_id', 'artists', 'artist_ids'],
    read: (cell) => ({
      id: cell('id'),
      name: cell('name'),
      artistNames: pythonList(cell('artists')),
      artistIds: pythonList(cell('artist_ids')),
      albumId: cell('album_id'),
      albumName: cell('album'),
      releaseDate: cell('release_date'),
      year: cell('year'),
      explicit: cell('explicit'),
      features: featuresFrom(cell),
    }),
  },
  {
    name: 'spotify-features',
    signature: ['genre', 'artist_name', 'track_name', 'track_id'],
    read: (cell) => ({
      id: cell('track_id'),
      name: cell('track_name'),
      artistNames: cell('artist_name') ? [cell('artist_name')!] : [],
      popularity: cell('popularity'),
      genres: [cell('genre')],
      features: featuresFrom(cell),
    }),
  },
];

export function csvFormat(name: CatalogFormat): CsvFormat | undefined {
  return CSV_FORMATS.find((format) => format.name === name);
}

/** The CSV format whose signature columns the header has (the most specific one wins). */
export function detectCsvFormat(header: readonly string[]): CsvFormat | undefined {
  const columns = new Set(header);
  return CSV_FORMATS.filter((format) => format.signature.every((column) => columns.has(column)))
    .sort((a, b) => b.signature.length - a.signature.length)
    .at(0);
}

/** The 400 message of a file that matches no format. */
export function knownFormatsMessage(): string {
  return CATALOG_FORMATS.map((name) => `${name}: ${FORMAT_DESCRIPTIONS[name]}`).join('; ');
}
