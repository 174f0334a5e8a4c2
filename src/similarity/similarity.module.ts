import { Module } from '@nestjs/common';
import { KnnEngine } from './knn-engine';
import { SimilarityController } from './similarity.controller';
import { SimilarityService } from './similarity.service';

@Module({
  controllers: [SimilarityController],
  providers: [SimilarityService, KnnEngine],
})
export class SimilarityModule {}
