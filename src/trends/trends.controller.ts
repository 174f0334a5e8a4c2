import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTracksBody, type ListeningTracks } from '../common/tracks';
import { ListeningBodyPipe } from '../listening/listening-body.pipe';
import metricsExample from '../../data/examples/metrics.json';
import { TrendsQueryDto } from './dto/trends-query.dto';
import { TrendsResponseDto } from './dto/trends-response.dto';
import { LISTENING_HISTORY, type TrendMetric } from './trend-metrics';
import { TrendsService } from './trends.service';

@ApiTags('trends')
@Controller()
export class TrendsController {
  constructor(private readonly trends: TrendsService) {}

  /**
   * Target audio features for the next songs: one Prophet model per feature, fitted on the tracks in
   * play order (`played_at` or `ts`), forecast `periods` steps of `freq` beyond the last play and
   * clamped to the feature's range; plus a ready-made query for Spotify's recommendations call.
   */
  @Post('metrics')
  @HttpCode(200)
  @ApiOperation({ summary: "Prophet trend of the listener's audio features → target metrics" })
  @ApiTracksBody(
    'Tracks the listener played, each with `played_at` (or `ts`).',
    metricsExample,
    LISTENING_HISTORY,
  )
  @ApiOkResponse({ type: TrendsResponseDto })
  @ApiBadRequestResponse({
    description: 'Body of the wrong shape, a bad field (named by path), fewer than two play times',
  })
  metrics(
    @Body(ListeningBodyPipe(LISTENING_HISTORY))
    tracks: ListeningTracks<TrendMetric>,
    @Query() query: TrendsQueryDto,
  ): Promise<TrendsResponseDto> {
    return this.trends.forecastTargets(tracks, query);
  }
}
