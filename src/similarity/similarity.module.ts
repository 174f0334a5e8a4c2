import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { KnnEngine } from './knn-engine';
import { SimilarityController } from './similarity.controller';
import { similarityConfig } from './similarity.config';
import { SimilarityService } from './similarity.service';

@Module({
  // The catalog harvests the tracks posted to similarity.
  imports: [CatalogModule],
  controllers: [SimilarityController],
  providers: [SimilarityService, KnnEngine, similarityConfig.provider],
})
export class SimilarityModule {}
