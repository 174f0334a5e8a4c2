import { ApiProperty } from '@nestjs/swagger';
import type { TrackView } from '../../catalog/catalog-track';
import { TrackViewResponseDto } from '../../catalog/dto/track-view-response.dto';

export class TracksListResponseDto {
  @ApiProperty({
    type: TrackViewResponseDto,
    isArray: true,
    nullable: true,
    description:
      "One entry per id asked for, in order: the catalog's track view (Spotify's simplified track plus genres and features), null where the catalog lacks the track.",
  })
  tracks!: (TrackView | null)[];
}

export class GenreSeedsResponseDto {
  /**
   * Every genre of the catalog's tracks, sorted (by UTF-16 code unit, as JavaScript sorts).
   * @example ["album rock", "big room", "classic rock", "dance pop", "edm"]
   */
  genres!: string[];
}
