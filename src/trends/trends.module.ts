import { Module } from '@nestjs/common';
import { ProphetEngine } from './prophet-engine';
import { TrendsController } from './trends.controller';
import { TrendsService } from './trends.service';

@Module({
  controllers: [TrendsController],
  providers: [TrendsService, ProphetEngine],
})
export class TrendsModule {}
