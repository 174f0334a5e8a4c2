import { ResolvedCountsDto, SkippedRowDto } from '../../common/tracks/skipped-row.dto';

export class FavouriteArtistDto {
  /** Spotify id; null for an artist the body names without one and the catalog does not know. @example "1jv0ypJ4iDSGLYvAb5Ylun" */
  artist_id!: string | null;
  /** @example "Extremoduro" */
  artist_name!: string;
  /** Spotify Web API address of the artist, when known. */
  href!: string | null;
  /** Number of the listener's tracks (plays, for a listening history) credited to this artist. @example 21 */
  counter!: number;
  /** Listening time of those plays in ms, where the body says how long each lasted (exports); else null. @example 4512000 */
  ms_played!: number | null;
}

export class FavouriteArtistsResponseDto {
  /** Most played first; ties by name. */
  artists!: FavouriteArtistDto[];
  /** Number of tracks (plays) counted. @example 73 */
  total_tracks!: number;
  /** How the rows were resolved (artist rows and track objects count as `given`). */
  resolved!: ResolvedCountsDto;
  /** Rows not counted (podcasts, short plays, skips, ids the catalog lacks), with the reason. */
  skipped!: SkippedRowDto[];
}
