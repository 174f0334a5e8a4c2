import { OptionalIntQuery } from '../../common/validation/optional-int-query';

export class ListRunsQueryDto {
  /** At most this many runs, newest first. */
  @OptionalIntQuery(1, 100)
  limit: number = 20;

  /** Skip this many runs. */
  @OptionalIntQuery(0)
  offset: number = 0;
}
