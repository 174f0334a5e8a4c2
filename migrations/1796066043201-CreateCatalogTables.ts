import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableForeignKey,
  TableIndex,
} from 'typeorm';
import type { TableColumnOptions } from 'typeorm/schema-builder/options/TableColumnOptions';

/**
 * The catalog: tracks (the 13 audio features each nullable), their genres as a set, and imports.
 * Runs on SQLite and PostgreSQL.
 */
export class CreateCatalogTables1796066043201 implements MigrationInterface {
  name = 'CreateCatalogTables1796066043201';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const time = postgres ? 'timestamptz' : 'datetime';
    const nullable = (name: string, type: string, length?: string): TableColumnOptions => ({
      name,
      type,
      length,
      isNullable: true,
    });
    const real = (name: string) => nullable(name, 'double precision');
    const int = (name: string) => nullable(name, 'integer');

    await queryRunner.createTable(
      new Table({
        name: 'catalog_tracks',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          nullable('name', 'text'),
          { name: 'artists', type: 'text' },
          nullable('album_id', 'varchar', '64'),
          nullable('album_name', 'text'),
          nullable('release_date', 'varchar', '10'),
          int('year'),
          int('popularity'),
          nullable('explicit', 'boolean'),
          real('danceability'),
          real('energy'),
          int('key'),
          real('loudness'),
          int('mode'),
          real('speechiness'),
          real('acousticness'),
          real('instrumentalness'),
          real('liveness'),
          real('valence'),
          real('tempo'),
          int('duration_ms'),
          int('time_signature'),
          { name: 'source', type: 'varchar', length: '200' },
          { name: 'first_seen', type: time },
          { name: 'last_seen', type: time },
        ],
      }),
    );
    await queryRunner.createIndex(
      'catalog_tracks',
      new TableIndex({ name: 'IDX_catalog_tracks_source', columnNames: ['source'] }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'catalog_track_genres',
        columns: [
          { name: 'track_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'genre', type: 'varchar', length: '100', isPrimary: true },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_catalog_track_genres_track_id',
            columnNames: ['track_id'],
            referencedTableName: 'catalog_tracks',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await queryRunner.createIndex(
      'catalog_track_genres',
      new TableIndex({ name: 'IDX_catalog_track_genres_genre', columnNames: ['genre'] }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'catalog_imports',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'active', type: 'integer', isNullable: true },
          { name: 'origin', type: 'varchar', length: '16' },
          nullable('format', 'varchar', '32'),
          { name: 'source', type: 'varchar', length: '200' },
          nullable('sha256', 'varchar', '64'),
          { name: 'bytes_read', type: 'bigint', default: 0 },
          { name: 'rows_read', type: 'integer', default: 0 },
          { name: 'tracks_added', type: 'integer', default: 0 },
          { name: 'tracks_updated', type: 'integer', default: 0 },
          { name: 'tracks_unchanged', type: 'integer', default: 0 },
          { name: 'rows_skipped', type: 'integer', default: 0 },
          { name: 'skipped', type: 'text' },
          nullable('progress', 'text'),
          nullable('error', 'text'),
          nullable('error_code', 'varchar', '64'),
          { name: 'host', type: 'varchar', length: '255' },
          { name: 'pid', type: 'integer' },
          { name: 'created_at', type: time },
          nullable('started_at', time),
          { name: 'updated_at', type: time },
          nullable('finished_at', time),
          int('duration_ms'),
        ],
      }),
    );
    // Unique: at most one import queued or running at a time, whichever process runs it.
    await queryRunner.createIndex(
      'catalog_imports',
      new TableIndex({
        name: 'IDX_catalog_imports_active',
        columnNames: ['active'],
        isUnique: true,
      }),
    );
    await queryRunner.createIndex(
      'catalog_imports',
      new TableIndex({ name: 'IDX_catalog_imports_created_at', columnNames: ['created_at'] }),
    );
    await queryRunner.createIndex(
      'catalog_imports',
      new TableIndex({ name: 'IDX_catalog_imports_finished_at', columnNames: ['finished_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('catalog_imports');
    await queryRunner.dropTable('catalog_track_genres');
    await queryRunner.dropTable('catalog_tracks');
  }
}
