import { ApiProperty } from '@nestjs/swagger';
import type { CatalogFeatures, TrackView } from '../catalog-track';
import { EXAMPLE_FEATURES } from './catalog.examples';

export class TrackArtistDto {
  /** @example "6eUKZXaKkcviH0Ku9w2n3V" */
  id!: string | null;
  /** @example "Ed Sheeran" */
  name!: string;
  /** @example "spotify:artist:6eUKZXaKkcviH0Ku9w2n3V" */
  uri!: string | null;
}

export class TrackAlbumDto {
  /** @example "2oCs0DGTsRO98Gh5ZSl2Cx" */
  id!: string | null;
  /** @example "I Don't Care (with Justin Bieber) [Loud Luxury Remix]" */
  name!: string | null;
  /** As the source gave it: YYYY-MM-DD, YYYY-MM or YYYY. @example "2019-06-14" */
  release_date!: string | null;
}

/** Spotify's simplified track, plus `genres` and the 13 audio `features` (null where unknown). */
export class TrackViewResponseDto implements TrackView {
  /** @example "6f807x0ima9a1j3VPbc7VN" */
  id!: string;
  /** @example "I Don't Care (with Justin Bieber) - Loud Luxury Remix" */
  name!: string | null;
  /** @example "spotify:track:6f807x0ima9a1j3VPbc7VN" */
  uri!: string;
  /** @example "https://api.spotify.com/v1/tracks/6f807x0ima9a1j3VPbc7VN" */
  href!: string;
  /** @example {"spotify": "https://open.spotify.com/track/6f807x0ima9a1j3VPbc7VN"} */
  external_urls!: { spotify: string };
  artists!: TrackArtistDto[];
  album!: TrackAlbumDto;
  /** @example 194754 */
  duration_ms!: number | null;
  explicit!: boolean | null;
  /** @example 66 */
  popularity!: number | null;
  /** @example ["dance pop", "pop"] */
  genres!: string[];
  @ApiProperty({
    description: 'The 13 audio features, null where the catalog lacks one.',
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    example: EXAMPLE_FEATURES,
  })
  features!: CatalogFeatures;
}
