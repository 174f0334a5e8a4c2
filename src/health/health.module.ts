import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MoodModule } from '../mood/mood.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), MoodModule],
  controllers: [HealthController],
})
export class HealthModule {}
