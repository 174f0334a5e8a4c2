import { Module } from '@nestjs/common';
import { catalogConfig } from '../catalog.config';
import { CatalogModule } from '../catalog.module';
import { StarterCatalog } from './starter-catalog';

/** The starter catalog of a first start, imported through the catalog's own imports. */
@Module({
  imports: [CatalogModule],
  providers: [StarterCatalog, catalogConfig.provider],
  exports: [StarterCatalog],
})
export class StarterCatalogModule {}
