import { Injectable, PipeTransform } from '@nestjs/common';
import { CatalogIndexRef } from '../catalog-index/catalog-index-ref';
import type { ListeningSkip, ResolvedCounts, ResolvedRow } from '../common/listening';
import { ListeningReader } from '../listening/listening-reader';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ErrorDetail, flattenValidationErrors, ValidationFailedError } from '../common/errors';
import { compileQuickCheck } from '../common/validation/quick-check';
import { ArtistRowDto, SpotifyTrackDto } from './dto/artist-credit.dto';

export interface CreditedArtist {
  /** Spotify id; null for an artist known by name only (Spotify's Account-data history). */
  id: string | null;
  name: string;
  href: string | null;
}

/** The artists credited on one of the listener's tracks (or plays). */
export interface TrackCredits {
  trackId?: string;
  artists: CreditedArtist[];
  /** How long the play lasted, where the body says (listening exports). */
  msPlayed?: number;
}

/** The listener's tracks or plays, as favourite_artists counts them. */
export interface ListenerCredits {
  tracks: TrackCredits[];
  resolved: ResolvedCounts;
  skipped: ListeningSkip[];
}

/** Keys only artist rows have: such a body is read as artist rows (see ArtistCreditsPipe). */
const ARTIST_ROW_KEYS = ['artist_id', 'artist_name', 'track_id', 'href'];

const EXPECTED =
  'expected a JSON array (or {"tracks": [...]}) of {track_id, artist_id, artist_name, href} rows or Spotify track objects {id, name, artists: [{id, name, href}]}';
/** ArtistRowDto's rules compiled (see compileQuickCheck): validateSync only for failing rows. */
const isValidArtistRow = compileQuickCheck(ArtistRowDto);
export const MAX_ARTIST_ROWS = 50_000;

/**
 * Reads the listener's tracks as artist rows (one row per track–artist pair; rows of one
 * `track_id` are one track) or Spotify track objects with their artists (also wrapped as
 * recently-played or saved items `{track: {...}}`), validating each element by path; any other
 * listening body (ids, playlist items, listening exports, ListenBrainz listens) is read as every
 * other route reads it (ListeningReader), each play crediting the artists of the catalog track it
 * resolved to, else the artists it names itself.
 */
@Injectable()
export class ArtistCreditsPipe implements PipeTransform<unknown, ListenerCredits> {
  constructor(
    private readonly reader: ListeningReader,
    private readonly index: CatalogIndexRef,
  ) {}

  transform(body: unknown): ListenerCredits {
    if (!isCreditsBody(body)) return this.fromListening(body);
    const tracks = readCredits(body);
    const resolved = { given: tracks.length, by_id: 0, by_name: 0, unresolved: 0 };
    return { tracks, resolved, skipped: [] };
  }

  private fromListening(body: unknown): ListenerCredits {
    const listening = this.reader.read(body, { requiredFeatures: [] });
    const tracks: TrackCredits[] = [];
    const counted = new Set<number>();
    for (const row of listening.rows) {
      if (row.signal !== 'listen') continue;
      const artists = this.artistsOf(row);
      if (artists.length === 0) continue;
      counted.add(row.row);
      const track: TrackCredits = { artists };
      const id = row.catalogId ?? row.id;
      if (id !== undefined) track.trackId = id;
      if (row.msPlayed !== undefined) track.msPlayed = row.msPlayed;
      tracks.push(track);
    }
    if (tracks.length === 0) {
      throw ValidationFailedError.field(
        'tracks',
        'has no play that names an artist the service can tell',
      );
    }
    const skipped = listening.skipped.filter((skip) => !counted.has(skip.row));
    return { tracks, resolved: listening.resolved, skipped };
  }

  /** The catalog track's artists where the row resolved to one (ids and all), else the row's own. */
  private artistsOf(row: ResolvedRow): CreditedArtist[] {
    const track =
      row.catalogId === undefined ? undefined : this.index.current.trackById(row.catalogId);
    const artists = track?.artists ?? row.artists;
    const credited = new Map<string, CreditedArtist>();
    for (const { id, name } of artists) {
      const key = id ?? `name:${name.toLowerCase()}`;
      if (!credited.has(key))
        credited.set(key, { id, name, href: id === null ? null : hrefOf(id) });
    }
    return [...credited.values()];
  }
}

/** The Web API address of an artist, as Spotify's own objects carry it. */
function hrefOf(artistId: string): string {
  return `https://api.spotify.com/v1/artists/${artistId}`;
}

/**
 * Whether a body is what favourite_artists read before listening bodies: a list (bare, `tracks` or
 * `items`) whose first object is an artist row or a track object with artists (or `{track}` of
 * one), or a body that is no listening body either (its errors are the artist rows'). Anything
 * else (ids, playlist items, exports, listens) goes to the listening reader.
 */
function isCreditsBody(body: unknown): boolean {
  const list = Array.isArray(body)
    ? body
    : isObject(body) && Array.isArray(body.tracks)
      ? body.tracks
      : isObject(body) && Array.isArray(body.items)
        ? body.items
        : undefined;
  if (list === undefined) return !isObject(body) || !looksLikeListening(body);
  const first = (list as unknown[]).find(isObject);
  if (first === undefined)
    return !(list as unknown[]).some((element) => typeof element === 'string');
  const track = isObject(first.track) ? first.track : first;
  return 'artists' in track || ARTIST_ROW_KEYS.some((key) => key in track);
}

/** A lone object that the listening reader knows (a track object, a ListenBrainz answer). */
function looksLikeListening(body: Record<string, unknown>): boolean {
  return 'payload' in body || 'id' in body || 'uri' in body || 'track_metadata' in body;
}

/** The artist rows or track objects of a credits body, validated by path. */
function readCredits(body: unknown): TrackCredits[] {
  const elements = extractElements(body);
  const details: ErrorDetail[] = [];
  const tracks: TrackCredits[] = [];
  const trackByRowId = new Map<string, TrackCredits>();

  elements.forEach((element, index) => {
    const path = `tracks[${index}]`;
    if (typeof element !== 'object' || element === null || Array.isArray(element)) {
      details.push({ path, message: 'must be an object' });
      return;
    }
    const record = element as Record<string, unknown>;
    const unwrapped = isObject(record.track) ? record.track : record;
    const trackPath = unwrapped === record ? path : `${path}.track`;

    if ('artists' in unwrapped) {
      const dto = plainToInstance(SpotifyTrackDto, unwrapped);
      const errors = validateSync(dto, {
        whitelist: true,
        forbidUnknownValues: false,
        stopAtFirstError: true,
      });
      if (errors.length) return void details.push(...flattenValidationErrors(errors, trackPath));
      const artists = new Map<string, CreditedArtist>();
      for (const artist of dto.artists) {
        if (!artists.has(artist.id)) {
          artists.set(artist.id, { id: artist.id, name: artist.name, href: artist.href ?? null });
        }
      }
      tracks.push({ trackId: dto.id, artists: [...artists.values()] });
      return;
    }

    if (!isValidArtistRow(unwrapped)) {
      const errors = validateSync(plainToInstance(ArtistRowDto, unwrapped), {
        forbidUnknownValues: false,
        stopAtFirstError: true,
      });
      return void details.push(...flattenValidationErrors(errors, trackPath));
    }
    const dto = unwrapped as unknown as ArtistRowDto;
    const artist = { id: dto.artist_id, name: dto.artist_name, href: dto.href ?? null };
    const existing = dto.track_id ? trackByRowId.get(dto.track_id) : undefined;
    if (existing) {
      if (!existing.artists.some((a) => a.id === artist.id)) existing.artists.push(artist);
      return;
    }
    const track: TrackCredits = { trackId: dto.track_id, artists: [artist] };
    if (dto.track_id) trackByRowId.set(dto.track_id, track);
    tracks.push(track);
  });

  if (details.length) throw new ValidationFailedError(details);
  return tracks;
}

function extractElements(body: unknown): unknown[] {
  let elements: unknown;
  if (Array.isArray(body)) elements = body;
  else if (isObject(body) && Array.isArray(body.tracks)) elements = body.tracks;
  else if (isObject(body) && Array.isArray(body.items)) elements = body.items;
  else throw ValidationFailedError.field('body', EXPECTED);
  const list = elements as unknown[];
  if (list.length === 0)
    throw ValidationFailedError.field('tracks', 'must contain at least one track');
  if (list.length > MAX_ARTIST_ROWS) {
    throw ValidationFailedError.field('tracks', `must contain at most ${MAX_ARTIST_ROWS} tracks`);
  }
  return list;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
