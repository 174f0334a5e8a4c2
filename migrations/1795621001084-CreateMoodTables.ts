import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableForeignKey,
  TableIndex,
} from 'typeorm';

/** Mood training runs and model versions (with the artifact's bytes). Runs on SQLite and PostgreSQL. */
export class CreateMoodTables1795621001084 implements MigrationInterface {
  name = 'CreateMoodTables1795621001084';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const time = postgres ? 'timestamptz' : 'datetime';
    const id = (name: string, nullable = false) => ({
      name,
      type: 'varchar',
      length: '36',
      isNullable: nullable,
    });

    await queryRunner.createTable(
      new Table({
        name: 'mood_training_runs',
        columns: [
          { ...id('id'), isPrimary: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'dataset_source', type: 'varchar', length: '16' },
          { name: 'dataset_sha256', type: 'varchar', length: '64' },
          { name: 'rows_used', type: 'integer' },
          { name: 'rows_skipped', type: 'integer' },
          { name: 'hyper_parameters', type: 'text' },
          { name: 'progress', type: 'text', isNullable: true },
          { name: 'epochs_run', type: 'integer', isNullable: true },
          { name: 'metrics', type: 'text', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'backend', type: 'varchar', length: '16', isNullable: true },
          id('model_id', true),
          { name: 'duration_ms', type: 'integer', isNullable: true },
          { name: 'created_at', type: time },
          { name: 'started_at', type: time, isNullable: true },
          { name: 'finished_at', type: time, isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'mood_training_runs',
      new TableIndex({ name: 'IDX_mood_training_runs_status', columnNames: ['status'] }),
    );
    await queryRunner.createIndex(
      'mood_training_runs',
      new TableIndex({ name: 'IDX_mood_training_runs_created_at', columnNames: ['created_at'] }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'mood_models',
        columns: [
          { ...id('id'), isPrimary: true },
          { ...id('run_id'), isUnique: true },
          { name: 'labels', type: 'text' },
          { name: 'inputs', type: 'text' },
          { name: 'metrics', type: 'text' },
          { name: 'model_json', type: 'text' },
          { name: 'weights_base64', type: 'text' },
          { name: 'artifact_path', type: 'varchar', length: '1024' },
          { name: 'is_active', type: 'boolean', default: false },
          { name: 'created_at', type: time },
          { name: 'activated_at', type: time, isNullable: true },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_mood_models_run_id',
            columnNames: ['run_id'],
            referencedTableName: 'mood_training_runs',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await queryRunner.createIndex(
      'mood_models',
      new TableIndex({ name: 'IDX_mood_models_is_active', columnNames: ['is_active'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('mood_models');
    await queryRunner.dropTable('mood_training_runs');
  }
}
