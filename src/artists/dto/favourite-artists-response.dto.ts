export class FavouriteArtistDto {
  /** @example "1jv0ypJ4iDSGLYvAb5Ylun" */
  artist_id!: string;
  /** @example "Extremoduro" */
  artist_name!: string;
  /** Spotify Web API address of the artist, when the input carried one. */
  href!: string | null;
  /** Number of the listener's tracks credited to this artist. @example 21 */
  counter!: number;
}

export class FavouriteArtistsResponseDto {
  /** Most played first; ties by name. */
  artists!: FavouriteArtistDto[];
  /** Number of tracks in the input. @example 73 */
  total_tracks!: number;
}
