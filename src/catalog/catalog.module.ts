import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { catalogConfig } from './catalog.config';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { CatalogChanges } from './catalog-changes';
import { CatalogChangesRelay } from './catalog-changes-relay';
import { CatalogHarvester } from './catalog-harvester';
import { CatalogImport } from './catalog-import.entity';
import { CatalogTrack, CatalogTrackGenre } from './catalog-track.entity';
import { CatalogImportWatcher } from './imports/catalog-import-watcher';
import { CatalogImportsService } from './imports/catalog-imports.service';
import { ImportClaims } from './imports/import-claims';
import { ImportRunner } from './imports/import-runner';
import { CatalogMoodProgress } from './index/catalog-mood-progress';
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

@Module({
  imports: [TypeOrmModule.forFeature(CATALOG_ENTITIES)],
  controllers: [CatalogController],
  providers: [
    ...CATALOG_IMPORT_PROVIDERS,
    CatalogService,
    CatalogStore,
    CatalogHarvester,
    CatalogImportWatcher,
    CatalogMoodProgress,
    CatalogChangesRelay,
  ],
  // For the in-memory index (streamAll, change notices), the harvest, and the import route.
  // The moods' progress is written by the index's mood scorer.
  exports: [
    CatalogStore,
    CatalogChanges,
    CatalogHarvester,
    CatalogImportsService,
    CatalogMoodProgress,
  ],
})
export class CatalogModule {}
