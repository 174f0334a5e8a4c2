import { Module } from '@nestjs/common';
import { KnnEngine } from './knn-engine';
import { SimilarityController } from './similarity.controller';
import { similarityConfig } from './similarity.config';
import { SimilarityService } from './similarity.service';

@Module({
  controllers: [SimilarityController],
  providers: [SimilarityService, KnnEngine, similarityConfig.provider],
})
export class SimilarityModule {}
