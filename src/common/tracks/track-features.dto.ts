import {
  IsOptional,
  IsString,
  MaxLength,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import { PartialAudioFeaturesDto } from './audio-features.dto';
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
 * One track as the client sends it: a Spotify audio-features object (the 13 features, each checked
 * against its rule in AUDIO_FEATURE_RULES where present) plus its play time. Every field is validated
 * by path (`tracks[3].energy`); which features must be present depends on the call
 * (TracksBodyOptions.requiredFeatures). Unknown Spotify fields are ignored.
 */
export class TrackFeaturesDto extends PartialAudioFeaturesDto {
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
