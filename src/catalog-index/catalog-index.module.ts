import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { MoodModule } from '../mood/mood.module';
import { MoodPredictionService } from '../mood/mood-prediction.service';
import { CatalogIndexLoader } from './catalog-index-loader';
import { CatalogIndexRefModule } from './catalog-index-ref.module';
import { CatalogIndexStatus } from './catalog-index-status';
import { CatalogMoodProgress } from './catalog-mood-progress';
import { CatalogMoodScorer } from './catalog-mood-scorer';
import { TRACK_MOOD_MODEL, trackMoodModelOf } from './track-mood-model';

/**
 * The catalog in memory, which recommendations search: loaded from the catalog's tables and kept in
 * step with its change notices (CatalogIndexLoader), every track given its mood by the active mood
 * model (CatalogMoodScorer). Others read the index (CatalogIndexRef) and how far it is
 * (CatalogIndexStatus), nothing else.
 */
@Module({
  imports: [CatalogModule, MoodModule, CatalogIndexRefModule],
  providers: [
    // Before the scorer: a scoring pass waits for the load the loader starts at bootstrap.
    CatalogIndexLoader,
    CatalogMoodScorer,
    CatalogMoodProgress,
    CatalogIndexStatus,
    { provide: TRACK_MOOD_MODEL, inject: [MoodPredictionService], useFactory: trackMoodModelOf },
  ],
  exports: [CatalogIndexRefModule, CatalogIndexStatus],
})
export class CatalogIndexModule {}
