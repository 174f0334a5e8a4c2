import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ListeningBodyPipe } from '../listening/listening-body.pipe';
import { ApiTracksBody, type ListeningTracks } from '../common/tracks';
import { LISTENING_HISTORY, type TrendMetric } from '../trends/trend-metrics';
import {
  HistoryRecommendationsQueryDto,
  RecommendationsQueryDto,
} from './dto/recommendations-query.dto';
import {
  HistoryRecommendationsResponseDto,
  RecommendationsResponseDto,
} from './dto/recommendations-response.dto';
import { HISTORY_EXAMPLE } from './dto/recommendations.examples';
import type { RecommendationsQuery } from './recommendation-parameters';
import {
  HistoryRecommendationsQueryPipe,
  RecommendationsQueryPipe,
} from './recommendations-query.pipe';
import { RecommendationsService } from './recommendations.service';

const CATALOG_UNAVAILABLE =
  'CATALOG_EMPTY: no catalog imported yet; CATALOG_LOADING: still loading after a start';

@ApiTags('recommendations')
@Controller('recommendations')
export class RecommendationsController {
  constructor(private readonly recommendations: RecommendationsService) {}

  /**
   * Spotify's legacy GET /v1/recommendations, answered from the catalog: 1 to 5 seeds (tracks,
   * artists, genres), min_/max_ bounds, target_ preferences; plus exclusions, an artist cap, a mood
   * and explanations. Tracks close to their nearest seed score best; the answer is reranked for
   * variety. The same catalog and query always give the same answer.
   */
  @Get()
  @ApiOperation({
    summary: 'Songs from the catalog for seeds, targets and bounds (Spotify contract)',
  })
  @ApiQuery({ type: RecommendationsQueryDto, required: false })
  @ApiOkResponse({ type: RecommendationsResponseDto })
  @ApiBadRequestResponse({
    description:
      'No seed or more than 5, an unknown parameter, a value out of range, min > max, an unknown mood',
  })
  @ApiNotFoundResponse({ description: 'SEED_NOT_FOUND: the catalog knows none of the seeds' })
  @ApiServiceUnavailableResponse({ description: CATALOG_UNAVAILABLE })
  recommend(
    @Query(RecommendationsQueryPipe) query: RecommendationsQuery,
  ): RecommendationsResponseDto {
    return this.recommendations.recommend(query);
  }

  /**
   * The next songs for a listening history: targets from its trend (the forecast of POST /metrics),
   * the listener's mood from the active mood model (unless `mood` is given), the latest distinct
   * tracks as seeds. No track of the history is recommended.
   */
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'The next songs for a listening history (trend targets, mood, latest tracks)',
  })
  @ApiTracksBody(
    'Tracks the listener played, each with `played_at` (or `ts`) and `id`.',
    HISTORY_EXAMPLE,
    LISTENING_HISTORY,
  )
  @ApiQuery({ type: HistoryRecommendationsQueryDto, required: false })
  @ApiOkResponse({ type: HistoryRecommendationsResponseDto })
  @ApiBadRequestResponse({
    description:
      'A bad field (named by path), fewer than two play times, a bad parameter, an unknown mood',
  })
  @ApiServiceUnavailableResponse({ description: CATALOG_UNAVAILABLE })
  recommendFromHistory(
    @Body(ListeningBodyPipe(LISTENING_HISTORY))
    history: ListeningTracks<TrendMetric>,
    @Query(HistoryRecommendationsQueryPipe) query: RecommendationsQuery,
  ): Promise<HistoryRecommendationsResponseDto> {
    return this.recommendations.recommendFromHistory(history, query);
  }
}
