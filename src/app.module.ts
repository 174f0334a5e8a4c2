import { type DynamicModule, Module } from '@nestjs/common';
import { ArtistsModule } from './artists/artists.module';
import { CatalogApiModule } from './catalog/catalog-api.module';
import { ClusterModule } from './cluster/cluster.module';
import { CommonModule } from './common/common.module';
import { appConfig, databaseConfig, type Environment, EnvironmentModule } from './config';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { SpotifyLookupsModule } from './lookups/lookups.module';
import { MoodModule } from './mood/mood.module';
import { RecommendationsModule } from './recommendations/recommendations.module';
import { SimilarityModule } from './similarity/similarity.module';
import { TrendsModule } from './trends/trends.module';

@Module({})
export class AppModule {
  /**
   * The whole service for one validated environment. main.ts and the e2e tests build it alike, each
   * from the environment it validated (see loadEnvironment), so nothing is read at import time.
   */
  static register(environment: Environment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EnvironmentModule.forRoot(environment, [appConfig, databaseConfig]),
        DatabaseModule,
        ClusterModule,
        CommonModule,
        HealthModule,
        ArtistsModule,
        SimilarityModule,
        MoodModule,
        TrendsModule,
        CatalogApiModule,
        RecommendationsModule,
        SpotifyLookupsModule,
      ],
    };
  }
}
