import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { DefaultDataset } from './default-dataset';
import { ModelStore } from './model-store';
import { moodConfig } from './mood.config';
import { MoodController } from './mood.controller';
import { MoodEngine } from './mood-engine';
import { MoodModel } from './mood-model.entity';
import { MoodPredictionService } from './mood-prediction.service';
import { MoodTrainer } from './mood-trainer';
import { TrainingRun } from './training-run.entity';
import { TrainingRunsService } from './training-runs.service';
import { TrainingRunClaims } from './training-run-claims';
import { TrainingRunner } from './training-runner';
import { ListeningModule } from '../listening/listening.module';

@Module({
  // The catalog harvests the tracks posted to predict_mood and retrain_mood.
  imports: [ListeningModule, TypeOrmModule.forFeature([TrainingRun, MoodModel]), CatalogModule],
  controllers: [MoodController],
  providers: [
    MoodPredictionService,
    TrainingRunsService,
    TrainingRunClaims,
    TrainingRunner,
    ModelStore,
    MoodEngine,
    MoodTrainer,
    DefaultDataset,
    moodConfig.provider,
  ],
  exports: [MoodPredictionService],
})
export class MoodModule {}
