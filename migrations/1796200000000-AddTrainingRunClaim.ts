import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One training at a time across every instance on the database: a run holds `active = 1` from its
 * start to its end, and a unique index admits one such row. `heartbeat_at` is written while it runs,
 * and `host`/`pid` name the process holding it, so the other instances can tell a run whose instance
 * died and end it failed. Plain ALTER TABLE on both databases (see AddTrainingRunHistory for why).
 */
export class AddTrainingRunClaim1796200000000 implements MigrationInterface {
  name = 'AddTrainingRunClaim1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const time = queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.query('ALTER TABLE "mood_training_runs" ADD COLUMN "active" integer');
    await queryRunner.query(`ALTER TABLE "mood_training_runs" ADD COLUMN "heartbeat_at" ${time}`);
    await queryRunner.query('ALTER TABLE "mood_training_runs" ADD COLUMN "host" varchar(255)');
    await queryRunner.query('ALTER TABLE "mood_training_runs" ADD COLUMN "pid" integer');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_mood_training_runs_active" ON "mood_training_runs" ("active")',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_mood_training_runs_active"');
    await queryRunner.query('ALTER TABLE "mood_training_runs" DROP COLUMN "pid"');
    await queryRunner.query('ALTER TABLE "mood_training_runs" DROP COLUMN "host"');
    await queryRunner.query('ALTER TABLE "mood_training_runs" DROP COLUMN "heartbeat_at"');
    await queryRunner.query('ALTER TABLE "mood_training_runs" DROP COLUMN "active"');
  }
}
