import { Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ErrorDetail, flattenValidationErrors, ValidationFailedError } from '../common/errors';
import { compileQuickCheck } from '../common/validation/quick-check';
import { ArtistRowDto, SpotifyTrackDto } from './dto/artist-credit.dto';

export interface CreditedArtist {
  id: string;
  name: string;
  href: string | null;
}

/** The artists credited on one of the listener's tracks. */
export interface TrackCredits {
  trackId?: string;
  artists: CreditedArtist[];
}

const EXPECTED =
  'expected a JSON array (or {"tracks": [...]}) of {track_id, artist_id, artist_name, href} rows or Spotify track objects {id, name, artists: [{id, name, href}]}';
/** ArtistRowDto's rules compiled (see compileQuickCheck): validateSync only for failing rows. */
const isValidArtistRow = compileQuickCheck(ArtistRowDto);
export const MAX_ARTIST_ROWS = 50_000;

/**
 * Reads the listener's tracks either as artist rows (one row per track–artist pair; rows of one
 * `track_id` are one track) or as Spotify track objects (also wrapped as playlist/recently-played
 * items `{track: {...}}`), validating each element by path.
 */
@Injectable()
export class ArtistCreditsPipe implements PipeTransform<unknown, TrackCredits[]> {
  transform(body: unknown): TrackCredits[] {
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
