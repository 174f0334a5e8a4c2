import { Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ErrorDetail, flattenValidationErrors, ValidationFailedError } from '../errors';
import { compileQuickCheck } from '../validation/quick-check';
import {
  AUDIO_FEATURES,
  type AudioFeature,
  ParsedTracks,
  SkippedRow,
  Track,
} from './audio-features';
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

/** Fields copied from a client's row; everything else (uri, track_href, …) is ignored. */
const KNOWN_FIELDS = [...AUDIO_FEATURES, 'id', 'played_at', 'ts', 'tag', 'playlist'] as const;
export /** TrackFeaturesDto's own rules, compiled: validateSync runs only for rows that fail them. */
const isValidTrack = compileQuickCheck(TrackFeaturesDto);
export const DEFAULT_MAX_TRACKS = 20_000;

export const EXPECTED_SHAPES =
  'expected a JSON array of tracks, an object {"tracks": [...]}, or a pandas column-oriented object ({"danceability": {"0": 0.78, ...}, ...})';

interface RawRow {
  label: string;
  value: unknown;
}

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
      if (!valid) {
        const dto = plainToInstance(TrackFeaturesDto, fields);
        const errors = validateSync(dto, { forbidUnknownValues: false, stopAtFirstError: true });
        details.push(...flattenValidationErrors(errors, path));
      }
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
  return columnsToRows(record);
}

/** pandas `DataFrame.to_json()` (orient="columns"): `{ column: { rowLabel: value } }`. */
function columnsToRows(columns: Record<string, unknown>): RawRow[] {
  const names = Object.keys(columns);
  const featureColumns = names.filter((name) =>
    (AUDIO_FEATURES as readonly string[]).includes(name),
  );
  if (featureColumns.length === 0) {
    throw ValidationFailedError.field('body', EXPECTED_SHAPES);
  }
  const labels: string[] = [];
  const seen = new Set<string>();
  const rowsByLabel = new Map<string, Record<string, unknown>>();
  for (const name of names) {
    if (!(KNOWN_FIELDS as readonly string[]).includes(name)) continue;
    const column = columns[name];
    if (typeof column !== 'object' || column === null || Array.isArray(column)) {
      throw ValidationFailedError.field(
        name,
        'must be an object of row label → value (pandas column-oriented JSON)',
      );
    }
    for (const [label, value] of Object.entries(column as Record<string, unknown>)) {
      if (!seen.has(label)) {
        seen.add(label);
        labels.push(label);
        rowsByLabel.set(label, {});
      }
      rowsByLabel.get(label)![name] = value;
    }
  }
  if (labels.every((label) => /^\d+$/.test(label))) {
    labels.sort((a, b) => Number(a) - Number(b));
  }
  return labels.map((label) => ({ label, value: rowsByLabel.get(label) }));
}

/** Per KNOWN_FIELDS entry: is it an audio feature (looked up once, not per row). */
const KNOWN_FIELD_IS_FEATURE = KNOWN_FIELDS.map((name) =>
  (AUDIO_FEATURES as readonly string[]).includes(name),
);

function pickKnownFields(value: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i < KNOWN_FIELDS.length; i++) {
    const name = KNOWN_FIELDS[i];
    const field = value[name];
    // pandas writes NaN as null and exports write "" for unknown text: both mean "no value"
    // (an empty feature is kept, to be reported as not a number).
    if (field === undefined || field === null || (field === '' && !KNOWN_FIELD_IS_FEATURE[i])) {
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(value, name)) fields[name] = field;
  }
  return fields;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
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
