import { OptionalIntQuery } from '../../common/validation/optional-int-query';

export const MAX_RECENT = 100;
export const MAX_NEIGHBOURS = 50;

export class SimilarityQueryDto {
  /** How many of the most recently played distinct tracks to use as queries. */
  @OptionalIntQuery(1, MAX_RECENT)
  recent: number = 5;

  /** Neighbours per query, nearest first. Must not exceed the candidate pool. */
  @OptionalIntQuery(1, MAX_NEIGHBOURS)
  k: number = 1;
}
