import { AUDIO_FEATURES, type AudioFeature, type AudioFeatures } from '../tracks/audio-features';
import type { CatalogLookup, CatalogTrackFacts } from './catalog-lookup';
import {
  type ListeningRow,
  type ListeningSkip,
  type ResolvedCounts,
  type ResolvedRow,
  type RowArtist,
  unresolvedRow,
} from './listening-row';
import { artistKeys, normaliseTitle, strictTitle } from './name-key';
import { playSignal } from './play-signal';

export interface ListeningResolution {
  /** Every row, in request order, with how it resolved and what it counts as. */
  rows: ResolvedRow[];
  /** Track rows by how they got their features (unusable rows, such as podcasts, are not counted). */
  resolved: ResolvedCounts;
  /** The rows of no use for features, in request order, each with its reason. */
  skipped: ListeningSkip[];
}

export const NOT_IN_CATALOG = 'not in the catalog';
/** An audio-features row with every feature empty (Spotify's "analysis not found"), its id unknown. */
export const NO_FEATURES_NOT_IN_CATALOG =
  'no audio features (Spotify: analysis not found), and not in the catalog';
export const NO_NAME_MATCH = 'no catalog track by this artist and title';
export const NO_CATALOG_FEATURES = 'the catalog has no audio features for it';
export const NOTHING_TO_MATCH = 'no id, and no artist and title to find it by';

/**
 * Gives each row its features: its own; else the catalog's for its id; else, for a row without an
 * id, the catalog's for its artist and title (normalised, see name-key.ts); else none, and the row is
 * listed in `skipped`. A row with some features of its own keeps them and takes the ones it lacks
 * from the catalog track it names (`filledFromCatalog`); it counts as `given`. A row with an id the
 * catalog lacks is not matched by name: the id says which recording it is.
 *
 * Where several catalog tracks share a row's name key, one is chosen by, in order: its album is the
 * row's album (normalised); its title is spelled as the row's up to case, accents and punctuation
 * (so "Song" stays "Song" where "Song (feat. X)" exists too); the highest popularity; the smallest
 * id. The choice never depends on the order the catalog answers in.
 *
 * Rows that resolve also take the catalog's artists, title and album where they lack them, and every
 * row says whether the catalog knows its main artist (`artistKnown`): a track the catalog lacks
 * still counts for that artist.
 */
export function resolveListening(
  rows: readonly ListeningRow[],
  catalog: CatalogLookup,
): ListeningResolution {
  const names = new NameMatcher(catalog);
  const resolved: ResolvedCounts = { given: 0, by_id: 0, by_name: 0, unresolved: 0 };
  const skipped: ListeningSkip[] = [];
  const resolvedRows = rows.map((row) => {
    const result = resolveRow(row, names);
    if (row.unusable === undefined) {
      if (result.resolvedBy === 'features') resolved.given++;
      else if (result.resolvedBy === 'id') resolved.by_id++;
      else if (result.resolvedBy === 'name') resolved.by_name++;
      else resolved.unresolved++;
    }
    if (result.unused !== undefined) {
      const skip: ListeningSkip = { row: row.row, path: row.path, reason: result.unused };
      if (row.id !== undefined) skip.id = row.id;
      skipped.push(skip);
    }
    return result;
  });
  return { rows: resolvedRows, resolved, skipped };
}

function resolveRow(row: ListeningRow, names: NameMatcher): ResolvedRow {
  const result = unresolvedRow(row);
  if (row.unusable !== undefined) return result;
  const match =
    row.id !== undefined
      ? names.byId(row.id)
      : row.title !== undefined
        ? names.find(row)
        : undefined;
  const catalogFeatures = match?.features;
  if (match && catalogFeatures) {
    const { track } = match;
    result.catalogId = track.id;
    if (result.artists.length === 0) result.artists = track.artists.map((a) => ({ ...a }));
    if (result.title === undefined && track.title !== null) result.title = track.title;
    if (result.album === undefined && track.album !== null) result.album = track.album;
  }
  if (row.features !== undefined) {
    result.resolvedBy = 'features';
    if (catalogFeatures) fill(result, row.features, catalogFeatures);
    else result.features = { ...row.features };
  } else if (catalogFeatures) {
    result.resolvedBy = row.id !== undefined ? 'id' : 'name';
    result.features = catalogFeatures;
  } else {
    result.unused = match
      ? NO_CATALOG_FEATURES
      : row.id !== undefined
        ? row.source === 'audio_features'
          ? NO_FEATURES_NOT_IN_CATALOG
          : NOT_IN_CATALOG
        : row.title !== undefined && row.artists.length > 0
          ? NO_NAME_MATCH
          : NOTHING_TO_MATCH;
  }
  result.artistKnown = match !== undefined || names.knowsAnyArtist(result.artists);

  const { signal, reason } = playSignal(row, row.durationMs ?? result.features?.duration_ms);
  result.signal = signal;
  if (reason !== undefined && result.unused === undefined) result.unused = reason;
  return result;
}

/** The catalog's known features, or undefined where it knows none. */
function presentFeatures(track: CatalogTrackFacts): Partial<AudioFeatures> | undefined {
  let features: Partial<AudioFeatures> | undefined;
  for (const feature of AUDIO_FEATURES) {
    const value = track.features[feature];
    if (value !== null) (features ??= {})[feature] = value;
  }
  return features;
}

/** The row's own features, with the ones it lacks taken from the catalog. */
function fill(
  result: ResolvedRow,
  own: Partial<AudioFeatures>,
  catalog: Partial<AudioFeatures>,
): void {
  const filled: AudioFeature[] = [];
  const features = { ...own };
  for (const feature of AUDIO_FEATURES) {
    if (features[feature] === undefined && catalog[feature] !== undefined) {
      features[feature] = catalog[feature];
      filled.push(feature);
    }
  }
  result.features = features;
  if (filled.length > 0) result.filledFromCatalog = filled;
}

/** A catalog track as the resolver uses it: its facts and its known features (undefined: none). */
interface CatalogMatch {
  track: CatalogTrackFacts;
  features: Partial<AudioFeatures> | undefined;
}

/**
 * The catalog's answers with what a history repeats remembered: a 50,000-play export names some
 * thousands of distinct tracks and artists, each spelling normalised once and each track and name
 * key looked up once.
 */
class NameMatcher {
  private readonly ids = new Map<string, CatalogMatch | null>();
  private readonly tracks = new Map<string, CatalogMatch | null>();
  private readonly keys = new Map<string, readonly CatalogTrackFacts[]>();
  private readonly artists = new Map<string, boolean>();

  constructor(private readonly catalog: CatalogLookup) {}

  byId(id: string): CatalogMatch | undefined {
    let found = this.ids.get(id);
    if (found === undefined) {
      const track = this.catalog.trackById(id);
      found = track ? this.matchOf(track) : null;
      this.ids.set(id, found);
    }
    return found ?? undefined;
  }

  /** One match object per catalog track, however it was found. */
  private matchOf(track: CatalogTrackFacts): CatalogMatch {
    let match = this.ids.get(track.id);
    if (!match) {
      match = { track, features: presentFeatures(track) };
      this.ids.set(track.id, match);
    }
    return match;
  }

  find(row: ListeningRow): CatalogMatch | undefined {
    if (row.title === undefined || row.artists.length === 0) return undefined;
    const { artists, title, album } = row;
    const artistNames =
      artists.length === 1 ? artists[0].name : artists.map((a) => a.name).join('\u0001');
    const cacheKey = `${artistNames}\u0002${title}\u0002${album ?? ''}`;
    let found = this.tracks.get(cacheKey);
    if (found === undefined) {
      const track = this.lookUp(artists, title, album);
      found = track ? this.matchOf(track) : null;
      this.tracks.set(cacheKey, found);
    }
    return found ?? undefined;
  }

  knowsAnyArtist(artists: readonly RowArtist[]): boolean {
    return artists.some((artist) => this.knows(artist));
  }

  private knows(artist: RowArtist): boolean {
    if (artist.id !== null && this.catalog.hasArtistId(artist.id)) return true;
    let known = this.artists.get(artist.name);
    if (known === undefined) {
      known = artistKeys(artist.name).some((key) => this.catalog.hasArtistName(key));
      this.artists.set(artist.name, known);
    }
    return known;
  }

  private lookUp(
    artists: readonly RowArtist[],
    title: string,
    album: string | undefined,
  ): CatalogTrackFacts | undefined {
    const titleKey = normaliseTitle(title);
    for (const artist of artists) {
      for (const artistKey of artistKeys(artist.name)) {
        const key = `${artistKey}\u0001${titleKey}`;
        let candidates = this.keys.get(key);
        if (candidates === undefined) {
          candidates = this.catalog.tracksByName(artistKey, titleKey);
          this.keys.set(key, candidates);
        }
        if (candidates.length > 0) return choose(candidates, title, album);
      }
    }
    return undefined;
  }
}

/** The one candidate a name stands for (see resolveListening). */
function choose(
  candidates: readonly CatalogTrackFacts[],
  title: string,
  album: string | undefined,
): CatalogTrackFacts {
  if (candidates.length === 1) return candidates[0];
  const rowAlbum = album === undefined ? undefined : strictTitle(album);
  const rowTitle = strictTitle(title);
  const ranked = candidates.map((track) => ({
    track,
    album: rowAlbum !== undefined && track.album !== null && strictTitle(track.album) === rowAlbum,
    title: track.title !== null && strictTitle(track.title) === rowTitle,
  }));
  ranked.sort(
    (a, b) =>
      Number(b.album) - Number(a.album) ||
      Number(b.title) - Number(a.title) ||
      (b.track.popularity ?? -1) - (a.track.popularity ?? -1) ||
      (a.track.id < b.track.id ? -1 : a.track.id > b.track.id ? 1 : 0),
  );
  return ranked[0].track;
}
