import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class ListRunsQueryDto {
  /** At most this many runs, newest first. */
  @IsOptional()
  @Type(() => Number)
  @Min(1)
  @Max(100)
  @IsInt()
  limit: number = 20;

  /** Skip this many runs. */
  @IsOptional()
  @Type(() => Number)
  @Min(0)
  @IsInt()
  offset: number = 0;
}
