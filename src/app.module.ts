import { Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArtistsModule } from './artists/artists.module';
import { catalogConfig } from './catalog/catalog.config';
import { CatalogModule } from './catalog/catalog.module';
import { CommonModule } from './common/common.module';
import {
  appConfig,
  databaseConfig,
  moodConfig,
  similarityConfig,
  trendsConfig,
  validateEnvironment,
} from './config';
import { buildDataSourceOptions } from './database/typeorm.options';
import { HealthModule } from './health/health.module';
import { MoodModule } from './mood/mood.module';
import { SimilarityModule } from './similarity/similarity.module';
import { TrendsModule } from './trends/trends.module';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      load: [appConfig, databaseConfig, similarityConfig, moodConfig, trendsConfig, catalogConfig],
      validate: validateEnvironment,
    }),
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: (database: ConfigType<typeof databaseConfig>) => ({
        ...buildDataSourceOptions(database),
        autoLoadEntities: true,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
    CommonModule,
    HealthModule,
    ArtistsModule,
    SimilarityModule,
    MoodModule,
    TrendsModule,
    CatalogModule,
  ],
})
export class AppModule {}
