import { Module } from '@nestjs/common';
import { CatalogIndexRef } from '../catalog/index/catalog-index-ref';
import { CatalogModule } from '../catalog/catalog.module';
import { MoodModule } from '../mood/mood.module';
import { MoodPredictionService } from '../mood/mood-prediction.service';
import { TrendsModule } from '../trends/trends.module';
import { CatalogIndexLoader } from './catalog-index-loader';
import { CatalogMoodScorer } from './catalog-mood-scorer';
import { MOOD_PREDICTOR, moodPredictorOf } from './mood-predictor';
import { RecommendationEngine } from './recommendation-engine';
import { RecommendationsController } from './recommendations.controller';
import { RecommendationsService } from './recommendations.service';

/**
 * GET and POST /recommendations over the in-memory catalog index, which this module loads from the
 * catalog and keeps in step with it (with every track's predicted mood); trends give POST its
 * targets, the mood model its mood.
 */
@Module({
  imports: [CatalogModule, TrendsModule, MoodModule],
  controllers: [RecommendationsController],
  providers: [
    RecommendationsService,
    CatalogIndexRef,
    CatalogIndexLoader,
    CatalogMoodScorer,
    { provide: RecommendationEngine, useValue: new RecommendationEngine() },
    { provide: MOOD_PREDICTOR, inject: [MoodPredictionService], useFactory: moodPredictorOf },
  ],
  exports: [CatalogIndexLoader, CatalogIndexRef, CatalogMoodScorer],
})
export class RecommendationsModule {}
