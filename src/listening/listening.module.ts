import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CatalogIndexRefModule } from '../catalog-index/catalog-index-ref.module';
import { ListeningReader } from './listening-reader';

/**
 * Listening bodies as every route that takes tracks reads them (ListeningBodyPipe): any shape a
 * client holds, each row resolved against the in-memory catalog, new features harvested.
 */
@Module({
  imports: [CatalogIndexRefModule, CatalogModule],
  providers: [ListeningReader],
  exports: [ListeningReader, CatalogIndexRefModule],
})
export class ListeningModule {}
