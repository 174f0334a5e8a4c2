import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { KnnEngine } from './knn-engine';
import { SimilarityController } from './similarity.controller';
import { similarityConfig } from './similarity.config';
import { SimilarityService } from './similarity.service';
import { ListeningModule } from '../listening/listening.module';

@Module({
  // The catalog harvests the tracks posted to similarity.
  imports: [ListeningModule, CatalogModule],
  controllers: [SimilarityController],
  providers: [SimilarityService, KnnEngine, similarityConfig.provider],
})
export class SimilarityModule {}
