import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `limit` and `offset` of a paged list, newest first. */
export class PageQueryDto {
  /** At most this many items, newest first. */
  @IsOptional()
  @Type(() => Number)
  @Min(1)
  @Max(100)
  @IsInt()
  limit: number = 20;

  /** Skip this many items. */
  @IsOptional()
  @Type(() => Number)
  @Min(0)
  @IsInt()
  offset: number = 0;
}
