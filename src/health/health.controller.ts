import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { CatalogIndexStatus } from '../catalog-index/catalog-index-status';
import { MoodPredictionService } from '../mood/mood-prediction.service';
import { ClusterHealthIndicator } from './cluster.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly mood: MoodPredictionService,
    private readonly catalogIndex: CatalogIndexStatus,
    private readonly cluster: ClusterHealthIndicator,
  ) {}

  /**
   * Liveness and readiness: the database answers (503 when a check fails). `mood` reports the
   * TensorFlow.js backend, the active model (null until one is trained) and any running training;
   * `catalog` whether the in-memory catalog index has loaded (recommendations answer 503
   * CATALOG_LOADING until it has) and how many tracks it holds; `cluster` this instance's role and
   * change notices, and where REDIS_URL is set, Redis and the training queue (waiting, active,
   * failed jobs), down when Redis does not answer.
   */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Service health: database status' })
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      () => ({ mood: { status: 'up', ...this.mood.status() } }),
      () => ({ catalog: { status: 'up', ...this.catalogIndex.load() } }),
      () => this.cluster.check(),
    ]);
  }
}
