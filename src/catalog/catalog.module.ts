import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { catalogConfig } from './catalog.config';
import { CatalogChanges } from './catalog-changes';
import { CatalogChangesRelay } from './catalog-changes-relay';
import { CatalogHarvester } from './catalog-harvester';
import { CatalogImport } from './catalog-import.entity';
import { CatalogTrack, CatalogTrackGenre } from './catalog-track.entity';
import { CatalogImportWatcher } from './imports/catalog-import-watcher';
import { CatalogImportsService } from './imports/catalog-imports.service';
import { ImportClaims } from './imports/import-claims';
import { ImportRunner } from './imports/import-runner';
import { CatalogStore } from './storage/catalog-store';
import { CatalogWriters } from './storage/catalog-writers';

/** The imports' share of the catalog: what the service and the import CLI both need. */
export const CATALOG_IMPORT_PROVIDERS = [
  CatalogImportsService,
  ImportClaims,
  ImportRunner,
  CatalogWriters,
  CatalogChanges,
  catalogConfig.provider,
];
export const CATALOG_ENTITIES = [CatalogTrack, CatalogTrackGenre, CatalogImport];

/**
 * The catalog's tables and what changes them: imports, the harvest, change notices. Its routes are
 * CatalogApiModule's, which also reads the in-memory index (that module says why).
 */
@Module({
  imports: [TypeOrmModule.forFeature(CATALOG_ENTITIES)],
  providers: [
    ...CATALOG_IMPORT_PROVIDERS,
    CatalogStore,
    CatalogHarvester,
    CatalogImportWatcher,
    CatalogChangesRelay,
  ],
  // For the in-memory index (streamAll, change notices), the harvest, and the catalog's routes.
  exports: [CatalogStore, CatalogChanges, CatalogHarvester, CatalogImportsService],
})
export class CatalogModule {}
