import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminOnly } from '../common/auth/admin-api-key.guard';
import { ListeningBodyPipe } from '../listening/listening-body.pipe';
import { ApiTracksBody, type ListeningTracks, type TracksBodyOptions } from '../common/tracks';
import { answerStartedWork, PREFER_RESPOND_ASYNC_HEADER } from '../common/http/respond-async';
import { PageQueryDto } from '../common/paging/page-query.dto';
import { PREDICT_MOOD_EXAMPLE, RETRAIN_MOOD_EXAMPLE } from './dto/mood.examples';
import {
  MoodModelListResponseDto,
  MoodModelResponseDto,
  PredictMoodResponseDto,
} from './dto/predict-mood-response.dto';
import {
  TrainingRunListResponseDto,
  TrainingRunResponseDto,
} from './dto/training-run-response.dto';
import { LABELLED_TRACKS } from './labelled-dataset';
import { MoodPredictionService } from './mood-prediction.service';
import { type StartedRun, TrainingRunsService } from './training-runs.service';

/** No feature is required: one the model reads that a track lacks takes the training mean. */
const LISTENED_TRACKS: TracksBodyOptions<never> = { requiredFeatures: [] };

@ApiTags('mood')
@Controller()
export class MoodController {
  constructor(
    private readonly prediction: MoodPredictionService,
    private readonly runs: TrainingRunsService,
  ) {}

  /**
   * The listener's mood from a set of tracks, with a calibrated confidence, the next most likely
   * moods, and each track's own prediction. The tracks' probabilities are pooled as summed
   * log-probabilities (measured better than a majority vote of per-track winners), weighted for how
   * much one listener's tracks agree. A feature the model reads that a track lacks takes the
   * training mean, and the track's answer names it. A `tag` field, if present, is ignored.
   */
  @Post('predict_mood')
  @HttpCode(200)
  @ApiOperation({ summary: "The listener's mood from a set of tracks" })
  @ApiTracksBody('Tracks the listener played.', PREDICT_MOOD_EXAMPLE, LISTENED_TRACKS)
  @ApiOkResponse({ type: PredictMoodResponseDto })
  @ApiBadRequestResponse({ description: 'A bad field (named by path), or no usable track' })
  @ApiServiceUnavailableResponse({ description: 'MODEL_NOT_READY: no model is active yet' })
  predictMood(
    @Body(ListeningBodyPipe(LISTENED_TRACKS)) tracks: ListeningTracks<never>,
  ): PredictMoodResponseDto {
    return this.prediction.predict(tracks);
  }

  /**
   * (admin) Retrains the mood network on a labelled dataset: tracks with a `tag` (the mood) and
   * optionally `playlist`. Waits for the run and answers its summary, unless `Prefer: respond-async`.
   */
  @Post('retrain_mood')
  @AdminOnly()
  @ApiOperation({ summary: '(admin) Retrain the mood network on a labelled dataset' })
  @ApiHeader(PREFER_RESPOND_ASYNC_HEADER)
  @ApiTracksBody(
    'Labelled tracks: each with a `tag` (mood), and `playlist` where known (cross-validation holds out whole playlists).',
    RETRAIN_MOOD_EXAMPLE,
    LABELLED_TRACKS,
  )
  @ApiOkResponse({ type: TrainingRunResponseDto, description: 'The finished run' })
  @ApiAcceptedResponse({ type: TrainingRunResponseDto, description: 'The queued run (async)' })
  @ApiBadRequestResponse({
    description:
      'A bad field, fewer than two moods, too few rows of a mood, or playlists that leave a cross-validation fold a single mood to learn',
  })
  @ApiConflictResponse({ description: 'TRAINING_IN_PROGRESS, with the running run id' })
  async retrainMood(
    @Body(ListeningBodyPipe(LABELLED_TRACKS)) dataset: ListeningTracks<never>,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<TrainingRunResponseDto> {
    return answerRun(await this.runs.startTraining(dataset), prefer, response);
  }

  /** (admin) Retrains the mood network on the default dataset (downloaded once where absent). */
  @Get('default_train_mood')
  @AdminOnly()
  @ApiOperation({ summary: '(admin) Retrain the mood network on the default dataset' })
  @ApiHeader(PREFER_RESPOND_ASYNC_HEADER)
  @ApiOkResponse({ type: TrainingRunResponseDto, description: 'The finished run' })
  @ApiAcceptedResponse({ type: TrainingRunResponseDto, description: 'The queued run (async)' })
  @ApiConflictResponse({ description: 'TRAINING_IN_PROGRESS, with the running run id' })
  @ApiServiceUnavailableResponse({
    description: 'The default dataset is absent and cannot be fetched',
  })
  async defaultTrainMood(
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<TrainingRunResponseDto> {
    return answerRun(await this.runs.trainDefault(), prefer, response);
  }

  /** Every training run, newest first, with status, dataset, hyper-parameters and metrics. */
  @Get('mood/runs')
  @ApiOperation({ summary: 'Training runs, newest first' })
  @ApiOkResponse({ type: TrainingRunListResponseDto })
  listRuns(@Query() query: PageQueryDto): Promise<TrainingRunListResponseDto> {
    return this.runs.listRuns(query.limit, query.offset);
  }

  /**
   * One training run, with its per-epoch history once it has succeeded; while it runs, `progress`
   * shows the stage (cross-validation of a candidate's fold models, or the final fit) and epoch.
   */
  @Get('mood/runs/:id')
  @ApiOperation({ summary: 'One training run' })
  @ApiOkResponse({ type: TrainingRunResponseDto })
  @ApiNotFoundResponse({ description: 'RUN_NOT_FOUND' })
  getRun(@Param('id') id: string): Promise<TrainingRunResponseDto> {
    return this.runs.getRun(id);
  }

  /** The active model: its moods, inputs and held-out metrics. */
  @Get('mood/model')
  @ApiOperation({ summary: 'The active mood model' })
  @ApiOkResponse({ type: MoodModelResponseDto })
  @ApiNotFoundResponse({ description: 'NO_ACTIVE_MODEL' })
  activeModel(): MoodModelResponseDto {
    return this.prediction.activeModel();
  }

  /** Every model version (one per successful run), newest first, with its metrics. */
  @Get('mood/models')
  @ApiOperation({ summary: 'Model versions, newest first' })
  @ApiOkResponse({ type: MoodModelListResponseDto })
  listModels(@Query() query: PageQueryDto): Promise<MoodModelListResponseDto> {
    return this.prediction.listModels(query.limit, query.offset);
  }

  /** (admin) Makes an earlier or later good model the active one (its id is a run's `model_id`). */
  @Post('mood/models/:id/activate')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({ summary: '(admin) Activate a model version (roll back or forward)' })
  @ApiOkResponse({ type: MoodModelResponseDto })
  @ApiNotFoundResponse({ description: 'MODEL_NOT_FOUND' })
  activateModel(@Param('id') id: string): Promise<MoodModelResponseDto> {
    return this.prediction.activate(id);
  }
}

/** 202 + Location at once with `Prefer: respond-async`; otherwise the finished run (200). */
function answerRun(
  started: StartedRun,
  prefer: string | undefined,
  response: FastifyReply,
): Promise<TrainingRunResponseDto> {
  return answerStartedWork(
    {
      started: started.run,
      location: `/api/v1/mood/runs/${started.run.id}`,
      result: () => started.result(),
    },
    prefer,
    response,
  );
}
