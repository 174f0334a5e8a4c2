import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog's version: one row whose counter every committed change of the catalog's tracks (an
 * import or harvest that changed a track, a delete) raises in its own transaction. A saved copy of
 * the in-memory index records the version it was built at, and is only used while the catalog is
 * still at that version.
 */
export class AddCatalogVersion1796300000000 implements MigrationInterface {
  name = 'AddCatalogVersion1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "catalog_version" ("id" integer PRIMARY KEY, "version" bigint NOT NULL)',
    );
    await queryRunner.query('INSERT INTO "catalog_version" ("id", "version") VALUES (1, 0)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "catalog_version"');
  }
}
