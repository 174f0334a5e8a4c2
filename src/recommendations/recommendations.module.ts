import { Module } from '@nestjs/common';
import { TrendsModule } from '../trends/trends.module';
import { RecommendationEngine } from './recommendation-engine';
import { RecommendationsController } from './recommendations.controller';
import { RecommendationsService } from './recommendations.service';

/**
 * GET and POST /recommendations. Needs, from the modules that own them:
 *  - CatalogIndexRef (src/catalog/index/catalog-index-ref.ts): the catalog index, loaded and kept in
 *    step with the catalog by the catalog module;
 *  - MOOD_PREDICTOR (./mood-predictor.ts): the active mood model's moods and predictions;
 *  - TrendsService: the trend forecast of POST /metrics (TrendsModule must export it).
 */
@Module({
  imports: [TrendsModule],
  controllers: [RecommendationsController],
  providers: [
    RecommendationsService,
    { provide: RecommendationEngine, useValue: new RecommendationEngine() },
  ],
})
export class RecommendationsModule {}
