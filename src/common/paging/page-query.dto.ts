import { OptionalIntQuery } from '../validation/optional-int-query';

/** `limit` and `offset` of a paged list, newest first. */
export class PageQueryDto {
  /** At most this many items, newest first. */
  @OptionalIntQuery(1, 100)
  limit: number = 20;

  /** Skip this many items. */
  @OptionalIntQuery(0)
  offset: number = 0;
}
