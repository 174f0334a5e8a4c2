import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DefaultDataset } from './default-dataset';
import { moodConfig } from './mood.config';
import { MoodController } from './mood.controller';
import { MoodEngine } from './mood-engine';
import { MoodModel } from './mood-model.entity';
import { MoodService } from './mood.service';
import { MoodTrainer } from './mood-trainer';
import { TrainingRun } from './training-run.entity';

@Module({
  imports: [TypeOrmModule.forFeature([TrainingRun, MoodModel])],
  controllers: [MoodController],
  providers: [MoodService, MoodEngine, MoodTrainer, DefaultDataset, moodConfig.provider],
  exports: [MoodService],
})
export class MoodModule {}
