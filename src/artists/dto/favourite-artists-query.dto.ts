import { OptionalIntQuery } from '../../common/validation/optional-int-query';

export class FavouriteArtistsQueryDto {
  /** How many artists to return, most played first. */
  @OptionalIntQuery(1, 100)
  limit: number = 20;
}
