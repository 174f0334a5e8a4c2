import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import { parsePlayTime } from './play-time';

export { parsePlayTime };

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

/**
 * One track as the client sends it: a Spotify audio-features object plus its play time. The value rules
 * are DESIGN's; every field is validated by path (`tracks[3].energy`). Unknown Spotify fields are ignored.
 */
export class TrackFeaturesDto {
  /** Spotify track id */
  @IsOptional()
  @MaxLength(128)
  @IsString()
  id?: string;

  /** When the track was played (ISO-8601). */
  @IsOptional()
  @IsPlayTime()
  played_at?: string | number;

  /** Play time as the original service's exports write it: `2023-08-12 19:28:48.750385` (UTC). */
  @IsOptional()
  @IsPlayTime()
  ts?: string | number;

  /** @example 0.565 */
  @Min(0)
  @Max(1)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  danceability!: number;

  /** @example 0.636 */
  @Min(0)
  @Max(1)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  energy!: number;

  /** Pitch class, -1 when no key was detected. @example 0 */
  @Min(-1)
  @Max(11)
  @IsInt()
  key!: number;

  /** Decibels, typically -60…0 (accepted: -100…20). @example -8.198 */
  @Min(-100)
  @Max(20)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  loudness!: number;

  /** 1 major, 0 minor. @example 1 */
  @IsIn([0, 1])
  mode!: number;

  /** @example 0.0638 */
  @Min(0)
  @Max(1)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  speechiness!: number;

  /** @example 0.107 */
  @Min(0)
  @Max(1)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  acousticness!: number;

  /** @example 0.0000099 */
  @Min(0)
  @Max(1)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  instrumentalness!: number;

  /** @example 0.447 */
  @Min(0)
  @Max(1)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  liveness!: number;

  /** @example 0.525 */
  @Min(0)
  @Max(1)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  valence!: number;

  /** Beats per minute. @example 170.01 */
  @Min(0)
  @Max(1000)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  tempo!: number;

  /** @example 179551 */
  @IsPositive()
  @Max(86_400_000)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  duration_ms!: number;

  /** Estimated beats per bar, 0–7 in Spotify's data. @example 4 */
  @Min(0)
  @Max(12)
  @IsInt()
  time_signature!: number;

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

/** `{ "tracks": [...] }`, one of the three accepted body shapes. */
export class TracksBodyDto {
  tracks!: TrackFeaturesDto[];
}
