import { Controller, Get, Param, type PipeTransform, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { TrackView } from '../catalog/catalog-track';
import { EXAMPLE_TRACK_ID } from '../catalog/dto/catalog.examples';
import {
  AudioFeaturesListResponseDto,
  AudioFeaturesObjectDto,
} from './dto/audio-features-response.dto';
import { EXAMPLE_ARTIST, EXAMPLE_TRACK_IDS } from './dto/lookups.examples';
import { RelatedArtistsResponseDto } from './dto/related-artists-response.dto';
import { GenreSeedsResponseDto, TracksListResponseDto } from './dto/tracks-response.dto';
import { RelatedArtistsService } from './related-artists.service';
import {
  AUDIO_FEATURES_MAX_IDS,
  parseIdsQuery,
  parseTrackIdParameter,
  TRACKS_MAX_IDS,
} from './spotify-ids-query';
import { TrackLookupsService } from './track-lookups.service';

/** The query string of a multi-get: its track ids, in order (400 naming each bad one). */
class IdsQueryPipe implements PipeTransform<Record<string, unknown>, string[]> {
  constructor(private readonly limit: number) {}

  transform(raw: Record<string, unknown>): string[] {
    return parseIdsQuery(raw ?? {}, this.limit);
  }
}

const LOADING = 'CATALOG_LOADING: the catalog is still being loaded after a start';
const idsQuery = (limit: number) =>
  ApiQuery({
    name: 'ids',
    description: `1 to ${limit} comma-separated Spotify track ids, spotify:track: URIs or open.spotify.com links.`,
    example: EXAMPLE_TRACK_IDS,
  });
const MARKET_QUERY = ApiQuery({
  name: 'market',
  required: false,
  description: "Spotify's market: accepted and ignored (the catalog holds one version of a track).",
});
const BAD_IDS =
  'ids missing, empty or over the limit; an item that is not a track id, URI or link (named ids[i]); an unknown parameter';

/**
 * Spotify's closed lookups, answered from the catalog in Spotify's shapes, so that an app written
 * against api.spotify.com/v1 works by changing its base URL to this service's /api/v1.
 */
@ApiTags('spotify lookups')
@Controller()
export class CatalogLookupsController {
  constructor(
    private readonly tracks: TrackLookupsService,
    private readonly related: RelatedArtistsService,
  ) {}

  /** Spotify's GET /v1/audio-features?ids=: one object per id, in order, null where unknown. */
  @Get('audio-features')
  @ApiOperation({ summary: 'Audio features of several tracks (Spotify contract)' })
  @idsQuery(AUDIO_FEATURES_MAX_IDS)
  @ApiOkResponse({ type: AudioFeaturesListResponseDto })
  @ApiBadRequestResponse({ description: BAD_IDS })
  @ApiServiceUnavailableResponse({ description: LOADING })
  audioFeatures(
    @Query(new IdsQueryPipe(AUDIO_FEATURES_MAX_IDS)) ids: string[],
  ): AudioFeaturesListResponseDto {
    return this.tracks.audioFeatures(ids);
  }

  /** Spotify's GET /v1/audio-features/{id}. */
  @Get('audio-features/:id')
  @ApiOperation({ summary: "One track's audio features (Spotify contract)" })
  @ApiParam({
    name: 'id',
    description: 'A Spotify track id, spotify:track: URI or (URL-encoded) open.spotify.com link',
    example: EXAMPLE_TRACK_ID,
  })
  @ApiOkResponse({ type: AudioFeaturesObjectDto })
  @ApiBadRequestResponse({ description: 'id is not a track id, URI or link' })
  @ApiNotFoundResponse({ description: 'TRACK_NOT_FOUND' })
  @ApiServiceUnavailableResponse({ description: LOADING })
  audioFeaturesOf(@Param('id') id: string): AudioFeaturesObjectDto {
    return this.tracks.audioFeaturesOf(parseTrackIdParameter(id));
  }

  /** Spotify's GET /v1/tracks?ids=: the catalog's track view per id, in order, null where unknown. */
  @Get('tracks')
  @ApiOperation({ summary: "Several tracks (Spotify contract, the catalog's track view)" })
  @idsQuery(TRACKS_MAX_IDS)
  @MARKET_QUERY
  @ApiOkResponse({ type: TracksListResponseDto })
  @ApiBadRequestResponse({ description: BAD_IDS })
  @ApiServiceUnavailableResponse({ description: LOADING })
  tracksOf(@Query(new IdsQueryPipe(TRACKS_MAX_IDS)) ids: string[]): {
    tracks: (TrackView | null)[];
  } {
    return this.tracks.tracks(ids);
  }

  /** Spotify's GET /v1/recommendations/available-genre-seeds: the catalog's genres, sorted. */
  @Get('recommendations/available-genre-seeds')
  @ApiOperation({ summary: 'Genres recommendations can be seeded with (Spotify contract)' })
  @ApiOkResponse({ type: GenreSeedsResponseDto })
  @ApiServiceUnavailableResponse({ description: LOADING })
  genreSeeds(): GenreSeedsResponseDto {
    return this.tracks.genreSeeds();
  }

  /**
   * Spotify's GET /v1/artists/{id}/related-artists: up to 20 artists, most related first, never
   * the artist itself, scored from their genres and sound (and playlists shared, where the catalog
   * knows playlists). By artist id, or by name where the catalog credits artists by name only.
   */
  @Get('artists/:id/related-artists')
  @ApiOperation({ summary: 'Artists related to an artist (Spotify contract), from the catalog' })
  @ApiParam({
    name: 'id',
    description:
      "A Spotify artist id (or spotify:artist: URI), or the artist's name (case ignored) where the catalog has no artist ids",
    example: EXAMPLE_ARTIST,
  })
  @ApiOkResponse({ type: RelatedArtistsResponseDto })
  @ApiBadRequestResponse({ description: 'id is empty or too long' })
  @ApiNotFoundResponse({ description: 'ARTIST_NOT_FOUND' })
  @ApiServiceUnavailableResponse({ description: LOADING })
  relatedArtists(@Param('id') id: string): RelatedArtistsResponseDto {
    return this.related.relatedTo(id);
  }
}
