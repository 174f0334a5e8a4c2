import { AUDIO_FEATURES } from '../../common/tracks';
import type { SourceRow } from './source-row';
import { BadValue } from './field-values';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One JSON track as a source row. Three shapes are read: a Spotify audio-features object with `id`
 * (metadata such as `name` optional), a Spotify track object carrying its features as
 * `audio_features`, and the service's own track view (features under `features`), so an export of
 * the catalog imports again.
 */
export function jsonSourceRow(value: unknown): SourceRow {
  if (!isObject(value)) throw new BadValue('is not a JSON object');
  const nested = isObject(value.audio_features)
    ? value.audio_features
    : isObject(value.features)
      ? value.features
      : value;
  const album = isObject(value.album) ? value.album : undefined;
  const artists = artistsOf(value.artists);
  return {
    id: cell(value.id ?? nested.id),
    name: cell(value.name),
    artistNames: artists.names,
    artistIds: artists.ids,
    albumId: cell(album?.id ?? value.album_id),
    albumName: cell(album?.name ?? (typeof value.album === 'string' ? value.album : undefined)),
    releaseDate: cell(album?.release_date ?? value.release_date),
    popularity: cell(value.popularity),
    explicit: cell(value.explicit),
    genres: Array.isArray(value.genres) ? value.genres.map(cell) : [cell(value.genre)],
    features: Object.fromEntries(AUDIO_FEATURES.map((feature) => [feature, cell(nested[feature])])),
  };
}

/** `[{id, name}]` (Spotify), `["name"]`, or one name. */
function artistsOf(value: unknown): { names: string[]; ids: string[] } {
  const names: string[] = [];
  const ids: string[] = [];
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  for (const artist of list) {
    if (isObject(artist)) {
      names.push(typeof artist.name === 'string' ? artist.name : '');
      ids.push(typeof artist.id === 'string' ? artist.id : '');
    } else if (typeof artist === 'string') {
      names.push(artist);
      ids.push('');
    }
  }
  return { names, ids };
}

function cell(value: unknown): string | number | boolean | null | undefined {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  throw new BadValue(`${JSON.stringify(value).slice(0, 40)} is not a plain value`);
}

/** pandas' column-oriented object: every member an object of row label → value, features among them. */
export function isPandasColumns(value: unknown): boolean {
  if (!isObject(value)) return false;
  const columns = Object.values(value);
  return (
    columns.length > 0 &&
    columns.every(isObject) &&
    AUDIO_FEATURES.some((feature) => feature in value)
  );
}

/**
 * The rows of a whole JSON document, in the shapes every call of the service reads: an array of
 * tracks, `{"tracks": [...]}`, or pandas' column-oriented object (`{column: {rowLabel: value}}`).
 * Null is returned for anything else.
 */
export function jsonDocumentRows(document: unknown): unknown[] | null {
  if (Array.isArray(document)) return document as unknown[];
  if (!isObject(document)) return null;
  if (Array.isArray(document.tracks)) return document.tracks as unknown[];
  if (!isPandasColumns(document)) return null;
  const columns = Object.entries(document);
  const rows = new Map<string, Json>();
  for (const [name, column] of columns) {
    for (const [label, cellValue] of Object.entries(column as Json)) {
      let row = rows.get(label);
      if (!row) rows.set(label, (row = {}));
      row[name] = cellValue;
    }
  }
  const labels = [...rows.keys()];
  if (labels.every((label) => /^\d+$/.test(label))) labels.sort((a, b) => Number(a) - Number(b));
  return labels.map((label) => rows.get(label));
}
