import { Module } from '@nestjs/common';
import { CatalogIndexModule } from '../catalog-index/catalog-index.module';
import { CatalogController } from './catalog.controller';
import { CatalogModule } from './catalog.module';
import { CatalogService } from './catalog.service';
import { StarterCatalogModule } from './starter/starter-catalog.module';

/**
 * The catalog's routes. GET /catalog shows how far this instance's in-memory index is in predicting
 * its tracks' moods, and the index module reads the catalog (and the mood model, which reads the
 * catalog too): with the routes in CatalogModule, the two modules would import each other. So the
 * routes sit in a module of their own above both.
 */
@Module({
  imports: [CatalogModule, CatalogIndexModule, StarterCatalogModule],
  controllers: [CatalogController],
  providers: [CatalogService],
})
export class CatalogApiModule {}
