import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type ErrorDetail, flattenValidationErrors } from '../errors';
import { compileQuickCheck } from '../validation/quick-check';
import { AUDIO_FEATURES } from './audio-features';
import { TrackFeaturesDto } from './track-features.dto';

/**
 * A client's audio-features row as the service reads it: the 13 features plus `id`, a play time and
 * the training labels. Everything else (uri, track_href, …) is ignored.
 */
export const KNOWN_FIELDS = [
  ...AUDIO_FEATURES,
  'id',
  'played_at',
  'ts',
  'tag',
  'playlist',
] as const;

/** TrackFeaturesDto's own rules, compiled: validateSync runs only for rows that fail them. */
export const isValidTrack = compileQuickCheck(TrackFeaturesDto);

/** Per KNOWN_FIELDS entry: is it an audio feature (looked up once, not per row). */
const KNOWN_FIELD_IS_FEATURE = KNOWN_FIELDS.map((name) =>
  (AUDIO_FEATURES as readonly string[]).includes(name),
);

/** The row's known fields that hold a value (own properties only). */
export function pickKnownFields(value: Record<string, unknown>): Record<string, unknown> {
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

export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** class-validator's messages for a row that failed the quick check, each named by path. */
export function trackFieldProblems(fields: Record<string, unknown>, path: string): ErrorDetail[] {
  const dto = plainToInstance(TrackFeaturesDto, fields);
  const errors = validateSync(dto, { forbidUnknownValues: false, stopAtFirstError: true });
  return flattenValidationErrors(errors, path);
}
