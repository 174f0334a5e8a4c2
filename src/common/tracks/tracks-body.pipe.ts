import { Injectable, PipeTransform } from '@nestjs/common';
import { ErrorDetail, ValidationFailedError } from '../errors';
import {
  AUDIO_FEATURES,
  type AudioFeature,
  ParsedTracks,
  SkippedRow,
  Track,
} from './audio-features';
import { isBlank, isValidTrack, pickKnownFields, trackFieldProblems } from './feature-fields';
import { columnsToRows, hasFeatureColumns, type RawRow } from './pandas-columns';
import { parsePlayTime, TrackFeaturesDto } from './track-features.dto';

export interface TracksBodyOptions<Needed extends AudioFeature = AudioFeature> {
  /** Rows without a `tag` are skipped (training data). Default false: `tag` is ignored. */
  labelled?: boolean;
  /** Upper bound on rows, so a huge body cannot stall the event loop. */
  maxTracks?: number;
  /**
   * The audio features every track must have for this call: one missing is a 400 naming it by path
   * (`tracks[3].energy` is required). The others may be absent (several sources lack `key` or
   * `time_signature`), and are checked against their rules where present. Default: all 13.
   */
  requiredFeatures?: readonly Needed[];
}

export const DEFAULT_MAX_TRACKS = 20_000;

export const EXPECTED_SHAPES =
  'expected a JSON array of tracks, an object {"tracks": [...]}, or a pandas column-oriented object ({"danceability": {"0": 0.78, ...}, ...})';

/**
 * Normalises the three accepted body shapes into one validated list of tracks, each with the
 * features the route requires (`requiredFeatures`). Rows whose audio features are all missing
 * (Spotify's "analysis not found") are skipped and reported, not rejected.
 */
@Injectable()
export class TracksBodyPipe<Needed extends AudioFeature = AudioFeature> implements PipeTransform<
  unknown,
  ParsedTracks<Needed>
> {
  constructor(readonly options: TracksBodyOptions<Needed> = {}) {}

  transform(body: unknown): ParsedTracks<Needed> {
    return parseTracksBody(body, this.options);
  }
}

export function parseTracksBody<Needed extends AudioFeature = AudioFeature>(
  body: unknown,
  options: TracksBodyOptions<Needed> = {},
): ParsedTracks<Needed> {
  const rows = extractRows(body);
  const maxTracks = options.maxTracks ?? DEFAULT_MAX_TRACKS;
  const required: readonly AudioFeature[] = options.requiredFeatures ?? AUDIO_FEATURES;
  if (rows.length === 0) {
    throw ValidationFailedError.field('tracks', 'must contain at least one track');
  }
  if (rows.length > maxTracks) {
    throw ValidationFailedError.field('tracks', `must contain at most ${maxTracks} tracks`);
  }

  const tracks: Track<Needed>[] = [];
  const skipped: SkippedRow[] = [];
  const details: ErrorDetail[] = [];

  rows.forEach(({ label, value }, row) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const path = `tracks[${label}]`;
      details.push({ path, message: 'must be an object (a Spotify audio-features object)' });
      return;
    }
    const fields = pickKnownFields(value as Record<string, unknown>);
    const id = typeof fields.id === 'string' && fields.id !== '' ? fields.id : undefined;
    if (AUDIO_FEATURES.every((feature) => isBlank(fields[feature]))) {
      skipped.push({ row, id, reason: 'no audio features (Spotify: analysis not found)' });
      return;
    }
    if (options.labelled && isBlank(fields.tag)) {
      skipped.push({ row, id, reason: 'no mood tag' });
      return;
    }
    const valid = isValidTrack(fields);
    const complete = required.every((feature) => fields[feature] !== undefined);
    if (!valid || !complete) {
      const path = `tracks[${label}]`;
      for (const feature of required) {
        if (fields[feature] === undefined) {
          details.push({ path: `${path}.${feature}`, message: 'is required' });
        }
      }
      if (!valid) details.push(...trackFieldProblems(fields, path));
      return;
    }
    tracks.push(toTrack(fields as TrackFeaturesDto, row, label, options));
  });

  if (details.length > 0) throw new ValidationFailedError(details);
  return { tracks, skipped };
}

function extractRows(body: unknown): RawRow[] {
  if (Array.isArray(body)) {
    return (body as unknown[]).map((value, index) => ({ label: String(index), value }));
  }
  if (typeof body !== 'object' || body === null) {
    throw ValidationFailedError.field('body', EXPECTED_SHAPES);
  }
  const record = body as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(record, 'tracks')) {
    if (!Array.isArray(record.tracks)) {
      throw ValidationFailedError.field('tracks', 'must be an array of tracks');
    }
    return (record.tracks as unknown[]).map((value, index) => ({ label: String(index), value }));
  }
  if (!hasFeatureColumns(record)) throw ValidationFailedError.field('body', EXPECTED_SHAPES);
  return columnsToRows(record);
}

/** The validated row as a track; features it lacks stay undefined. */
function toTrack<Needed extends AudioFeature>(
  dto: TrackFeaturesDto,
  row: number,
  label: string,
  options: TracksBodyOptions<Needed>,
): Track<Needed> {
  const playedAt = parsePlayTime(dto.played_at ?? dto.ts);
  const track = { row, label } as Track<Needed>;
  for (const feature of AUDIO_FEATURES) track[feature] = dto[feature];
  if (dto.id) track.id = dto.id;
  if (playedAt) track.playedAt = playedAt;
  if (options.labelled && dto.tag) track.tag = dto.tag;
  if (options.labelled && dto.playlist) track.playlist = dto.playlist;
  return track;
}
