import { Test } from '@nestjs/testing';
import { parsedTrack } from '../../test/helpers/tracks';
import { typedMock } from '../../test/helpers/typed-mock';
import type { ParsedTracks } from '../common/tracks';
import { type ActiveModel, type MoodModelSummary, ModelStore } from './model-store';
import type { LoadedMoodModel } from './mood-engine';
import { MoodPredictionService } from './mood-prediction.service';
import { TrainingRunsService } from './training-runs.service';

/** An active model whose first track leans Calm a little while the others are sure of Sad. */
function activeModel(): ActiveModel {
  const loaded: Pick<LoadedMoodModel, 'labels' | 'predict' | 'dispose'> = {
    labels: ['Calm', 'Sad'],
    predict: (tracks) => tracks.map((_, i) => (i === 0 ? [0.6, 0.4] : [0.1, 0.9])),
    dispose: () => undefined,
  };
  const row = {
    id: 'model-1',
    runId: 'run-1',
    labels: ['Calm', 'Sad'],
    inputs: ['danceability'],
    metrics: {
      evaluation: 'random_split',
      accuracy: 0.6,
      macro_f1: 0.5,
      listener_accuracy_10: 0.8,
    },
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

  it('combines the tracks by summed log-probabilities, with each track its own', () => {
    store.active = activeModel();
    const answer = service.predict(listening);
    expect(answer.mood).toBe('Sad');
    expect(answer.tracks.map((track) => [track.row, track.mood])).toEqual([
      [0, 'Calm'],
      [1, 'Sad'],
    ]);
    expect(answer.skipped).toEqual(listening.skipped);
    // Normalised geometric means: Calm √(0.6·0.1), Sad √(0.4·0.9).
    expect(answer.confidence).toBeCloseTo(0.6 / (0.6 + Math.sqrt(0.06)), 4);
    expect(answer.model).toEqual(expect.objectContaining({ id: 'model-1' }));
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
      expect.objectContaining({ id: 'model-1', run_id: 'run-1', backend: 'cpu' }),
    );
    expect(service.status()).toEqual({
      backend: 'cpu',
      model_id: 'model-1',
      training_run_id: 'run-8',
    });
  });
});
