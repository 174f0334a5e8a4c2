import { NotFoundError } from '../common/errors';

/** 404: the catalog credits no track to an artist of this id or name. */
export class ArtistNotFoundError extends NotFoundError {
  constructor(idOrName: string) {
    super(
      `No artist ${JSON.stringify(idOrName)} in the catalog (by Spotify id, or by name ignoring case)`,
      'ARTIST_NOT_FOUND',
    );
  }
}
