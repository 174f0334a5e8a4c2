import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { trendsConfig } from '../config';
import { PROPHET_POOL_OPTIONS, ProphetPool, ProphetPoolOptions } from './prophet-pool';
import { TrendsController } from './trends.controller';
import { TrendsService } from './trends.service';

@Module({
  controllers: [TrendsController],
  providers: [
    TrendsService,
    ProphetPool,
    {
      provide: PROPHET_POOL_OPTIONS,
      inject: [trendsConfig.KEY],
      useFactory: (config: ConfigType<typeof trendsConfig>): ProphetPoolOptions => ({
        workers: config.workers,
      }),
    },
  ],
})
export class TrendsModule {}
