import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListeningBodyPipe } from '../listening/listening-body.pipe';
import { ApiTracksBody, type ListeningTracks, type TracksBodyOptions } from '../common/tracks';
import similarityExample from '../../data/examples/similarity.json';
import { SimilarityQueryDto } from './dto/similarity-query.dto';
import { SimilarityResponseDto } from './dto/similarity-response.dto';
import { SimilarityService } from './similarity.service';

/** No feature is required of a track: the search uses the features every track of the playlist has. */
const PLAYLIST: TracksBodyOptions<never> = { requiredFeatures: [] };

@ApiTags('similarity')
@Controller()
export class SimilarityController {
  constructor(private readonly similarityService: SimilarityService) {}

  /**
   * For each of the `recent` most recently played tracks of a playlist, its `k` most similar other
   * songs of the same playlist: k-nearest neighbours (ml-knn's k-d tree, Euclidean) on the audio
   * features standardised over the candidate pool. Features some tracks lack (several sources have
   * no `key` or `time_signature`) are left out; `features_used` lists the rest. Play order comes
   * from `played_at` or `ts` (newest first); without play times, the last element of the array is
   * the newest.
   */
  @Post('similarity')
  @HttpCode(200)
  @ApiOperation({ summary: 'The playlist songs nearest to what was just played' })
  @ApiTracksBody(
    'The playlist, with play times. The most recently played tracks are the queries, the rest the candidates.',
    similarityExample,
    PLAYLIST,
  )
  @ApiBadRequestResponse({
    description:
      'A bad field (named by path), recent/k out of range, no usable track, no audio feature that every track has, or k larger than the candidate pool',
  })
  similarity(
    @Body(ListeningBodyPipe(PLAYLIST)) playlist: ListeningTracks<never>,
    @Query() query: SimilarityQueryDto,
  ): SimilarityResponseDto {
    return this.similarityService.nearestToRecent(playlist, query);
  }
}
