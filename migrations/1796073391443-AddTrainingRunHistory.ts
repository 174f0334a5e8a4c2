import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each training run's learning curves (loss and accuracy per epoch of every stage), as JSON text;
 * null for runs recorded before. Plain ALTER TABLE on both SQLite and PostgreSQL: TypeORM's
 * addColumn/dropColumn rebuild a SQLite table, and dropping the old mood_training_runs would
 * cascade to every stored model (mood_models.run_id ON DELETE CASCADE).
 */
export class AddTrainingRunHistory1796073391443 implements MigrationInterface {
  name = 'AddTrainingRunHistory1796073391443';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "mood_training_runs" ADD COLUMN "history" text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "mood_training_runs" DROP COLUMN "history"');
  }
}
