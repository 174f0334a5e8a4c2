import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArtistCreditsPipe, type ListenerCredits } from './artist-credits.pipe';
import { ArtistsService } from './artists.service';
import favouriteArtistsExample from '../../data/examples/favourite-artists.json';
import favouriteArtistsSpotifyExample from '../../data/examples/favourite-artists-spotify.json';
import { FavouriteArtistsQueryDto } from './dto/favourite-artists-query.dto';
import { FavouriteArtistsResponseDto } from './dto/favourite-artists-response.dto';

@ApiTags('artists')
@Controller()
export class ArtistsController {
  constructor(private readonly artists: ArtistsService) {}

  /**
   * The listener's favourite artists, by number of their tracks. Body: rows of one track–artist
   * pair each, `{track_id, href, artist_id, artist_name}`, or Spotify track objects
   * `{id, name, artists: [...]}` (a track with several artists counts for each), as an array,
   * `{tracks: [...]}` or `{items: [...]}`.
   */
  @Post('favourite_artists')
  @HttpCode(200)
  @ApiOperation({ summary: "The listener's top artists by number of tracks" })
  @ApiBody({
    schema: { type: 'array', items: { type: 'object' } },
    examples: {
      artistRows: {
        summary: 'Rows of one track–artist pair each',
        value: favouriteArtistsExample,
      },
      spotifyTracks: {
        summary: 'Spotify track objects',
        value: favouriteArtistsSpotifyExample,
      },
    },
  })
  @ApiBadRequestResponse({ description: 'Body of the wrong shape, or a bad field (named by path)' })
  favouriteArtists(
    @Body(ArtistCreditsPipe) tracks: ListenerCredits,
    @Query() query: FavouriteArtistsQueryDto,
  ): FavouriteArtistsResponseDto {
    return this.artists.favouriteArtists(tracks, query.limit);
  }
}
