import { ValidationFailedError } from '../errors';
import { AUDIO_FEATURES } from '../tracks/audio-features';
import { columnsToRows, hasFeatureColumns } from '../tracks/pandas-columns';
import { ACCOUNT_KEYS, EXTENDED_KEYS, readAccountPlay, readExtendedPlay } from './export-rows';
import { isObject, type JsonObject, own, Problems } from './field-readers';
import { readListen } from './listenbrainz-rows';
import { DEFAULT_MAX_LISTENING_ROWS, type ListeningRow, newRow } from './listening-row';
import {
  EXPECTED_ROW_SHAPES,
  isPagingItem,
  type ReadContext,
  readPagingItem,
  readRefRow,
  readTrackObject,
} from './track-rows';

export interface ListeningBodyOptions {
  /** Training data: rows keep `tag` and `playlist`, and a row without a tag is unusable. */
  labelled?: boolean;
  /** Most rows accepted (default DEFAULT_MAX_LISTENING_ROWS); a larger body is refused unread. */
  maxRows?: number;
}

/** Where the rows sat in the body. */
export type BodyContainer =
  'array' | 'tracks' | 'items' | 'audio_features' | 'listens' | 'pandas' | 'single';

export interface ListeningBody {
  container: BodyContainer;
  rows: ListeningRow[];
}

/** The body shapes accepted, for the message of a body that is none of them. */
export { EXPECTED_ROW_SHAPES };

export const EXPECTED_LISTENING_SHAPES =
  'expected a JSON array of tracks or plays, {"tracks": [...]}, a pandas column-oriented object, a Spotify answer ({"items": [...]} of recently played, top or saved tracks or playlist items; {"audio_features": [...]}; a track object), or ListenBrainz listens ({"payload": {"listens": [...]}})';

/** Keys by which a lone object is read as one track (a track object, an `{id}`, an audio-features object). */
const SINGLE_TRACK_KEYS = ['id', 'uri', 'type', 'artists', 'track', 'item', ...AUDIO_FEATURES];

interface Located {
  container: BodyContainer;
  elements: readonly unknown[];
  /** The path of element i. */
  pathOf: (index: number) => string;
}

/**
 * Reads any body a client holds (see EXPECTED_LISTENING_SHAPES) into one list of rows, each saying
 * what it carries. The shape is recognised, never named: the body's container first (an array,
 * `tracks`, `items`, `audio_features`, `payload.listens`, pandas columns, a lone object), then each
 * row by the keys only its kind has, so one body may mix kinds. Every field read is checked by type
 * and size; the problems found are a 400 naming each by path (the first 50), never another error.
 */
export function parseListeningBody(
  body: unknown,
  options: ListeningBodyOptions = {},
): ListeningBody {
  const { container, elements, pathOf } = locateRows(body);
  const maxRows = options.maxRows ?? DEFAULT_MAX_LISTENING_ROWS;
  const listPath = container === 'items' || container === 'audio_features' ? container : 'tracks';
  if (elements.length === 0) {
    throw ValidationFailedError.field(listPath, 'must contain at least one track');
  }
  if (elements.length > maxRows) {
    throw ValidationFailedError.field(listPath, `must contain at most ${maxRows} rows`);
  }
  const context: ReadContext = { problems: new Problems(), labelled: options.labelled ?? false };
  const rows: ListeningRow[] = [];
  for (let i = 0; i < elements.length && !context.problems.full; i++) {
    const row = readElement(elements[i], i, pathOf(i), context, container);
    if (!row) continue;
    if (row.path === '') row.path = 'body';
    rows.push(row);
  }
  if (context.problems.count > 0) throw new ValidationFailedError(context.problems.details);
  return { container, rows };
}

function locateRows(body: unknown): Located {
  const inList = (prefix: string) => (index: number) => `${prefix}[${index}]`;
  if (Array.isArray(body)) return { container: 'array', elements: body, pathOf: inList('tracks') };
  if (!isObject(body)) throw ValidationFailedError.field('body', EXPECTED_LISTENING_SHAPES);
  for (const key of ['tracks', 'items', 'audio_features'] as const) {
    if (!Object.hasOwn(body, key)) continue;
    const list = body[key];
    if (key === 'audio_features' && !Array.isArray(list)) break; // a track with nested features
    if (!Array.isArray(list)) throw ValidationFailedError.field(key, 'must be an array');
    return { container: key, elements: list, pathOf: inList(key) };
  }
  if (Object.hasOwn(body, 'payload')) return listenBrainzPayload(body.payload);
  if (hasFeatureColumns(body) && isPandas(body)) {
    const rows = columnsToRows(body);
    return {
      container: 'pandas',
      elements: rows.map((row) => row.value),
      pathOf: (index) => `tracks[${rows[index].label}]`,
    };
  }
  if (
    Object.hasOwn(body, 'track_metadata') ||
    SINGLE_TRACK_KEYS.some((k) => Object.hasOwn(body, k))
  ) {
    return { container: 'single', elements: [body], pathOf: () => '' };
  }
  throw ValidationFailedError.field('body', EXPECTED_LISTENING_SHAPES);
}

/** ListenBrainz's API answer (`{payload: {listens}}`) or an import submission (`{payload: [...]}`). */
function listenBrainzPayload(payload: unknown): Located {
  if (Array.isArray(payload)) {
    return { container: 'listens', elements: payload, pathOf: (i) => `payload[${i}]` };
  }
  const listens = isObject(payload) ? own(payload, 'listens') : undefined;
  if (!Array.isArray(listens)) {
    throw ValidationFailedError.field('payload.listens', 'must be an array of listens');
  }
  return { container: 'listens', elements: listens, pathOf: (i) => `payload.listens[${i}]` };
}

/** pandas columns hold objects (row label → value); a lone audio-features object holds numbers. */
function isPandas(body: JsonObject): boolean {
  return AUDIO_FEATURES.some((feature) => isObject(own(body, feature)));
}

function readElement(
  value: unknown,
  row: number,
  path: string,
  context: ReadContext,
  container: BodyContainer,
): ListeningRow | undefined {
  if (typeof value === 'string') return readRefRow(value, row, path, context);
  if (value === null && container === 'audio_features') {
    // Spotify answers null for an id it has no features for.
    const unknown = newRow(row, path, 'audio_features', 'track');
    unknown.unusable = NULL_FEATURES;
    return unknown;
  }
  if (!isObject(value)) {
    return context.problems.add(
      path || 'body',
      `must be an object or a string: ${EXPECTED_ROW_SHAPES}`,
    );
  }
  if (Object.hasOwn(value, 'track_metadata')) return readListen(value, row, path, context);
  if (hasAnyKey(value, EXTENDED_KEYS)) return readExtendedPlay(value, row, path, context);
  if (hasAnyKey(value, ACCOUNT_KEYS)) return readAccountPlay(value, row, path, context);
  if (isPagingItem(value)) return readPagingItem(value, row, path, context);
  return readTrackObject(value, row, path, context);
}

const NULL_FEATURES = 'no audio features (Spotify answered null for this id)';

function hasAnyKey(object: JsonObject, keys: readonly string[]): boolean {
  for (const key of keys) if (Object.hasOwn(object, key)) return true;
  return false;
}
