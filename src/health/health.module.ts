import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CatalogIndexModule } from '../catalog-index/catalog-index.module';
import { MoodModule } from '../mood/mood.module';
import { ClusterHealthIndicator } from './cluster.health';
import { HealthController } from './health.controller';
import { healthConfig } from './health.config';
import { StorageHealthIndicator } from './storage.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), MoodModule, CatalogIndexModule],
  controllers: [HealthController],
  providers: [ClusterHealthIndicator, StorageHealthIndicator, healthConfig.provider],
})
export class HealthModule {}
