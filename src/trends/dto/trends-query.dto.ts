import { Type } from 'class-transformer';
import { IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { OptionalIntQuery } from '../../common/validation/optional-int-query';

/** `30s`, `1min`, `2h` (pandas-style `S`, `T`, `H` too); the number defaults to 1. */
export const FREQUENCY_PATTERN =
  /^\s*(\d{1,6})?\s*(s|sec|secs|second|seconds|t|min|mins|minute|minutes|h|hr|hrs|hour|hours)\s*$/i;
export const MAX_STEP_SECONDS = 7 * 24 * 3600;

/** Seconds in one step of a frequency that matched FREQUENCY_PATTERN. */
export function frequencySeconds(freq: string): number {
  const match = FREQUENCY_PATTERN.exec(freq);
  if (!match) throw new Error(`Not a frequency: ${freq}`);
  const unit = match[2].toLowerCase();
  const unitSeconds = unit.startsWith('s') ? 1 : unit.startsWith('h') ? 3600 : 60;
  return Number(match[1] ?? 1) * unitSeconds;
}

export class TrendsQueryDto {
  /** Steps to forecast beyond the last play; the targets are the forecast at the last step. */
  @OptionalIntQuery(1, 1000)
  periods: number = 10;

  /** Length of one step: a number and a unit, `s`, `min` or `h` (e.g. `30s`, `1min`, `2h`). */
  @IsOptional()
  @Matches(FREQUENCY_PATTERN, {
    message: 'freq must be a number and a unit s, min or h, e.g. 30s, 1min or 2h',
  })
  @IsString()
  freq: string = '1min';

  /** Width of an uncertainty interval to add (e.g. 0.8 for 80%); none when absent. */
  @IsOptional()
  @Type(() => Number)
  @Min(0.01)
  @Max(0.99)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  interval?: number;
}
