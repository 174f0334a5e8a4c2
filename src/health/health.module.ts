import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MoodModule } from '../mood/mood.module';
import { RecommendationsModule } from '../recommendations/recommendations.module';
import { ClusterHealthIndicator } from './cluster.health';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), MoodModule, RecommendationsModule],
  controllers: [HealthController],
  providers: [ClusterHealthIndicator],
})
export class HealthModule {}
