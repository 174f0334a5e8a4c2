import { NotFoundError } from '../common/errors';

/** 404: the catalog holds no track with this id. */
export class TrackNotFoundError extends NotFoundError {
  constructor(id: string) {
    super(`No track ${id} in the catalog`, 'TRACK_NOT_FOUND');
  }
}
