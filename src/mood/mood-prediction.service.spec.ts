import { Test } from '@nestjs/testing';
import { parsedTrack } from '../../test/helpers/tracks';
import { typedMock } from '../../test/helpers/typed-mock';
import type { ParsedTracks } from '../common/tracks';
import { type ActiveModel, type MoodModelSummary, ModelStore } from './model-store';
import type { LoadedMoodModel } from './mood-engine';
import { MoodPredictionService } from './mood-prediction.service';
import { TrainingRunsService } from './training-runs.service';

/** The figures predict_mood repeats from the model's metrics (the model here has no others). */
const HEADLINE_METRICS = {
  evaluation: 'held_out_playlists',
  accuracy: 0.6,
  top2_accuracy: 0.8,
  macro_f1: 0.5,
  ece: 0.04,
  listener_accuracy_10: 0.8,
} as const;

/**
 * An active model whose first track leans Calm a little and lacks `key`, while the others are sure
 * of Sad; pooled, the listener is Sad.
 */
function activeModel(): ActiveModel {
  const loaded: Pick<LoadedMoodModel, 'labels' | 'predictListener' | 'dispose'> = {
    labels: ['Calm', 'Sad'],
    predictListener: (tracks) => ({
      mood: 'Sad',
      confidence: 0.712345,
      probabilities: [0.287655, 0.712345],
      alternatives: [{ mood: 'Calm', probability: 0.287655 }],
      tracks: tracks.map((_, i) =>
        i === 0
          ? { mood: 'Calm', probabilities: [0.6, 0.4], filled_features: ['key'] }
          : { mood: 'Sad', probabilities: [0.1, 0.9], filled_features: [] },
      ),
    }),
    dispose: () => undefined,
  };
  const row = {
    id: 'model-1',
    runId: 'run-1',
    labels: ['Calm', 'Sad'],
    inputs: ['danceability', 'key_sin', 'key_cos'],
    aggregation: 'calibrated_log_pool',
    metrics: HEADLINE_METRICS,
    isActive: true,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    activatedAt: new Date('2026-01-01T00:00:00Z'),
  } as MoodModelSummary;
  return { row, loaded: loaded as LoadedMoodModel };
}

describe('MoodPredictionService (model store and training runs mocked)', () => {
  const store = {
    active: undefined as ModelStore['active'],
    backend: 'cpu',
    activate: typedMock<ModelStore['activate']>(),
  };
  const runs = { runningRunId: null as TrainingRunsService['runningRunId'] };
  let service: MoodPredictionService;

  beforeEach(async () => {
    store.active = undefined;
    runs.runningRunId = null;
    const moduleRef = await Test.createTestingModule({
      providers: [
        MoodPredictionService,
        { provide: ModelStore, useValue: store },
        { provide: TrainingRunsService, useValue: runs },
      ],
    }).compile();
    service = moduleRef.get(MoodPredictionService);
  });

  const listening: ParsedTracks = {
    tracks: [parsedTrack(0), parsedTrack(1)],
    skipped: [{ row: 2, reason: 'no audio features' }],
  };

  it('is 503 MODEL_NOT_READY before any model exists, naming the run that is training', () => {
    runs.runningRunId = 'run-7';
    expect(() => service.predict(listening)).toThrow(
      expect.objectContaining({
        status: 503,
        code: 'MODEL_NOT_READY',
        message: expect.stringMatching(/run-7 is in progress/),
        details: { training_run_id: 'run-7' },
      }),
    );
    expect(() => service.activeModel()).toThrow(
      expect.objectContaining({ status: 404, code: 'NO_ACTIVE_MODEL' }),
    );
  });

  it("answers the model's pooled mood with its confidence and alternatives, and each track's own with the features it lacked", () => {
    store.active = activeModel();
    const answer = service.predict(listening);
    expect(answer).toEqual({
      mood: 'Sad',
      confidence: 0.7123,
      alternatives: [{ mood: 'Calm', probability: 0.2877 }],
      probabilities: { Calm: 0.2877, Sad: 0.7123 },
      tracks: [
        {
          id: null,
          row: 0,
          resolved_by: 'features',
          mood: 'Calm',
          probabilities: { Calm: 0.6, Sad: 0.4 },
          filled_features: ['key'],
        },
        {
          id: null,
          row: 1,
          resolved_by: 'features',
          mood: 'Sad',
          probabilities: { Calm: 0.1, Sad: 0.9 },
          filled_features: [],
        },
      ],
      skipped: listening.skipped,
      resolved: { given: 2, by_id: 0, by_name: 0, unresolved: 0 },
      model: {
        id: 'model-1',
        trained_at: '2026-01-01T00:00:00.000Z',
        metrics: HEADLINE_METRICS,
      },
    });
  });

  it('is 400 when every row was skipped', () => {
    store.active = activeModel();
    expect(() => service.predict({ tracks: [], skipped: listening.skipped })).toThrow(
      expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED' }),
    );
  });

  it('describes the active model and reports its status for /health', () => {
    store.active = activeModel();
    runs.runningRunId = 'run-8';
    expect(service.activeModel()).toEqual(
      expect.objectContaining({
        id: 'model-1',
        run_id: 'run-1',
        backend: 'cpu',
        active: true,
        // From the model's metadata, and the features its inputs read.
        aggregation: 'calibrated_log_pool',
        features: ['danceability', 'key'],
      }),
    );
    expect(service.status()).toEqual({
      backend: 'cpu',
      model_id: 'model-1',
      training_run_id: 'run-8',
    });
  });
});
