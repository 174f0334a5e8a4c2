import {
  IsOptional,
  IsString,
  MaxLength,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import { AudioFeaturesDto } from './audio-features.dto';

/** Accepts an ISO-8601 string, `2023-08-12 19:28:48.750385`, or epoch milliseconds (pandas to_json). */
export function IsPlayTime(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPlayTime',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => parsePlayTime(value) !== undefined,
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} must be an ISO-8601 date-time (2023-08-10T15:47:50.611Z), "2023-08-12 19:28:48.750385" or epoch milliseconds`,
      },
    });
}

const FULL_ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const NAIVE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parsePlayTime(value: unknown): Date | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) < 8.64e15 ? new Date(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  if (FULL_ISO_TIMESTAMP.test(value)) {
    // The common case (Spotify's played_at): Date.parse reads it as it is.
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  const text = value.trim();
  let normalised: string;
  if (NAIVE_TIMESTAMP.test(text)) {
    // A naive timestamp (Python's str(datetime)) is read as UTC; keep millisecond precision.
    normalised = text.replace(' ', 'T').replace(/(\.\d{3})\d+$/, '$1') + 'Z';
  } else if (ISO_TIMESTAMP.test(text)) {
    normalised = text.replace(/(\.\d{3})\d+/, '$1');
  } else {
    return undefined;
  }
  const date = new Date(normalised);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * One track as the client sends it: a Spotify audio-features object (the 13 features, each checked
 * against its rule in AUDIO_FEATURE_RULES) plus its play time. Every field is validated by path
 * (`tracks[3].energy`). Unknown Spotify fields are ignored.
 */
export class TrackFeaturesDto extends AudioFeaturesDto {
  /** Spotify track id */
  @IsOptional()
  @MaxLength(128)
  @IsString()
  id?: string;

  /** When the track was played (ISO-8601). */
  @IsOptional()
  @IsPlayTime()
  played_at?: string | number;

  /** Play time as some exports write it: `2023-08-12 19:28:48.750385` (UTC). */
  @IsOptional()
  @IsPlayTime()
  ts?: string | number;

  /** Mood label (training data only; ignored elsewhere). */
  @IsOptional()
  @MaxLength(64)
  @IsString()
  tag?: string;

  /** Playlist id (training data only). */
  @IsOptional()
  @MaxLength(128)
  @IsString()
  playlist?: string;
}
