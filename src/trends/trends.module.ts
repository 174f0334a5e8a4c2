import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { PROPHET_POOL_OPTIONS, ProphetPool, type ProphetPoolOptions } from './prophet-pool';
import { type TrendsConfig, trendsConfig } from './trends.config';
import { TrendsController } from './trends.controller';
import { TrendsService } from './trends.service';
import { ListeningModule } from '../listening/listening.module';

@Module({
  // The catalog harvests the tracks posted to metrics.
  imports: [ListeningModule, CatalogModule],
  controllers: [TrendsController],
  providers: [
    TrendsService,
    ProphetPool,
    trendsConfig.provider,
    {
      provide: PROPHET_POOL_OPTIONS,
      inject: [trendsConfig.KEY],
      useFactory: (config: TrendsConfig): ProphetPoolOptions => ({ workers: config.workers }),
    },
  ],
  // POST /recommendations derives its targets from the same forecast.
  exports: [TrendsService],
})
export class TrendsModule {}
