import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_RECENT = 100;
export const MAX_NEIGHBOURS = 50;

export class SimilarityQueryDto {
  /** How many of the most recently played distinct tracks to use as queries. */
  @IsOptional()
  @Type(() => Number)
  @Min(1)
  @Max(MAX_RECENT)
  @IsInt()
  recent: number = 5;

  /** Neighbours per query, nearest first. Must not exceed the candidate pool. */
  @IsOptional()
  @Type(() => Number)
  @Min(1)
  @Max(MAX_NEIGHBOURS)
  @IsInt()
  k: number = 1;
}
