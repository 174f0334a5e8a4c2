import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Database } from 'better-sqlite3';
import { DataSource } from 'typeorm';
import type { CatalogBulkWriter } from './catalog-sql';
import { PostgresCatalogWriter } from './postgres-catalog-writer';
import { SqliteCatalogWriter } from './sqlite-catalog-writer';

/**
 * Makes the bulk writer of the configured database, on the app's own TypeORM DataSource (so the
 * connection settings are the same everywhere).
 */
@Injectable()
export class CatalogWriters {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  create(): CatalogBulkWriter {
    if (this.dataSource.options.type === 'postgres') {
      return new PostgresCatalogWriter(this.dataSource);
    }
    const db = (this.dataSource.driver as unknown as { databaseConnection: Database })
      .databaseConnection;
    return new SqliteCatalogWriter(db);
  }
}
