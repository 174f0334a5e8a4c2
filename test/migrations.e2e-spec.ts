import { DataSource } from 'typeorm';
import { AddTrainingRunHistory1796073391443 as AddTrainingRunHistory } from '../migrations/1796073391443-AddTrainingRunHistory';
import { MoodModel } from '../src/mood/mood-model.entity';
import { TrainingRun } from '../src/mood/training-run.entity';
import { useTestApp } from './helpers/create-test-app';
import { trainedMoodModel } from './helpers/trained-mood-model';

/** Migrations that change a table holding rows, down and up over them (SQLite, or PostgreSQL where set). */
describe('migrations', () => {
  const { testApp } = useTestApp();

  it('adds and removes the training-run history column without touching stored runs and models', async () => {
    const dataSource = testApp().app.get(DataSource);
    const queryRunner = dataSource.createQueryRunner();
    const migration = new AddTrainingRunHistory();
    const columns = async () =>
      (await queryRunner.getTable('mood_training_runs'))!.columns.map((column) => column.name);
    expect(await columns()).toContain('history');

    await migration.down(queryRunner);
    expect(await columns()).not.toContain('history');
    const createdAt = new Date('2026-01-01T00:00:00Z');
    await dataSource.query(
      `INSERT INTO mood_training_runs (id, status, dataset_source, dataset_sha256, rows_used, rows_skipped, hyper_parameters, created_at)
       VALUES ('run-1', 'succeeded', 'default', '${'0'.repeat(64)}', 12, 0, '{}', '2026-01-01 00:00:00')`,
    );
    const { artifact, labels, metrics } = trainedMoodModel();
    await dataSource.getRepository(MoodModel).insert({
      id: 'model-1',
      runId: 'run-1',
      labels,
      inputs: ['danceability'],
      metrics,
      modelJson: artifact.modelJson,
      weightsBase64: '',
      artifactPath: 'nowhere',
      isActive: true,
      createdAt,
    });

    await migration.up(queryRunner);
    const runs = dataSource.getRepository(TrainingRun);
    expect(await runs.findOneByOrFail({ id: 'run-1' })).toEqual(
      expect.objectContaining({ rowsUsed: 12, history: null }),
    );
    await runs.update('run-1', { history: trainedMoodModel().history });
    expect((await runs.findOneByOrFail({ id: 'run-1' })).history).toEqual(
      trainedMoodModel().history,
    );

    // Down again: the column goes, the run and its model stay (a table rebuild would cascade).
    await migration.down(queryRunner);
    expect(await columns()).not.toContain('history');
    expect(await dataSource.getRepository(MoodModel).countBy({ id: 'model-1' })).toBe(1);
    await migration.up(queryRunner);
    await queryRunner.release();
  });
});
