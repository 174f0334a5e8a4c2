import { ApiProperty } from '@nestjs/swagger';

export class RelatednessDto {
  /** The weighted mean of the terms below, 0–1; the artists are sorted by it. @example 0.8412 */
  score!: number;
  /** Cosine similarity of the two artists' genres, rarer genres weighing more, 0–1. @example 0.9531 */
  genres!: number;
  /** exp(−mean squared standardised difference) of their tracks' mean sound, 0–1. @example 0.7293 */
  sound!: number;
  @ApiProperty({
    type: 'number',
    nullable: true,
    description: 'Playlist co-membership, 0–1; null while the catalog knows no playlists.',
    example: null,
  })
  playlists!: number | null;
}

/** Spotify's artist object, as far as the catalog knows the artist. */
export class RelatedArtistDto {
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Spotify artist id; null where the catalog knows the artist by name only.',
    example: null,
  })
  id!: string | null;
  /** @example "Shawn Mendes" */
  name!: string;
  @ApiProperty({ type: 'string', nullable: true, example: null })
  uri!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: null })
  href!: string | null;
  @ApiProperty({
    description: "Spotify's page of the artist where the id is known; {} otherwise.",
    example: {},
  })
  external_urls!: { spotify?: string };
  /** The genres of the artist's catalog tracks, those most of them carry first. @example ["pop", "dance pop", "post-teen pop"] */
  genres!: string[];
  @ApiProperty({ enum: ['artist'], example: 'artist' })
  type!: 'artist';
  /** Why the artist is related: the score and its terms (not in Spotify's object). */
  relatedness!: RelatednessDto;
}

export class RelatedArtistsResponseDto {
  /** Up to 20, most related first; never the artist asked about. */
  artists!: RelatedArtistDto[];
}
