import { Module } from '@nestjs/common';
import { CatalogIndexModule } from '../catalog-index/catalog-index.module';
import { CatalogModule } from '../catalog/catalog.module';
import { MoodModule } from '../mood/mood.module';
import { MoodPredictionService } from '../mood/mood-prediction.service';
import { TrendsModule } from '../trends/trends.module';
import { MOOD_PREDICTOR, moodPredictorOf } from './mood-predictor';
import { RecommendationEngine } from './recommendation-engine';
import { RecommendationsController } from './recommendations.controller';
import { RecommendationsService } from './recommendations.service';
import { ListeningModule } from '../listening/listening.module';

/**
 * GET and POST /recommendations over the in-memory catalog index; trends give POST its targets, the
 * mood model the listener's mood, and the catalog harvests the tracks posted.
 */
@Module({
  imports: [ListeningModule, CatalogIndexModule, CatalogModule, TrendsModule, MoodModule],
  controllers: [RecommendationsController],
  providers: [
    RecommendationsService,
    { provide: RecommendationEngine, useValue: new RecommendationEngine() },
    { provide: MOOD_PREDICTOR, inject: [MoodPredictionService], useFactory: moodPredictorOf },
  ],
})
export class RecommendationsModule {}
